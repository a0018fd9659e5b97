"""Kamaelia.Apps.Grey.Support: 1.14's helpers for reading a greylist.conf into a dictionary.

Example Usage
-------------
As Kamaelia Grey 1.14's start-up script used them::

    import os
    import tempfile
    from Kamaelia.Apps.Grey.Support import openConfig, parseConfigFile

    default_config = {"port": 25, "allowed_senders": ["127.0.0.1"], "allowed_domains": []}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "greylist.conf")
        with open(path, "w") as file:
            file.write("port = 8025\\nallowed_domains:\\n    localdomain\\n    example.org\\n")
        lines = openConfig(path)                 # the file's lines (OSError if it is missing)
    config = parseConfigFile(lines, default_config)
    print(config["port"], config["allowed_domains"])    # 8025 ['localdomain', 'example.org']

New code should use :func:`Kamaelia.Apps.Grey.config.loadConfig`, which
checks every value and gives a :class:`~Kamaelia.Apps.Grey.config.GreyConfig`.

How does it work?
-----------------
:func:`SlurpFile` (also called :func:`openConfig`) returns a file's lines.
:func:`parseConfigFile` copies ``default_config`` (deeply: the caller's
dictionary and its lists are left alone) and applies the settings in the
lines, read by :func:`Kamaelia.Apps.Grey.config.configEntries` with 1.14's
rules: ``name = value`` sets a string (an ``int`` for the names in
``things_which_are_ints``); ``name:`` and the indented lines after it add
their items to the list ``name`` (made empty if the dictionary has none),
an item with spaces becoming a tuple of its words; comments, blank lines
and lines that are neither are passed over, and keys are not checked, as
in 1.14. A value that should be an ``int`` and is not raises
:class:`~Kamaelia.Apps.Grey.config.ConfigError` (a ``ValueError``, as 1.14
raised) naming the key, the value and the line; so does a list for a key
whose value is not a list (1.14 failed there with an ``AttributeError``).
"""

from __future__ import annotations

import copy
from typing import Any, Sequence

from Kamaelia.Apps.Grey.config import ConfigError, configEntries

__all__ = ["SlurpFile", "openConfig", "parseConfigFile"]


def SlurpFile(filename: str) -> list[str]:
    """SlurpFile(filename) -> the file's lines, each with its newline."""
    with open(filename) as file:
        return file.readlines()


#: 1.14's name for :func:`SlurpFile` when it reads a config file.
openConfig = SlurpFile


def parseConfigFile(lines: Sequence[str], default_config: dict[str, Any],
                    things_which_are_ints: Sequence[str] = ("port", "smtp_port",
                                                            "inactivity_timeout"),
                    ) -> dict[str, Any]:
    """parseConfigFile(lines, default_config, things_which_are_ints=[...]) -> new dict

    ``default_config`` with the settings in ``lines`` applied (1.14's rules;
    see the module's docstring). Raises ``ConfigError`` (a ``ValueError``)
    for an ``int`` setting that is not a whole number.
    """
    config = copy.deepcopy(default_config)
    for entry in configEntries(lines):
        if entry.kind == "value":
            value: Any = entry.value
            if entry.name in things_which_are_ints:
                try:
                    value = int(value)
                except ValueError:
                    raise ConfigError("must be a whole number", entry.name, value,
                                      where=f"line {entry.line}") from None
            config[entry.name] = value
        elif entry.kind == "list":
            if config.get(entry.name) is None:
                config[entry.name] = []
            if not isinstance(config[entry.name], list):
                raise ConfigError(f"starts a list, but is {config[entry.name]!r} already",
                                  entry.name, where=f"line {entry.line}")
            config[entry.name].extend(item for item, _ in entry.value)
    return config

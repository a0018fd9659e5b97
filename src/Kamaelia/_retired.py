"""The parts of Kamaelia 1.14 that are retired, and why.

Some 1.14 modules talk to services that no longer exist or are built on
libraries that died with Python 2. Faking them would let a program import
them and then fail in ways that are hard to understand, so they are retired
instead: each keeps a small stub module at its 1.14 path whose import raises
:class:`ImportError` with the reason, through :func:`retire`::

    >>> import Kamaelia.Protocol.AIM
    Traceback (most recent call last):
      ...
    ImportError: Kamaelia.Protocol.AIM is retired: ...

The table is also printed in ``docs/compatibility.md``; a test keeps the
two, and the stubs, in step.
"""

from __future__ import annotations

from typing import NoReturn

RETIRED: dict[str, str] = {
    "Kamaelia.Protocol.AIM":
        "AOL shut the AIM/OSCAR service down on 15 December 2017, so there is "
        "no server left to talk to",
    "Kamaelia.Support.OscarUtil":
        "it encodes AIM/OSCAR packets, and AOL shut the AIM service down on "
        "15 December 2017",
    "Kamaelia.Support.OscarUtil2":
        "it encodes AIM/OSCAR packets, and AOL shut the AIM service down on "
        "15 December 2017",
    "Kamaelia.Protocol.Torrent":
        "it is built on the BitTorrent 4 library (Python 2 only, unmaintained "
        "since 2006); use a maintained BitTorrent client such as libtorrent",
    "Kamaelia.Protocol.HTTP.Handlers.UploadTorrents":
        "it belongs to the retired BitTorrent support (Kamaelia.Protocol.Torrent), "
        "and 1.14's never worked (it called an undefined fopen() and never read the "
        "uploaded data); to accept uploads, write a handler that reads request[\"body\"]",
    "Kamaelia.vorbisDecodeComponent":
        "it is an alias of Kamaelia.Codec.Vorbis, which 1.14 itself disabled "
        "(its vorbissimple and libao bindings no longer build)",
    "Kamaelia.Support.Data.tests":
        "these are 1.14's own unit tests, shipped inside the package; they are "
        "not library code (the rebuild has its own tests)",
}


def retire(module: str) -> NoReturn:
    """Raise the ImportError that explains why ``module`` is retired."""
    reason = RETIRED[module]
    raise ImportError(f"{module} is retired: {reason}. "
                      f"See 'Retired modules' in docs/compatibility.md.", name=module)

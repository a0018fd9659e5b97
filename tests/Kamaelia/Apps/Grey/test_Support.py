"""Kamaelia.Apps.Grey.Support, 1.14's config helpers; and every Grey engine module's example runs."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from Kamaelia.Apps.Grey import Support
from Kamaelia.Apps.Grey.Support import SlurpFile, openConfig, parseConfigFile
from test_config import DEFAULTS_114, DIST_114, UNCOMMENTED
from test_docs import assert_runs_cleanly

GREY = Path(__file__).resolve().parents[4] / "src" / "Kamaelia" / "Apps" / "Grey"


def test_slurp_file_gives_the_lines_with_their_newlines(tmp_path: Path) -> None:
    path = tmp_path / "any.conf"
    path.write_text("a = 1\nb:\n  x\n")
    assert SlurpFile(str(path)) == ["a = 1\n", "b:\n", "  x\n"]
    assert openConfig is SlurpFile
    with pytest.raises(OSError):                 # 1.14's start-up caught IOError, an OSError
        openConfig(str(tmp_path / "missing.conf"))
    assert Support.__all__ == ["SlurpFile", "openConfig", "parseConfigFile"]


def test_parse_config_file_reads_1_14s_sample_as_1_14_did(tmp_path: Path) -> None:
    path = tmp_path / "greylist.conf.dist"
    path.write_text(DIST_114)
    lines = openConfig(str(path))
    before = {key: list(value) if isinstance(value, list) else value
              for key, value in DEFAULTS_114.items()}
    assert parseConfigFile(lines, DEFAULTS_114) == {
        "port": 25, "servername": "mail.example.org", "serverid": "Kamaelia-SMTP 1.0",
        "smtp_ip": "192.168.0.25", "smtp_port": 8025, "inactivity_timeout": 60,
        "greylist_log": "/var/log/greylist.log",
        "greylist_debuglog": "/var/log/greylist-debug.log",
        "allowed_senders": ["127.0.0.1", "127.0.0.1"],     # 1.14 added to the default list
        "allowed_sender_nets": ["192.168.2"], "allowed_domains": ["localdomain", "example.org"],
        "whitelisted_triples": [], "whitelisted_nonstandard_triples": []}
    assert DEFAULTS_114 == before                          # the caller's dict is left alone


def test_parse_config_file_makes_tuples_of_items_with_spaces(tmp_path: Path) -> None:
    config = parseConfigFile(UNCOMMENTED.splitlines(keepends=True), DEFAULTS_114)
    assert config["whitelisted_triples"] == [
        ("123.45.67.89", "<sender@somedomain>", "<user@localdomain>")]
    assert config["whitelisted_nonstandard_triples"] == [
        ("mx-out.wellknownsitebook.com", "204.15.20", "<user@localdomain>"),
        ("mx-out.wellknownsitebook.com", "204.15.20", "<user2@localdomain>"),
        ("fallbackmx-out.wellknownsitebook.com", "204.15.20", "<user@localdomain>"),
        ("fallbackmx-out.wellknownsitebook.com", "204.15.20", "<user2@localdomain>")]


def test_parse_config_file_keeps_1_14s_quirks_for_keys_and_lists() -> None:
    lines = ["unknown_key = kept\n",            # keys are not checked
             "stray words\n",                    # neither: passed over
             "things:\n", "    a\n", "#   b\n", "    c\n",     # a comment ends the list
             "port = 2525"]                      # the last line needs no newline here
    assert parseConfigFile(lines, {}) == {"unknown_key": "kept", "things": ["a"], "port": 2525}
    assert parseConfigFile(["extra:\n", "  x\n"], {"extra": None}) == {"extra": ["x"]}
    assert parseConfigFile(["speed = 7\n"], {}, things_which_are_ints=["speed"]) == {"speed": 7}
    assert parseConfigFile(["port = 7\n"], {}, things_which_are_ints=[]) == {"port": "7"}


def test_parse_config_file_names_an_int_that_is_not_one() -> None:
    with pytest.raises(ValueError, match=r"line 2: port = 'twenty': must be a whole number"):
        parseConfigFile(["# a comment\n", "port = twenty\n"], {})


def test_parse_config_file_names_a_list_for_a_key_that_is_not_one() -> None:
    with pytest.raises(ValueError, match=r"line 2: name: starts a list, but is 'grey' already"):
        parseConfigFile(["name = grey\n", "name:\n", "  grey2\n"], {})


# --- the examples in the modules' docstrings ------------------------------------------------------

def exampleBlocks() -> list[tuple[str, str]]:
    """(id, code) for each ``::`` block between "Example Usage" and "How does it work?"."""
    found = []
    for name in ("config", "policy", "store", "postfix", "Support"):
        doc = ast.get_docstring(ast.parse((GREY / f"{name}.py").read_text()), clean=False)
        assert doc and "Example Usage" in doc and "How does it work?" in doc, name
        section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
        blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)
        assert blocks, name
        found += [(f"{name}#{n}", textwrap.dedent(block)) for n, block in enumerate(blocks)]
    return found


@pytest.mark.parametrize("name,code", exampleBlocks(), ids=[name for name, _ in exampleBlocks()])
def test_the_example_usage_runs_as_printed(name: str, code: str) -> None:
    assert_runs_cleanly(name, code)

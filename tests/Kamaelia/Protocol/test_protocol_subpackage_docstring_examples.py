"""The Example Usage code of the protocol subpackages and helper modules runs as printed.

As ``test_protocol_docstring_examples.py`` does for ``Kamaelia.Protocol``'s
own modules: the ``::`` blocks of a module's "Example Usage" section run as
one program in a new interpreter and must print exactly what is expected.
(IRCClient's first block talks to an IRC server on the internet, so only
the blocks after it are run.)
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src"

EXPECTED = {
    "Kamaelia.Protocol.RTP.RTP": "100 b'first' False\n101 b'second' True\n",
    "Kamaelia.Protocol.RTP.RTPHeader": ("8021000700015f9000001234\nTrue\n"
                                        "8021000700015f9000001234000464617461\n"),
    "Kamaelia.Protocol.RTP.RTCPHeader": (
        "81c90007111111112222222240000003000003e8000000050000000000000000\n"
        "b'\\x01\\x07me@host'\nTrue\n"),
    "Kamaelia.Protocol.RTP.NullPayloadRTP": ("0.000 b'\\x00\\x00\\x00\\x04abcd'\n"
                                             "0.008 b'\\x00\\x00\\x00\\x04efgh'\n"
                                             "0.016 b'\\x00\\x00\\x00\\x02ij'\n"),
    "Kamaelia.Protocol.RTP.NullPayloadPreFramer": "b'\\x00\\x00\\x00\\x02hi'\n",
    "Kamaelia.Protocol.RTP.RtpPacker": "1 0 b'first'\n2 45000 b'second'\n",
    "Kamaelia.Protocol.IRC.IRCClient": ("NICK kbot\r\nPRIVMSG #kamtest :how's it going?\r\n"
                                        "('PRIVMSG', 'jlei', '#kamtest', 'stuff')\n"),
    "Kamaelia.Support.Protocol.IRC": ("('PRIVMSG', '#kamtest', 'hello everyone')\n"
                                      "('PRIVMSG', 'bob', 'see you at six')\n"
                                      "['JOIN', '#kamaelia']\n<jlei> stuff\n"
                                      "*** jlei has joined #kamtest\n"),
    "Kamaelia.Support.Protocol.HTTP": ("handler for '/hello', rest '/world'\n"
                                       "404: No resource handler found for URI /nowhere\n"
                                       "/hello/world /page\n"),
    "Kamaelia.Support.Data.bitfieldrec": "[165, 0, 1, 190, 239]\na50001beef\n40\n",
    "Kamaelia.Support.Data.MimeDict": (
        "hi ['a', 'b'] the body\n"
        "'Subject: hi\\r\\nTo: a\\r\\nTo: b\\r\\nX-Seen: yes\\r\\n\\r\\nthe body'\n"
        "'Host: example.com\\r\\nAccept: text/plain\\r\\nAccept: text/html\\r\\n\\r\\n'\n"),
    "Kamaelia.Support.Data.MimeObject": ("['Content-Type', 'text/plain']\n"
                                         "Content-Type: text/plain\n\nhello\n"),
    "Kamaelia.Support.Data.requestLine": ("GET example.com /news?day=1\njoe secret\nHTTP 1.1\n"
                                          "GET http://joe:secret@example.com/news?day=1 "
                                          "HTTP/1.1\n"),
}
NEEDS_A_SERVER = {"Kamaelia.Protocol.IRC.IRCClient": 1}     # blocks to leave out


def exampleCode(module: str) -> str:
    doc = importlib.import_module(module).__doc__ or ""
    section = re.split(r"\n\S.*\n-+\n", doc.split("Example Usage\n-------------\n", 1)[1])[0]
    blocks = re.findall(r"::\n\n((?:(?:    .*)?\n)+)", section)
    return "\n".join(textwrap.dedent(b) for b in blocks[NEEDS_A_SERVER.get(module, 0):])


def test_every_module_of_the_subpackages_has_an_expected_output() -> None:
    found = {f"Kamaelia.Protocol.{p.parent.name}.{p.stem}"
             for sub in ("RTP", "IRC") for p in (SRC / "Kamaelia" / "Protocol" / sub).glob("*.py")
             if not p.name.startswith("_")}
    found |= {f"Kamaelia.Support.Protocol.{p.stem}"
              for p in (SRC / "Kamaelia" / "Support" / "Protocol").glob("*.py")
              if not p.name.startswith("_")}
    assert found <= set(EXPECTED)


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_the_docstring_example_prints_what_it_promises(module: str) -> None:
    code = exampleCode(module)
    assert code.strip(), f"{module} has no example code"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30,
                          env=env, input=b"")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    assert done.stdout.decode() == EXPECTED[module]

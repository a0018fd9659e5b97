"""Tests for Kamaelia.Support.Protocol.IRC: console text to IRC_Client commands and back."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Kamaelia.Support.Protocol.IRC import (channelInformat, channelOutformat, informat,
                                           outformat)

# What Kamaelia 1.14.32 made of each typed line (Python 2.7).
TYPED_114: list[tuple[str, Any]] = [
    ("hello there", ("PRIVMSG", "#kamtest", "hello there")),
    ("/join #x", ["JOIN", "#x"]),
    ("/msg bob hi there", ("PRIVMSG", "bob", "hi there")),
    ("/quit", ["QUIT"]),
    ("/quit gone now", ("QUIT", "gone now")),
    ("/kick #c bob go away", ("KICK", "#c", "bob", "go away")),
    ("/user a b c d e f", ("USER", "a", "b", "c", "d e f")),
    ("/me waves", ("ME", "#kamtest", "waves")),
    ("/nick newnick", ["NICK", "newnick"]),
    ("/", ("PRIVMSG", "#kamtest", "/")),
    ("/ x", ("PRIVMSG", "#kamtest", "/ x")),
    ("/topic #c new topic", ("TOPIC", "#c", "new topic")),
    ("/notice bob", ["NOTICE", "bob"]),
    ("/user a", ["USER", "a"]),
]

# What 1.14.32 wrote for each heard tuple.
HEARD_114: list[tuple[tuple[str, str, str, str], str]] = [
    (("PRIVMSG", "jlei", "#kamtest", "stuff"), "<jlei> stuff\n"),
    (("JOIN", "n", "#kamtest", ""), "*** n has joined #kamtest\n"),
    (("PART", "kambot", "#kamtest", "see you later"), "*** kambot has parted #kamtest\n"),
    (("NICK", "old", "", "new"), "*** old is now known as new\n"),
    (("ACTION", "j", "#kamtest", "does x"), "*** j does x\n"),
    (("TOPIC", "a", "#kamtest", "new topic"), "*** a changed the topic to new topic\n"),
    (("QUIT", "n", "", "bye"), "*** n has quit IRC\n"),
    (("MODE", "a", "#kamtest", "+o x"), "*** a has set channel mode: +o x\n"),
    (("MODE", "a", "#other", "+o x"), "MODE from a: +o x\n"),
    (("001", "s", "me", "Welcome"), "Reply 001 from s to me: Welcome\n"),
    (("433", "s", "*", "Nick in use"), "Error! 433 s * Nick in use\n"),
    (("NOTICE", "", "me", "***"), "NOTICE from : ***\n"),
    (("PING", "srv", "", "srv"), "PING from srv: srv\n"),
]


@pytest.mark.parametrize("typed,command", TYPED_114, ids=lambda v: repr(v)[:24])
def test_informat_gives_what_1_14_gave(typed: str, command: Any) -> None:
    assert informat(typed) == command
    assert type(informat(typed)) is type(command)


@pytest.mark.parametrize("heard,text", HEARD_114, ids=lambda v: repr(v)[:24])
def test_outformat_writes_what_1_14_wrote(heard: tuple[str, str, str, str], text: str) -> None:
    assert outformat(heard) == text


def test_numeric_replies_from_600_up_are_unknown_ones() -> None:
    # 1.14 compared the numbers as strings, so "999" fell through to the last case.
    assert outformat(("999", "s", "me", "x")) == "Unknown numeric reply: 999 s me x\n"
    assert outformat(("1000", "a", "b", "c")) == "1000 from a: c\n"


def test_edge_lines_become_messages() -> None:
    assert informat("") == ("PRIVMSG", "#kamtest", "")
    assert informat("//") == ("PRIVMSG", "#kamtest", "//")


def test_the_channel_versions_use_their_channel() -> None:
    assert channelInformat("#python")("hi") == ("PRIVMSG", "#python", "hi")
    assert channelInformat("#python")("/me waves") == ("ME", "#python", "waves")
    assert channelOutformat("#p")(("MODE", "a", "#p", "+m")) == "*** a has set channel mode: +m\n"


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.text(alphabet="/ abMEQUITmsgkick#\t", max_size=30) | st.text(max_size=30))
def test_informat_always_gives_a_command_starting_with_its_name(text: str) -> None:
    command = informat(text)
    assert isinstance(command, (tuple, list)) and command and command[0]
    assert all(isinstance(part, str) for part in command)

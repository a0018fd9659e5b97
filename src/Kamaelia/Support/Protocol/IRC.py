"""IRC helpers: console text to ``IRC_Client`` commands, and what it hears to text.

Example Usage
-------------
::

    from Kamaelia.Support.Protocol.IRC import informat, outformat

    print(informat("hello everyone"))            # ('PRIVMSG', '#kamtest', 'hello everyone')
    print(informat("/msg bob see you at six"))   # ('PRIVMSG', 'bob', 'see you at six')
    print(informat("/join #kamaelia"))           # ['JOIN', '#kamaelia']
    print(outformat(("PRIVMSG", "jlei", "#kamtest", "stuff")), end="")    # <jlei> stuff
    print(outformat(("JOIN", "jlei", "#kamtest", "")), end="")
    # *** jlei has joined #kamtest

How does it work?
-----------------
:func:`informat` reads a line typed by a user. Text not starting with
``/`` is a message for ``defaultChannel``: ``('PRIVMSG', channel, text)``.
Text starting with ``/`` is a command; its name is upper-cased (``/msg``
becomes ``PRIVMSG``) and its words are grouped as the command needs:

================================================  =================================================
typed                                             gives
================================================  =================================================
``/quit reason words``                            ``('QUIT', 'reason words')``
``/msg target words...``                          ``(COMMAND, target, 'the rest of the words')``;
                                                  the same for ``/privmsg``, ``/notice``,
                                                  ``/kill``, ``/topic`` and ``/squery``
``/kick channel nick reason words``               ``('KICK', channel, nick, 'reason words')``
``/user name host server real name words``        ``('USER', name, host, server, 'real name words')``
``/me does something``                            ``('ME', defaultChannel, 'does something')``
anything else (``/join #x``, ``/nick n``)         a list: the command, then its words
================================================  =================================================

Words are split on white space and joined with single spaces, as 1.14 did.
These tuples are what :class:`Kamaelia.Protocol.IRC.IRCClient.IRC_Client`
takes on its ``"talk"`` inbox.

:func:`outformat` turns what ``IRC_Client`` sends out of ``"heard"`` --
``(command, sender, recipient, body)`` -- into a line of text ending with a
newline: ``<nick> message`` for ``PRIVMSG``, ``*** ...`` lines for
``JOIN``, ``PART``, ``NICK``, ``ACTION``, ``TOPIC``, ``QUIT`` and (for
``defaultChannel``) ``MODE``; numeric replies as ``Reply 001 from ...``
(001-399), ``Error! 433 ...`` (400-599) or ``Unknown numeric reply: ...``
(600-999); anything else as ``COMMAND from sender: body``.

:func:`channelInformat` and :func:`channelOutformat` make versions with
another default channel, for ``PureTransformer``.

What it does not do: it keeps no state (the current channel after
``/join`` is not remembered), and does not check nicknames or channels.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

__all__ = ["informat", "outformat", "channelInformat", "channelOutformat"]

_TARGETED = ("PRIVMSG", "MSG", "NOTICE", "KILL", "TOPIC", "SQUERY")


def informat(text: str, defaultChannel: str = "#kamtest") -> tuple[str, ...] | list[str]:
    """The IRC_Client command for a line ``text`` typed by a user (see the module docstring)."""
    words = text.split()
    if not text.startswith("/") or not words or words[0] == "/":
        return ("PRIVMSG", defaultChannel, text)
    tag = words[0].lstrip("/").upper()
    if not tag:                                    # "//": nothing to command
        return ("PRIVMSG", defaultChannel, text)
    if tag == "MSG":
        tag = "PRIVMSG"
    rest = words[1:]
    if tag == "QUIT" and len(rest) >= 1:
        return (tag, " ".join(rest))
    if tag in _TARGETED and len(rest) >= 2:
        return (tag, rest[0], " ".join(rest[1:]))
    if tag == "KICK" and len(rest) >= 3:
        return (tag, rest[0], rest[1], " ".join(rest[2:]))
    if tag == "USER" and len(rest) >= 3:
        return (tag, rest[0], rest[1], rest[2], " ".join(rest[3:]))
    if tag == "ME" and len(rest) >= 1:
        return (tag, defaultChannel, " ".join(rest))
    return [tag, *rest]


def _numeric(msgtype: Any) -> int | None:
    if isinstance(msgtype, str) and len(msgtype) == 3 and msgtype.isdigit() and msgtype.isascii():
        return int(msgtype)
    return None


def outformat(data: Sequence[Any], defaultChannel: str = "#kamtest") -> str:
    """A line of text (ending with a newline) for what IRC_Client heard:
    ``(command, sender, recipient, body)``."""
    msgtype, sender, recipient, body = data
    data = (msgtype, sender, recipient, body)
    number = _numeric(msgtype)
    if msgtype == "PRIVMSG":
        text = f"<{sender}> {body}"
    elif msgtype == "JOIN":
        text = f"*** {sender} has joined {recipient}"
    elif msgtype == "PART":
        text = f"*** {sender} has parted {recipient}"
    elif msgtype == "NICK":
        text = f"*** {sender} is now known as {body}"
    elif msgtype == "ACTION":
        text = f"*** {sender} {body}"
    elif msgtype == "TOPIC":
        text = f"*** {sender} changed the topic to {body}"
    elif msgtype == "QUIT":
        text = f"*** {sender} has quit IRC"
    elif msgtype == "MODE" and recipient == defaultChannel:
        text = f"*** {sender} has set channel mode: {body}"
    elif number is not None and 0 < number < 400:
        text = "Reply %s from %s to %s: %s" % data
    elif number is not None and 400 <= number < 600:
        text = "Error! %s %s %s %s" % data
    elif number is not None and number >= 600:
        text = "Unknown numeric reply: %s %s %s %s" % data
    else:
        text = f"{msgtype} from {sender}: {body}"
    return text + "\n"


def channelOutformat(channel: str) -> Callable[[Sequence[Any]], str]:
    """:func:`outformat` with ``channel`` as the default channel."""
    def formatter(data: Sequence[Any]) -> str:
        return outformat(data, defaultChannel=channel)
    return formatter


def channelInformat(channel: str) -> Callable[[str], tuple[str, ...] | list[str]]:
    """:func:`informat` with ``channel`` as the default channel."""
    def formatter(text: str) -> tuple[str, ...] | list[str]:
        return informat(text, defaultChannel=channel)
    return formatter

"""IRCClient: an IRC client component, and a prefab that connects it to a server.

Example Usage
-------------
Talk to a server over TCP: log in, join a channel, say something, leave.
``SimpleIRCClientPrefab(host, port)`` takes commands on ``"inbox"`` and
sends what it hears out of ``"outbox"``::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.IRC.IRCClient import SimpleIRCClientPrefab
    from Kamaelia.Support.Protocol.IRC import outformat
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([("NICK", "kamaeliabot"), ("USER", "kbot", "host", "server", "Kamaelia bot"),
                    ("JOIN", "#kamtest"), ("PRIVMSG", "#kamtest", "hello, world")]),
        SimpleIRCClientPrefab("irc.example.org", 6667),
        PureTransformer(outformat),
        ConsoleEchoer(),
    ).run()

Without a network, ``IRC_Client`` shows the translation both ways::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.IRC.IRCClient import IRC_Client
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([("NICK", "kbot"), ("PRIVMSG", "#kamtest", "how's it going?")]),
        Graphline(IRC=IRC_Client(),
                  linkages={("self", "inbox"): ("IRC", "talk"),
                            ("self", "control"): ("IRC", "control"),
                            ("IRC", "outbox"): ("self", "outbox"),
                            ("IRC", "signal"): ("self", "signal")}),
        ConsoleEchoer(),
    ).run()                  # prints NICK kbot, then PRIVMSG #kamtest :how's it going?

    print(IRC_Client().parseIRCMessage(":jlei!~jlei@example.net PRIVMSG #kamtest :stuff"))
    # ('PRIVMSG', 'jlei', '#kamtest', 'stuff')

How does it work?
-----------------
``IRC_Client()`` sits between the server (its ``"inbox"`` and ``"outbox"``,
to be linked to a ``TCPClient``) and the program using it (``"talk"`` and
``"heard"``).

**Talking.** A command arriving on ``"talk"`` is a tuple or list
``(command, param, ...)``, as RFC 1459 and 2812 define them: ``("NICK",
"Zorknpals")``, ``("USER", "jlei", "nohost", "noserver", "Kamaelia IRC
Client")``, ``("JOIN", "#kamaelia")``, ``("PRIVMSG", "#kamtest", "hey!")``,
``("QUIT",)`` or just ``"QUIT"``. The command is upper-cased and the line
``COMMAND param ...\\r\\n`` is sent out of ``"outbox"`` (a ``str``; the
TCP components send it as UTF-8); a parameter that holds a space, starts
with ``:`` or is empty is sent with a ``:`` in front (the IRC way of
writing a last parameter). Two CTCP forms are understood: ``("ME",
target, "does something")`` sends an ACTION, and ``("ACTION", target)`` an
empty one. Unknown commands are sent as they are (the server will answer
421). A command with a carriage return, line feed or NUL in it would let a
user slip in other commands, so it is refused: logged as an error and
dropped (logger ``Kamaelia.Protocol.IRC.IRCClient``).

**Hearing.** What arrives on ``"inbox"`` (``bytes`` or ``str``, cut
anywhere) is split into lines (a line may arrive in several pieces; the
part after the last line ending waits for the rest), in time linear in
the data however it is cut; ``bytes`` are decoded as UTF-8, or Latin-1
where a line is not UTF-8. A line longer than ``maxlinelength`` (16 KiB
by default, :data:`MAX_LINE_LENGTH`) ends the client: the reason is logged
as an error naming the limit, the lines before it are heard, and
``producerFinished`` goes out of ``"signal"`` (so the prefab closes the
connection). Each line is sent out of
``"heard"`` as ``(command, sender, recipient, body)``:

* ``sender`` is the nick of the prefix (before ``!``), or the server's
  name, or ``""`` when there is no prefix;
* ``recipient`` is the first parameter, ``body`` the rest of the line after
  it, without the ``:`` that starts the last parameter: for
  ``:jlei!u@h PRIVMSG #kamtest :stuff``, ``('PRIVMSG', 'jlei', '#kamtest',
  'stuff')``; for ``:srv 353 me = #chan :a b`` the body is ``'= #chan :a
  b'``;
* a CTCP ACTION is heard as ``('ACTION', nick, target, 'does something')``;
  ``PING :token`` as ``('PING', 'token', '', '')``; a ``NICK`` change as
  ``('NICK', old, '', new)``; ``QUIT`` and ``ERROR`` carry their message as
  the body, with an empty recipient;
* a line that is not an IRC message (no command, or a command and nothing
  else) is heard as ``('CLIENT ERROR', 'client', '', line)``.

The client does not log in or answer ``PING`` by itself: the program using
it sends ``NICK`` and ``USER`` first, and ``("PONG", token)`` for each
``PING``, as in 1.14. :meth:`IRC_Client.handleInput`,
:meth:`IRC_Client.handleMessage`, :meth:`IRC_Client.parseIRCMessage`,
:meth:`IRC_Client.parseable`, :meth:`IRC_Client.extractSender`,
:meth:`IRC_Client.extractBody` and :meth:`IRC_Client.shutdown` are the
1.14 methods ``main`` uses, for subclasses to override.

``SimpleIRCClientPrefab(host="irc.libera.chat", port=6667)`` is a
Graphline of an ``IRC_Client`` and a ``TCPClient`` connected to the server:
its ``"inbox"`` is the client's ``"talk"``, its ``"outbox"`` the client's
``"heard"``.

Shutdown: ``IRC_Client`` ends when ``producerFinished`` or
``shutdownMicroprocess`` arrives on ``"control"`` (or ``done`` is set),
after handling what waits on ``"talk"`` and ``"inbox"``, and passes the
message on out of ``"signal"``. In the prefab the client's ``"signal"``
goes to the ``TCPClient`` (so ending the client closes the connection) and
the ``TCPClient``'s ``"signal"`` to the client (so the server closing the
connection ends the client); the prefab ends when both have, sending
``producerFinished`` out of ``"signal"``.

What it does not do: IRCv3 message tags, TLS (give the prefab's
``TCPClient`` yourself for that), flood control, or keeping track of
channels and nicks.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator, Sequence

import Axon as _Axon
from Axon.Ipc import ipc, producerFinished
from Kamaelia._shutdown import isShutdown
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Support._limits import checkLimit, endOversized
from Kamaelia.Util.LineSplit import LineDecoder, LineTooLong
from Kamaelia.Util._stream import shortRepr

__all__ = ["IRC_Client", "SimpleIRCClientPrefab", "MAX_LINE_LENGTH"]

log = logging.getLogger(__name__)

Heard = tuple[str, str, str, str]

#: Characters that would end an IRC line (and so let a user inject another).
_FORBIDDEN = ("\r", "\n", "\0")
#: The longest line IRC_Client accepts from a server by default, in bytes
#: (or characters): 16 KiB, about twice IRCv3's longest (8,191 bytes of
#: tags and a 512-byte message).
MAX_LINE_LENGTH = 16 * 1024
#: Commands whose only parameter is a message, not a target.
_MESSAGE_ONLY = ("QUIT", "ERROR")


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


class IRC_Client(_Axon.Component.component):
    """IRC_Client(maxlinelength=MAX_LINE_LENGTH) -> turns command tuples into IRC lines, and IRC lines into tuples

    - maxlinelength -- the longest line accepted from the server (None: no
      limit); past it the client logs an error naming the limit, sends
      ``producerFinished`` out of ``"signal"`` and ends, which in the prefab
      closes the connection
    """

    Inboxes = {"inbox": "what the server sends (bytes or str, cut anywhere)",
               "control": "shutdown signalling",
               "talk": "commands to send: (command, param, ...) tuples"}
    Outboxes = {"outbox": "IRC lines for the server (str, ending with \\r\\n)",
                "signal": "shutdown signalling",
                "heard": "(command, sender, recipient, body) for each line heard"}

    def __init__(self, maxlinelength: int | None = MAX_LINE_LENGTH, **argd: Any) -> None:
        super().__init__(**argd)
        self.maxlinelength = checkLimit("IRC_Client", "maxlinelength", maxlinelength)
        self.done = False                   # set True to end the client
        self._lines = LineDecoder(b"\n", self.maxlinelength, "IRC_Client")
        self._request: ipc | None = None
        self._oversized: LineTooLong | None = None

    # ----------------------------------------------------------------- loop
    def main(self) -> Iterator[Any]:
        while not self.shutdown():
            self._handleWaiting()
            if self._oversized is not None:
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self._handleWaiting()
        if self._oversized is not None:
            endOversized(self, self._oversized, "maxlinelength", self.maxlinelength)
            return
        self.send(self._request or producerFinished(self), "signal")

    def _handleWaiting(self) -> None:
        for command in self.Inbox("talk"):
            self.handleInput(command)
        while self._oversized is None and self.dataReady("inbox"):
            self.handleMessage(self.recv("inbox"))

    def shutdown(self) -> bool:
        """True once ``producerFinished`` or ``shutdownMicroprocess`` has arrived on
        "control" (the message is kept, to pass on), or ``done`` is set."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isShutdown(message):
                self._request = message
                return True
            log.warning("%s ignored an unexpected message on 'control': %s", self.name,
                        shortRepr(message))
        return bool(self.done)

    # -------------------------------------------------------------- talking
    def handleInput(self, command_tuple: Sequence[Any] | str) -> None:
        """Send the IRC line for ``command_tuple`` out of "outbox" (see the module docstring)."""
        if isinstance(command_tuple, str):
            command_tuple = (command_tuple,)
        try:
            given: list[Any] = [str(param) if isinstance(param, int) and not isinstance(param, bool)
                                else param for param in command_tuple]
            if not given or not all(isinstance(p, str) for p in given) or not given[0]:
                raise ValueError("a command is a tuple of str, starting with the command")
            params: list[str] = given
            bad = [p for p in params if any(c in p for c in _FORBIDDEN)]
            if bad:
                raise ValueError(f"{bad[0]!r} holds a line break or NUL")
        except (TypeError, ValueError) as exc:
            log.error("%s cannot send the command %s (%s); dropped", self.name,
                      shortRepr(command_tuple), exc)
            return
        command = params[0].upper()
        if command == "ME" and len(params) > 2:
            line = f"PRIVMSG {params[1]} :\x01ACTION {params[2]}\x01"
        elif command == "ACTION" and len(params) > 1:
            line = f"PRIVMSG {params[1]} :\x01ACTION\x01"
        else:
            words = [command]
            for param in params[1:]:
                if not param or param.startswith(":") or len(param.split()) > 1 \
                        or param != param.strip():
                    words.append(":" + param)
                else:
                    words.append(param)
            line = " ".join(words)
        self.send(line + "\r\n", "outbox")

    # -------------------------------------------------------------- hearing
    def handleMessage(self, lines: bytes | str) -> None:
        """Take what the server sent (cut anywhere) and send a tuple out of
        "heard" for each complete line."""
        if isinstance(lines, (bytearray, memoryview)):
            lines = bytes(lines)
        if not isinstance(lines, (bytes, str)):
            log.error("%s takes bytes or str from the server, not %s; skipped", self.name,
                      shortRepr(lines))
            return
        decoder = self._lines
        if decoder.kind is not None and decoder.kind is not type(lines):
            # The kind changed (unusual): finish what was waiting on its own.
            last = decoder.close()
            if last is not None:
                self._hearLine(last)
            decoder = self._lines = LineDecoder(b"\n", self.maxlinelength, "IRC_Client")
        try:
            complete = decoder.feed(lines)
        except LineTooLong as exc:      # the client ends (see main)
            complete, self._oversized = exc.lines, exc
        for line in complete:
            self._hearLine(line)

    def _hearLine(self, line: bytes | str) -> None:
        text = _decode(line) if isinstance(line, bytes) else line
        text = text.rstrip("\r\n")
        if self.parseable(text):
            self.send(self.parseIRCMessage(text), "heard")
        elif text.strip():
            self.send(("CLIENT ERROR", "client", "", text), "heard")

    def parseable(self, line: str) -> bool:
        """False for an empty line or one that is only a prefix; else True."""
        tokens = line.split()
        if not tokens:
            return False
        return not (len(tokens) == 1 and line.startswith(":"))

    def parseIRCMessage(self, line: str) -> Heard:
        """``(command, sender, recipient, body)`` for one line from the server."""
        rest = line.lstrip(" ")
        sender = ""
        if rest.startswith(":"):
            prefix, _, rest = rest.partition(" ")
            sender = self.extractSender(prefix)
            rest = rest.lstrip(" ")
        msgtype, _, rest = rest.partition(" ")
        rest = rest.lstrip(" ")
        if not msgtype or not rest:
            return ("CLIENT ERROR", "client", "", line)
        if msgtype.upper() in _MESSAGE_ONLY:
            return (msgtype, sender, "", self.extractBody(rest.split(" ")))
        if rest.startswith(":"):
            # The only parameter is the last one: its first word is taken as
            # the recipient and the rest as the body, as 1.14 did.
            recipient, _, body = rest[1:].partition(" ")
        else:
            recipient, _, after = rest.partition(" ")
            body = self.extractBody(after.lstrip(" ").split(" "))
        if body.startswith("\x01ACTION"):
            msgtype = "ACTION"
            body = body[len("\x01ACTION"):].strip(" ").rstrip("\x01")
        if msgtype == "PING":
            sender, recipient = recipient, ""
        elif msgtype == "NICK":
            body, recipient = recipient, ""
        return (msgtype, sender, recipient, body)

    def extractSender(self, token: str) -> str:
        """The nick of a prefix ``:nick!user@host`` (or the server's name)."""
        name = token[1:] if token.startswith(":") else token
        return name.split("!", 1)[0]

    def extractBody(self, tokens: Sequence[str]) -> str:
        """The tokens joined with spaces, without the leading ":" of a last parameter."""
        body = " ".join(tokens)
        return body[1:] if body.startswith(":") else body


def SimpleIRCClientPrefab(host: str = "irc.libera.chat", port: int = 6667) -> Graphline:
    """SimpleIRCClientPrefab(host="irc.libera.chat", port=6667) -> an IRC_Client connected to a server

    Its "inbox" is the client's "talk", its "outbox" the client's "heard".
    """
    return Graphline(irc=IRC_Client(),
                     tcp=TCPClient(host, port),
                     linkages={("self", "inbox"): ("irc", "talk"),
                               ("irc", "outbox"): ("tcp", "inbox"),
                               ("tcp", "outbox"): ("irc", "inbox"),
                               ("irc", "heard"): ("self", "outbox"),
                               ("irc", "signal"): ("tcp", "control"),
                               ("tcp", "signal"): ("irc", "control")})


__kamaelia_components__ = (IRC_Client,)
__kamaelia_prefabs__ = (SimpleIRCClientPrefab,)

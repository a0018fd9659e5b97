"""FortuneCookieProtocol: send one fortune cookie, at 40 characters a second, then finish.

Example Usage
-------------
One cookie, from a list of your own (sent a byte at a time, as 1.14 did)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.FortuneCookieProtocol import FortuneCookieProtocol
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        FortuneCookieProtocol(cookies=["Luck is a pause."]),
        PureTransformer(bytes.decode),
        ConsoleEchoer(),
    ).run()                              # prints Luck is a pause. in 0.4 seconds

How does it work?
-----------------
As the protocol of a TCP server, it gives every client that connects one
cookie, then the server closes the connection::

    from Kamaelia.Chassis.ConnectedServer import SimpleServer
    from Kamaelia.Protocol.FortuneCookieProtocol import FortuneCookieProtocol

    SimpleServer(protocol=FortuneCookieProtocol, port=1500).run()

``FortuneCookieProtocol(debug=0, cookies=None, command=None, bitrate=320,
chunkrate=40)``, once started, sends one cookie -- ``bytes`` ending with a
newline -- out of ``"outbox"``, then ``producerFinished`` out of
``"signal"``, and ends. Where the cookie comes from:

* ``command`` given (a shell command line, or a list: a program and its
  arguments): the program is run, and what it writes to its standard
  output is the cookie. It runs as a child
  :class:`~Kamaelia.File.UnixProcess.UnixProcess`, so the scheduler is never
  blocked while it works;
* otherwise, with no ``cookies`` either: ``fortune -a`` (1.14's command),
  if ``shutil.which`` finds ``fortune`` on the ``PATH`` or in ``/usr/games``;
* otherwise, or when the program fails (cannot start, ends with a non-zero
  status, or writes nothing), a cookie picked at random from ``cookies``,
  or from a small built-in list of sayings (:data:`COOKIES`). A failed
  program is logged as a warning (logger
  ``Kamaelia.Protocol.FortuneCookieProtocol``).

The pace is 1.14's: ``bitrate`` bits a second in ``chunkrate`` pieces a
second, so by default one byte every 1/40 of a second, the cookie
appearing on the client's terminal as if typed. The pieces are
``max(1, round(bitrate / 8 / chunkrate))`` bytes each, the last one
shorter; the pace is kept against the clock (the scheduler's timers wake
it; nothing sleeps). ``bitrate=None`` sends the cookie as one message.

Structure (as in 1.14): :meth:`FortuneCookieProtocol.initialiseComponent`
makes the child that finds and sends the cookie (``self.source``), passes
its ``"outbox"`` straight through to the protocol's ``"outbox"`` and
starts it; :meth:`FortuneCookieProtocol.mainBody` then waits for the child
to end. A subclass may override either. ``debug`` is accepted for 1.14
compatibility and not used: the logger says what happens. Keyword
arguments a server's factory passes (``peer``, ``peerport``, ``localip``,
``localport``) are kept as attributes.

Shutdown: ``shutdownMicroprocess`` arriving on ``"control"`` ends it early
and quietly: the program, if running, is stopped, what is left of the
cookie is not sent, and the message is passed on out of ``"signal"``.
``producerFinished`` (the client has closed its side) changes nothing: the
cookie is still sent, then that message is passed on instead of a new one.
Other messages on ``"control"`` are logged and ignored.

What it does not do: it does not read what the client sends (messages on
``"inbox"`` are left there), and sends one cookie only.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import time
from typing import Any, Generator, Iterator, Sequence

from Axon.Component import component
from Axon.Ipc import ipc, newComponent, producerFinished, shutdownMicroprocess
from Kamaelia._shutdown import shutdownRequest
from Kamaelia.File.UnixProcess import UnixProcess
from Kamaelia.File.messages import processExited

__all__ = ["FortuneCookieProtocol", "COOKIES"]

log = logging.getLogger("Kamaelia.Protocol.FortuneCookieProtocol")

#: The built-in sayings, used when there is no fortune program.
COOKIES: tuple[str, ...] = (
    "A message sent is half delivered; a message received is the other half.",
    "Pause when there is nothing to do: something will wake you.",
    "The shortest road between two components is a linkage.",
    "Pass the shutdown message on, so that those after you may rest.",
    "Small parts, loosely joined, make large systems bearable.",
    "A queue nobody reads is only a slow way of forgetting.",
    "Today's broken pipe is tomorrow's log line.",
    "Whoever yields often is never in anyone's way.",
)

#: Where Debian and Ubuntu install ``fortune``, often not on a service's PATH.
_GAMES = "/usr/games"


def _findFortune() -> list[str] | None:
    path = os.pathsep.join(filter(None, [os.environ.get("PATH", os.defpath), _GAMES]))
    found = shutil.which("fortune", path=path)
    return [found, "-a"] if found is not None else None


def _checkCookies(cookies: Any) -> tuple[str | bytes, ...]:
    if isinstance(cookies, (str, bytes)) or not isinstance(cookies, Sequence):
        raise TypeError(f"FortuneCookieProtocol: cookies must be a list of str or bytes, "
                        f"not {cookies!r}")
    if not cookies:
        raise ValueError(f"FortuneCookieProtocol: cookies must not be empty, not {cookies!r}")
    for cookie in cookies:
        if not isinstance(cookie, (str, bytes)):
            raise TypeError(f"FortuneCookieProtocol: each cookie must be str or bytes, "
                            f"not {cookie!r}")
    return tuple(cookies)


def _checkRate(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"FortuneCookieProtocol: {name} must be a positive number, "
                         f"not {value!r}")
    return float(value)


def _asCookie(text: str | bytes) -> bytes:
    """``text`` as bytes (str as UTF-8) ending with a newline."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return data if data.endswith(b"\n") else data + b"\n"


class _CookieSource(component):
    """Finds the cookie (program or saying) and sends it, paced; the protocol's child."""

    Inboxes = {"inbox": "not used",
               "control": "shutdownMicroprocess: stop at once",
               "_output": "the program's standard output",
               "_errors": "the program's standard error (dropped)",
               "_exited": "the program's end"}
    Outboxes = {"outbox": "the cookie, in pieces",
                "signal": "producerFinished once sent; the shutdownMicroprocess if stopped",
                "_program": "shutdown messages for the program"}

    def __init__(self, owner: str, process: UnixProcess | None, cookies: Sequence[str | bytes],
                 chunksize: int | None, interval: float) -> None:
        super().__init__()
        self.owner = owner                  # the protocol's name, for log lines
        self._process = process
        self.cookies = cookies
        self.chunksize = chunksize          # None: the whole cookie at once
        self.interval = interval
        self._stop: ipc | None = None

    def main(self) -> Iterator[Any]:
        cookie = None
        if self._process is not None and not self._stopped():
            cookie = yield from self._askProgram(self._process)
        if cookie is None and not self._stopped():
            cookie = _asCookie(random.choice(self.cookies))
        if cookie is not None and not self._stopped():
            log.debug("%s sends %r", self.owner, cookie)
            yield from self._sendPaced(cookie)
        self.send(self._stop or producerFinished(self), "signal")

    def _stopped(self) -> bool:
        while (message := shutdownRequest(self)) is not None:
            if isinstance(message, shutdownMicroprocess):
                self._stop = message
        return self._stop is not None

    def _sendPaced(self, cookie: bytes) -> Generator[Any, None, None]:
        size = self.chunksize
        if size is None:
            self.send(cookie, "outbox")
            return
        due = time.monotonic()
        for at in range(0, len(cookie), size):
            self.send(cookie[at:at + size], "outbox")
            due += self.interval
            # Pause until the next piece is due; a control message wakes it early.
            while (wait := due - time.monotonic()) > 0:
                if self._stopped():
                    return
                self.pause(wait)
                yield 1
            if self._stopped():
                return

    def _askProgram(self, process: UnixProcess) -> Generator[Any, None, bytes | None]:
        """Run the program as a child; its output, or None (failed, or we were stopped)."""
        self.link((process, "outbox"), (self, "_output"))
        self.link((process, "error"), (self, "_errors"))
        self.link((process, "signal"), (self, "_exited"))
        self.link((self, "_program"), (process, "control"))
        self.addChildren(process)
        process.activate()
        self.send(producerFinished(self), "_program")     # it gets no input
        output: list[bytes] = []
        stopSent = False
        while not self.dataReady("_exited"):
            output.extend(self.Inbox("_output"))
            for _ in self.Inbox("_errors"):
                pass
            if self._stopped() and not stopSent:
                self.send(shutdownMicroprocess(self), "_program")
                stopSent = True
            if not self.anyReady():
                self.pause()
            yield 1
        ending = self.recv("_exited")
        output.extend(self.Inbox("_output"))
        self.removeChild(process)
        if self._stopped():
            return None
        cookie = b"".join(output)
        if isinstance(ending, processExited) and ending.returncode == 0 and cookie.strip():
            return _asCookie(cookie)
        why = ending if isinstance(ending, processExited) and ending.returncode else (
            "it wrote nothing" if isinstance(ending, processExited) else ending)
        log.warning("%s: no cookie from the program (%s); sending a saying instead",
                    self.owner, why)
        return None


class FortuneCookieProtocol(component):
    """FortuneCookieProtocol(debug=0, cookies=None, command=None, bitrate=320, chunkrate=40, **argd) -> sends one cookie

    - debug     -- accepted for 1.14 compatibility; not used
    - cookies   -- sayings (str or bytes) to pick from (default: the built-in ones)
    - command   -- a program whose output is the cookie (default: ``fortune -a``
      if it is installed and no ``cookies`` are given)
    - bitrate   -- bits a second to send the cookie at (None: all at once)
    - chunkrate -- pieces a second
    - argd      -- other keyword arguments, kept as attributes (a server's
      factory passes ``peer``, ``peerport``, ``localip``, ``localport``)
    """

    Inboxes = {"inbox": "what the client sends (not read)",
               "control": "shutdownMicroprocess: end at once; producerFinished: "
                          "finish the cookie first",
               "_done": "the cookie source's end"}
    Outboxes = {"outbox": "one fortune cookie (bytes ending with a newline), in pieces",
                "signal": "producerFinished once the cookie is sent",
                "_stop": "shutdown messages for the cookie source"}

    #: 1.14's pace: 320 bit/s in 40 pieces a second, one byte each.
    bitrate: float | None = 320
    chunkrate: float = 40

    def __init__(self, debug: Any = 0, cookies: Sequence[str | bytes] | None = None,
                 command: str | Sequence[str] | None = None, bitrate: float | None = 320,
                 chunkrate: float = 40, **argd: Any) -> None:
        checked = _checkCookies(cookies) if cookies is not None else COOKIES
        if bitrate is not None:
            bitrate = _checkRate("bitrate", bitrate)
        chunkrate = _checkRate("chunkrate", chunkrate)
        if command is None and cookies is None:
            command = _findFortune()
        # Made now, so a bad command is refused at once (UnixProcess checks it).
        program = UnixProcess(command) if command is not None else None
        super().__init__(**argd)
        self.debug = debug
        self.cookies = checked
        self.command = command
        self.bitrate = bitrate
        self.chunkrate = chunkrate
        self._program = program
        self.source: _CookieSource | None = None
        self._request: ipc | None = None    # the shutdown message to pass on

    @property
    def chunksize(self) -> int | None:
        """Bytes per piece sent (None: the cookie is sent whole)."""
        if self.bitrate is None:
            return None
        return max(1, round(self.bitrate / 8 / self.chunkrate))

    @property
    def _process(self) -> UnixProcess | None:
        return self._program

    def initialiseComponent(self) -> newComponent:
        """Make the child that finds and sends the cookie, wired to pass its
        "outbox" through to ours; returns it to be started (1.14's job)."""
        source = self.source = _CookieSource(self.name, self._program, self.cookies,
                                             self.chunksize, 1 / self.chunkrate)
        self.link((source, "outbox"), (self, "outbox"), passthrough=2)
        self.link((source, "signal"), (self, "_done"))
        self.link((self, "_stop"), (source, "control"))
        self.addChildren(source)
        self._takeControl()           # a shutdown already waiting reaches the child first
        return newComponent(source)

    def mainBody(self) -> int:
        """Wait for the cookie to be sent; then pass the shutdown on and return 0."""
        self._takeControl()
        if self.dataReady("_done"):
            self.recv("_done")
            if self.source is not None:
                self.removeChild(self.source)
            self.send(self._request or producerFinished(self), "signal")
            return 0
        if not self.anyReady():
            self.pause()
        return 1

    def _takeControl(self) -> None:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, shutdownMicroprocess):
                if not isinstance(self._request, shutdownMicroprocess):
                    self._request = message
                    self.send(shutdownMicroprocess(self), "_stop")
            elif isinstance(message, producerFinished):
                if self._request is None:
                    self._request = message
            else:
                log.warning("%s ignored an unexpected message on 'control': %r",
                            self.name, message)


__kamaelia_components__ = (FortuneCookieProtocol,)

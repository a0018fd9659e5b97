"""FortuneCookieProtocol: send one fortune cookie, then finish.

Example Usage
-------------
One cookie, from a list of your own::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.FortuneCookieProtocol import FortuneCookieProtocol
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        FortuneCookieProtocol(cookies=["Luck is a well-placed pause."]),
        PureTransformer(bytes.decode),
        ConsoleEchoer(),
    ).run()                              # prints Luck is a well-placed pause.

How does it work?
-----------------
As the protocol of a TCP server, it gives every client that connects one
cookie, then the server closes the connection::

    from Kamaelia.Chassis.ConnectedServer import SimpleServer
    from Kamaelia.Protocol.FortuneCookieProtocol import FortuneCookieProtocol

    SimpleServer(protocol=FortuneCookieProtocol, port=1500).run()

``FortuneCookieProtocol(debug=0, cookies=None, command=None)``, once
started, sends one cookie out of ``"outbox"`` -- ``bytes`` ending with a
newline -- then ``producerFinished`` out of ``"signal"``, and ends. Where
the cookie comes from:

* ``command`` given (a shell command line, or a list: a program and its
  arguments): the program is run, and what it writes to its standard
  output is the cookie. It runs as a child
  :class:`~Kamaelia.File.UnixProcess.UnixProcess`, so the scheduler is never
  blocked while it works;
* otherwise, with no ``cookies`` either: the ``fortune`` program, if
  ``shutil.which`` finds it on the ``PATH`` or in ``/usr/games``;
* otherwise, or when the program fails (cannot start, ends with a non-zero
  status, or writes nothing), a cookie picked at random from ``cookies``,
  or from a small built-in list of sayings (:data:`COOKIES`). A failed
  program is logged as a warning (logger
  ``Kamaelia.Protocol.FortuneCookieProtocol``).

Passing ``cookies`` (and no ``command``) makes it fully predictable, which
is what tests want. ``debug`` is accepted for 1.14 compatibility and not
used: the logger says what happens. Keyword arguments a server's factory
passes (``peer``, ``peerport``, ``localip``, ``localport``) are kept as
attributes.

Shutdown: ``shutdownMicroprocess`` arriving on ``"control"`` before the
cookie is sent ends it early and quietly: the program, if running, is
stopped, no cookie is sent, and the message is passed on out of
``"signal"``. ``producerFinished`` (the client has closed its side) changes
nothing: the cookie is still sent, then that message is passed on instead
of a new one. Other messages on ``"control"`` are logged and ignored.

What it does not do: it does not read what the client sends (messages on
``"inbox"`` are left there), and sends one cookie only.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
from typing import Any, Generator, Iterator, Sequence

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
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
    return [found] if found is not None else None


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


def _asCookie(text: str | bytes) -> bytes:
    """``text`` as bytes (str as UTF-8) ending with a newline."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return data if data.endswith(b"\n") else data + b"\n"


class FortuneCookieProtocol(component):
    """FortuneCookieProtocol(debug=0, cookies=None, command=None, **argd) -> sends one cookie

    - debug   -- accepted for 1.14 compatibility; not used
    - cookies -- sayings (str or bytes) to pick from (default: the built-in ones)
    - command -- a program whose output is the cookie (default: ``fortune``
      if it is installed and no ``cookies`` are given)
    - argd    -- other keyword arguments, kept as attributes (a server's
      factory passes ``peer``, ``peerport``, ``localip``, ``localport``)
    """

    Inboxes = {"inbox": "what the client sends (not read)",
               "control": "shutdownMicroprocess: end at once, sending no cookie",
               "_output": "the program's standard output",
               "_errors": "the program's standard error (dropped)",
               "_exited": "the program's end"}
    Outboxes = {"outbox": "one fortune cookie (bytes ending with a newline)",
                "signal": "producerFinished once the cookie is sent",
                "_program": "shutdown messages for the program"}

    def __init__(self, debug: Any = 0, cookies: Sequence[str | bytes] | None = None,
                 command: str | Sequence[str] | None = None, **argd: Any) -> None:
        checked = _checkCookies(cookies) if cookies is not None else COOKIES
        if command is None and cookies is None:
            command = _findFortune()
        # Made now, so a bad command is refused at once (UnixProcess checks it).
        program = UnixProcess(command) if command is not None else None
        super().__init__(**argd)
        self.debug = debug
        self.cookies = checked
        self.command = command
        self._process = program
        self._request: ipc | None = None    # the shutdown message to pass on

    def main(self) -> Iterator[Any]:
        self._noteControl()
        cookie = None
        if self._process is not None and not self._stopping():
            cookie = yield from self._askProgram(self._process)
        if self._stopping():
            self.send(self._request, "signal")
            return
        if cookie is None:
            cookie = _asCookie(random.choice(self.cookies))
        log.debug("%s sends %r", self.name, cookie)
        self.send(cookie, "outbox")
        self.send(self._request or producerFinished(self), "signal")

    def _noteControl(self) -> None:
        """Take the control messages; a shutdownMicroprocess outranks a producerFinished."""
        while (message := shutdownRequest(self)) is not None:
            if self._request is None or isinstance(message, shutdownMicroprocess):
                if not self._stopping():
                    self._request = message

    def _stopping(self) -> bool:
        return isinstance(self._request, shutdownMicroprocess)

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
            self._noteControl()
            if self._stopping() and not stopSent:
                self.send(shutdownMicroprocess(self), "_program")
                stopSent = True
            if not self.anyReady():
                self.pause()
            yield 1
        ending = self.recv("_exited")
        output.extend(self.Inbox("_output"))
        self.removeChild(process)
        if self._stopping():
            return None
        cookie = b"".join(output)
        if isinstance(ending, processExited) and ending.returncode == 0 and cookie.strip():
            return _asCookie(cookie)
        why = ending if isinstance(ending, processExited) and ending.returncode else (
            "it wrote nothing" if isinstance(ending, processExited) else ending)
        log.warning("%s: no cookie from the program (%s); sending a saying instead",
                    self.name, why)
        return None

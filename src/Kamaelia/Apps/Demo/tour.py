"""The ``kamaelia demo`` tour: a chat server and four scripted clients, drawn live.

Example Usage
-------------
::

    from Kamaelia.Apps.Demo.tour import runDemo

    runDemo(seconds=4)          # the whole script, four times as fast; 0 when it ended

How does it work?
-----------------
:func:`runDemo` builds a small real system on the loopback address and
runs it for ``seconds`` (20 by default):

* a chat server (:func:`~Kamaelia.Apps.Demo.chat.chatServer`: a
  ``ServerCore`` running a ``Graphline`` per connection) and the
  ``Backplane`` that joins its connections;
* a :class:`~Kamaelia.Apps.Demo.chat.ChatLog` subscribed to the backplane;
* the live topology page (``TopologyServer``), whose address it prints;
* a :class:`Director`, which starts each scripted client
  (:func:`~Kamaelia.Apps.Demo.clients.scriptedClient`, a ``Pipeline``
  around a ``TCPClient``) at its time in :data:`SCRIPT`, so that clients
  come and go while it runs.

Every message is told by a :class:`~Kamaelia.Apps.Demo.narrator.Narrator`
as it passes a component: a client ``says`` a line, the chat log sees the
backplane ``relay`` it, each client connected ``hears`` it. The script's
times are for 20 seconds and scale with ``seconds``.

When every client has left (at the end of the script, or at once on
Ctrl-C: the ``interrupt()`` method, safe from a signal handler) the
Director sends the server ``serverShutdown`` and the backplane, chat log
and page ``producerFinished``; each passes it on as it ends, the
scheduler runs out of components, and :func:`runDemo` prints a summary of
what was said and heard, with a word count of the chat. A second Ctrl-C
stops every component at once.

At DEBUG (``kamaelia -v demo``) the ``Kamaelia.Apps.Demo`` logger tells
the components built, by name, each client leaving, and each part of the
system told to stop.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Any, Iterator, NamedTuple, TextIO

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess, shutdownRequest
from Axon.Scheduler import scheduler
from Kamaelia.Apps.Demo.chat import ChatLog, chatServer
from Kamaelia.Apps.Demo.clients import scriptedClient
from Kamaelia.Apps.Demo.narrator import Narrator
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.IPC import serverShutdown
from Kamaelia.Util.Backplane import Backplane, SubscribeTo

__all__ = ["BACKPLANE", "DEFAULT_SECONDS", "Director", "Role", "SCRIPT", "runDemo"]

log = logging.getLogger("Kamaelia.Apps.Demo")

DEFAULT_SECONDS = 20.0
BACKPLANE = "demo chat"


class Role(NamedTuple):
    """One client of the script: when it joins and leaves, what it says when
    (seconds from the start, for a 20-second run)."""

    name: str
    joinAt: float
    leaveAt: float
    lines: tuple[tuple[float, str], ...]


SCRIPT: tuple[Role, ...] = (
    Role("alice", 0.5, 19.0, (
        (2.0, "hello? is anyone here?"),
        (5.5, "welcome carol! this is a chat server on loopback"),
        (7.0, "ServerCore runs a Graphline for each connection"),
        (10.0, "they never refer to one another: only to the backplane's name"),
        (15.5, "bye carol"),
        (18.0, "see you next time"))),
    Role("bob", 1.5, 19.2, (
        (3.0, "loud and clear, alice"),
        (8.0, "and a Backplane sends every line to every connection"),
        (12.0, "dave, open the live topology page: you can watch yourself arrive"),
        (17.0, "time for us all to go"))),
    Role("carol", 4.0, 14.5, (
        (5.0, "hi both! what is this place?"),
        (9.0, "so how does my line reach you?"),
        (14.0, "I have to go now; bye everyone"))),
    Role("dave", 10.5, 19.4, (
        (11.0, "sorry I'm late: what did I miss?"),
        (13.0, "there I am: a Speaker, a TCPClient, a LineSplit and a Listener"),
        (16.0, "and carol's components have gone from the page"))),
)


class Director(AdaptiveCommsComponent):
    """Director(roles, host, port, narrator, stops, scale=1.0) -> runs the script's clients, then stops the system

    - roles    -- the :class:`Role` s to play (times multiplied by ``scale``)
    - host, port -- the chat server's address
    - narrator -- told when each client ``joins``
    - stops    -- (component, message) pairs: the message to send each
      part of the system when every client has left, in that order

    Each client is a child, started at its join time; its Pipeline's
    "signal" comes back on "_clientEnded". A shutdown message on "control"
    makes the clients still there leave now and the rest never join. Ends
    once the stop messages are sent.
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess: end the script now",
               "_clientEnded": "each client's signal, once it has left"}
    Outboxes = {"outbox": "not used", "signal": "producerFinished, once the system is told to stop"}

    def __init__(self, roles: tuple[Role, ...], host: str, port: int, narrator: Narrator,
                 stops: list[tuple[component, Any]], scale: float = 1.0, **argd: Any) -> None:
        super().__init__(**argd)
        self.roles = sorted(roles, key=lambda role: role.joinAt)
        self.host, self.port = host, port
        self.narrator = narrator
        self.stops = stops
        self.scale = scale
        self.joined = 0                     # roles started so far (in join order)
        self.ended = 0                      # clients whose Pipeline has ended
        self.cut = False                    # the script was ended early
        self._leaveNow: list[str] = []      # an outbox to each client's "control"

    def interrupt(self) -> None:
        """End the script now: safe from a signal handler or another thread."""
        self.scheduler.callFromThread(self._deliver, shutdownMicroprocess(self), "control")

    def main(self) -> Iterator[int]:
        while self.ended < self.joined or (not self.cut and self.joined < len(self.roles)):
            self._checkControl()
            self._joinWhoIsDue()
            self.ended += len(list(self.Inbox("_clientEnded")))
            self.pause(self._secondsToNextJoin())
            yield 1
        self._stopTheSystem()
        self.send(producerFinished(self), "signal")

    def _checkControl(self) -> None:
        if self.cut or shutdownRequest(self) is None:
            return
        self.cut = True
        log.debug("%s: the script is cut short; %d client(s) leave now",
                  self.name, self.joined - self.ended)
        for box in self._leaveNow:
            self.send(producerFinished(self), box)

    def _joinWhoIsDue(self) -> None:
        while (not self.cut and self.joined < len(self.roles)
               and self.roles[self.joined].joinAt * self.scale <= self.narrator.elapsed()):
            self._join(self.roles[self.joined])
            self.joined += 1

    def _join(self, role: Role) -> None:
        client = scriptedClient(role.name, [(at * self.scale, text) for at, text in role.lines],
                                role.leaveAt * self.scale, self.host, self.port, self.narrator)
        leave = self.addOutbox(f"leave_{role.name}")
        self.link((self, leave), (client, "control"))
        self.link((client, "signal"), (self, "_clientEnded"))
        self._leaveNow.append(leave)
        self.addChildren(client)
        self.narrator.tell(role.name, "joins", f"(connects to {self.host}:{self.port})")
        log.debug("%s: %s joins as %s", self.name, role.name, client.name)
        client.activate()

    def _secondsToNextJoin(self) -> float | None:
        if self.cut or self.joined == len(self.roles):
            return None                     # (a client ending wakes us)
        due = self.roles[self.joined].joinAt * self.scale
        return max(0.0, due - self.narrator.elapsed())

    def _stopTheSystem(self) -> None:
        for part, message in self.stops:
            box = self.addOutbox("_stop")
            self.link((self, box), (part, "control"))
            log.debug("%s: every client has left; %s to %s", self.name,
                      type(message).__name__, part.name)
            self.send(message, box)


class _Interrupts:
    """Ctrl-C (SIGINT) and SIGTERM while the demo runs: first end the script,
    then stop everything at once. (Only when run in the main thread, the one
    Python gives signals to; elsewhere ``Director.interrupt()`` ends it.)"""

    def __init__(self, director: Director) -> None:
        self.director = director
        self.count = 0
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> "_Interrupts":
        if threading.current_thread() is threading.main_thread():   # (signals go only there)
            for number in (signal.SIGINT, signal.SIGTERM):
                self.previous[number] = signal.signal(number, self._interrupted)
        return self

    def __exit__(self, *exc: Any) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)

    def _interrupted(self, signum: int, frame: Any) -> None:
        self.count += 1
        if self.count == 1:
            self.director.interrupt()
        else:
            sched = self.director.scheduler
            sched.callFromThread(sched.stop)


def _header(seconds: float, host: str, chatPort: int, pageUrl: str) -> str:
    return (f"Kamaelia demo: a chat server on {host}:{chatPort} and four scripted "
            f"clients, for {seconds:g} s\n"
            f"Watch it live: {pageUrl}\n"
            "(one line per message as it passes a component; Ctrl-C ends early; "
            "kamaelia demo --help explains)\n\n")


def _summary(narrator: Narrator, chatLog: ChatLog) -> str:
    counts = narrator.counts
    common = ", ".join(f"{word!r} x{n}" for word, n in chatLog.tally.most_common(3))
    return (f"\nSummary: {counts['joins']} clients joined and {counts['leaves']} left; "
            f"{counts['says']} lines said, {counts['relays']} relayed, "
            f"{counts['hears']} heard; {sum(chatLog.tally.values())} words, "
            f"{len(chatLog.tally)} different; most common: {common}\n")


def runDemo(seconds: float = DEFAULT_SECONDS, port: int = 0, host: str = "127.0.0.1",
            out: TextIO | None = None) -> int:
    """Run the tour for ``seconds`` with its page on ``port``; the exit status (0)."""
    from Kamaelia.Util.Topology.server import TopologyServer

    if not seconds > 0:
        raise ValueError(f"seconds must be a number > 0, got {seconds!r}")
    out = out if out is not None else sys.stdout
    page = TopologyServer(port=port, host=host)         # first: a port in use raises here
    server = chatServer(BACKPLANE, port=0, host=host)
    backplane = Backplane(BACKPLANE)
    narrator = Narrator(out)                            # (its clock starts now)
    chatLog = ChatLog(narrator)
    logPipeline = Pipeline(SubscribeTo(BACKPLANE), chatLog)
    out.write(_header(seconds, host, server.port, page.url))
    director = Director(SCRIPT, host, server.port, narrator,
                        stops=[(server, serverShutdown()), (logPipeline, producerFinished()),
                               (backplane, producerFinished()), (page, producerFinished())],
                        scale=seconds / DEFAULT_SECONDS)
    parts = [page, server, backplane, logPipeline, director]
    log.debug("built %s", ", ".join(part.name for part in parts))
    with _Interrupts(director):
        for part in parts:
            part.activate()
        scheduler.run.runThreads()
    log.debug("every component has ended")
    if director.cut:
        out.write("\n(cut short)\n")
    out.write(_summary(narrator, chatLog))
    out.flush()
    return 0


__kamaelia_components__ = (Director,)

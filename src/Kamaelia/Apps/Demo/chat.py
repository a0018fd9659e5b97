"""The demo's server side: a line-based chat server and a log of what it carries.

Example Usage
-------------
A chat server on a free loopback port, with a log of every line relayed
(activate the three, then run the scheduler)::

    from Kamaelia.Apps.Demo.chat import ChatLog, chatServer
    from Kamaelia.Apps.Demo.narrator import Narrator
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Backplane import Backplane, SubscribeTo

    server = chatServer("demo chat", port=0, host="127.0.0.1")
    backplane = Backplane("demo chat")
    log = Pipeline(SubscribeTo("demo chat"), ChatLog(Narrator()))
    print(f"chat on 127.0.0.1:{server.port}")
    server.close()                  # (not run here: give the port back)

How does it work?
-----------------
:func:`chatServer` is a ``ServerCore`` whose protocol, made afresh for each
connection by :func:`chatProtocol`, is a ``Graphline``: the bytes the
client sends are cut into lines (``LineSplit``) and each line is published
on the named ``Backplane``; everything published there comes back out to
the client (``SubscribeTo``). No connection knows about another: the
backplane's name joins them. When the client leaves, the server sends the
protocol ``shutdownMicroprocess``; the Graphline's "control" is linked to
no child, so it reaches both, and the connection's components end.

:class:`ChatLog`, after a ``SubscribeTo`` of its own, is one more
subscriber: it tells the narrator every line the backplane relays and
counts the words in them.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import shutdownRequest
from Kamaelia.Apps.Demo.narrator import Narrator
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Backplane import PublishTo, SubscribeTo
from Kamaelia.Util.LineSplit import LineSplit
from Kamaelia.Util.PureTransformer import PureTransformer

__all__ = ["ChatLog", "chatProtocol", "chatServer", "words"]

log = logging.getLogger("Kamaelia.Apps.Demo")


def words(line: str) -> list[str]:
    """The words of a chat line after its ``"name: "``, lower case, punctuation off."""
    said = line.partition(": ")[2]
    return [w for w in (word.strip(",.:;!?'\"()").lower() for word in said.split()) if w]


def _withNewline(line: bytes) -> bytes:
    return line + b"\n"


def chatProtocol(backplane: str) -> Graphline:
    """The protocol of one connection: its lines to ``backplane``, the backplane to it."""
    return Graphline(
        SPLIT=LineSplit(),
        PUBLISH=Pipeline(PureTransformer(_withNewline), PublishTo(backplane)),
        HEAR=SubscribeTo(backplane),
        linkages={("self", "inbox"): ("SPLIT", "inbox"),
                  ("SPLIT", "outbox"): ("PUBLISH", "inbox"),
                  ("HEAR", "outbox"): ("self", "outbox")})


def chatServer(backplane: str, port: int = 0, host: str | None = "127.0.0.1") -> ServerCore:
    """A ``ServerCore`` on ``host``:``port`` running :func:`chatProtocol` per connection."""
    return ServerCore(protocol=lambda **info: chatProtocol(backplane), port=port, host=host)


class ChatLog(component):
    """ChatLog(narrator) -> tells each chat line arriving on "inbox"; counts their words

    Lines arrive as bytes ending in ``b"\\n"``, as the backplane carries them.
    Attributes: ``relayed`` (lines seen), ``tally`` (a ``Counter`` of their
    words, see :func:`words`). Ends on a shutdown message on "control",
    passing it on.
    """

    Inboxes = {"inbox": "chat lines (bytes), as the backplane relays them",
               "control": "producerFinished or shutdownMicroprocess"}
    Outboxes = {"outbox": "not used", "signal": "the shutdown message, passed on"}

    def __init__(self, narrator: Narrator, **argd: Any) -> None:
        super().__init__(**argd)
        self.narrator = narrator
        self.relayed = 0
        self.tally: Counter[str] = Counter()

    def main(self) -> Iterator[int]:
        while (request := shutdownRequest(self)) is None:
            self._logWaiting()
            if not self.dataReady("inbox"):
                self.pause()
            yield 1
        self._logWaiting()
        log.debug("%s: %s on control; passing it on, then ending",
                  self.name, type(request).__name__)
        self.send(request, "signal")

    def _logWaiting(self) -> None:
        for chunk in self.Inbox("inbox"):
            line = chunk.decode("utf-8", "replace").rstrip("\n")
            self.relayed += 1
            self.tally.update(words(line))
            self.narrator.tell("chat", "relays", line)


__kamaelia_components__ = (ChatLog,)

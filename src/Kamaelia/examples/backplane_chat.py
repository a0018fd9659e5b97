"""A console chat through a Backplane: two scripted users talk, a screen shows it.

    python examples/backplane_chat.py

prints::

    alice: hi bob
    bob: hello alice
    alice: how are you?
    bob: fine, thanks. bye!
    alice: bye!
    host: everyone has left; closing the chat

``Backplane("chat")`` is a named hub. Anything sent to a ``PublishTo("chat")``
reaches every ``SubscribeTo("chat")``; neither needs a reference to the
other, only the name. Each user is a Pipeline that hears the chat
(``SubscribeTo``), decides what to say (``Speaker``) and says it
(``PublishTo``); the screen is a subscriber feeding a ``ConsoleEchoer``.

A user speaks its next line only after hearing someone else, so the
conversation keeps its order however the scheduler interleaves the users.
A subscription starts when its ``SubscribeTo`` first runs, and components
first run in the order they are activated: so the screen and bob are
activated before alice, who speaks first.

A user who has said all its lines ends, and its ``producerFinished``
reaches the ``Host``. Once every user has left, the host says so (what is
sent to a Backplane's own "inbox" is published) and sends
``producerFinished`` to the backplane's "control": the backplane delivers
everything still on its way, then passes the shutdown to every subscriber,
so the screen, and everything else, ends.
"""
from typing import Iterable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo
from Kamaelia.Util.Console import ConsoleEchoer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = (
    "alice: hi bob\n"
    "bob: hello alice\n"
    "alice: how are you?\n"
    "bob: fine, thanks. bye!\n"
    "alice: bye!\n"
    "host: everyone has left; closing the chat\n"
)


class Speaker(component):
    """Says its lines in turn: the first at once if ``first``, then one each
    time it hears someone else; ends (producerFinished) after the last."""

    Inboxes = {"inbox": "lines heard in the chat", "control": "shutdown signalling"}
    Outboxes = {"outbox": "lines to say", "signal": "producerFinished when done"}

    def __init__(self, name: str, lines: Iterable[str], first: bool = False) -> None:
        super().__init__()
        self.speaker, self.lines, self.first = name, list(lines), first

    def say(self) -> None:
        self.send(f"{self.speaker}: {self.lines.pop(0)}\n", "outbox")

    def main(self) -> Iterator[int]:
        if self.first:
            self.say()
        while self.lines:
            for line in self.Inbox("inbox"):
                if self.lines and not line.startswith(self.speaker + ":"):
                    self.say()
            request = shutdownRequest(self)
            if request is not None:
                self.send(request, "signal")    # pass it on, then end
                return
            if self.lines and not self.anyReady():
                self.pause()
            yield 1
        self.send(producerFinished(self), "signal")


class Host(component):
    """Waits for a producerFinished from each of ``users`` users, then says
    goodbye and closes the chat."""

    Inboxes = {"inbox": "not used", "control": "producerFinished from each user"}
    Outboxes = {"outbox": "the goodbye, to the backplane", "signal": "closes the backplane"}

    def __init__(self, users: int) -> None:
        super().__init__()
        self.users = users

    def main(self) -> Iterator[int]:
        left = 0
        while left < self.users:
            for _ in self.Inbox("control"):
                left += 1
            if left < self.users:
                self.pause()
            yield 1
        self.send("host: everyone has left; closing the chat\n", "outbox")
        self.send(producerFinished(self), "signal")


def user(name: str, lines: Iterable[str], first: bool = False) -> Pipeline:
    return Pipeline(SubscribeTo("chat"), Speaker(name, lines, first), PublishTo("chat"))


chat = Backplane("chat")
host = Host(users=2)
host.link((host, "outbox"), (chat, "inbox"))
host.link((host, "signal"), (chat, "control"))

screen = Pipeline(SubscribeTo("chat"), ConsoleEchoer())
bob = user("bob", ["hello alice", "fine, thanks. bye!"])
alice = user("alice", ["hi bob", "how are you?", "bye!"], first=True)
for person in (alice, bob):
    host.link((person, "signal"), (host, "control"))

for part in (chat, host, screen, bob, alice):      # listeners before the first speaker
    part.activate()
scheduler.run.runThreads()

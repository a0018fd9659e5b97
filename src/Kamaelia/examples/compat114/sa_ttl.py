"""A time to live for components with TTL (mirrors 1.14's Contrib/Kamaelia.Apps.SA/TTL.py).

    python examples/compat114/sa_ttl.py

As in 1.14's example, ``TTL(component, delay)`` wraps components that would
run for ever: some that stop when asked (declaring their boxes in the
several ways 1.14 allows: the defaults, a dict, a list, a mixture), and one
with no boxes at all, which cannot be asked and is stopped by force. Each
is given a fifth of a second. They report when they start and when they
are told to stop, so it prints::

    Default boxes: started
    Default boxes: asked to stop with producerFinished
    Dict of boxes: started
    Dict of boxes: asked to stop with producerFinished
    List of boxes: started
    List of boxes: asked to stop with producerFinished
    Mixed boxes: started
    Mixed boxes: asked to stop with producerFinished
    No boxes: started
    No boxes: stopped by force: True
"""
from Axon.Component import component
from Kamaelia.Apps.SA.Chassis import TTL

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("Default boxes: started\n"
                  "Default boxes: asked to stop with producerFinished\n"
                  "Dict of boxes: started\n"
                  "Dict of boxes: asked to stop with producerFinished\n"
                  "List of boxes: started\n"
                  "List of boxes: asked to stop with producerFinished\n"
                  "Mixed boxes: started\n"
                  "Mixed boxes: asked to stop with producerFinished\n"
                  "No boxes: started\n"
                  "No boxes: stopped by force: True\n")

class WellBehaved(component):
    """Says hello every so often until a message arrives on "control"."""

    label = "Default boxes"

    def main(self):
        print(f"{self.label}: started")
        while not self.dataReady("control"):
            self.send("hello", "outbox")
            self.pause(0.05)
            yield 1
        message = self.recv("control")
        print(f"{self.label}: asked to stop with {type(message).__name__}")
        self.send(message, "signal")


class WithDict(WellBehaved):
    label = "Dict of boxes"
    Inboxes = {"inbox": "not used", "control": "any message stops it"}
    Outboxes = {"outbox": "hellos", "signal": "the stop message"}


class WithList(WellBehaved):
    label = "List of boxes"
    Inboxes = ["inbox", "control"]
    Outboxes = ["outbox", "signal"]


class Mixed(WellBehaved):
    label = "Mixed boxes"
    Inboxes = ["inbox", "control"]
    Outboxes = {"outbox": "hellos", "signal": "the stop message"}


class BadlyBehaved(component):
    """No boxes: nothing can ask it to stop."""

    Inboxes = []
    Outboxes = []

    def main(self):
        print("No boxes: started")
        while True:
            self.pause(0.05)
            yield 1


for make in (WellBehaved, WithDict, WithList, Mixed):
    TTL(make(), 0.2).run()

stubborn = BadlyBehaved()
TTL(stubborn, 0.2).run()
print("No boxes: stopped by force:", stubborn._isStopped())

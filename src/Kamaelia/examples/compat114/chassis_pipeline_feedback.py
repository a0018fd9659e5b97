"""A feedback loop with Pipeline(circular=True) (mirrors 1.14's
Examples/UsingChassis/Pipeline, Feedback.py).

    python examples/compat114/chassis_pipeline_feedback.py

prints (each model on a line of its own, after an empty first line)::

    B
    BTL
    BTLTB
    BTLTBTBTL
    BTLTBTBTLTBTLTB
    BTLTBTBTLTBTLTBTBTLTBTBTL
    BTLTBTBTLTBTLTBTBTLTBTBTLTBTLTBTBTLTBTLTB
    BTLTBTBTLTBTLTBTBTLTBTBTLTBTLTBTBTLTBTLTBTBTLTBT
    feedback loop ended

``Pipeline(LSystem(), ConsoleEchoer(tag="\\n", forwarder=True), Damage(),
circular=True)`` links the last component back to the first: the L-system
rewrites its model (``B -> BTL``, ``L -> B``), the echoer prints each model
on a new line (its ``tag``) and passes it on (``forwarder``), and ``Damage``
trims models longer than 30 atoms before they come back round to the
L-system, which carries on from the damaged model (so the last model is
shorter than it would have been).

After eight generations the L-system sends ``producerFinished`` out of
"signal"; it travels round the ring (echoer, then damage) and every
component ends, and so does the Pipeline.
"""

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = (
    "\nB"
    "\nBTL"
    "\nBTLTB"
    "\nBTLTBTBTL"
    "\nBTLTBTBTLTBTLTB"
    "\nBTLTBTBTLTBTLTBTBTLTBTBTL"
    "\nBTLTBTBTLTBTLTBTBTLTBTBTLTBTLTBTBTLTBTLTB"
    "\nBTLTBTBTLTBTLTBTBTLTBTBTLTBTLTBTBTLTBTLTBTBTLTBT"
    "\nfeedback loop ended\n"
)


class LSystem(component):
    """Sends its model, waits for it to come back, rewrites it; ``generations`` times."""

    rules = {"B": "BTL", "L": "B"}

    def __init__(self, generations):
        super().__init__()
        self.generations = generations

    def main(self):
        model = "B"
        for _ in range(self.generations):
            self.send(model, "outbox")
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            model = "".join(self.rules.get(atom, atom) for atom in self.recv("inbox"))
        self.send(producerFinished(self), "signal")


class Damage(component):
    """Passes models on, keeping only the first 30 atoms of a long one."""

    def main(self):
        while not self.dataReady("control"):
            for model in self.Inbox("inbox"):
                self.send(model[:30] if len(model) > 30 else model, "outbox")
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(self.recv("control"), "signal")


Pipeline(
    LSystem(generations=8),
    ConsoleEchoer(tag="\n", forwarder=True),
    Damage(),
    circular=True,
).run()
print("\nfeedback loop ended")

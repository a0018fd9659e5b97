"""A message after a delay with SingleTick (mirrors 1.14's Contrib/Kamaelia.Apps.SA/SingleTick.py).

    python examples/compat114/sa_single_tick.py

``SingleTick(0.2)`` waits a fifth of a second, sends ``True`` (shown with
``repr`` by the ``ConsoleEchoer``) and ends, which ends the Pipeline. A
second SingleTick sends a message of our own. It prints::

    True
    the kettle has boiled
"""
from Kamaelia.Apps.SA.Time import SingleTick
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = "True\nthe kettle has boiled\n"

Pipeline(SingleTick(0.2), ConsoleEchoer(use_repr=True)).run()
print()
Pipeline(SingleTick(delay=0.1, tick_mesg="the kettle has boiled\n"), ConsoleEchoer()).run()

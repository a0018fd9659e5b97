"""See your own program in a web browser: one line, ``Introspector.serve(port)``.

    python examples/live_topology.py          # the demonstration below
    python examples/live_topology.py 8765     # serve until Ctrl-C; open
                                              # http://127.0.0.1:8765/ in a browser

prints::

    the page shows: CheapAndCheerfulClock, Pipeline, PureTransformer, nullSinkComponent
    with 8 links

The program is a Pipeline: a clock ticking ten times a second, a
``PureTransformer`` and a sink. ``Introspector.serve(0)`` before it runs
serves the live topology page of everything running in the program (on a
port the system chooses; ``server.url`` says where), drawn as a graph that
changes as components come and go, with the messages waiting in each box
and how often each component runs.

The demonstration plays the browser with the ``websockets`` library's client
while the program runs in a thread: it reads the first message the page
would get (the whole graph, as JSON) and prints what is in it, then stops
the program.
"""

import json
import sys
import threading

from websockets.sync.client import connect

from Axon.Introspector import Introspector
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Clock import CheapAndCheerfulClock
from Kamaelia.Util.NullSink import nullSinkComponent
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("the page shows: CheapAndCheerfulClock, Pipeline, PureTransformer, "
                  "nullSinkComponent\n"
                  "with 8 links\n")


def program() -> Pipeline:
    return Pipeline(CheapAndCheerfulClock(0.1), PureTransformer(lambda tick: "tick"),
                    nullSinkComponent())


def demonstrate() -> None:
    program().activate()
    server = Introspector.serve(0)
    running = threading.Thread(target=scheduler.run.runThreads)
    running.start()
    try:
        with connect(f"ws://127.0.0.1:{server.port}/ws") as page:
            graph = json.loads(page.recv(timeout=10))
        shown = sorted(node["class"].rsplit(".", 1)[1] for node in graph["nodes"])
        print("the page shows:", ", ".join(shown))
        print("with", len(graph["links"]), "links")
    finally:
        scheduler.run.stop()            # (thread-safe: stops every component)
        running.join()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        served = Introspector.serve(int(sys.argv[1]))
        print(f"live topology on {served.url} (Ctrl-C stops)", flush=True)
        try:
            program().run()
        except KeyboardInterrupt:
            pass
    else:
        demonstrate()

"""Map a function over a stream on a Dask cluster, failures included.

    python examples/dask_map.py

starts a ``LocalCluster`` of two worker processes, finds the number below
each bound whose Collatz chain is the longest (one bound per task), prints
the answers in the order the bounds went in, and exits:

    below 10: 9, 19 steps
    below 1000: 871, 178 steps
    item #2 (-5) failed: ValueError: the bound must be at least 2, not -5
    below 100000: 77031, 350 steps
    below 300000: 230631, 442 steps
    4 answers, 1 failure

``DaskTransformer`` takes the bounds from ``"inbox"``, hands them to the
cluster and sends each answer out of ``"outbox"``; the bound the function
fails on comes out of ``"error"`` as a ``TaskFailed`` in its place (both
boxes lead to the same inbox, so the order holds), and the rest carry on. Given the cluster object (``address=cluster``), the
component makes a client of its own and closes it when it ends; the cluster
is this program's to close. (``address="local"`` would have the component
start and close a cluster itself; ``address="tcp://host:8786"`` uses one
running elsewhere.)

The function is defined in this file: Dask pickles it by value, so the
workers need not import it. The system is started under ``if __name__ ==
"__main__":`` because each worker process re-imports this file.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from distributed import LocalCluster

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Util.DaskTransformer import DaskTransformer, TaskFailed
from Kamaelia.Util.DataSource import DataSource

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = """\
below 10: 9, 19 steps
below 1000: 871, 178 steps
item #2 (-5) failed: ValueError: the bound must be at least 2, not -5
below 100000: 77031, 350 steps
below 300000: 230631, 442 steps
4 answers, 1 failure
"""

BOUNDS = [10, 1000, -5, 100_000, 300_000]


def longestChain(bound: int) -> tuple[int, int, int]:
    """(bound, n, steps): the n below ``bound`` whose Collatz chain takes the most steps."""
    if bound < 2:
        raise ValueError(f"the bound must be at least 2, not {bound}")
    steps = [0] * bound                     # steps[n]: steps from n down to 1
    best = (1, 0)
    for start in range(2, bound):
        n, count = start, 0
        while n >= start:                   # until it drops below where we know the way
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            count += 1
        steps[start] = count + steps[n]
        if steps[start] > best[1]:
            best = (start, steps[start])
    return bound, best[0], best[1]


class Report(component):
    """Prints each answer and each failure as it comes; on producerFinished,
    a summary, then passes it on and ends."""

    Inboxes = {"inbox": "(bound, n, steps) answers and TaskFailed reports, in input order",
               "control": "producerFinished: print the summary and end"}

    def main(self) -> Iterator[Any]:
        answers = failures = 0
        while True:
            for message in self.Inbox("inbox"):
                if isinstance(message, TaskFailed):
                    print(message)          # item #2 (-5) failed: ValueError: ...
                    failures += 1
                else:
                    bound, n, steps = message
                    print(f"below {bound}: {n}, {steps} steps")
                    answers += 1
            while self.dataReady("control"):
                message = self.recv("control")
                if isinstance(message, (producerFinished, shutdownMicroprocess)):
                    print(f"{answers} answers, {failures} failure{'s' * (failures != 1)}")
                    self.send(message, "signal")
                    return
            if not self.anyReady():
                self.pause()
            yield 1


def main() -> None:
    # silence_logs: the workers would log each failure too; Report prints them.
    with LocalCluster(  # type: ignore[no-untyped-call]  # (distributed's own hints)
            n_workers=2, threads_per_worker=1, processes=True,
            dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL) as cluster:
        Graphline(
            BOUNDS=DataSource(BOUNDS),
            MAP=DaskTransformer(longestChain, address=cluster, inboxSize=None,
                                logFailures=False),
            REPORT=Report(),
            linkages={("BOUNDS", "outbox"): ("MAP", "inbox"),
                      ("BOUNDS", "signal"): ("MAP", "control"),
                      ("MAP", "outbox"): ("REPORT", "inbox"),
                      ("MAP", "error"): ("REPORT", "inbox"),    # in its place
                      ("MAP", "signal"): ("REPORT", "control")},
        ).run()


if __name__ == "__main__":
    main()

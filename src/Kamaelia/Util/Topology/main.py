"""``kamaelia inspect``: a small running system, drawn live in your browser.

Example Usage
-------------
.. code-block:: console

    $ kamaelia inspect                    # serve on a free port; open the URL it prints
    $ kamaelia inspect --port 8765        # on port 8765
    $ kamaelia inspect --seconds 30       # stop by itself after 30 s
    $ kamaelia inspect --host 0.0.0.0     # let other machines look (no password!)

From Python: ``main(["--seconds", "5"])`` returns the exit status;
``python -m Kamaelia.Util.Topology.main`` runs it too.

How does it work?
-----------------
:func:`addArguments` declares the options on the ``argparse`` parser that
``kamaelia`` gives it, and :func:`command` runs what they say: it makes
the demonstration system of :mod:`Kamaelia.Util.Topology.demo` (a TCP echo
server, a Pipeline talking to it, a Graphline with a slow consumer whose
queue grows and drains, and short-lived clients that come and go), serves
the live topology page of it
(:class:`~Kamaelia.Util.Topology.server.TopologyServer`) and prints the
page's address, then runs until Ctrl-C (or SIGTERM) or, with
``--seconds N``, for N seconds. Either way every component is stopped and
the command exits 0.

To see your own program instead, add ``Introspector.serve(port)``
(``from Axon.Introspector import Introspector``) before it runs.

Errors: bad options exit with status 2 and say which option and why; a
port in use exits with status 1.
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any, Sequence, TextIO

__all__ = ["HELP", "addArguments", "command", "main", "run"]

HELP = """\
Run a small demonstration system (a Pipeline, a Graphline, a TCP echo server
with clients coming and going) and serve a web page that draws it live:
components, boxes, links and the messages waiting in each box. Open the URL
it prints; click a component to see its boxes, class and docstring.

  kamaelia inspect [--port P] [--host H] [--seconds N] [--interval S]

To look at your own program instead, call Introspector.serve(port) in it
(from Axon.Introspector import Introspector).
"""


def addArguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``kamaelia inspect``'s arguments on ``parser``."""
    parser.add_argument("--port", type=int, default=0,
                        help="the page's port (default 0: a free one, printed)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to serve on (default 127.0.0.1: this machine only)")
    parser.add_argument("--seconds", type=float, metavar="N",
                        help="stop after N seconds (default: run until Ctrl-C)")
    parser.add_argument("--interval", type=float, default=0.5, metavar="S",
                        help="seconds between looks at the system (default 0.5)")


def _fail(message: str, status: int = 2) -> int:
    print(f"kamaelia inspect: {message}", file=sys.stderr)
    return status


def command(args: argparse.Namespace) -> int:
    """Run ``kamaelia inspect`` as parsed into ``args``; the exit status."""
    if not 0 <= args.port <= 65535:
        return _fail(f"--port must be a port from 0 to 65535, got {args.port}")
    if args.seconds is not None and not args.seconds > 0:
        return _fail(f"--seconds must be a number of seconds > 0, got {args.seconds}")
    if not args.interval > 0:
        return _fail(f"--interval must be a number of seconds > 0, got {args.interval}")
    return run(port=args.port, host=args.host, seconds=args.seconds, interval=args.interval)


def run(port: int = 0, host: str = "127.0.0.1", seconds: float | None = None,
        interval: float = 0.5, output: TextIO | None = None) -> int:
    """Serve the demonstration system's page until Ctrl-C or ``seconds``; the exit status."""
    from Axon.Scheduler import scheduler
    from Kamaelia.Util.Topology.demo import demoSystem
    from Kamaelia.Util.Topology.server import TopologyServer

    say = output or sys.stdout
    try:
        server = TopologyServer(port=port, host=host, interval=interval)
    except OSError as exc:
        return _fail(f"cannot serve on port {port}: {exc.strerror or exc}", 1)
    parts = demoSystem()
    print(f"Live topology of the demonstration system: {server.url}", file=say, flush=True)
    print("(Ctrl-C stops)" if seconds is None else f"(for {seconds:g} s; Ctrl-C stops sooner)",
          file=say, flush=True)
    sched = scheduler.run

    def stop(signum: int, frame: Any) -> None:
        # Not stop() itself: the handler may interrupt the scheduler mid-round.
        sched.callFromThread(sched.stop)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        if seconds is not None:
            sched.callLater(seconds, sched.stop)
        server.activate()
        for part in parts:
            part.activate()
        sched.runThreads()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("Stopped.", file=say, flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``kamaelia inspect`` with these arguments; the exit status."""
    parser = argparse.ArgumentParser(prog="kamaelia inspect", description=HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    addArguments(parser)
    return command(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())

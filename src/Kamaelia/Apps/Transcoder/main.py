"""Kamaelia.Apps.Transcoder.main: the ``kamaelia transcode`` command.

Example Usage
-------------
From the shell::

    $ kamaelia transcode uploads/ site/                 # watch uploads/, make site/
    $ kamaelia transcode uploads/ site/ --once          # what is there now, then exit
    $ kamaelia transcode uploads/ site/ --serve 8080    # and show site/ over HTTP
    $ kamaelia transcode --config transcoder.toml --workers 4
    $ kamaelia transcode uploads/ site/ --dask local    # jobs on a Dask LocalCluster
    $ kamaelia transcode uploads/ site/ --dask tcp://scheduler:8786

From Python::

    from Kamaelia.Apps.Transcoder.main import main
    status = main(["uploads", "site", "--once"])

How does it work?
-----------------
:func:`command` (what :mod:`Kamaelia.cli` runs) loads the settings
(``--config``: TOML, or 1.14's ``batch_converter.conf``; see
:mod:`.config`), applies the command line on top, and runs a
:class:`~.components.TranscoderService` with a
:class:`~.display.ProgressDisplay` after it, and with ``--serve`` an HTTP
server for the output folder (its ``index.html`` is the results page).
SIGTERM or Ctrl-C stops it gently: nothing new is taken, the jobs the
workers have are finished, queued ones are kept for the next run; a second
signal stops at once (the jobs cut short are redone next time).

Exit status: 0 when all went well; with ``--once``, 3 when some files were
refused (they are in ``failed/`` with their reasons); 1 when the service
could not run (a folder cannot be watched, the worker pool failed); 2 for
a bad option or configuration (one line on standard error naming it).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from typing import Any, Sequence

__all__ = ["addArguments", "command", "main", "HELP"]

log = logging.getLogger("Kamaelia.Apps.Transcoder")

HELP = """\
The watch-folder transcoder: the back end of a photo, video and document site.

It watches INCOMING for uploads (a file is taken once it is complete: it
has stopped changing and no program has it open for writing), and makes
web versions in OUTPUT: images at 1.14's sizes (626, 466, 306, 146 and 66
px wide, 40 and 18 px squares) as JPEG, WebP and AVIF; videos as an
H.264/AAC MP4 ladder (1080p/720p/360p, never upscaled) with a poster, a
thumbnail strip, a web page, and optionally WebM and HLS; PDFs as page
images, a poster and their text. Each item gets a folder with a
manifest.json under OUTPUT/moderate/; originals go to OUTPUT/done/ or,
refused, to OUTPUT/failed/ with NAME.reason.txt beside them. A restart
carries on where it stopped; the same file twice is not redone.

Settings: --config FILE (TOML, or 1.14's batch_converter.conf); the
options below override it. See docs/apps/transcoder.md for every key.
"""


def addArguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kamaelia transcode``."""
    parser.add_argument("incoming", nargs="?", metavar="INCOMING",
                        help="the folder to watch for uploads (default: the config's, "
                             "or ./uploads)")
    parser.add_argument("output", nargs="?", metavar="OUTPUT",
                        help="the folder to make the results in (default: the config's, "
                             "or ./transcoded)")
    parser.add_argument("--config", metavar="FILE", help="settings (TOML, or 1.14's format)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="worker processes (default: one per core)")
    parser.add_argument("--dask", metavar="ADDR",
                        help="run the jobs on a Dask cluster: a scheduler address "
                             "(tcp://host:8786) or 'local' for a LocalCluster here")
    parser.add_argument("--once", action="store_true",
                        help="process what is there, then exit")
    parser.add_argument("--serve", type=int, metavar="PORT",
                        help="also serve OUTPUT over HTTP on PORT (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address --serve listens on (default 127.0.0.1)")
    parser.add_argument("--plain", action="store_true",
                        help="one line per event instead of progress bars")


def _settings(args: argparse.Namespace) -> Any:
    from .config import loadConfig
    overrides: dict[str, Any] = {"output": args.output, "workers": args.workers,
                                 "dask": args.dask}
    if args.incoming is not None:
        overrides["incoming"] = [args.incoming]
    return loadConfig(args.config, **overrides)


def _server(folder: str, port: int, host: str) -> Any:
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
    from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory

    handler = createRequestHandler([("/", MinimalFactory("index.html", folder))])
    return ServerCore(protocol=lambda **info: HTTPServer(handler, **info), port=port,
                      host=host)


def command(args: argparse.Namespace) -> int:
    """Run ``kamaelia transcode`` as parsed into ``args``; the exit status."""
    from .config import ConfigError

    try:
        config = _settings(args)
    except ConfigError as error:
        print(f"kamaelia transcode: {error}", file=sys.stderr)
        return 2
    if args.serve is not None and not 0 <= args.serve <= 65535:
        print(f"kamaelia transcode: --serve must be a port from 0 to 65535, not {args.serve}",
              file=sys.stderr)
        return 2
    for folder in config.incoming:
        if not Path(folder).is_dir():
            print(f"kamaelia transcode: the incoming folder {folder!r} does not exist; "
                  "make it, or name another", file=sys.stderr)
            return 2
    return run(config, once=args.once, serve=args.serve, host=args.host, plain=args.plain)


def run(config: Any, once: bool = False, serve: int | None = None, host: str = "127.0.0.1",
        plain: bool = False, output: Any = None) -> int:
    """Run the transcoder with ``config`` (see the module docstring); the exit status."""
    from Axon.Ipc import producerFinished, shutdownMicroprocess
    from Axon.Scheduler import scheduler
    from Kamaelia.Chassis.Graphline import Graphline

    from .components import TranscoderService
    from .display import ProgressDisplay

    say = output or sys.stdout
    try:
        service = TranscoderService(config, once=once)
    except OSError as exc:
        print(f"kamaelia transcode: cannot start: {exc}", file=sys.stderr)
        return 1
    display = ProgressDisplay(plain=True if plain else None,
                              epilogue="Still serving the results (Ctrl-C stops)."
                              if once and serve is not None else None)
    system = Graphline(SERVICE=service, DISPLAY=display,
                       linkages={("SERVICE", "outbox"): ("DISPLAY", "inbox"),
                                 ("SERVICE", "progress"): ("DISPLAY", "progress"),
                                 ("SERVICE", "signal"): ("DISPLAY", "control")})
    server = None
    if serve is not None:
        try:
            server = _server(service.workflow.output, serve, host)
        except OSError as exc:
            print(f"kamaelia transcode: cannot listen on {host} port {serve}: {exc}",
                  file=sys.stderr)
            service.workflow.close()
            return 1
        service.workflow.writeIndex()
        shown = f"[{host}]" if ":" in host else host
        print(f"Serving the results at http://{shown}:{server.port}/", file=say, flush=True)
    where = f"on Dask ({config.dask})" if config.dask else f"with {service.workers} workers"
    print(f"Transcoding {', '.join(config.incoming)} into {service.workflow.output} {where}"
          + ("" if once else " (Ctrl-C stops)"), file=say, flush=True)
    sched = scheduler.run
    signals = {"count": 0}

    def stop(signum: int, frame: Any) -> None:
        signals["count"] += 1
        first = signals["count"] == 1
        log.warning("signal %d: %s", signum, "finishing the jobs in the workers "
                    "(again to stop now)" if first else "stopping now")
        message = producerFinished() if first else shutdownMicroprocess()
        sched.callFromThread(service._deliver, message, "control")
        if server is not None:
            sched.callFromThread(server._deliver, shutdownMicroprocess(), "control")

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        system.activate()
        if server is not None:
            server.activate()
        sched.runThreads()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if service.failure:
        print(f"kamaelia transcode: {service.failure}", file=sys.stderr)
        return 1
    if once and display.counts.get("failed"):
        return 3
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``kamaelia transcode`` with ``argv`` (the words after ``transcode``)."""
    parser = argparse.ArgumentParser(prog="kamaelia transcode", description=HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    addArguments(parser)
    return command(parser.parse_args(argv))

"""``kamaelia record``: the TV recorder's command line.

Example Usage
-------------
::

    $ kamaelia record scan --source udp://239.1.1.1:1234     # what is on it
    $ kamaelia record --source udp://239.1.1.1:1234 --channel "BBC ONE" \\
          --channel "BBC TWO" --out recordings
    $ kamaelia record --rules rules.toml --source http://tvheadend:9981/stream/mux/1 \\
          --web 8080                      # and http://HOST:8080/, /epg.xml
    $ kamaelia record --source mux.ts --channel "BBC ONE" --no-transcode

From Python: ``main(["--source", "mux.ts", "--channel", "BBC ONE"])``
returns the exit status.

How does it work?
-----------------
:func:`addArguments` declares the options on the parser ``kamaelia``
gives it and :func:`command` runs them. For each ``--source`` (as many as
you like; see ``Kamaelia.Apps.TVRecorder.sources`` for the forms) a
``TransportStreamSource`` feeds a ``Recorder``
(``Kamaelia.Apps.TVRecorder.recorder``), which writes one ``.ts`` and
``.json`` per programme of each wanted channel into ``--out``
(``OUT/CHANNEL/YYYY-MM-DD HHMM TITLE.ts``). What is wanted is
``--channel`` (every programme, each its own file) or the rules of
``--rules FILE`` (``Kamaelia.Apps.TVRecorder.rules``: titles, channels,
times, padding), or both. ``--live-hls`` keeps a growing HLS playlist of
each recording while it records (``OUT/live/CHANNEL/NAME/index.m3u8``).
Each finished recording goes to a
``TranscodeQueue`` (H.264/AAC MP4, ``--hls`` for HLS too, ``--jobs`` at
once, default one per core) unless ``--no-transcode``. ``--web PORT``
serves the page of recordings and now/next and ``/epg.xml``;
``--xmltv FILE`` writes the guide to a file as well (when it ends, and
after each recording).

Every change of state is a line on standard output: a source starting,
stalling and coming back, each recording starting and ending, each
transcode's progress. ``--seconds N`` stops after N seconds; Ctrl-C (or
SIGTERM) stops the sources and finishes every recording (marked partial
in its ``.json``), then lets the transcodes queued finish; a second
Ctrl-C stops those too (their ``.ts`` stay).

Exit status: 0; 2 for bad options (naming the option and why); 1 when a
source or the web port cannot be used at all.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, Iterator, Sequence, TextIO

__all__ = ["HELP", "addArguments", "command", "main", "scan"]

HELP = """\
Record digital TV from DVB tuners, IPTV multicast, HTTP streams or files:
one file per programme of each channel wanted, transcoded for the web.

  kamaelia record --source URL --channel NAME [--channel NAME ...] [--out DIR]
  kamaelia record --source URL --rules rules.toml
  kamaelia record scan --source URL          list the services and now/next

Sources: udp://[GROUP]:PORT, rtp://GROUP:PORT, http(s)://..., a file,
dvb://CHANNEL?adapter=N&conf=channels.conf. --source may be given again.
"""

SCAN_SECONDS = 10.0


def addArguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=["scan"],
                        help="scan: list what the source carries, then stop")
    parser.add_argument("--source", action="append", default=[], metavar="URL",
                        help="where the transport stream comes from (again for more)")
    parser.add_argument("--channel", action="append", default=[], metavar="NAME",
                        help="record every programme of this channel (as the SDT names it)")
    parser.add_argument("--rules", metavar="FILE", help="record what the rules in FILE match")
    parser.add_argument("--out", metavar="DIR",
                        help="where recordings go (default: the rules' out, or ./recordings)")
    parser.add_argument("--padding-before", type=float, default=0.0, metavar="S",
                        help="seconds recorded before each --channel programme (default 0)")
    parser.add_argument("--padding-after", type=float, default=0.0, metavar="S",
                        help="seconds recorded after each --channel programme (default 0)")
    parser.add_argument("--no-transcode", dest="transcode", action="store_false",
                        help="keep the .ts recordings only")
    parser.add_argument("--hls", action="store_true", help="make HLS as well as MP4")
    parser.add_argument("--live-hls", action="store_true",
                        help="also a growing HLS playlist of each recording while it records "
                             "(OUT/live/...; one ffmpeg per recording)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="transcodes at once (default: one per core)")
    parser.add_argument("--web", type=int, metavar="PORT",
                        help="serve the recordings page and /epg.xml on PORT (0: any)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address --web listens on (default 127.0.0.1)")
    parser.add_argument("--xmltv", metavar="FILE", help="write the guide (XMLTV) to FILE")
    parser.add_argument("--stall-timeout", type=float, default=5.0, metavar="S",
                        help="a network source silent this long is reopened (default 5)")
    parser.add_argument("--seconds", type=float, metavar="N",
                        help="stop after N seconds (scan: give up after N, default 10)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kamaelia record", description=HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    addArguments(parser)
    return command(parser.parse_args(argv))


def _fail(message: str, status: int = 2) -> int:
    print(f"kamaelia record: {message}", file=sys.stderr)
    return status


def command(args: argparse.Namespace, say: TextIO | None = None) -> int:
    """Run ``kamaelia record`` as parsed into ``args``; the exit status."""
    from Kamaelia.Apps.TVRecorder.sources import parseSource

    say = say or sys.stdout
    if not args.source:
        return _fail("give at least one --source (e.g. udp://239.1.1.1:1234 or a file)")
    try:
        specs = [parseSource(text) for text in args.source]
    except ValueError as error:
        return _fail(f"--source: {error}")
    if args.seconds is not None and not args.seconds > 0:
        return _fail(f"--seconds must be more than 0, not {args.seconds}")
    if not 0 < args.stall_timeout <= 3600:
        return _fail(f"--stall-timeout must be more than 0 and at most 3600 s, "
                     f"not {args.stall_timeout}")
    if args.action == "scan":
        return scan(specs, args.seconds or SCAN_SECONDS, say)
    return _record(args, specs, say)


# ------------------------------------------------------------------ scan

def scan(specs: Sequence[Any], seconds: float, say: TextIO) -> int:
    """Read each source until its services and now/next are known (or ``seconds``)."""
    from Kamaelia.Apps.TVRecorder.scan import ServiceScanner, formatScan
    from Kamaelia.Apps.TVRecorder.sources import TransportStreamSource

    status = 0
    for spec in specs:
        scanner = ServiceScanner()
        failures: list[str] = []
        _runUntil(TransportStreamSource(spec, maxAttempts=1, stallTimeout=seconds),
                  scanner, seconds, failures)
        print(f"{spec.text}:", file=say)
        print(formatScan(scanner), end="", file=say, flush=True)
        if not scanner.services:
            print(f"  ({failures[-1]})" if failures else
                  f"  (no services found in {seconds:g} s)", file=say)
            status = 1
    return status


def _runUntil(source: Any, scanner: Any, seconds: float, failures: list[str]) -> None:
    from Axon.Component import component
    from Axon.Ipc import shutdownMicroprocess
    from Kamaelia.Chassis.Graphline import Graphline

    deadline = time.monotonic() + seconds

    class Scan(component):
        Inboxes = {"inbox": "transport stream", "status": "the source's lines",
                   "control": "the source's end"}
        Outboxes = {"outbox": "", "signal": "stops the source when the scan is done"}

        def main(self) -> Iterator[int]:
            while not scanner.complete and time.monotonic() < deadline:
                self.scanWaiting()
                if self.dataReady("control"):
                    return
                self.pause(max(0.0, deadline - time.monotonic()))
                yield 1
            self.send(shutdownMicroprocess(), "signal")

        def scanWaiting(self) -> None:
            for chunk in self.Inbox("inbox"):
                scanner.feed(chunk)
            failures.extend(line for line in self.Inbox("status")
                            if "fail" in line or "gave up" in line)

    Graphline(SOURCE=source, SCAN=Scan(),
              linkages={("SOURCE", "outbox"): ("SCAN", "inbox"),
                        ("SOURCE", "status"): ("SCAN", "status"),
                        ("SOURCE", "signal"): ("SCAN", "control"),
                        ("SCAN", "signal"): ("SOURCE", "control")}).run()


# ---------------------------------------------------------------- record

def _selection(args: argparse.Namespace) -> tuple[Any, Path] | int:
    from Kamaelia.Apps.TVRecorder.recorder import ChannelSelection, RuleSelection
    from Kamaelia.Apps.TVRecorder.rules import RulesError, loadRules

    if not args.channel and not args.rules:
        return _fail("say what to record: --channel NAME or --rules FILE")
    for name in ("padding_before", "padding_after"):
        value = getattr(args, name)
        if not 0 <= value <= 86400:
            return _fail(f"--{name.replace('_', '-')} must be 0 to 86400 seconds, not {value}")
    if args.jobs is not None and args.jobs < 1:
        return _fail(f"--jobs must be 1 or more, not {args.jobs}")
    if args.web is not None and not 0 <= args.web <= 65535:
        return _fail(f"--web must be a port from 0 to 65535, not {args.web}")
    selections: list[Any] = []
    out = Path(args.out) if args.out else None
    if args.rules:
        try:
            rules = loadRules(args.rules)
        except RulesError as error:
            return _fail(str(error))
        selections.append(RuleSelection(rules))
        out = out or rules.out
    if args.channel:
        selections.append(ChannelSelection(args.channel, args.padding_before,
                                           args.padding_after))
    return _Either(selections), out or Path("recordings")


class _Either:
    """What any of several selections wants, with the widest padding."""

    def __init__(self, selections: list[Any]) -> None:
        self.selections = selections
        self.maxPaddingBefore = max(getattr(s, "maxPaddingBefore", 0.0) for s in selections)

    def wants(self, programme: Any, channel: str) -> tuple[float, float] | None:
        wanted = [padding for s in self.selections
                  if (padding := s.wants(programme, channel)) is not None]
        if not wanted:
            return None
        return (max(p[0] for p in wanted), max(p[1] for p in wanted))


def _record(args: argparse.Namespace, specs: Sequence[Any], say: TextIO) -> int:
    from Axon.Ipc import producerFinished, shutdownMicroprocess
    from Axon.Scheduler import scheduler
    from Kamaelia.Apps.TVRecorder._parts import AllEnded, Jobs, Made, Say
    from Kamaelia.Apps.TVRecorder.recorder import Recorder
    from Kamaelia.Apps.TVRecorder.sources import TransportStreamSource
    from Kamaelia.Apps.TVRecorder.web import RecorderState, StateKeeper, webServer
    from Kamaelia.Chassis.Graphline import Graphline

    chosen = _selection(args)
    if isinstance(chosen, int):
        return chosen
    selection, out = chosen
    out.mkdir(parents=True, exist_ok=True)
    state = RecorderState(out)
    xmltv = Path(args.xmltv) if args.xmltv else None
    children: dict[str, Any] = {
        "KEEPER": StateKeeper(state, onFinished=lambda _done: _writeGuide(state, xmltv)),
        "SAY": Say(say), "ENDED": AllEnded(len(specs))}
    linkages: dict[tuple[str, str], tuple[str, str]] = {
        ("ENDED", "signal"): ("KEEPER", "control")}
    if args.live_hls:
        from Kamaelia.Apps.TVRecorder.live import LiveRecordings
        from Kamaelia.Apps.TVRecorder.transcode import recordingSettings
        children["LIVE"] = LiveRecordings(out / "live", settings=recordingSettings())
        linkages.update({("ENDED", "signal"): ("LIVE", "control"),
                         ("LIVE", "signal"): ("KEEPER", "control"),
                         ("LIVE", "status"): ("SAY", "inbox")})
    sources = []
    for number, spec in enumerate(specs):
        source = TransportStreamSource(spec, stallTimeout=args.stall_timeout,
                                       reportInterval=60.0)
        sources.append(source)
        children[f"SOURCE{number}"] = source
        children[f"REC{number}"] = Recorder(out, selection, source=spec.text,
                                            live=args.live_hls)
        if args.live_hls:
            linkages[(f"REC{number}", "live")] = ("LIVE", "inbox")
        linkages.update({
            (f"SOURCE{number}", "outbox"): (f"REC{number}", "inbox"),
            (f"SOURCE{number}", "signal"): (f"REC{number}", "control"),
            (f"SOURCE{number}", "status"): ("SAY", "inbox"),
            (f"REC{number}", "outbox"): ("KEEPER", "finished"),
            (f"REC{number}", "epg"): ("KEEPER", "inbox"),
            (f"REC{number}", "status"): ("SAY", "inbox"),
            (f"REC{number}", "signal"): ("ENDED", "control")})
    transcoder = None
    if args.transcode:
        from Kamaelia.Apps.TVRecorder.transcode import TranscodeQueue, recordingSettings
        transcoder = TranscodeQueue(concurrency=args.jobs, settings=recordingSettings(hls=args.hls))
        children.update(JOBS=Jobs(out / "web"), TRANSCODE=transcoder, MADE=Made())
        linkages.update({
            ("KEEPER", "outbox"): ("JOBS", "inbox"),
            ("KEEPER", "signal"): ("JOBS", "control"),
            ("JOBS", "outbox"): ("TRANSCODE", "inbox"),
            ("JOBS", "signal"): ("TRANSCODE", "control"),
            ("TRANSCODE", "outbox"): ("MADE", "inbox"),
            ("TRANSCODE", "status"): ("SAY", "inbox"),
            ("TRANSCODE", "signal"): ("MADE", "control"),
            ("MADE", "outbox"): ("KEEPER", "transcoded"),
            ("MADE", "signal"): ("SAY", "control")})
    else:
        linkages[("KEEPER", "signal")] = ("SAY", "control")
    system = Graphline(linkages=linkages, **children)

    server = closeWeb = None
    if args.web is not None:
        try:
            server, closeWeb = webServer(state, port=args.web, host=args.host)
        except OSError as exc:
            return _fail(f"cannot serve on {args.host} port {args.web}: {exc}", 1)
        shown = f"[{args.host}]" if ":" in args.host else args.host
        print(f"Recordings and guide at http://{shown}:{server.port}/ "
              f"(XMLTV: /epg.xml)", file=say, flush=True)
    wanted = ", ".join(args.channel) if args.channel else ""
    if args.rules:
        wanted = f"{wanted}{' and ' if wanted else ''}the rules in {args.rules}"
    print(f"Recording {wanted} from {', '.join(s.text for s in specs)} into {out}"
          " (Ctrl-C stops)", file=say, flush=True)

    sched = scheduler.run
    presses = {"count": 0}

    def stopSources() -> None:
        for source in sources:
            source._deliver(producerFinished(), "control")

    def stop(signum: int, frame: Any) -> None:
        presses["count"] += 1
        if presses["count"] == 1:
            print("stopping: finishing the recordings"
                  + (" and the transcodes queued (Ctrl-C again to stop them)"
                     if transcoder is not None else ""), file=say, flush=True)
            sched.callFromThread(stopSources)
        elif transcoder is not None:
            sched.callFromThread(transcoder._deliver, shutdownMicroprocess(), "control")

    # The sources' changes of state are status lines here already; their log
    # records (warnings) would say each one twice.
    sourceLog = logging.getLogger("Kamaelia.Apps.TVRecorder.sources")
    quietened = sourceLog.level
    if not sourceLog.isEnabledFor(logging.INFO):
        sourceLog.setLevel(logging.ERROR)
    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        system.activate()
        if server is not None:
            server.activate()
            system.link((system, "signal"), (server, "control"))
        if args.seconds is not None:
            sched.callLater(args.seconds, stopSources)
        sched.runThreads()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        sourceLog.setLevel(quietened)
        if closeWeb is not None:
            closeWeb()
    _writeGuide(state, xmltv)
    made = len(state.snapshot()["recordings"])
    print(f"{made} recording{'s' if made != 1 else ''} in {out}", file=say, flush=True)
    return 0


def _writeGuide(state: Any, path: Path | None) -> None:
    if path is None:
        return
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(state.xmltv())
    os.replace(partial, path)

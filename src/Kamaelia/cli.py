"""The ``kamaelia`` command.

Example Usage
-------------
::

    $ kamaelia demo                       # a tour: a chat system on loopback, shown live, 20 s
    $ kamaelia demo --help                # what the demo is, and what each line it prints means
    $ kamaelia -v demo                    # the same, with debugging detail on standard error
    $ kamaelia examples                   # the example programs installed with Kamaelia
    $ kamaelia examples echo_server       # run one of them
    $ printf 'hello\\nworld\\n' | kamaelia examples graphline_numbered_lines
    $ kamaelia examples grep_pipeline fox notes.txt    # arguments after NAME go to it
    $ kamaelia examples --show echo_server > my_server.py   # its source, to start from
    $ kamaelia serve site                 # serve the folder "site" on http://127.0.0.1:8000/
    $ kamaelia serve --port 0 --index .   # any free port (printed), folders listed
    $ kamaelia show talk.pdf              # a presentation: a PDF or a folder of images
    $ kamaelia grey --port 25 --upstream 127.0.0.1:8025   # a greylisting SMTP proxy
    $ kamaelia grey stats                 # what its greylist holds
    $ kamaelia whiteboard --serveport 1500    # a shared whiteboard; browsers on port 1501
    $ kamaelia record --source udp://239.1.1.1:1234 --channel "BBC ONE"   # record TV
    $ kamaelia inspect                    # a running system, drawn live at http://127.0.0.1:PORT/
    $ kamaelia --version
    $ kamaelia --help                     # every command, one line each

From Python, ``main(argv)`` runs the command and returns its exit status::

    from Kamaelia.cli import main
    status = main(["examples"])

Options before the command
--------------------------
``-v`` / ``--verbose``
    Log at DEBUG to standard error, and set ``KAMAELIA_DIAGNOSE=1`` so that a
    system that is stuck (or that you interrupt with Ctrl-C) prints which
    components are still alive and what each is waiting for. The setting is
    in the environment, so an example started by ``kamaelia -v examples NAME``
    has it too, and logs at DEBUG as well.
``-vv``
    As ``-v``, and also ``KAMAELIA_TRACEBACK=1``: Ctrl-C shows the
    ``KeyboardInterrupt`` traceback as well as the report.

The examples
------------
The examples are package data (``Kamaelia/examples/*.py`` and
``Kamaelia/examples/compat114/*.py``), found through
``importlib.resources``, so ``kamaelia examples`` lists the same programs
after ``pip install kamaelia`` as in a checkout. An example's name is its
file name without ``.py``; those in a sub-folder are named with it, e.g.
``compat114/tcp_single_server`` (the folder may be left out when the name is
unique). ``kamaelia examples NAME [ARGS...]`` runs the example as its own
Python program (``sys.executable``, with the Kamaelia that runs this
command first on its path), passing on standard input and output, the
arguments after NAME and, at the end, its exit status (128 + N if signal N
ended it, as a shell reports it). Ctrl-C reaches the example as well (one
process group): the command waits for the example to end as it chooses. A
name that matches no example is an error (exit status 2) that suggests the
nearest names.

How does it work?
-----------------
``main(argv)`` parses the command line with :mod:`argparse`, applies the
global options, and runs the chosen subcommand; it returns the process exit
status. Each subcommand is registered in ``_SUBCOMMANDS`` with its one-line
summary, its ``--help`` text, a function adding its arguments and the
function that runs it, so later applications add theirs in one place.
Nothing below Kamaelia is imported until a subcommand runs, so the
environment settings of ``-v`` are in place before Axon is loaded.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib.resources
import logging
import os
import signal
import subprocess
import sys
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

import Kamaelia

__all__ = ["main"]

log = logging.getLogger("Kamaelia.cli")

_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


# -- kamaelia demo -------------------------------------------------------

_DEMO_HELP = """\
A tour of Kamaelia: a small real system runs on this machine's loopback
address for 20 seconds (--seconds to change; Ctrl-C ends it early), and
every message is printed as it passes a component:

  * a chat server: a ServerCore running, for each connection, a Graphline
    (LineSplit -> PublishTo("demo chat"); SubscribeTo("demo chat") -> client)
    and the Backplane("demo chat") that joins the connections;
  * four scripted clients, alice, bob, carol and dave, each a Pipeline
    (Speaker -> TCPClient -> LineSplit -> Listener), that join, talk and
    leave on a timetable, so that components come and go;
  * the live topology page: open the URL it prints in a browser to watch
    the components, their boxes and links, and the messages waiting.

What the output means (a line of output, then "^" and what it is):

  Kamaelia demo: a chat server on 127.0.0.1:PORT and four scripted clients, for 20 s
  Watch it live: http://127.0.0.1:PORT/
            ^ the chat server's address and the live page's (free ports)
     0.5s  alice   joins   (connects to 127.0.0.1:PORT)
            ^ seconds since the start; a client's Pipeline is started
     2.0s  alice   says    hello? is anyone here?
            ^ her Speaker sends a line to her TCPClient, to the server
     2.0s  chat    relays  alice: hello? is anyone here?
            ^ the Backplane carries it (a ChatLog subscribed to it says so)
     2.0s  bob     hears   alice: hello? is anyone here?
            ^ it reached bob's connection and came out of his Listener;
              everyone connected hears every line, their own too
    14.5s  carol   leaves
            ^ her Speaker sends producerFinished: her TCPClient closes the
              connection, her components end, and the server's for her too
  Summary: 4 clients joined and 4 left; 16 lines said, 16 relayed, 50 heard; ...
            ^ at the end: when every client has left, the server, the
              Backplane and the page are sent producerFinished (the server
              serverShutdown), every component ends, and so does the command
              (exit status 0); the summary ends with a count of the words said

  kamaelia demo [--seconds N] [--port P]

With "kamaelia -v demo", standard error also shows debugging detail: the
components built (with their names), each client leaving, and each part of
the system told to stop; and if a system run this way ever hangs, Ctrl-C
reports what each component still alive is waiting for. The demo's code is
Kamaelia.Apps.Demo; to look at a system of your own, see "kamaelia inspect".
"""


def _demoArguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=20.0, metavar="N",
                        help="how long the script runs (default 20; its times scale with N)")
    parser.add_argument("--port", type=int, default=0, metavar="P",
                        help="the live page's port (default 0: a free one, printed)")


def _demo(args: argparse.Namespace) -> int:
    if not args.seconds > 0:
        print(f"kamaelia demo: --seconds must be a number of seconds > 0, got {args.seconds:g}",
              file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"kamaelia demo: --port must be a port from 0 to 65535, got {args.port}",
              file=sys.stderr)
        return 2
    from Kamaelia.Apps.Demo import runDemo
    try:
        return runDemo(seconds=args.seconds, port=args.port)
    except OSError as exc:
        print(f"kamaelia demo: cannot serve the page on port {args.port}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 1


# -- kamaelia examples ---------------------------------------------------

_EXAMPLES_HELP = """\
Without NAME: list the example programs installed with Kamaelia, each with
the summary line of its docstring.

With NAME: run that example as its own Python program. Standard input and
output are passed through, ARGS after NAME are passed on to it, and its exit
status is the command's. An unknown NAME is an error (exit status 2) that
suggests the nearest names.

With --show NAME: print the example's source instead of running it (e.g. to
copy it as the start of your own program).
"""


class _Example(NamedTuple):
    name: str               # "echo_server", "compat114/tcp_single_server"
    file: Traversable


def _examplesRoot() -> Traversable:
    # importlib.resources, not a path relative to this file, so that a zipped
    # or otherwise unusual install still finds its package data.
    return importlib.resources.files("Kamaelia") / "examples"


def _examples() -> list[_Example]:
    """Every example: those at the top first, then each sub-folder's, by name."""
    root = _examplesRoot()
    found: list[_Example] = []
    folders: list[Traversable] = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            if not entry.name.startswith(("_", ".")):
                folders.append(entry)
        elif _isExampleFile(entry):
            found.append(_Example(entry.name[:-3], entry))
    for folder in folders:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_file() and _isExampleFile(entry):
                found.append(_Example(f"{folder.name}/{entry.name[:-3]}", entry))
    return found


def _isExampleFile(entry: Traversable) -> bool:
    return entry.name.endswith(".py") and not entry.name.startswith(("_", "."))


def _summary(source: str) -> str:
    """The first paragraph of a program's docstring, on one line ("" if none)."""
    try:
        docstring = ast.get_docstring(ast.parse(source))
    except SyntaxError:
        return ""
    if not docstring:
        return ""
    return " ".join(docstring.split("\n\n", 1)[0].split())


def _find(name: str, examples: list[_Example]) -> _Example | None:
    wanted = name.replace("\\", "/").removesuffix(".py")
    for example in examples:
        if example.name == wanted:
            return example
    if "/" not in wanted:
        # "tcp_single_server" for "compat114/tcp_single_server", when unique.
        inFolders = [e for e in examples if e.name.rsplit("/", 1)[-1] == wanted]
        if len(inFolders) == 1:
            return inFolders[0]
    return None


def _suggestions(name: str, names: list[str]) -> list[str]:
    wanted = name.replace("\\", "/").removesuffix(".py").lower()
    # Close spellings of the whole name or of its last part, then names that
    # contain what was typed ("echo" -> "echo_server").
    byLast = {n.rsplit("/", 1)[-1].lower(): n for n in names}
    close = difflib.get_close_matches(wanted, [n.lower() for n in names], n=5, cutoff=0.6)
    close += [byLast[n] for n in difflib.get_close_matches(wanted, list(byLast), n=5,
                                                           cutoff=0.6)]
    close += [n for n in names if wanted and wanted in n.lower()]
    lower = {n.lower(): n for n in names}
    ordered: list[str] = []
    for candidate in close:
        real = lower.get(candidate.lower(), candidate)
        if real not in ordered:
            ordered.append(real)
    return ordered[:6]


def _listExamples(examples: list[_Example]) -> int:
    width = max(len(e.name) for e in examples) + 2
    print(f"Examples installed with Kamaelia (in {_examplesRoot()}):\n")
    for example in examples:
        summary = _summary(example.file.read_text(encoding="utf-8"))
        print(f"  {example.name:<{width}}{summary}".rstrip())
    print("\nRun one:         kamaelia examples NAME [ARGS...]"
          "\nSee its source:  kamaelia examples --show NAME")
    return 0


def _runExample(example: _Example, arguments: list[str], verbosity: int) -> int:
    env = dict(os.environ)
    # The example must use the Kamaelia (and Axon) that runs this command,
    # not whichever another path entry might hold.
    home = str(Path(Kamaelia.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([home] + ([env["PYTHONPATH"]]
                                                  if env.get("PYTHONPATH") else []))
    with importlib.resources.as_file(example.file) as path:
        if verbosity:
            # Logging settings do not cross into a new process: set them up
            # there, then run the file as `python FILE ARGS` would.
            command = [sys.executable, "-c", _VERBOSE_BOOTSTRAP, str(path), *arguments]
        else:
            command = [sys.executable, str(path), *arguments]
        log.debug("running %s", subprocess.list2cmdline([sys.executable, str(path),
                                                         *arguments]))
        sys.stdout.flush()
        sys.stderr.flush()
        child = subprocess.Popen(command, env=env)
        while True:
            try:
                returncode = child.wait()
                break
            except KeyboardInterrupt:
                # Ctrl-C reached the example too (one process group): it
                # decides how to end, and its exit status is ours.
                continue
    if returncode < 0:          # ended by a signal: report it as a shell does
        return 128 - returncode
    return returncode


_VERBOSE_BOOTSTRAP = f"""\
import logging, os, runpy, sys
logging.basicConfig(level=logging.DEBUG, format={_LOG_FORMAT!r})
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _examplesCommand(args: argparse.Namespace) -> int:
    examples = _examples()
    if args.name is None:
        if args.show:
            print("kamaelia examples: --show needs the NAME of an example; "
                  "run `kamaelia examples` to list them.", file=sys.stderr)
            return 2
        return _listExamples(examples)
    example = _find(args.name, examples)
    if example is None:
        near = _suggestions(args.name, [e.name for e in examples])
        hint = (f" Did you mean: {', '.join(near)}?" if near else "")
        print(f"kamaelia examples: no example named {args.name!r}.{hint}\n"
              f"Run `kamaelia examples` to list them all.", file=sys.stderr)
        return 2
    if args.show:
        if args.args:
            print(f"kamaelia examples: --show takes only NAME, not {args.args!r}.",
                  file=sys.stderr)
            return 2
        sys.stdout.write(example.file.read_text(encoding="utf-8"))
        return 0
    return _runExample(example, args.args, args.verbose)


def _examplesArguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--show", action="store_true",
                        help="print the example's source instead of running it")
    parser.add_argument("name", nargs="?", metavar="NAME",
                        help="the example to run, e.g. echo_server or "
                             "compat114/tcp_single_server")
    parser.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS",
                        help="passed on to the example")


# -- kamaelia serve ------------------------------------------------------

_SERVE_HELP = """\
Serve the files of DIR (default: the current folder) over HTTP until Ctrl-C,
with Kamaelia.Protocol.HTTP.Handlers.Minimal: index.html for a folder that
has one (--index lists the others), conditional GET, byte ranges (players
and ffmpeg can seek), HEAD. Nothing outside DIR is ever served: "..", encoded
paths and symbolic links that lead out are refused.

It prints the address it listens on (with --port 0, the port the system
chose), e.g.:

  Serving /home/me/site at http://127.0.0.1:8000/ (Ctrl-C to stop)

By default it listens on 127.0.0.1 only; --host 0.0.0.0 (or ::) lets other
machines in. `kamaelia -v serve DIR` also logs every request and its answer.
"""


def _serveArguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", default=".", metavar="DIR",
                        help="the folder to serve (default: the current folder)")
    parser.add_argument("--port", type=int, default=8000,
                        help="the port to listen on (default 8000; 0: any free port)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--index", action="store_true",
                        help="list the files of a folder that has no index.html "
                             "(default: 404)")


def _serve(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"kamaelia serve: {args.folder!r} is not a folder; give the folder to "
              f"serve, e.g. `kamaelia serve .`", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"kamaelia serve: --port must be 0 to 65535, not {args.port}", file=sys.stderr)
        return 2
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
    from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory

    handler = createRequestHandler(
        [("/", MinimalFactory("index.html", str(folder), listing=args.index))])
    try:
        server = ServerCore(protocol=lambda **info: HTTPServer(handler, **info),
                            port=args.port, host=args.host)
    except OSError as exc:
        print(f"kamaelia serve: cannot listen on {args.host} port {args.port}: {exc}",
              file=sys.stderr)
        return 1
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Serving {folder.resolve()} at http://{host}:{server.port}/ (Ctrl-C to stop)",
          flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    return 0


# -- kamaelia show -------------------------------------------------------

def _showArguments(parser: argparse.ArgumentParser) -> None:
    from Kamaelia.Apps.Show.main import addArguments
    addArguments(parser)


def _show(args: argparse.Namespace) -> int:
    from Kamaelia.Apps.Show.main import command
    return command(args)


def _showHelp() -> str:
    # The text lives with the app; reading it imports nothing heavy (no pygame).
    from Kamaelia.Apps.Show.main import HELP
    return HELP


# -- kamaelia grey -------------------------------------------------------

def _greyArguments(parser: argparse.ArgumentParser) -> None:
    from Kamaelia.Apps.Grey.main import addArguments
    addArguments(parser)


def _grey(args: argparse.Namespace) -> int:
    from Kamaelia.Apps.Grey.main import command
    return command(args)


def _greyHelp() -> str:
    # The text lives with the app; reading it imports only its main module.
    from Kamaelia.Apps.Grey.main import HELP
    return HELP


# -- kamaelia transcode --------------------------------------------------

def _transcodeArguments(parser: argparse.ArgumentParser) -> None:
    from Kamaelia.Apps.Transcoder.main import addArguments
    addArguments(parser)


def _transcode(args: argparse.Namespace) -> int:
    from Kamaelia.Apps.Transcoder.main import command
    return command(args)


def _transcodeHelp() -> str:
    # The text lives with the app; reading it imports only its main module.
    from Kamaelia.Apps.Transcoder.main import HELP
    return HELP


# -- kamaelia whiteboard -------------------------------------------------

def _whiteboardArguments(parser: argparse.ArgumentParser) -> None:
    from Kamaelia.Apps.Whiteboard.main import addArguments
    addArguments(parser)


def _whiteboard(args: argparse.Namespace) -> int:
    from Kamaelia.Apps.Whiteboard.main import command
    return command(args)


def _whiteboardHelp() -> str:
    # The text lives with the app; reading it imports only its main module.
    from Kamaelia.Apps.Whiteboard.main import HELP
    return HELP


# -- kamaelia record -----------------------------------------------------

def _recordArguments(parser: argparse.ArgumentParser) -> None:
    from Kamaelia.Apps.TVRecorder.main import addArguments
    addArguments(parser)


def _record(args: argparse.Namespace) -> int:
    from Kamaelia.Apps.TVRecorder.main import command
    return command(args)


def _recordHelp() -> str:
    # The text lives with the app; reading it imports only its main module.
    from Kamaelia.Apps.TVRecorder.main import HELP
    return HELP


# -- kamaelia inspect ----------------------------------------------------

def _inspectArguments(parser: argparse.ArgumentParser) -> None:
    from Kamaelia.Util.Topology.main import addArguments
    addArguments(parser)


def _inspect(args: argparse.Namespace) -> int:
    from Kamaelia.Util.Topology.main import command
    return command(args)


def _inspectHelp() -> str:
    # The text lives with the page; reading it imports only its main module.
    from Kamaelia.Util.Topology.main import HELP
    return HELP


# -- the command ---------------------------------------------------------

class _Subcommand(NamedTuple):
    summary: str                                        # one line, for `kamaelia --help`
    description: str                                    # for `kamaelia COMMAND --help`
    arguments: Callable[[argparse.ArgumentParser], None] | None
    run: Callable[[argparse.Namespace], int]


_SUBCOMMANDS: dict[str, _Subcommand] = {
    "demo": _Subcommand("a tour: a chat server and scripted clients on loopback for 20 s, "
                        "every message shown, drawn live in your browser",
                        _DEMO_HELP, _demoArguments, _demo),
    "examples": _Subcommand("list the example programs installed with Kamaelia, "
                            "or run or show one",
                            _EXAMPLES_HELP, _examplesArguments, _examplesCommand),
    "serve": _Subcommand("serve the files of a folder over HTTP (Ctrl-C stops)",
                         _SERVE_HELP, _serveArguments, _serve),
    "show": _Subcommand("present a PDF or a folder of images (needs the ui extra)",
                        _showHelp(), _showArguments, _show),
    "grey": _Subcommand("a greylisting SMTP proxy (and Postfix policy service) for "
                        "your mail server", _greyHelp(), _greyArguments, _grey),
    "transcode": _Subcommand("watch folders and make web versions of images, videos and "
                             "PDFs", _transcodeHelp(), _transcodeArguments, _transcode),
    "whiteboard": _Subcommand("a collaborative whiteboard: serve, join or relay; browsers "
                              "join too", _whiteboardHelp(), _whiteboardArguments, _whiteboard),
    "inspect": _Subcommand("a small running system drawn live in your browser (components, "
                           "boxes, links, queues)", _inspectHelp(), _inspectArguments, _inspect),
    "record": _Subcommand("record TV channels (DVB, IPTV, HTTP, files), one file per "
                          "programme, for the web", _recordHelp(), _recordArguments, _record),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamaelia", description="Kamaelia: component-based concurrency for Python.",
        epilog="Run `kamaelia COMMAND --help` for what a command does.")
    parser.add_argument("--version", action="version",
                        version=f"kamaelia {Kamaelia.__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="log debugging detail and report what a stuck system "
                             "waits for (KAMAELIA_DIAGNOSE=1); -vv also shows the "
                             "traceback on Ctrl-C (KAMAELIA_TRACEBACK=1)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     title="commands")
    for name, sub in _SUBCOMMANDS.items():
        subparser = commands.add_parser(
            name, help=sub.summary, description=sub.description,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        if sub.arguments is not None:
            sub.arguments(subparser)
    return parser


def _configure(verbosity: int) -> None:
    """Apply the global options: logging level and the diagnosis switches."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        root.addHandler(handler)
    # Set the level even when a handler exists already (logging.basicConfig
    # would then do nothing at all).
    root.setLevel(logging.DEBUG if verbosity else logging.WARNING)
    if verbosity >= 1:
        os.environ["KAMAELIA_DIAGNOSE"] = "1"
    if verbosity >= 2:
        os.environ["KAMAELIA_TRACEBACK"] = "1"
    if verbosity:
        log.debug("kamaelia %s on Python %s; logging at DEBUG; KAMAELIA_DIAGNOSE=1%s",
                  Kamaelia.__version__, sys.version.split()[0],
                  "; KAMAELIA_TRACEBACK=1" if verbosity >= 2 else "")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kamaelia`` command with ``argv``; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    _configure(args.verbose)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        status = _SUBCOMMANDS[args.command].run(args)
        sys.stdout.flush()          # here, not at exit, so a broken pipe is seen here
        return status
    except BrokenPipeError:
        # The reader has gone (`kamaelia examples | head`): end quietly, as
        # SIGPIPE would end a C program, and keep the exit-time flush from
        # raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

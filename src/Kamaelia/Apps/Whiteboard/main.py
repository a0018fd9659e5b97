"""``kamaelia whiteboard``: the command line of the collaborative whiteboard.

Example Usage
-------------
::

    $ kamaelia whiteboard                          # a board on this machine only
    $ kamaelia whiteboard --serveport 1500         # serve: peers join on 1500,
                                                   #   browsers open http://HOST:1501/
    $ kamaelia whiteboard --connectto laptop:1500  # join
    $ kamaelia whiteboard --serveport 1500 --connectto laptop:1500   # relay
    $ kamaelia whiteboard record talk.wbrec laptop:1500
    $ kamaelia whiteboard replay talk.wbrec laptop:1500 [--speed 2]
    $ kamaelia whiteboard export deck.zip deck.pdf

From Python: ``main(["--serveport", "1500", "--headless"])`` returns the
exit status.

How does it work?
-----------------
:func:`addArguments` declares the options on the ``argparse`` parser that
``kamaelia`` gives it, and :func:`command` runs what they say. The board
(``--size``, default 1024x704) lives in a
:class:`~Kamaelia.Apps.Whiteboard.Hub.WhiteboardHub`, with the desktop
window (``Desktop.WhiteboardWindow``) unless ``--headless``. ``--token``
makes peers and browsers give a shared secret (browsers open the URL the
command prints, which carries it); ``--cert``/``--key`` make both servers
speak TLS (browsers then use ``https://``); ``--cafile`` or ``--tls`` make
the client check a TLS server. ``--deck FILE`` loads a deck at start;
decks are saved to, and PDFs exported into, ``--decks DIR`` (default
``~/Whiteboard/Decks``, 1.14's).

Errors: bad options exit with status 2 and say which option and why; a
port in use or an unreadable certificate exits with status 1. Ctrl-C (or
SIGTERM) closes every connection and the window, then exits 0.
"""

from __future__ import annotations

import argparse
import logging
import re
import signal
import socket
import ssl
import sys
import zipfile
from pathlib import Path
from typing import Any, Sequence

__all__ = ["HELP", "addArguments", "command", "main", "parseAddress", "parseSize"]

log = logging.getLogger(__name__)

HELP = """\
A collaborative whiteboard: two or more machines share pages you draw on;
any of them can serve. Browsers join at the served port + 1.

  kamaelia whiteboard [--serveport P] [--connectto HOST:P] [options]
  kamaelia whiteboard record FILE HOST:P     record a session (timestamped)
  kamaelia whiteboard replay FILE HOST:P     play a recording into a board
  kamaelia whiteboard export DECK.zip OUT.pdf
"""

_ADDRESS = re.compile(r"^(?:\[(?P<v6>[^\]]+)\]|(?P<host>[^:\[\]]+)):(?P<port>[0-9]{1,5})$")


def parseAddress(text: str) -> tuple[str, int]:
    """``host:port`` (or ``[v6]:port``) as a pair; ValueError naming the text."""
    match = _ADDRESS.match(text)
    if not match or not 1 <= int(match.group("port")) <= 65535:
        raise ValueError(f"expected HOST:PORT (a port from 1 to 65535), got {text!r}")
    return (match.group("v6") or match.group("host"), int(match.group("port")))


def parseSize(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` as a pair; ValueError naming the text."""
    match = re.fullmatch(r"([0-9]{2,4})x([0-9]{2,4})", text)
    if not match:
        raise ValueError(f"expected WIDTHxHEIGHT such as 1024x704, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def addArguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``kamaelia whiteboard``'s arguments on ``parser``."""
    parser.add_argument("action", nargs="?", choices=("record", "replay", "export"),
                        help="record, replay or export instead of showing a board")
    parser.add_argument("arguments", nargs="*", metavar="ARG",
                        help="record/replay: FILE HOST:PORT; export: DECK.zip OUT.pdf")
    parser.add_argument("--serveport", type=int, metavar="P",
                        help="serve peers on port P (1.14's protocol) and browsers on P+1")
    parser.add_argument("--connectto", metavar="HOST:P", help="join the board served there")
    parser.add_argument("--host", default="",
                        help="the address to serve on (default: every interface)")
    parser.add_argument("--token", help="a shared secret peers and browsers must give")
    parser.add_argument("--cert", metavar="FILE", help="serve with TLS: certificate (PEM)")
    parser.add_argument("--key", metavar="FILE", help="the certificate's private key (PEM)")
    parser.add_argument("--cafile", metavar="FILE",
                        help="join with TLS, trusting the certificates in FILE")
    parser.add_argument("--tls", action="store_true",
                        help="join with TLS, trusting the system's certificates")
    parser.add_argument("--no-web", dest="web", action="store_false",
                        help="do not serve the browser page")
    parser.add_argument("--headless", action="store_true", help="no window (a relay)")
    parser.add_argument("--size", default="1024x704", help="the board's size in pixels")
    parser.add_argument("--deck", metavar="FILE", help="load this deck (zip of PNGs) at start")
    parser.add_argument("--decks", metavar="DIR", default=str(Path.home() / "Whiteboard/Decks"),
                        help="where decks are saved (default ~/Whiteboard/Decks)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="replay: how many times faster than recorded")


def _fail(message: str, status: int = 2) -> int:
    print(f"kamaelia whiteboard: {message}", file=sys.stderr)
    return status


def command(args: argparse.Namespace) -> int:
    """Run ``kamaelia whiteboard`` as parsed into ``args``; the exit status."""
    if args.action == "export":
        return _export(args.arguments)
    if args.action in ("record", "replay"):
        return _recordOrReplay(args)
    if args.arguments:
        return _fail(f"unexpected arguments {args.arguments!r} (record, replay or export?)")
    try:
        size = parseSize(args.size)
        connectto = parseAddress(args.connectto) if args.connectto else None
    except ValueError as exc:
        return _fail(str(exc))
    if args.serveport is not None and not 0 <= args.serveport <= 65534:
        return _fail(f"--serveport must be a port from 0 to 65534, got {args.serveport}")
    if bool(args.cert) != bool(args.key):
        return _fail("--cert and --key go together")
    try:
        serverContext = _serverContext(args.cert, args.key) if args.cert else None
        clientOptions = _clientOptions(args.cafile, args.tls)
    except (OSError, ssl.SSLError) as exc:
        return _fail(f"cannot use the TLS files: {exc}", 1)
    return run(size=size, serveport=args.serveport, host=args.host or None,
               connectto=connectto, token=args.token, sslContext=serverContext,
               clientOptions=clientOptions, web=args.web, headless=args.headless,
               deck=args.deck, decks=Path(args.decks))


def _serverContext(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _clientOptions(cafile: str | None, tls: bool) -> dict[str, Any]:
    if cafile:
        return {"sslContext": ssl.create_default_context(cafile=cafile)}
    return {"tls": True} if tls else {}


def _addresses() -> list[str]:
    """This machine's addresses others can reach (for the printed URLs)."""
    found = []
    try:
        # (No packet is sent: connecting a UDP socket only picks the route.)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    return found or ["127.0.0.1"]


def run(size: tuple[int, int] = (1024, 704), serveport: int | None = None,
        host: str | None = None, connectto: tuple[str, int] | None = None,
        token: str | None = None, sslContext: ssl.SSLContext | None = None,
        clientOptions: dict[str, Any] | None = None, web: bool = True,
        headless: bool = False, deck: str | None = None, decks: Path | None = None,
        output: Any = None) -> int:
    """Run one whiteboard instance until Ctrl-C or its window closes; the exit status."""
    from Axon.Ipc import producerFinished
    from Axon.Scheduler import scheduler
    from Kamaelia.Apps.Whiteboard.Board import Board
    from Kamaelia.Apps.Whiteboard.Deck import DeckError, loadDeck
    from Kamaelia.Apps.Whiteboard.Hub import WhiteboardHub
    from Kamaelia.UI.Pygame.Display import DisplayUnavailable

    say = output or sys.stdout
    board = Board(size=size)
    if deck:
        try:
            board.replacePages(loadDeck(deck, board.size))
        except DeckError as exc:
            return _fail(str(exc), 1)
    window = None
    if not headless:
        try:
            from Kamaelia.Apps.Whiteboard.Desktop import WhiteboardWindow
        except ImportError as exc:
            return _fail(f"the window needs pygame-ce ({exc}); or use --headless", 1)
        window = WhiteboardWindow(board, size=(size[0], size[1] + 64),
                                  decks=decks or Path.home() / "Whiteboard/Decks")
    try:
        hub = WhiteboardHub(board, serveport=serveport, host=host, connectto=connectto,
                            token=token, sslContext=sslContext, web=web, window=window,
                            clientOptions=clientOptions)
    except OSError as exc:
        return _fail(f"cannot serve on port {serveport}: {exc.strerror or exc}", 1)
    if hub.port is not None:
        print(f"Serving the whiteboard on port {hub.port} (Ctrl-C stops)", file=say, flush=True)
        if hub.webPort is not None:
            scheme = "https" if sslContext else "http"
            query = f"?token={token}" if token else ""
            for address in ([host] if host else _addresses()):
                print(f"Browsers: {scheme}://{address}:{hub.webPort}/{query}", file=say,
                      flush=True)
    if connectto is not None:
        print(f"Joining {connectto[0]}:{connectto[1]}", file=say, flush=True)
    sched = scheduler.run

    def stop(signum: int, frame: Any) -> None:
        sched.callFromThread(hub._deliver, producerFinished(), "control")

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        hub.activate()
        sched.runThreads()
    except DisplayUnavailable as exc:
        return _fail(f"{exc}\n(or run it without a window: --headless)", 1)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0


def _export(arguments: Sequence[str]) -> int:
    from Kamaelia.Apps.Whiteboard.Board import Board
    from Kamaelia.Apps.Whiteboard.Deck import DeckError, exportPdf, loadDeck

    if len(arguments) != 2:
        return _fail("export needs DECK.zip OUT.pdf")
    source, target = arguments
    try:
        from PIL import Image
        with zipfile.ZipFile(source) as deck:
            first = next(name for name in sorted(deck.namelist()) if name.endswith(".png"))
            with Image.open(deck.open(first)) as image:
                size = image.size
        board = Board(size=size)
        board.replacePages(loadDeck(source, size))
        exportPdf(board, target)
    except (DeckError, OSError, StopIteration, zipfile.BadZipFile) as exc:
        return _fail(f"cannot export {source}: {exc or 'no pages'}", 1)
    print(f"{target}: {board.pageCount} pages")
    return 0


def _recordOrReplay(args: argparse.Namespace) -> int:
    from Kamaelia.Apps.Whiteboard.Recording import player, recorder

    if len(args.arguments) != 2:
        return _fail(f"{args.action} needs FILE HOST:PORT")
    filename, address = args.arguments
    try:
        host, port = parseAddress(address)
        if args.action == "record":
            system = recorder(filename, host, port, token=args.token)
        else:
            system = player(filename, host, port, speed=args.speed, token=args.token)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    print(f"{'Recording' if args.action == 'record' else 'Replaying'} {filename} "
          f"{'from' if args.action == 'record' else 'to'} {host}:{port} (Ctrl-C stops)",
          flush=True)
    from Axon.Ipc import shutdownMicroprocess
    from Axon.Scheduler import scheduler
    sched = scheduler.run

    def stop(signum: int, frame: Any) -> None:
        sched.callFromThread(system._deliver, shutdownMicroprocess(), "control")

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        system.activate()
        sched.runThreads()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``kamaelia whiteboard`` with these arguments; the exit status."""
    parser = argparse.ArgumentParser(prog="kamaelia whiteboard", description=HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    addArguments(parser)
    return command(parser.parse_args(argv))

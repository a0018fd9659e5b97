"""Two whiteboards on loopback, and a 1.14-style peer drawing on both.

    python examples/whiteboard_two_boards.py

prints::

    the joining board got the served board's line: True
    a plain socket peer drew a circle on both: True True
    the peer turned to page 2 of 2 everywhere: True
    the boards hold the same pixels: True

Two ``WhiteboardHub`` instances without windows: the first serves (on a
port the system picks), the second joins it (``connectto``), as
``kamaelia whiteboard --serveport P`` and ``--connectto host:P`` would.
The served board has a line on it before the other joins: joining asks for
the board (``GETIMG``) and gets it. Then a plain socket, speaking the
Kamaelia 1.14 line protocol as a 1.14 whiteboard would, draws a circle and
turns the page; both boards follow.

Each hub runs on its own backplane (``backplane=``), since both live in
this one process. The scheduler runs in a thread; the program looks at the
boards from the scheduler's thread (``callFromThread``) so it never reads
a board while it is being drawn on.
"""

from __future__ import annotations

import socket
import threading
from typing import Any, Callable

from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Hub import WhiteboardHub
from Kamaelia.Apps.Whiteboard.Tokenisation import encodeTokens

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = """\
the joining board got the served board's line: True
a plain socket peer drew a circle on both: True True
the peer turned to page 2 of 2 everywhere: True
the boards hold the same pixels: True
"""

SIZE = (160, 120)


def waitUntil(condition: Callable[[], bool], limit: float = 10.0) -> bool:
    """Whether ``condition()`` held, looked at once per scheduler round, within ``limit`` s."""
    held = threading.Event()

    def look() -> None:
        if condition():
            held.set()
        elif not held.is_set():
            scheduler.run.callLater(0.01, look)

    scheduler.run.callFromThread(look)
    return held.wait(limit)


def colourAt(board: Board, point: tuple[int, int]) -> Any:
    return tuple(board.surface.get_at(point))[:3]


def main() -> None:
    served, joining = Board(SIZE), Board(SIZE)
    served.apply(["LINE", "255", "0", "0", "0", "20", "159", "20", "5"])
    server = WhiteboardHub(served, serveport=0, host="127.0.0.1", web=False, backplane="SERVED")
    port = server.port
    assert port is not None                     # (it serves: it has a port)
    client = WhiteboardHub(joining, connectto=("127.0.0.1", port), backplane="JOINING")
    server.activate()
    client.activate()
    running = threading.Thread(target=scheduler.run.runThreads)
    running.start()
    try:
        print("the joining board got the served board's line:",
              waitUntil(lambda: colourAt(joining, (80, 20)) == (255, 0, 0)))
        with socket.create_connection(("127.0.0.1", port)) as peer:
            peer.sendall(encodeTokens([["CIRCLE", "0", "0", "255", "80", "70", "20"]]))
            blue = (0, 0, 255)
            waitUntil(lambda: colourAt(joining, (80, 70)) == blue)
            print("a plain socket peer drew a circle on both:",
                  colourAt(served, (80, 70)) == blue, colourAt(joining, (80, 70)) == blue)
            peer.sendall(encodeTokens([["PAGE", "2", "2"]]))
            print("the peer turned to page 2 of 2 everywhere:",
                  waitUntil(lambda: all((board.current, board.pageCount) == (2, 2)
                                        for board in (served, joining))))
        print("the boards hold the same pixels:",
              waitUntil(lambda: served.pixels(1) == joining.pixels(1)))
    finally:
        for hub in (client, server):
            hub._deliver(producerFinished(), "control")
        running.join()


if __name__ == "__main__":
    main()

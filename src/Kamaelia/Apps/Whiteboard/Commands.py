"""The whiteboard's commands: what each one means, checked before anything draws it.

Example Usage
-------------
Build commands to send, and check the ones that arrive::

    from Kamaelia.Apps.Whiteboard.Commands import BadCommand, checkMessage, lineCommand

    message = [lineCommand((255, 0, 0), (10, 20), (30, 40), width=3)]
    assert message == [["LINE", "255", "0", "0", "10", "20", "30", "40", "3"]]
    assert checkMessage(message) == message

    try:
        checkMessage([["LINE", "255", "0", "0", "10", "20"]])
    except BadCommand as exc:
        print(exc)          # LINE needs 7 or 8 arguments, got 5

How does it work?
-----------------
A message on the wire is a list of commands (see ``Tokenisation``), each a
list of tokens whose first names the command. Kamaelia 1.14's whiteboard
drew whatever arrived: a LINE with a missing number raised inside its
Canvas and stopped it, a SETIMG with the wrong size crashed pygame, and a
SAVE from the network wrote any file the peer named. Here every message
from a peer goes through :func:`checkMessage` first. It returns the
message with command names in capitals (1.14 sent ``prev``/``next`` in
lower case and accepted any case) and raises :class:`BadCommand`, naming
what is wrong, for anything else; the connection it came from is then
closed, and nothing of that message is drawn.

The commands (numbers are decimal integers written as 1.14's ``str(int)``
writes them; colours 0-255; positions in board pixels, origin top left):

* ``LINE r g b x0 y0 x1 y1 [width]`` -- a pen segment. The width is ours
  (1 to :data:`MAX_PEN_WIDTH`, default 1); a 1.14 peer ignores the extra
  token and draws it 1 pixel wide.
* ``CIRCLE r g b x y radius`` -- a filled circle (1.14's eraser).
* ``CLEAR [r g b]`` -- fill the page (white without a colour).
* ``WRITE x y size r g b text`` -- text with its top left at ``x, y``.
* ``GETIMG`` -- "send me the board".
* ``SETIMG data w h RGB`` -- the current page's pixels: ``data`` is
  ``zlib.compress`` of ``w * h * 3`` bytes, rows top to bottom.
* ``PAGEIMG n data w h RGB`` -- (ours) the same for page ``n``, without
  going there.
* ``PAGE n count`` -- (ours) go to page ``n`` of ``count``.
* ``DELPAGE n`` -- (ours) delete page ``n``.
* ``PREV`` / ``NEXT`` -- 1.14's page turns.
* ``AUTH token`` -- (ours) the joining peer's shared secret.

``LOAD``, ``SAVE`` and ``NEW`` are 1.14's commands between its own parts
(files on the local disk); from the network they are refused. 1.14 also
sent ``SOUND`` for its audio chat, which is not built here: refused too.

Images: :func:`encodeImage` compresses RGB pixels; :func:`decodeImage`
inflates a SETIMG/PAGEIMG's data, never to more than the ``w * h * 3``
bytes it promises (so a small "zip bomb" cannot fill memory), and raises
:class:`BadCommand` unless it is one whole zlib stream of exactly that many.
"""

from __future__ import annotations

import re
import zlib
from typing import Any, Sequence

from Kamaelia.Apps.Whiteboard.Tokenisation import TokenisationError, tokenBytes

__all__ = ["BadCommand", "MAX_PAGES", "MAX_PEN_WIDTH", "MAX_RADIUS", "MAX_TEXT_SIZE",
           "MAX_TEXT_LENGTH", "MAX_IMAGE_PIXELS", "MAX_COORDINATE", "checkMessage",
           "checkCommand", "lineCommand", "circleCommand", "clearCommand", "writeCommand",
           "pageCommand", "delPageCommand", "setimgCommand", "pageimgCommand",
           "encodeImage", "decodeImage", "integer"]

#: The most pages a deck may have.
MAX_PAGES = 500
#: The widest pen (pixels).
MAX_PEN_WIDTH = 64
#: The largest circle radius (pixels).
MAX_RADIUS = 2048
#: The largest text height (pixels).
MAX_TEXT_SIZE = 200
#: The longest text of one WRITE (characters).
MAX_TEXT_LENGTH = 2000
#: The most pixels a SETIMG or PAGEIMG may carry (4096 x 4096).
MAX_IMAGE_PIXELS = 4096 * 4096
#: Positions further than this from the origin are refused (pygame's own
#: limit is far beyond any screen, but not beyond any integer).
MAX_COORDINATE = 1 << 20

_INTEGER = re.compile(r"-?[0-9]+\Z")
#: Longer numbers are out of every range here (and int() of thousands of
#: digits is slow, or refused): not converted.
_LONGEST_INTEGER = 10


class BadCommand(ValueError):
    """A command from a peer that the whiteboard does not accept; says why."""


def integer(token: Any, what: str, low: int, high: int) -> int:
    """The token as an int in ``low..high``, or :class:`BadCommand` naming ``what``.

    Only ASCII digits with an optional minus sign: ``int()`` alone would
    also take ``" 5"``, ``"1_000"`` and other scripts' digits.
    """
    if not isinstance(token, str) or not _INTEGER.match(token):
        raise BadCommand(f"{what} must be a whole number, got {_shown(token)}")
    if len(token) > _LONGEST_INTEGER:
        raise BadCommand(f"{what} must be {low} to {high}, got {_shown(token)}")
    value = int(token)
    if not low <= value <= high:
        raise BadCommand(f"{what} must be {low} to {high}, got {value}")
    return value


def _shown(token: Any) -> str:
    text = repr(token)
    return text if len(text) <= 40 else text[:37] + "..."


def _bytesOf(token: str) -> bytes:
    try:
        return tokenBytes(token)
    except TokenisationError as exc:
        raise BadCommand(str(exc)) from None


def _colour(tokens: Sequence[Any], start: int) -> None:
    for offset, name in enumerate("rgb"):
        integer(tokens[start + offset], name, 0, 255)


def _position(tokens: Sequence[Any], start: int, names: Sequence[str] = "xy") -> None:
    for offset, name in enumerate(names):
        integer(tokens[start + offset], name, -MAX_COORDINATE, MAX_COORDINATE)


def _arity(name: str, arguments: Sequence[Any], *allowed: int) -> None:
    if len(arguments) not in allowed:
        counts = " or ".join(str(count) for count in allowed)
        raise BadCommand(f"{name} needs {counts} arguments, got {len(arguments)}")


def _checkImage(name: str, arguments: Sequence[Any]) -> None:
    # arguments: data, w, h, mode
    width = integer(arguments[1], f"{name} width", 1, 65535)
    height = integer(arguments[2], f"{name} height", 1, 65535)
    if width * height > MAX_IMAGE_PIXELS:
        raise BadCommand(f"{name} of {width}x{height} is larger than {MAX_IMAGE_PIXELS} pixels")
    if arguments[3] != "RGB":
        raise BadCommand(f"{name} pixel format must be RGB, got {_shown(arguments[3])}")
    decodeImage(arguments[0], width, height)


def _checkPage(name: str, token: Any) -> int:
    return integer(token, f"{name} page", 1, MAX_PAGES)


def _plainLine(arguments: list[Any]) -> bool:
    """Whether these are a LINE's arguments, all in range and without a sign.

    The common case, made fast: a pen stroke is most of what a hub checks
    (4.3 us a LINE here against 7.5 us through the full checks). Any
    other form -- a minus sign, a bad token -- goes through the full checks,
    which say what is wrong.
    """
    if len(arguments) not in (7, 8):
        return False
    for token in arguments:
        if type(token) is not str or not (token.isascii() and token.isdigit()) \
                or len(token) > 7:
            return False
    values = [int(token) for token in arguments]
    return (values[0] <= 255 and values[1] <= 255 and values[2] <= 255
            and max(values[3:7]) <= MAX_COORDINATE
            and (len(values) == 7 or 1 <= values[7] <= MAX_PEN_WIDTH))


def checkCommand(command: Any) -> list[Any]:
    """One command checked: its name in capitals, or :class:`BadCommand`."""
    if not isinstance(command, list) or not command or not isinstance(command[0], str):
        raise BadCommand(f"a command is a list of tokens starting with its name, "
                         f"got {_shown(command)}")
    # ASCII only: str.upper() maps some other letters onto ASCII ones
    # ("l\u0131ne" would become "LINE"), and a name is one of the few below.
    name = command[0].upper() if command[0].isascii() else command[0]
    arguments = command[1:]
    if name == "LINE" and _plainLine(arguments):
        return [name, *arguments]
    for token in arguments:
        if not isinstance(token, str):
            raise BadCommand(f"{name}'s arguments must be tokens, got {_shown(token)}")
    if name == "LINE":
        _arity(name, arguments, 7, 8)
        _colour(arguments, 0)
        _position(arguments, 3, ("x0", "y0", "x1", "y1"))
        if len(arguments) == 8:
            integer(arguments[7], "LINE width", 1, MAX_PEN_WIDTH)
    elif name == "CIRCLE":
        _arity(name, arguments, 6)
        _colour(arguments, 0)
        _position(arguments, 3)
        integer(arguments[5], "CIRCLE radius", 0, MAX_RADIUS)
    elif name == "CLEAR":
        _arity(name, arguments, 0, 3)
        if arguments:
            _colour(arguments, 0)
    elif name == "WRITE":
        _arity(name, arguments, 7)
        _position(arguments, 0)
        integer(arguments[2], "WRITE size", 1, MAX_TEXT_SIZE)
        _colour(arguments, 3)
        if len(arguments[6]) > MAX_TEXT_LENGTH:
            raise BadCommand(f"WRITE text is longer than {MAX_TEXT_LENGTH} characters")
        try:
            _bytesOf(arguments[6]).decode("utf-8")
        except UnicodeDecodeError:
            raise BadCommand("WRITE text is not UTF-8") from None
    elif name in ("GETIMG", "PREV", "NEXT"):
        _arity(name, arguments, 0)
    elif name == "SETIMG":
        _arity(name, arguments, 4)
        _checkImage(name, arguments)
    elif name == "PAGEIMG":
        _arity(name, arguments, 5)
        _checkPage(name, arguments[0])
        _checkImage(name, arguments[1:])
    elif name == "PAGE":
        _arity(name, arguments, 2)
        page = _checkPage(name, arguments[0])
        count = integer(arguments[1], "PAGE count", 1, MAX_PAGES)
        if page > count:
            raise BadCommand(f"PAGE {page} is past the deck's {count} pages")
    elif name == "DELPAGE":
        _arity(name, arguments, 1)
        _checkPage(name, arguments[0])
    elif name == "AUTH":
        _arity(name, arguments, 1)
    elif name in ("LOAD", "SAVE", "NEW"):
        raise BadCommand(f"{name} names a file on the receiver's disk: refused from the network")
    else:
        raise BadCommand(f"unknown command {_shown(command[0])}")
    return [name, *arguments]


def checkMessage(message: Any) -> list[list[Any]]:
    """A message (a list of commands) from a peer, checked; see the module."""
    if not isinstance(message, list) or not message:
        raise BadCommand(f"a message is a non-empty list of commands, got {_shown(message)}")
    return [checkCommand(command) for command in message]


# -- Building commands ----------------------------------------------------------------------

Colour = Sequence[int]
Point = Sequence[int]


def lineCommand(colour: Colour, start: Point, end: Point, width: int = 1) -> list[str]:
    """``LINE``; the width token is left out for 1 (exactly what 1.14 sent)."""
    tokens = ["LINE", *(str(int(v)) for v in colour[:3]),
              *(str(int(v)) for v in (start[0], start[1], end[0], end[1]))]
    if width != 1:
        tokens.append(str(int(width)))
    return tokens


def circleCommand(colour: Colour, centre: Point, radius: int) -> list[str]:
    return ["CIRCLE", *(str(int(v)) for v in colour[:3]), str(int(centre[0])),
            str(int(centre[1])), str(int(radius))]


def clearCommand(colour: Colour | None = None) -> list[str]:
    return ["CLEAR"] if colour is None else ["CLEAR", *(str(int(v)) for v in colour[:3])]


def writeCommand(position: Point, size: int, colour: Colour, text: str) -> list[str]:
    return ["WRITE", str(int(position[0])), str(int(position[1])), str(int(size)),
            *(str(int(v)) for v in colour[:3]), text]


def pageCommand(page: int, count: int) -> list[str]:
    return ["PAGE", str(page), str(count)]


def delPageCommand(page: int) -> list[str]:
    return ["DELPAGE", str(page)]


def setimgCommand(pixels: bytes, size: Sequence[int]) -> list[Any]:
    """``SETIMG`` of RGB ``pixels`` of ``size``; the data token is bytes."""
    return ["SETIMG", encodeImage(pixels), str(size[0]), str(size[1]), "RGB"]


def pageimgCommand(page: int, pixels: bytes, size: Sequence[int]) -> list[Any]:
    return ["PAGEIMG", str(page), encodeImage(pixels), str(size[0]), str(size[1]), "RGB"]


def encodeImage(pixels: bytes) -> bytes:
    """RGB pixels compressed for SETIMG/PAGEIMG (zlib, as 1.14's Canvas sent them)."""
    # Level 1: pages are mostly one colour, so the fastest level is already
    # within a few per cent of the best, at a fraction of the time.
    return zlib.compress(pixels, 1)


def decodeImage(data: Any, width: int, height: int) -> bytes:
    """A SETIMG/PAGEIMG data token inflated to exactly ``width * height * 3`` bytes."""
    raw = _bytesOf(data) if isinstance(data, str) else data
    if not isinstance(raw, (bytes, bytearray)):
        raise BadCommand(f"image data must be bytes, got {_shown(data)}")
    expected = width * height * 3
    inflater = zlib.decompressobj()
    try:
        # Never more than one byte past what was promised: enough to tell
        # "too much" without inflating all of it.
        pixels = inflater.decompress(raw, expected + 1)
    except zlib.error as exc:
        raise BadCommand(f"image data is not zlib data ({exc})") from None
    if len(pixels) != expected or not inflater.eof:
        raise BadCommand(f"image data does not hold {width}x{height} RGB pixels "
                         f"({expected} bytes)")
    if inflater.unused_data:
        # Bytes after the end of the stream: not part of the image, and the
        # board keeps the data as the page's beginning.
        raise BadCommand(f"image data has {len(inflater.unused_data)} bytes after its end")
    return pixels

"""Tests for Kamaelia.Apps.Whiteboard.Commands: checking what peers send, building
what we send, and the image data of SETIMG/PAGEIMG."""

from __future__ import annotations

import tracemalloc
import zlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from Kamaelia.Apps.Whiteboard import Commands as CommandsModule
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Commands import (
    MAX_COORDINATE, MAX_IMAGE_PIXELS, MAX_PAGES, MAX_PEN_WIDTH, MAX_RADIUS, MAX_TEXT_LENGTH,
    MAX_TEXT_SIZE, BadCommand, checkCommand, checkMessage, circleCommand, clearCommand,
    decodeImage, delPageCommand, encodeImage, integer, lineCommand, pageCommand,
    pageimgCommand, setimgCommand, writeCommand)
from Kamaelia.Apps.Whiteboard.Tokenisation import TokenisationError, decodeLine, encodeTokens

PIXELS = bytes(range(256)) * 12               # 3072 bytes: 32 x 32 RGB pixels
DATA = zlib.compress(PIXELS)


def token(data: bytes) -> str:
    """``data`` as the token a peer's line gives (``decodeLine`` makes them str)."""
    return data.decode("utf-8", "surrogateescape")


DATA_TOKEN = token(DATA)


def encode(message: Any) -> bytes:
    """The line of ``message`` (a list of commands)."""
    return encodeTokens(message)


def wire(message: list[list[Any]]) -> list[list[Any]]:
    """``message`` as a peer receives it: encoded to a line and read back."""
    return decodeLine(encode(message))


def refused(command: list[Any]) -> str:
    """The reason checkCommand gives for refusing ``command`` (which it must)."""
    with pytest.raises(BadCommand) as info:
        checkCommand(command)
    return str(info.value)


# ------------------------------------------------------------------ accepted
VALID = [
    ["LINE", "255", "0", "0", "10", "20", "30", "40"],
    ["LINE", "0", "0", "0", "0", "0", "0", "0", "1"],
    ["LINE", "1", "2", "3", "-5", "-6", "1023", "703", str(MAX_PEN_WIDTH)],
    ["LINE", "0", "0", "0", str(-MAX_COORDINATE), str(MAX_COORDINATE), "0", "0"],
    ["CIRCLE", "255", "255", "255", "100", "100", "8"],
    ["CIRCLE", "0", "0", "0", "-1", "-1", "0"],
    ["CIRCLE", "0", "0", "0", "1", "1", str(MAX_RADIUS)],
    ["CLEAR"],
    ["CLEAR", "0", "128", "255"],
    ["WRITE", "100", "100", "24", "0", "0", "0", 'say "hi" [there] 99%'],
    ["WRITE", "0", "0", "1", "0", "0", "0", ""],
    ["WRITE", "0", "0", str(MAX_TEXT_SIZE), "0", "0", "0", "x" * MAX_TEXT_LENGTH],
    ["WRITE", "5", "5", "12", "9", "9", "9", "Grüße, 世界 😀"],
    ["GETIMG"],
    ["SETIMG", DATA_TOKEN, "32", "32", "RGB"],
    ["PAGEIMG", "1", DATA_TOKEN, "32", "32", "RGB"],
    ["PAGEIMG", str(MAX_PAGES), DATA_TOKEN, "1024", "1", "RGB"],
    ["PAGE", "1", "1"],
    ["PAGE", "3", "5"],
    ["PAGE", str(MAX_PAGES), str(MAX_PAGES)],
    ["DELPAGE", "1"],
    ["DELPAGE", str(MAX_PAGES)],
    ["PREV"],
    ["NEXT"],
    ["AUTH", "s3cret token"],
]


@pytest.mark.parametrize("command", VALID, ids=lambda c: c[0])
def test_valid_commands_are_accepted_as_they_are(command: list[Any]) -> None:
    assert checkCommand(list(command)) == command


@pytest.mark.parametrize("command", VALID, ids=lambda c: c[0])
def test_valid_commands_are_accepted_from_the_wire(command: list[Any]) -> None:
    # Through a line and back the image data is a surrogate-escaped str.
    [received] = wire([command])
    assert checkCommand(received) == received


@pytest.mark.parametrize("name,expected", [("line", "LINE"), ("LiNe", "LINE"), ("prev", "PREV"),
                                           ("next", "NEXT"), ("Next", "NEXT"),
                                           ("clear", "CLEAR"), ("getimg", "GETIMG")])
def test_command_names_are_case_insensitive_and_come_back_in_capitals(name: str,
                                                                      expected: str) -> None:
    arguments = ["1", "2", "3", "4", "5", "6", "7"] if expected == "LINE" else []
    assert checkCommand([name, *arguments]) == [expected, *arguments]


def test_only_ascii_letters_fold_to_a_command_name() -> None:
    # "\u0131".upper() is "I" and "\u017f".upper() is "S": not a way to spell LINE.
    assert "l\u0131ne".upper() == "LINE"
    assert "unknown command" in refused(["l\u0131ne", "1", "2", "3", "4", "5", "6", "7"])
    assert "unknown command" in refused(["\u017fetimg", DATA_TOKEN, "32", "32", "RGB"])


def test_checkmessage_checks_every_command_and_returns_them_in_capitals() -> None:
    message = [["clear"], ["line", "0", "0", "0", "1", "1", "2", "2", "3"], ["next"]]
    assert checkMessage(message) == [["CLEAR"], ["LINE", "0", "0", "0", "1", "1", "2", "2", "3"],
                                     ["NEXT"]]


def test_one_bad_command_refuses_the_whole_message() -> None:
    with pytest.raises(BadCommand, match="CIRCLE radius"):
        checkMessage([["CLEAR"], ["CIRCLE", "0", "0", "0", "1", "1", "-1"], ["NEXT"]])


def test_the_arguments_are_returned_unchanged() -> None:
    checked = checkCommand(["setimg", DATA_TOKEN, "32", "32", "RGB"])
    assert checked[1] is DATA_TOKEN


# ------------------------------------------------------------------ arity
ARITY = [
    (["LINE", "0", "0", "0", "1", "1", "2"], "LINE needs 7 or 8 arguments, got 6"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2", "1", "1"], "LINE needs 7 or 8 arguments, got 9"),
    (["CIRCLE", "0", "0", "0", "1", "1"], "CIRCLE needs 6 arguments, got 5"),
    (["CIRCLE", "0", "0", "0", "1", "1", "1", "1"], "CIRCLE needs 6 arguments, got 7"),
    (["CLEAR", "0"], "CLEAR needs 0 or 3 arguments, got 1"),
    (["CLEAR", "0", "0"], "CLEAR needs 0 or 3 arguments, got 2"),
    (["CLEAR", "0", "0", "0", "0"], "CLEAR needs 0 or 3 arguments, got 4"),
    (["WRITE", "0", "0", "10", "0", "0", "0"], "WRITE needs 7 arguments, got 6"),
    (["WRITE", "0", "0", "10", "0", "0", "0", "a", "b"], "WRITE needs 7 arguments, got 8"),
    (["GETIMG", "x"], "GETIMG needs 0 arguments, got 1"),
    (["SETIMG", DATA_TOKEN, "32", "32"], "SETIMG needs 4 arguments, got 3"),
    (["SETIMG", DATA_TOKEN, "32", "32", "RGB", "x"], "SETIMG needs 4 arguments, got 5"),
    (["PAGEIMG", DATA_TOKEN, "32", "32", "RGB"], "PAGEIMG needs 5 arguments, got 4"),
    (["PAGE", "1"], "PAGE needs 2 arguments, got 1"),
    (["PAGE", "1", "2", "3"], "PAGE needs 2 arguments, got 3"),
    (["DELPAGE"], "DELPAGE needs 1 arguments, got 0"),
    (["DELPAGE", "1", "1"], "DELPAGE needs 1 arguments, got 2"),
    (["prev", "1"], "PREV needs 0 arguments, got 1"),
    (["NEXT", "1"], "NEXT needs 0 arguments, got 1"),
    (["AUTH"], "AUTH needs 1 arguments, got 0"),
    (["AUTH", "a", "b"], "AUTH needs 1 arguments, got 2"),
]


@pytest.mark.parametrize("command,reason", ARITY, ids=[r for _, r in ARITY])
def test_wrong_arity_is_refused_naming_the_counts(command: list[Any], reason: str) -> None:
    assert refused(command) == reason


# ------------------------------------------------------------------ numbers
NOT_INTEGERS = [" 5", "5 ", "1_000", "\uff15", "\u0665", "1e3", "", "+5", "0x10", "5.0", "-",
                "--1", "1,000", "1.", "\u00b2", "5\n"]


def _with(command: list[str], index: int, token: str) -> list[str]:
    changed = list(command)
    changed[index] = token
    return changed


NUMBER_SLOTS = [  # (command, index of a number in it, the name the reason gives)
    (["LINE", "0", "0", "0", "1", "1", "2", "2", "3"], 1, "r"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2", "3"], 3, "b"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2", "3"], 4, "x0"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2", "3"], 7, "y1"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2", "3"], 8, "LINE width"),
    (["CIRCLE", "0", "0", "0", "1", "1", "8"], 2, "g"),
    (["CIRCLE", "0", "0", "0", "1", "1", "8"], 5, "y"),
    (["CIRCLE", "0", "0", "0", "1", "1", "8"], 6, "CIRCLE radius"),
    (["CLEAR", "0", "0", "0"], 1, "r"),
    (["WRITE", "1", "1", "10", "0", "0", "0", "t"], 1, "x"),
    (["WRITE", "1", "1", "10", "0", "0", "0", "t"], 3, "WRITE size"),
    (["WRITE", "1", "1", "10", "0", "0", "0", "t"], 6, "b"),
    (["SETIMG", DATA_TOKEN, "32", "32", "RGB"], 2, "SETIMG width"),
    (["SETIMG", DATA_TOKEN, "32", "32", "RGB"], 3, "SETIMG height"),
    (["PAGEIMG", "1", DATA_TOKEN, "32", "32", "RGB"], 1, "PAGEIMG page"),
    (["PAGE", "1", "2"], 1, "PAGE page"),
    (["PAGE", "1", "2"], 2, "PAGE count"),
    (["DELPAGE", "1"], 1, "DELPAGE page"),
]


@pytest.mark.parametrize("command,index,what", NUMBER_SLOTS,
                         ids=[f"{c[0]}-{w}" for c, _, w in NUMBER_SLOTS])
def test_a_number_that_is_not_plain_ascii_digits_is_refused(command: list[str], index: int,
                                                            what: str) -> None:
    assert checkCommand(command) is not None          # the command is fine as it was
    for token in NOT_INTEGERS:
        assert refused(_with(command, index, token)) == (
            f"{what} must be a whole number, got {token!r}")


OUT_OF_RANGE = [  # (command, index, token, reason)
    (["LINE", "0", "0", "0", "1", "1", "2", "2"], 1, "256", "r must be 0 to 255, got 256"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2"], 2, "-1", "g must be 0 to 255, got -1"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2"], 4, str(MAX_COORDINATE + 1),
     f"x0 must be {-MAX_COORDINATE} to {MAX_COORDINATE}, got {MAX_COORDINATE + 1}"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2"], 6, str(-MAX_COORDINATE - 1),
     f"x1 must be {-MAX_COORDINATE} to {MAX_COORDINATE}, got {-MAX_COORDINATE - 1}"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2", "3"], 8, "0", "LINE width must be 1 to 64, got 0"),
    (["LINE", "0", "0", "0", "1", "1", "2", "2", "3"], 8, "65",
     "LINE width must be 1 to 64, got 65"),
    (["CIRCLE", "0", "0", "0", "1", "1", "8"], 3, "300", "b must be 0 to 255, got 300"),
    (["CIRCLE", "0", "0", "0", "1", "1", "8"], 6, "-1", "CIRCLE radius must be 0 to 2048, got -1"),
    (["CIRCLE", "0", "0", "0", "1", "1", "8"], 6, "2049",
     "CIRCLE radius must be 0 to 2048, got 2049"),
    (["CIRCLE", "0", "0", "0", "1", "1", "8"], 4, "99999999",
     f"x must be {-MAX_COORDINATE} to {MAX_COORDINATE}, got 99999999"),
    (["CLEAR", "0", "0", "0"], 3, "256", "b must be 0 to 255, got 256"),
    (["WRITE", "1", "1", "10", "0", "0", "0", "t"], 3, "0", "WRITE size must be 1 to 200, got 0"),
    (["WRITE", "1", "1", "10", "0", "0", "0", "t"], 3, "201",
     "WRITE size must be 1 to 200, got 201"),
    (["WRITE", "1", "1", "10", "0", "0", "0", "t"], 5, "256", "g must be 0 to 255, got 256"),
    (["WRITE", "1", "1", "10", "0", "0", "0", "t"], 2, str(MAX_COORDINATE + 1),
     f"y must be {-MAX_COORDINATE} to {MAX_COORDINATE}, got {MAX_COORDINATE + 1}"),
    (["SETIMG", DATA_TOKEN, "32", "32", "RGB"], 2, "0", "SETIMG width must be 1 to 65535, got 0"),
    (["SETIMG", DATA_TOKEN, "32", "32", "RGB"], 3, "65536", "SETIMG height must be 1 to 65535, got 65536"),
    (["PAGEIMG", "1", DATA_TOKEN, "32", "32", "RGB"], 1, "0", "PAGEIMG page must be 1 to 500, got 0"),
    (["PAGEIMG", "1", DATA_TOKEN, "32", "32", "RGB"], 1, "501", "PAGEIMG page must be 1 to 500, got 501"),
    (["PAGE", "1", "2"], 1, "0", "PAGE page must be 1 to 500, got 0"),
    (["PAGE", "1", "2"], 1, "501", "PAGE page must be 1 to 500, got 501"),
    (["PAGE", "1", "2"], 2, "0", "PAGE count must be 1 to 500, got 0"),
    (["PAGE", "1", "2"], 2, "501", "PAGE count must be 1 to 500, got 501"),
    (["PAGE", "1", "2"], 1, "3", "PAGE 3 is past the deck's 2 pages"),
    (["DELPAGE", "1"], 1, "0", "DELPAGE page must be 1 to 500, got 0"),
    (["DELPAGE", "1"], 1, "501", "DELPAGE page must be 1 to 500, got 501"),
]


@pytest.mark.parametrize("command,index,token,reason", OUT_OF_RANGE,
                         ids=[r for *_, r in OUT_OF_RANGE])
def test_a_number_out_of_range_is_refused_naming_the_range(command: list[Any], index: int,
                                                           token: str, reason: str) -> None:
    assert checkCommand(command) is not None
    assert refused(_with(command, index, token)) == reason


def test_a_number_of_very_many_digits_is_out_of_range() -> None:
    assert refused(["PAGE", "1" * 5000, "2"]) == (
        "PAGE page must be 1 to 500, got '" + "1" * 36 + "...")
    assert refused(["CIRCLE", "0", "0", "0", "-12345678901", "0", "1"]) == (
        f"x must be {-MAX_COORDINATE} to {MAX_COORDINATE}, got '-12345678901'")
    assert refused(["DELPAGE", "00000000001"]) == "DELPAGE page must be 1 to 500, got '00000000001'"


def test_integer_takes_plain_decimal_in_range() -> None:
    assert integer("-0", "n", -1, 1) == 0
    assert integer("007", "n", 0, 10) == 7
    assert integer("-42", "n", -100, 100) == -42
    with pytest.raises(BadCommand, match="n must be a whole number, got 5"):
        integer(5, "n", 0, 10)          # an int is not a token
    with pytest.raises(BadCommand, match="n must be 0 to 10, got 11"):
        integer("11", "n", 0, 10)


def test_a_very_long_token_is_shown_shortened() -> None:
    reason = refused(["PAGE", "x" * 1000, "2"])
    assert reason.startswith("PAGE page must be a whole number, got 'xxx")
    assert reason.endswith("...") and len(reason) < 100


# ------------------------------------------------------------------ WRITE text
def test_write_text_of_the_longest_length_is_accepted_one_more_is_refused() -> None:
    assert checkCommand(["WRITE", "0", "0", "10", "0", "0", "0", "é" * MAX_TEXT_LENGTH])
    assert refused(["WRITE", "0", "0", "10", "0", "0", "0", "é" * (MAX_TEXT_LENGTH + 1)]) == (
        f"WRITE text is longer than {MAX_TEXT_LENGTH} characters")


def test_write_text_that_is_not_utf8_on_the_wire_is_refused() -> None:
    [command] = decodeLine(b"[ WRITE 0 0 10 0 0 0 caf\xe9\xff ] \n")
    assert command[7] == "caf\udce9\udcff"          # surrogate-escaped bytes
    assert refused(command) == "WRITE text is not UTF-8"


def test_write_text_holding_utf8_encoded_surrogates_is_refused() -> None:
    # ED A0 80 is U+D800 "in UTF-8": not valid UTF-8.
    [command] = decodeLine(b"[ WRITE 0 0 10 0 0 0 a\xed\xa0\x80 ] \n")
    assert refused(command) == "WRITE text is not UTF-8"


def test_write_text_holding_a_lone_surrogate_no_bytes_stand_for_is_refused() -> None:
    assert "lone surrogate" in refused(["WRITE", "0", "0", "10", "0", "0", "0", "a\ud800"])


def test_write_text_valid_utf8_from_the_wire_is_accepted() -> None:
    [command] = decodeLine("[ WRITE 0 0 10 0 0 0 Grüße ] \n".encode())
    assert checkCommand(command)[7] == "Grüße"


# ------------------------------------------------------------------ images
def _setimg(data: bytes, width: int = 32, height: int = 32, mode: str = "RGB") -> list[Any]:
    return ["SETIMG", token(data), str(width), str(height), mode]


def test_setimg_of_too_many_pixels_is_refused_before_its_data_is_read() -> None:
    assert refused(_setimg(b"not even zlib", 4097, 4096)) == (
        f"SETIMG of 4097x4096 is larger than {MAX_IMAGE_PIXELS} pixels")
    assert refused(["PAGEIMG", "2", "", "65535", "257", "RGB"]) == (
        f"PAGEIMG of 65535x257 is larger than {MAX_IMAGE_PIXELS} pixels")


def test_setimg_of_exactly_the_most_pixels_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    # A smaller limit, so that the test need not make 48 MB of pixels.
    monkeypatch.setattr(CommandsModule, "MAX_IMAGE_PIXELS", 12)
    assert checkCommand(_setimg(zlib.compress(bytes(36)), 4, 3))[0] == "SETIMG"
    assert checkCommand(_setimg(zlib.compress(bytes(36)), 12, 1))[0] == "SETIMG"
    assert refused(_setimg(zlib.compress(bytes(39)), 13, 1)) == (
        "SETIMG of 13x1 is larger than 12 pixels")


@pytest.mark.parametrize("mode", ["RGBA", "rgb", "P", "", "RGBX"])
def test_setimg_in_another_pixel_format_is_refused(mode: str) -> None:
    assert refused(_setimg(DATA, mode=mode)) == f"SETIMG pixel format must be RGB, got {mode!r}"
    assert "PAGEIMG pixel format must be RGB" in refused(["PAGEIMG", "1", DATA_TOKEN, "32", "32", mode])


def test_setimg_data_that_is_not_zlib_is_refused() -> None:
    assert refused(_setimg(b"\x00\x01 not zlib at all")).startswith(
        "image data is not zlib data")
    assert refused(_setimg(zlib.compress(PIXELS)[:2] + b"junk junk")).startswith(
        "image data is not zlib data")


def test_setimg_data_inflating_to_too_few_bytes_is_refused() -> None:
    reason = refused(_setimg(zlib.compress(PIXELS[:-1])))
    assert reason == "image data does not hold 32x32 RGB pixels (3072 bytes)"


def test_setimg_data_inflating_to_too_many_bytes_is_refused() -> None:
    assert refused(_setimg(zlib.compress(PIXELS + b"\x00"))) == (
        "image data does not hold 32x32 RGB pixels (3072 bytes)")


def test_setimg_data_that_ends_early_is_refused() -> None:
    # All the pixels, but the stream is cut before its end (and checksum).
    compressor = zlib.compressobj()
    cut = compressor.compress(PIXELS) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert zlib.decompressobj().decompress(cut) == PIXELS
    assert refused(_setimg(cut)) == "image data does not hold 32x32 RGB pixels (3072 bytes)"


def test_setimg_data_with_bytes_after_its_end_is_refused() -> None:
    assert refused(_setimg(DATA + b"extra")) == "image data has 5 bytes after its end"
    assert "after its end" in refused(_setimg(DATA + DATA))


def test_a_zip_bomb_is_refused() -> None:
    # 100 MB of zeros, claiming to be 64x64 pixels (12 KB).
    bomb = zlib.compress(bytes(100 * 1024 * 1024), 1)
    assert len(bomb) < 1024 * 1024
    assert refused(_setimg(bomb, 64, 64)) == (
        "image data does not hold 64x64 RGB pixels (12288 bytes)")
    # Not inflated whole: the most memory it took is far below 100 MB.
    tracemalloc.start()
    try:
        with pytest.raises(BadCommand):
            decodeImage(bomb, 64, 64)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


def test_pageimg_page_out_of_range_is_refused() -> None:
    assert refused(["PAGEIMG", "0", DATA_TOKEN, "32", "32", "RGB"]) == (
        "PAGEIMG page must be 1 to 500, got 0")
    assert refused(["PAGEIMG", "501", DATA_TOKEN, "32", "32", "RGB"]) == (
        "PAGEIMG page must be 1 to 500, got 501")


def test_pageimg_checks_its_image_too() -> None:
    assert refused(["PAGEIMG", "1", token(zlib.compress(b"short")), "32", "32", "RGB"]) == (
        "image data does not hold 32x32 RGB pixels (3072 bytes)")


def test_image_data_given_as_bytes_is_refused_by_the_checker() -> None:
    # Lines from peers hold str tokens only; bytes are for what we send.
    assert refused(["SETIMG", DATA, "32", "32", "RGB"]).startswith(
        "SETIMG's arguments must be tokens, got b")


def test_decodeimage_takes_bytes_too() -> None:
    assert decodeImage(DATA, 32, 32) == PIXELS
    assert decodeImage(bytearray(DATA), 32, 32) == PIXELS


def test_image_data_token_that_is_neither_text_nor_bytes_is_refused() -> None:
    with pytest.raises(BadCommand, match="image data must be bytes"):
        decodeImage(12345, 1, 1)


def test_image_data_holding_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(BadCommand, match="lone surrogate"):
        decodeImage("\ud800", 1, 1)


def test_decodeimage_gives_the_pixels_from_bytes_and_from_the_wire_token() -> None:
    assert decodeImage(DATA, 32, 32) == PIXELS
    [command] = wire([setimgCommand(PIXELS, (32, 32))])
    assert isinstance(command[1], str)
    assert decodeImage(command[1], 32, 32) == PIXELS


# ------------------------------------------------------------------ refused names
@pytest.mark.parametrize("command", [["LOAD", "/etc/passwd"], ["load", "x.png"],
                                     ["SAVE", "/tmp/x.png"], ["Save", "x"], ["NEW"], ["new"]])
def test_local_file_commands_are_refused_from_the_network(command: list[str]) -> None:
    reason = refused(command)
    assert reason == (f"{command[0].upper()} names a file on the receiver's disk: "
                      "refused from the network")


@pytest.mark.parametrize("command", [["SOUND", "data"], ["sound"], ["FOO"], ["LINES"], [""],
                                     ["DRAW", "1"], ["%"]])
def test_unknown_commands_are_refused_naming_them(command: list[str]) -> None:
    assert refused(command) == f"unknown command {command[0]!r}"


@pytest.mark.parametrize("message", [None, "CLEAR", b"[ CLEAR ] \n", ("CLEAR",), [], {},
                                     (["CLEAR"],), 5])
def test_checkmessage_refuses_what_is_not_a_nonempty_list(message: Any) -> None:
    with pytest.raises(BadCommand, match="a message is a non-empty list of commands"):
        checkMessage(message)


@pytest.mark.parametrize("command", [[], "CLEAR", ("CLEAR",), [5], [["CLEAR"]], None, [b"CLEAR"]])
def test_a_command_that_is_not_a_list_starting_with_its_name_is_refused(command: Any) -> None:
    with pytest.raises(BadCommand, match="a command is a list of tokens starting with its name"):
        checkMessage([["CLEAR"], command])


def test_arguments_that_are_not_tokens_are_refused() -> None:
    assert refused(["LINE", 0, "0", "0", "1", "1", "2", "2"]) == (
        "LINE's arguments must be tokens, got 0")
    assert "must be tokens" in refused(["CLEAR", ["0"], "0", "0"])


def test_badcommand_is_a_valueerror() -> None:
    assert issubclass(BadCommand, ValueError)


# ------------------------------------------------------------------ builders
def test_line_builder_leaves_out_a_width_of_one_as_114_did() -> None:
    assert lineCommand((255, 0, 0), (10, 20), (30, 40)) == (
        ["LINE", "255", "0", "0", "10", "20", "30", "40"])
    assert lineCommand((255, 0, 0), (10, 20), (30, 40), width=1) == (
        ["LINE", "255", "0", "0", "10", "20", "30", "40"])
    assert encode([lineCommand((255, 0, 0), (10, 20), (30, 40))]) == (
        b"[ LINE 255 0 0 10 20 30 40 ] \n")


def test_line_builder_adds_a_wider_width() -> None:
    assert lineCommand((1, 2, 3), (4, 5), (6, 7), width=3) == (
        ["LINE", "1", "2", "3", "4", "5", "6", "7", "3"])


def test_builders_take_colours_with_alpha() -> None:
    # A pygame Color has four parts.
    assert lineCommand((1, 2, 3, 255), (4, 5), (6, 7)) == (
        ["LINE", "1", "2", "3", "4", "5", "6", "7"])
    assert clearCommand((9, 8, 7, 0)) == ["CLEAR", "9", "8", "7"]


def test_circle_builder_is_114s_eraser() -> None:
    assert circleCommand((255, 255, 255), (100, 50), 8) == (
        ["CIRCLE", "255", "255", "255", "100", "50", "8"])


def test_clear_builder() -> None:
    assert clearCommand() == ["CLEAR"]
    assert clearCommand((0, 0, 255)) == ["CLEAR", "0", "0", "255"]


def test_write_builder() -> None:
    assert writeCommand((100, 120), 24, (0, 0, 0), "hi there") == (
        ["WRITE", "100", "120", "24", "0", "0", "0", "hi there"])
    assert encode([writeCommand((1, 2), 9, (0, 0, 0), "a b")]) == (
        b"[ WRITE 1 2 %39 0 0 0 a%20b ] \n")


def test_page_builders() -> None:
    assert pageCommand(2, 3) == ["PAGE", "2", "3"]
    assert delPageCommand(4) == ["DELPAGE", "4"]
    assert encode([["CLEAR"], pageCommand(2, 3)]) == b"[ CLEAR ] [ PAGE 2 3 ] \n"


def test_image_builders_compress_the_pixels() -> None:
    command = setimgCommand(PIXELS, (32, 32))
    assert command[0] == "SETIMG" and command[2:] == ["32", "32", "RGB"]
    assert isinstance(command[1], bytes) and zlib.decompress(command[1]) == PIXELS
    page = pageimgCommand(7, PIXELS, (16, 64))
    assert page[:2] == ["PAGEIMG", "7"] and page[3:] == ["16", "64", "RGB"]
    assert zlib.decompress(page[2]) == PIXELS
    assert zlib.decompress(encodeImage(PIXELS)) == PIXELS


def test_everything_the_builders_make_is_accepted_after_the_wire() -> None:
    message = [lineCommand((1, 2, 3), (4, 5), (6, 7)), lineCommand((1, 2, 3), (4, 5), (6, 7), 9),
               circleCommand((255, 255, 255), (1, 2), 8), clearCommand(), clearCommand((1, 2, 3)),
               writeCommand((1, 2), 30, (4, 5, 6), "99 [red] balloons\n"), pageCommand(1, 2),
               delPageCommand(2), setimgCommand(PIXELS, (32, 32)),
               pageimgCommand(3, PIXELS, (32, 32))]
    received = wire(message)
    assert checkMessage(received) == received
    assert [command[0] for command in received] == [command[0] for command in message]


# ------------------------------------------------------------------ fuzzing
TOKENS = st.one_of(
    st.sampled_from(["LINE", "line", "CIRCLE", "CLEAR", "WRITE", "GETIMG", "SETIMG", "PAGEIMG",
                     "PAGE", "DELPAGE", "PREV", "next", "AUTH", "LOAD", "RGB", "0", "1", "2",
                     "255", "256", "-1", "500", "501", "64", "65", "", "%"]),
    st.integers(-MAX_COORDINATE - 2, MAX_COORDINATE + 2).map(str),
    st.text(max_size=8),
    st.binary(max_size=16),
    st.sampled_from([DATA, zlib.compress(bytes(12)), zlib.compress(bytes(3 * 40 * 30))]).map(token))
COMMANDS = st.lists(TOKENS, min_size=1, max_size=9)
LINES = st.one_of(
    st.binary(max_size=200),
    st.lists(COMMANDS, min_size=1, max_size=4).map(encode),
    # a valid line, then damaged
    st.tuples(st.lists(COMMANDS, min_size=1, max_size=3).map(encode),
              st.integers(0, 300), st.binary(max_size=4)).map(
        lambda t: t[0][:t[1]] + t[2] + t[0][t[1]:]))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
def test_fuzz_reading_any_line_raises_nothing_but_badcommand(line: bytes) -> None:
    try:
        message = checkMessage(decodeLine(line))
    except (BadCommand, TokenisationError):
        return
    # Whatever is accepted can be drawn.
    board = Board(size=(40, 30))
    for command in message:
        board.apply(command)
    assert 1 <= board.current <= board.pageCount <= MAX_PAGES


def _colour() -> st.SearchStrategy[list[str]]:
    return st.lists(st.integers(0, 255).map(str), min_size=3, max_size=3)


def _coordinate() -> st.SearchStrategy[str]:
    return st.one_of(st.integers(-60, 60), st.integers(-MAX_COORDINATE, MAX_COORDINATE)).map(str)


def _image(name: str) -> st.SearchStrategy[list[Any]]:
    sizes = st.sampled_from([(40, 30), (1, 1), (50, 10), (7, 40)])
    images = sizes.flatmap(lambda size: st.tuples(
        st.just(size), st.binary(min_size=3, max_size=3).map(lambda p: p * size[0] * size[1])))
    if name == "SETIMG":
        return images.map(lambda t: setimgCommand(t[1], t[0]))
    return st.tuples(st.integers(1, 12), images).map(
        lambda t: pageimgCommand(t[0], t[1][1], t[1][0]))


def _page() -> st.SearchStrategy[list[str]]:
    counts = st.one_of(st.integers(1, 8), st.integers(1, MAX_PAGES))
    return counts.flatmap(lambda count: st.integers(1, count).map(
        lambda page: pageCommand(page, count)))


VALID_COMMANDS = st.one_of(
    st.tuples(_colour(), st.lists(_coordinate(), min_size=4, max_size=4),
              st.integers(1, MAX_PEN_WIDTH)).map(
        lambda t: ["LINE", *t[0], *t[1], *([str(t[2])] if t[2] > 1 else [])]),
    st.tuples(_colour(), st.lists(_coordinate(), min_size=2, max_size=2),
              st.integers(0, MAX_RADIUS)).map(lambda t: ["CIRCLE", *t[0], *t[1], str(t[2])]),
    st.one_of(st.just(["CLEAR"]), _colour().map(lambda c: ["CLEAR", *c])),
    st.tuples(st.lists(_coordinate(), min_size=2, max_size=2), st.integers(1, MAX_TEXT_SIZE),
              _colour(), st.one_of(st.text(max_size=20),
                                   st.text("\u200b\ufeff\u200d\x00 a\t\n9%[]", max_size=6),
                                   st.sampled_from(["", "\u200b", "\ufeff\u200d", "\x00"]))).map(
        lambda t: ["WRITE", *t[0], str(t[1]), *t[2], t[3]]),
    _page(),
    st.integers(1, MAX_PAGES).map(delPageCommand),
    st.sampled_from([["PREV"], ["NEXT"], ["prev"], ["next"], ["GETIMG"], ["AUTH", "x"]]),
    _image("SETIMG"),
    _image("PAGEIMG"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(VALID_COMMANDS, min_size=1, max_size=3), min_size=1, max_size=6))
def test_fuzz_every_valid_command_is_accepted_and_drawn(messages: list[list[list[Any]]]) -> None:
    board = Board(size=(40, 30))
    versions = [board.version]
    for message in messages:
        received = checkMessage(wire(message))
        for command in received:
            board.apply(command, stroke=len(versions))
            assert 1 <= board.current <= board.pageCount <= MAX_PAGES
        versions.append(board.version)
        board.undo()
    assert versions == sorted(versions)

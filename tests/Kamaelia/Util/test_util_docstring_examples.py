"""The Example Usage code in the timer, rate and stream modules' docstrings runs
and prints what the docstring says it prints."""

from __future__ import annotations

import importlib
import textwrap

import pytest

# module -> what each of its ``::`` code blocks prints, in order
EXPECTED: dict[str, list[str]] = {
    "Kamaelia.Util.Chargen": ["Hello World\n" * 3],
    "Kamaelia.Util.ChunkNamer": ["frames/frame1.bin: 11 bytes\nframes/frame2.bin: 12 bytes\n"],
    "Kamaelia.Util.Chunkifier": ["abcd\nefgh\nij\n"],
    "Kamaelia.Util.Clock": ["tick 1\ntick 2\ntick 3\n"],
    "Kamaelia.Util.FirstOnly": ["first\n"],
    "Kamaelia.Util.LineSplit": ["[one]\n[two]\n[three]\n"],
    "Kamaelia.Util.LossyConnector": ["got [0, 1]\n3 dropped\n"],
    "Kamaelia.Util.Max": ["4\n5\n9\n"],
    "Kamaelia.Util.PromptedTurnstile": ["got one\ngot two\ngot three\n"],
    "Kamaelia.Util.RangeFilter": ["2 c\n3 d\n7 h\n"],
    "Kamaelia.Util.RateChunker": ["aabb\nccddee\nffgghh\n"],
    "Kamaelia.Util.RateFilter": ["5\n4\n3\n2\n1\n", "read 500 bytes\n" * 4],
    "Kamaelia.Util.SequentialTransformer": ["Hello\nWorld\n"],
    "Kamaelia.Util.Stringify": ["1\n2.5\nNone\n('a', 1)\n"],
    "Kamaelia.Util.Sync": ["c\nf\n"],
    "Kamaelia.Util.TagWithSequenceNumber": ["(0, 'zero')\n(1, 'one')\n(2, 'two')\n"],
    "Kamaelia.Util.TestResult": ["all results were true\n", "system stopped\n"],
    "Kamaelia.Util.Tokenisation.Simple": ["ADD NODE 1 FIRST NODE\n"],
    "Kamaelia.Util.UnseenOnly": ["a\nb\nc\n"],
}


def codeBlocks(docstring: str) -> list[str]:
    """The indented blocks that follow a line ending in ``::``."""
    lines = docstring.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if not lines[i].rstrip().endswith("::"):
            i += 1
            continue
        i += 1
        block = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
            block.append(lines[i])
            i += 1
        blocks.append(textwrap.dedent("\n".join(block)))
    return blocks


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_docstring_examples_print_what_they_promise(
        module: str, capsys: pytest.CaptureFixture[str]) -> None:
    doc = importlib.import_module(module).__doc__ or ""
    blocks = codeBlocks(doc)
    assert len(blocks) == len(EXPECTED[module])
    for block, expected in zip(blocks, EXPECTED[module]):
        exec(compile(block, f"<{module} docstring>", "exec"), {"__name__": "__example__"})
        assert capsys.readouterr().out == expected

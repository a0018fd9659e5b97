"""Narrator: the demo's voice, one timestamped line per thing that happens.

Example Usage
-------------
::

    import io
    from Kamaelia.Apps.Demo.narrator import Narrator

    out = io.StringIO()
    narrator = Narrator(out, clock=lambda: 0.0)
    narrator.tell("alice", "says", "hello")
    print(out.getvalue(), end="")       # "   0.0s  alice   says    hello"
    print(narrator.counts["says"])      # 1

How does it work?
-----------------
Every component of the demo that sees a message go by calls
:meth:`Narrator.tell` with who saw it, what happened (a short verb:
``joins``, ``says``, ``relays``, ``hears``, ``leaves``) and the text, and
the narrator writes one aligned line: the seconds since it was made, the
actor, the verb, the text. It also counts the lines by verb, for the
summary at the end.

All the demo's components run in the scheduler's thread, so the narrator
needs no lock; it flushes each line so that a pipe (``kamaelia demo |
less``) sees them as they happen.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Callable, TextIO

__all__ = ["Narrator"]


class Narrator:
    """Narrator(out=sys.stdout, clock=time.monotonic) -> writes one line per event

    Attributes: ``counts`` (a ``Counter`` of the lines told, by verb).
    """

    def __init__(self, out: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.out = out if out is not None else sys.stdout
        self.clock = clock
        self.start = clock()
        self.counts: Counter[str] = Counter()

    def elapsed(self) -> float:
        """Seconds since the narrator was made."""
        return self.clock() - self.start

    def tell(self, who: str, verb: str, text: str = "") -> None:
        """Write ``who`` ``verb`` ``text`` as one line, stamped with the time."""
        self.counts[verb] += 1
        line = f"{self.elapsed():6.1f}s  {who:<7} {verb:<7} {text}".rstrip()
        self.out.write(line + "\n")
        self.out.flush()

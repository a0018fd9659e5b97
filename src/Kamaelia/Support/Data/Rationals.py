"""Rational fractions: floats to (numerator, denominator) pairs and back into range.

Example Usage
-------------
::

    >>> from Kamaelia.Support.Data.Rationals import rational, limit, gcd
    >>> rational(0.75)
    (3, 4)
    >>> rational(30000 / 1001)          # the NTSC frame rate
    (30000, 1001)
    >>> limit((1500, 2000), 80, -80)    # scale both terms into -80..80
    (60, 80)
    >>> gcd(18, 42)
    6

Video codecs (``Kamaelia.Codec``) use ``rational`` for frame rates and
pixel aspect ratios.

How does it work?
-----------------
``rational(floatval, maxdepth=10)`` expands the value as a continued
fraction ``a0 + 1/(a1 + 1/(a2 + ...))``, taking the terms with the same
floating point steps as Kamaelia 1.14 (whole part, then the reciprocal of
what is left), and folds the first ``depth`` terms into a fraction. It
tries ``depth`` = 1, 2, ... up to ``maxdepth - 1`` and returns the first
fraction whose quotient is exactly ``floatval``, or the deepest one tried;
so it returns 1.14's fractions, the simplest exact one where there is one.
The result is reduced by the greatest common divisor and its terms are
``int`` (1.14 on Python 3 sometimes returned ``float`` terms, such as
``(1.0, 2.0)`` for 0.5, because it divided with ``/``). The sign is carried
by the numerator. ``maxdepth`` below 2 is treated as 2 (1.14 then tried no
depth at all and returned ``(1, 1)`` whatever the value); a value that is
not finite raises ``ValueError`` (1.14 looped for ever on ``inf``).

``limit((num, denom), poslimit, neglimit)`` divides both terms by the
smallest factor (at least 1) that brings each of them within
``neglimit..poslimit``, truncating towards zero; a fraction already within
range is returned unchanged. A zero limit raises ``ValueError`` (it has no
range to scale into).

``gcd(a, b)`` is Euclid's algorithm exactly as in 1.14, so its sign follows
Python's ``%`` (``gcd(4, -6) == -2``) and it accepts floats; use
``math.gcd`` for the non-negative integer version.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

__all__ = ["rational", "limit", "gcd"]


def _terms(value: float, count: int) -> list[Any]:
    """The first ``count`` continued-fraction terms of ``value`` (> 0).

    The float steps are 1.14's (``value % 1``, ``int(value - frac)``,
    ``1.0 / frac``), so the terms, and the fractions made from them, are
    the ones 1.14 produced. Stops early when what is left has no fraction
    part; that last term is the value itself (1.14 kept it as it was).
    Also stops where the reciprocal overflows (1.14 raised OverflowError).
    """
    terms: list[Any] = []
    for _ in range(count):
        frac = value % 1
        if not frac > 0:
            terms.append(value)
            return terms
        terms.append(int(value - frac))
        value = 1.0 / frac
        if value == math.inf:       # frac is subnormal: no finite next term
            return terms
    return terms


def _fold(terms: list[Any]) -> tuple[int, int]:
    """Multiply continued-fraction terms out into (numerator, denominator)."""
    numerator, denominator = 1, 0          # the empty tail: infinity
    for term in reversed(terms):
        numerator, denominator = int(term) * numerator + denominator, numerator
    return numerator, denominator


def _quotient(numerator: int, denominator: int) -> float:
    # 1.14 compared float(num) / float(denom), which rounds each term first:
    # keep that, so the same depth is chosen. Terms too big for a float
    # cannot be the exact match anyway.
    try:
        return float(numerator) / float(denominator)
    except OverflowError:
        return math.nan


def rational(floatval: float, maxdepth: int = 10) -> tuple[int, int]:
    """rational(floatval[, maxdepth]) -> (numerator, denominator) approximating floatval

    - maxdepth -- how many continued-fraction terms may be tried, plus one (default 10)
    """
    if isinstance(floatval, bool) or not isinstance(floatval, Real):
        raise TypeError(f"rational: floatval must be a real number, not {floatval!r}")
    if not math.isfinite(floatval):
        raise ValueError(f"rational: floatval must be finite, not {floatval!r}")
    if isinstance(maxdepth, bool) or not isinstance(maxdepth, int):
        raise TypeError(f"rational: maxdepth must be an int, not {maxdepth!r}")
    if floatval == 0:
        return (0, 1)
    sign = -1 if floatval < 0 else 1
    value = -floatval if floatval < 0 else floatval
    numerator, denominator = 1, 1
    for depth in range(1, max(maxdepth, 2)):
        numerator, denominator = _fold(_terms(value, depth))
        if _quotient(numerator, denominator) == value:
            break
    divisor = math.gcd(numerator, denominator)
    if divisor > 1:
        numerator //= divisor
        denominator //= divisor
    return sign * numerator, denominator


def gcd(a: Any, b: Any) -> Any:
    """gcd(a, b) -> greatest common divisor of a and b (Euclid, as in 1.14)."""
    while b != 0:
        a, b = b, a % b
    return a


def limit(rational: tuple[Any, Any], poslimit: float, neglimit: float) -> tuple[Any, Any]:
    """limit((num, denom), poslimit, neglimit) -> (num, denom) scaled to fit within the limits

    Both terms end up within ``neglimit..poslimit`` (inclusive).
    """
    if poslimit == 0 or neglimit == 0:
        raise ValueError(f"limit: poslimit and neglimit must be non-zero, "
                         f"not {poslimit!r} and {neglimit!r}")
    n, d = float(rational[0]), float(rational[1])
    divide = max(1.0, n / poslimit, d / poslimit, n / neglimit, d / neglimit)
    if divide > 1.0:
        return int(n / divide), int(d / divide)
    return rational

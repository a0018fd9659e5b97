"""Tests for Kamaelia.Support.Data.Rationals: 1.14's fractions, as ints."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Support.Data.Rationals import gcd, limit, rational

#: What Kamaelia 1.14.32's rational(value) returned (run from /work/scratch/k114;
#: its float terms, such as (1.0, 2.0), written here as the ints they equal).
RATIONAL_114: list[tuple[float, tuple[int, int]]] = [
    (0.75, (3, 4)), (0.5, (1, 2)), (1, (1, 1)), (2, (2, 1)), (25, (25, 1)),
    (29.97, (2997, 100)), (30000 / 1001, (30000, 1001)), (1 / 3, (1, 3)),
    (-0.75, (-3, 4)), (0, (0, 1)), (0.1, (1, 10)), (3.14159, (314159, 100000)),
    (1e-05, (1, 100000)), (123456.789, (123456789, 1000)), (2.5, (5, 2)),
    (0.0625, (1, 16)), (59.94, (2997, 50)), (1.5, (3, 2)), (24000 / 1001, (24000, 1001)),
    (16 / 9, (16, 9)), (4 / 3, (4, 3)), (0.3, (3, 10)), (math.pi, (833719, 265381)),
    (-2.5, (-5, 2)), (12.5, (25, 2)),
]

#: rational(value, maxdepth) in 1.14.32.
RATIONAL_DEPTH_114: list[tuple[float, int, tuple[int, int]]] = [
    (0.3, 2, (0, 1)), (0.3, 3, (1, 3)), (0.3, 5, (3, 10)), (math.pi, 2, (3, 1)),
    (math.pi, 3, (22, 7)), (math.pi, 5, (355, 113)), (29.97, 2, (29, 1)),
    (29.97, 3, (30, 1)), (29.97, 5, (2997, 100)),
]

#: limit(fraction, poslimit, neglimit) in 1.14.32.
LIMIT_114 = [
    ((1500, 2000), 80, -80, (60, 80)), ((3, 4), 80, -80, (3, 4)),
    ((-1500, 2000), 80, -80, (-60, 80)), ((30000, 1001), 255, -255, (255, 8)),
    ((1920, 1080), 100, -100, (100, 56)), ((7, -9), 3, -3, (2, -3)),
]

#: gcd(a, b) in 1.14.32.
GCD_114 = [(18, 42, 6), (0, 5, 5), (5, 0, 5), (-4, 6, 2), (4, -6, -2), (2.5, 1, 0.5),
           (30000, 1001, 1), (1071, 462, 21)]


@pytest.mark.parametrize("value, expected", RATIONAL_114)
def test_rational_gives_1_14s_fraction(value: float, expected: tuple[int, int]) -> None:
    assert rational(value) == expected


@pytest.mark.parametrize("value, expected", RATIONAL_114)
def test_rational_terms_are_ints(value: float, expected: tuple[int, int]) -> None:
    numerator, denominator = rational(value)
    assert type(numerator) is int and type(denominator) is int


@pytest.mark.parametrize("value, maxdepth, expected", RATIONAL_DEPTH_114)
def test_rational_maxdepth_limits_the_terms_as_in_1_14(value: float, maxdepth: int,
                                                       expected: tuple[int, int]) -> None:
    assert rational(value, maxdepth) == expected
    assert rational(value, maxdepth=maxdepth) == expected


@pytest.mark.parametrize("maxdepth", [0, 1])
def test_rational_maxdepth_below_two_still_tries_one_term(maxdepth: int) -> None:
    assert rational(2.7, maxdepth) == rational(2.7, 2) == (2, 1)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_rational_refuses_values_that_are_not_finite(value: float) -> None:
    with pytest.raises(ValueError, match=r"floatval must be finite, not (inf|-inf|nan)"):
        rational(value)


@pytest.mark.parametrize("value", ["0.5", None, True, 1j])
def test_rational_refuses_what_is_not_a_real_number(value: object) -> None:
    with pytest.raises(TypeError, match=r"floatval must be a real number"):
        rational(value)  # type: ignore[arg-type]


def test_rational_of_a_subnormal_float_is_zero_over_one() -> None:
    assert rational(5e-324) == (0, 1)


@pytest.mark.parametrize("fraction, poslimit, neglimit, expected", LIMIT_114)
def test_limit_scales_as_1_14_did(fraction: tuple[int, int], poslimit: int, neglimit: int,
                                  expected: tuple[int, int]) -> None:
    assert limit(fraction, poslimit, neglimit) == expected


def test_limit_returns_a_fraction_within_range_unchanged() -> None:
    fraction = (3, 4)
    assert limit(fraction, 80, -80) is fraction


def test_limit_refuses_a_zero_limit() -> None:
    with pytest.raises(ValueError, match=r"must be non-zero, not 0 and -80"):
        limit((1, 2), 0, -80)


@pytest.mark.parametrize("a, b, expected", GCD_114)
def test_gcd_is_euclid_as_in_1_14(a: float, b: float, expected: float) -> None:
    assert gcd(a, b) == expected


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(finite, st.integers(min_value=2, max_value=14))
def test_rational_is_a_reduced_fraction_with_the_sign_on_top(value: float,
                                                            maxdepth: int) -> None:
    numerator, denominator = rational(value, maxdepth)
    assert denominator > 0
    assert math.gcd(numerator, denominator) == 1
    assert (numerator < 0) == (value < 0) or numerator == 0


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.fractions(min_value=-10**6, max_value=10**6, max_denominator=1000))
def test_rational_with_enough_depth_finds_simple_fractions_exactly(fraction: Fraction) -> None:
    assert rational(float(fraction), 40) == (fraction.numerator, fraction.denominator)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(finite)
def test_rational_at_the_default_depth_is_close(value: float) -> None:
    numerator, denominator = rational(value)
    assert abs(numerator / denominator - value) <= max(abs(value), 1.0) * 1e-3


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.integers(-10**6, 10**6), st.integers(1, 10**6), st.integers(1, 1000),
       st.integers(-1000, -1))
def test_limit_brings_both_terms_within_range(n: int, d: int, poslimit: int,
                                              neglimit: int) -> None:
    top, bottom = limit((n, d), poslimit, neglimit)
    assert neglimit <= top <= poslimit and neglimit <= bottom <= poslimit

"""The one reader of numbers from untrusted text: ASCII digits only, bounded before conversion."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreel.media.numbers import NotANumber, calendar_date, decimal_number, whole_number
from newsreel.media.timecode import TimecodeError, parse_rate, timecode_to_frames


@given(st.integers(min_value=0, max_value=10**30))
def test_whole_numbers_within_the_bound_read_back_exactly_and_larger_ones_are_refused_or_saturate(n):
    bound = 10**18
    if n <= bound:
        assert whole_number(str(n), maximum=bound) == n
    else:
        with pytest.raises(NotANumber):
            whole_number(str(n), maximum=bound)
        assert whole_number(str(n), maximum=bound, saturate=True) == bound


@pytest.mark.parametrize("text", ["", "-1", "+1", " 1", "1 ", "1e3", "0x10", "1_000", "\u00b2", "\u0663", "١٢"])
def test_anything_but_ascii_digits_is_not_a_whole_number(text):
    with pytest.raises(NotANumber):
        whole_number(text)


def test_a_five_thousand_digit_number_is_refused_without_converting_it():
    with pytest.raises(NotANumber):
        whole_number("9" * 5000)
    assert whole_number("0" * 5000 + "7") == 7
    with pytest.raises(NotANumber):
        decimal_number("1." + "9" * 5000)


def test_decimals_are_exact():
    assert decimal_number("17.52") == Fraction(1752, 100)


@pytest.mark.parametrize(("text", "expected"), [("2026-03-01", dt.date(2026, 3, 1)), ("2026-02-30", None),
                                                 ("2026-13-01", None), ("9" * 5000, None), ("0001-01-01", None),
                                                 ("\u0662\u0660\u0662\u0666-01-01", None), ("", None)])
def test_calendar_dates(text, expected):
    assert calendar_date(text) == expected


@pytest.mark.parametrize("text", ["9" * 5000, "9" * 5000 + ".5", "1." + "9" * 5000, "99999999999",
                                  "\u0663", "\u0661\u0660:00:00:00"])
def test_timecodes_of_any_length_are_timecode_errors(text):
    with pytest.raises(TimecodeError):
        timecode_to_frames(text, Fraction(25))


@pytest.mark.parametrize("text", ["9" * 5000, "0", "1/0", "25/" + "9" * 5000, "abc", "\u0662\u0665"])
def test_frame_rates_of_any_length_are_value_errors(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_frame_rates_as_typed():
    assert parse_rate("30000/1001") == parse_rate("29.97") == Fraction(30000, 1001)
    assert parse_rate(" 25 ") == 25

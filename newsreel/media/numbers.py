"""Numbers from untrusted text (HTTP headers, form fields, query strings, command lines), bounded before conversion.

Converting a digit string costs time quadratic in its length, and Python refuses strings over 4,300 digits with a
ValueError that nobody expects from `int()`. `str.isdigit()` and the `re` module's `\\d` also accept digits
that are not ASCII ("²", "٣"), which `int()` then refuses or reads. So every number that comes from a request is
read here: ASCII digits only, and never more of them than the largest value the caller can use.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

ASCII_DIGITS = frozenset("0123456789")
# Larger than any file size, frame count or database id: a sensible ceiling for "any whole number".
BIG = 2**63 - 1


class NotANumber(ValueError):
    """The text is not a number within the bounds asked for."""


def _digits(text: str) -> str:
    if not text or not set(text) <= ASCII_DIGITS:
        raise NotANumber(f"not a whole number: {text[:20]!r}")
    return text.lstrip("0") or "0"


def whole_number(text: str, *, maximum: int = BIG, saturate: bool = False) -> int:
    """A whole number 0..`maximum` written in ASCII digits (leading zeros allowed, in any number).

    Above `maximum` it is NotANumber, or `maximum` itself with `saturate` (for a "first byte" or "length" whose
    exact size beyond the file's no longer matters)."""
    digits = _digits(text)
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        if saturate:
            return maximum
        raise NotANumber(f"more than {maximum}: {text[:20]!r}...")
    return int(digits)


def is_whole_number(text: str, *, maximum: int = BIG) -> bool:
    try:
        whole_number(text, maximum=maximum)
    except NotANumber:
        return False
    return True


def decimal_number(text: str, *, maximum: int = BIG, places: int = 9) -> Fraction:
    """An exact decimal 0..`maximum` such as `17.52`, with at most `places` digits after the point."""
    whole, point, fraction = text.partition(".")
    value = Fraction(whole_number(whole, maximum=maximum))
    if point:
        if len(fraction) > places:
            raise NotANumber(f"more than {places} decimals: {text[:20]!r}...")
        value += Fraction(whole_number(fraction), 10 ** len(fraction))
    if value > maximum:
        raise NotANumber(f"more than {maximum}: {text[:20]!r}")
    return value


def calendar_date(text: str, *, first_year: int = 1900, last_year: int = 2200) -> dt.date | None:
    """A `YYYY-MM-DD` date (ASCII digits) between two years, or None for anything else, impossible days included."""
    if text.count("-") != 2:
        return None
    year, month, day = text.split("-")
    try:
        value = dt.date(whole_number(year, maximum=9999), whole_number(month, maximum=99),
                        whole_number(day, maximum=99))
    except ValueError:  # NotANumber, or a day that does not exist (30 February)
        return None
    return value if first_year <= value.year <= last_year else None

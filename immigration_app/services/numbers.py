"""Whole numbers that arrive as text: URL parameters, form fields, ids a browser sends."""

from __future__ import annotations

import unicodedata

# PostgreSQL's integer columns hold no more; a larger id could only fail in the query.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000  # further than anyone pages; keeps OFFSET small


def whole_number(raw: object, *, most: int = MAX_ID) -> int | None:
    """`raw` as a number from 0 to `most`, or None for anything else.

    ASCII digits only: str.isdigit() also accepts characters such as "²" that int() refuses,
    and the length check comes first so a 10,000-digit value is never converted at all.
    """
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(most)):
        return None
    number = int(text)
    return number if number <= most else None


def ascii_digits(text: str) -> str:
    """Every script's decimal digits as ASCII ones, other characters unchanged.

    A phone keyboard set to Arabic, Persian or Devanagari, or a full-width input method, types
    its own digits; an A-number or a receipt number typed that way is still the same number.
    """
    return "".join(
        str(unicodedata.decimal(character)) if character.isdecimal() else character
        for character in text
    )


def digits_only(text: str) -> str:
    """The ASCII digits of `text`, any script's digits converted first: what a form box for a
    number takes ("A-012 345 678" -> "012345678"; "²" is not a digit here)."""
    return "".join(character for character in ascii_digits(text) if "0" <= character <= "9")

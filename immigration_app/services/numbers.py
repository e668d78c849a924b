"""Whole numbers that arrive as text: URL parameters, form fields, ids a browser sends."""

from __future__ import annotations

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

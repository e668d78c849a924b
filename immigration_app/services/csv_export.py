"""CSV files the app writes for people to open in a spreadsheet.

A cell beginning with = + - @ (or a tab or carriage return before one) is run as a formula
by Excel, LibreOffice and Google Sheets: a client who types =HYPERLINK(...) as their name
in the portal would have it run on the staff member's computer that opens the export.
Such cells get a leading single quote, as OWASP advises (CSV injection), which spreadsheets
show as text and do not display.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from sqlmodel import Session

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def in_batches(session: Session, statement, size: int = BATCH) -> Iterator[list]:
    """The rows of `statement`, a page at a time, so a large export never sits in memory."""
    offset = 0
    while True:
        found = session.exec(statement.offset(offset).limit(size)).all()
        yield found
        if len(found) < size:
            return
        offset += size


def csv_chunks(
    header: Sequence[str], batches: Iterable[Iterable[Sequence[object]]]
) -> Iterator[str]:
    """CSV text, a chunk per batch of rows (the header in the first), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for rows in batches:
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():  # no batch at all: the header alone
        yield buffer.getvalue()

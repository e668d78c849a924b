"""Importing USCIS processing times from CSV, every row checked before anything is kept.

One header row, then one line per form, category and office: the form, its category, the
office, the months within which 80% of cases were decided ("10.5" or "10.5 Months"), and the
publication date (YYYY-MM-DD or MM/DD/YYYY). UTF-8 with or without a byte-order mark, commas or
semicolons (as a spreadsheet in another locale saves it), quoted fields. A file with any bad row
is refused as a whole, each problem with its row number (the header is row 1, as a spreadsheet
numbers it).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from immigration_app.models import ProcessingTime, utcnow
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import firm_clock
from immigration_app.services.viewer import Viewer, require_admin

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_MONTHS = 240
MAX_PROBLEMS_SHOWN = 30
_LIMITS = {"form": 16, "category": 200, "office": 120}

# What each column may be called (compared in lower case, punctuation as spaces).
COLUMNS = {
    "form": ("form", "form number", "form no", "form type", "form name"),
    "category": ("category", "form category", "subtype", "form subtype", "classification"),
    "office": (
        "office",
        "field office or service center",
        "service center",
        "field office",
        "processing office",
        "location",
    ),
    "months": (
        "months",
        "80th percentile",
        "80th percentile months",
        "months 80th percentile",
        "processing time",
        "processing time months",
        "processing time 80th percentile",
        "time",
    ),
    "published_on": (
        "publication date",
        "published",
        "published on",
        "date published",
        "as of",
        "date",
    ),
}
_NAMES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
_SAID = {
    "form": "form",
    "category": "category",
    "office": "office",
    "months": "months (80th percentile)",
    "published_on": "publication date",
}
_SHOWN_NAMES = ", ".join(_SAID.values())
_FORM = re.compile(r"^([A-Z]{1,4})\s*-?\s*(\d{1,4}[A-Z]{0,3})$")
_MONTHS = re.compile(r"^([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*(?:months?|mos?\.?|meses)?$", re.I)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class ImportRefused(InvalidInput):
    """A file refused as a whole; `problems` lists what to fix, bad rows by their number."""

    def __init__(self, problems: list[str]):
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more problems.")
        super().__init__(
            {"file": "Nothing was imported: " + (shown[0] if len(shown) == 1 else "fix these.")}
        )
        self.problems = shown


@dataclass(frozen=True)
class PublishedLine:
    row: int
    form: str
    category: str
    office: str
    months: float
    published_on: date


def normalize_form(text: str) -> str:
    """ "i130", "I 130", "i-130" -> "I-130"; anything else in capitals, spaces collapsed."""
    compact = " ".join(text.split()).upper()
    found = _FORM.match(compact)
    return f"{found[1]}-{found[2]}" if found else compact


def parse_months(text: str) -> float | None:
    """ "10.5", "10.5 Months", "10,5" -> 10.5; None when it is no number of months."""
    found = _MONTHS.match(text.strip())
    return float(found[1].replace(",", ".")) if found else None


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD (a time after it is ignored), MM/DD/YYYY or "November 20, 2025"."""
    text = text.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    if found := _US_DATE.match(text):
        try:
            return date(int(found[3]), int(found[1]), int(found[2]))
        except ValueError:
            return None
    for layout in ("%B %d, %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def _decode(data: bytes, filename: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused([f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."])
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xls")):
        raise ImportRefused(
            [
                "This is a spreadsheet workbook, not CSV text. Save it as “CSV UTF-8” "
                "(File > Save As) and import that file."
            ]
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:65536]:
        raise ImportRefused(["This is not a CSV text file. Save it as “CSV UTF-8” and try again."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            ["This file is not UTF-8 text. Save it as “CSV UTF-8” and try again."]
        ) from None
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text[:65536]):
        raise ImportRefused(["This is not a CSV text file. Save it as “CSV UTF-8” and try again."])
    if not text.strip():
        raise ImportRefused(["The file is empty."])
    return text


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header row has most of, outside quotes."""
    header = next(line for line in text.splitlines() if line.strip())
    unquoted = re.sub(r'"[^"]*"', "", header)
    return max((",", ";", "\t"), key=unquoted.count)


def _column_name(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _columns(header: list[str]) -> dict[str, int]:
    """Which position holds which column; ImportRefused on unknown, doubled or missing ones."""
    found: dict[str, int] = {}
    problems = []
    for position, cell in enumerate(header):
        name = _column_name(cell)
        if not name:
            continue  # an empty trailing column, as spreadsheets sometimes save
        column = _NAMES.get(name)
        if column is None:
            problems.append(f"Row 1: the column “{cell.strip()}” is not one this import knows.")
        elif column in found:
            problems.append(f"Row 1: two columns give the {_SAID[column]}.")
        else:
            found[column] = position
    missing = [_SAID[column] for column in COLUMNS if column not in found]
    if missing:
        problems.append(f"Row 1: the file has no {' or '.join(missing)} column.")
    if problems:
        raise ImportRefused([*problems, f"The columns are: {_SHOWN_NAMES}."])
    return found


def _line(number: int, cells: list[str], columns: dict[str, int], width: int, today: date):
    """A PublishedLine, or the row's problems."""
    value = {
        column: (" ".join(cells[position].split()) if position < len(cells) else "")
        for column, position in columns.items()
    }
    problems = []
    form = normalize_form(value["form"])
    if not form:
        problems.append("the form is empty")
    for column, limit in _LIMITS.items():
        if len(normalize_form(value[column]) if column == "form" else value[column]) > limit:
            problems.append(f"the {column} is longer than {limit} characters")
    months = parse_months(value["months"])
    if months is None:
        shown = value["months"][:40]
        problems.append(
            f"the months “{shown}” are not a number of months (e.g. 10.5)"
            if shown
            else "the months are empty"
        )
    elif not 0 < months <= MAX_MONTHS:
        problems.append(f"the months must be more than 0 and at most {MAX_MONTHS}")
    published = parse_date(value["published_on"])
    if published is None:
        problems.append(
            f"the publication date “{value['published_on'][:40]}” is not a date "
            "(YYYY-MM-DD or MM/DD/YYYY)"
        )
    elif published > today:
        problems.append("the publication date is in the future")
    elif published.year < 2000:
        problems.append("the publication date is before 2000; check the year")
    if any(cell.strip() for cell in cells[width:]):
        problems.append("it has more values than the header has columns")
    if problems:
        return f"Row {number}: " + "; ".join(problems) + "."
    return PublishedLine(
        row=number,
        form=form,
        category=value["category"],
        office=value["office"],
        months=round(months, 2),
        published_on=published,
    )


def read_processing_times(data: bytes, *, filename: str, today: date) -> list[PublishedLine]:
    """Every line of the file, or ImportRefused naming each problem."""
    text = _decode(data, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    columns: dict[str, int] | None = None
    width = read = 0
    lines: dict[tuple, PublishedLine] = {}
    problems: list[str] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns, width = _columns(cells), len(cells)
                continue
            read += 1
            if read > MAX_ROWS:
                raise ImportRefused([f"The file has more than {MAX_ROWS:,} lines; split it."])
            line = _line(number, cells, columns, width, today)
            if isinstance(line, str):
                problems.append(line)
                continue
            key = (line.form, line.category.casefold(), line.office.casefold(), line.published_on)
            if (earlier := lines.get(key)) is not None:
                if earlier.months != line.months:
                    problems.append(
                        f"Row {number}: repeats row {earlier.row} (same form, category, office "
                        "and date) with other months."
                    )
                continue
            lines[key] = line
    except csv.Error as error:
        raise ImportRefused([f"Row {reader.line_num}: this is not valid CSV ({error})."]) from None
    if problems:
        raise ImportRefused(problems)
    if not lines:
        raise ImportRefused(["The file has a header but no lines of processing times."])
    return list(lines.values())


@dataclass(frozen=True)
class ImportResult:
    rows: int  # lines read from the file
    added: int
    updated: int  # same form, category, office and publication date: months replaced
    unchanged: int
    forms: int

    @property
    def summary(self) -> str:
        return (
            f"Imported {self.rows} line{'s' if self.rows != 1 else ''} for {self.forms} "
            f"form{'s' if self.forms != 1 else ''}: {self.added} new, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )


def import_processing_times(
    session: Session, *, actor: Viewer, data: bytes, filename: str
) -> ImportResult:
    """Import a CSV of published processing times, all of it or nothing (ImportRefused, with
    each bad row's number). A line already imported gets the file's months: re-importing the
    same file changes nothing."""
    require_admin(actor, "import or list processing times")
    lines = read_processing_times(data, filename=filename, today=firm_clock(session).today())
    forms = {line.form for line in lines}
    existing = {
        (row.form, row.category.casefold(), row.office.casefold(), row.published_on): row
        for row in session.exec(select(ProcessingTime).where(ProcessingTime.form.in_(forms)))
    }
    added = updated = 0
    now = utcnow()
    for line in lines:
        row = existing.get(
            (line.form, line.category.casefold(), line.office.casefold(), line.published_on)
        )
        if row is None:
            session.add(
                ProcessingTime(
                    form=line.form,
                    category=line.category,
                    office=line.office,
                    months=line.months,
                    published_on=line.published_on,
                    imported_by_id=actor.id,
                    imported_at=now,
                )
            )
            added += 1
        elif abs(row.months - line.months) > 1e-9:
            row.months, row.imported_by_id, row.imported_at = line.months, actor.id, now
            session.add(row)
            updated += 1
    result = ImportResult(
        rows=len(lines),
        added=added,
        updated=updated,
        unchanged=len(lines) - added - updated,
        forms=len(forms),
    )
    record_event(
        session,
        kind="processing_times_imported",
        summary=f"Processing times imported from {filename[:100]}: {result.summary}",
        actor=actor,
        after={
            "file": filename[:200],
            "rows": result.rows,
            "added": added,
            "updated": updated,
            "unchanged": result.unchanged,
        },
    )
    session.flush()
    return result

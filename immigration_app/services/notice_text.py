"""Finding the values of a USCIS notice in its text, whatever the year's layout and wording.

Notices print their values in boxes: a label with its value beside it ("Receipt Number:
IOE0912345678") or under it ("Received Date" over "01/05/2026"), often two boxes side by side.
pypdf's layout extraction keeps each piece of text at its column, so `Layout` looks for a value
where a reader's eye goes: right of its label, else under it in the same column. Sentences
("must be received by April 3, 2026") are read from the text with its line breaks removed
(`flatten`), since wording wraps anywhere.

The first half of this module reads values (dates, times, receipt numbers, case types, names);
the second says what notices call each field and where to look for it (`find_*`). Every finder
answers None when the text does not say: nothing is inferred from what is usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from immigration_app.services.receipts import normalize_receipt_number

T = TypeVar("T")
# A reader looks at `line` from column `at` and answers (value, end column), or None.
Reader = Callable[[str, int], tuple[T, int] | None]

_MONTH_NAMES = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# "01/05/2026", "January 5, 2026", "Jan 05 2026", "Tuesday, January 20, 2026", "2026-01-05".
# Two-digit years are not read: form editions ("04/01/24") print that way too.
_DATE = re.compile(
    r"(?<![\w/])(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"
    rf"|(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))(?![\d/])",
    re.IGNORECASE,
)
# "10:00 AM", "8:00 a.m.", "09:30AM"
_TIME = re.compile(r"(?P<h>\d{1,2}):(?P<m>[0-5]\d)\s*(?P<half>[ap])\.?\s*m\b\.?", re.IGNORECASE)
# A case type as printed: "I485 - APPLICATION ...", "I-129F", "Form N-400". I-797 is the notice.
_FORM = re.compile(
    r"(?i:form\s+)?(?<![\w-])(?P<letter>[IN])-?(?P<number>\d{2,3})(?P<suffix>[A-Z]{0,2})\b"
)
_NOTICE_FORM = "797"
# Three letters, an optional asterisk (legacy notices) and 9-10 digits in dashed or spaced groups.
_RECEIPT = re.compile(r"[A-Z]{3}\*?(?:[ -]?\d){9,10}(?!\d)")
# Known receiving centers (DOMAIN.md section 1): a bare number is trusted only with one of these.
_KNOWN_RECEIPT = re.compile(
    r"(?<![A-Z])(?:EAC|WAC|LIN|SRC|NBC|MSC|IOE|YSC|Z[A-Z]{2})\*?(?:[ -]?\d){9,10}(?!\d)"
)
_NAME_WORD = r"[^\W\d_](?:[^\W\d_]|['\u2019.\-])*"
_NAME = re.compile(rf"{_NAME_WORD}(?:,?\s{_NAME_WORD}){{1,5}},?")
# Words of the notice's own furniture, never part of a person's name.
_NOT_A_NAME = re.compile(
    r"\b(?:date|number|type|page|notice|receipt|applicant|beneficiary|petitioner|case|priority"
    r"|received|section|amount|class|valid|form|uscis|services|center|office)\b",
    re.IGNORECASE,
)
# An A-number printed beside a name label: "Applicant A123 456 789".
_A_NUMBER = re.compile(r"A\s?#?:?\s?-?\d(?:[ -]?\d){7,8}\b")
# Pieces of text further apart than one space are separate boxes or columns.
_CELL = re.compile(r"\S+(?: \S+)*")
_BETWEEN = re.compile(r"[\s:#.\-\u2013]*")
_COLON = re.compile(r"\s*:")
_SAME_BOX = re.compile(r"[:#.\-\u2013]* ?")
_THEN_AT = re.compile(r"[\s,]*(?:at\s+)?", re.IGNORECASE)  # "January 20, 2026 at 10:00 AM"


def _label(*patterns: str) -> re.Pattern[str]:
    """A label in any case, as a whole word: "Receipt Number", "RECEIPT NUMBER"."""
    return re.compile(rf"(?:{'|'.join(patterns)})(?![\w'])", re.IGNORECASE)


def flatten(text: str) -> str:
    """Text as one line with single spaces: a sentence reads the same wherever it wrapped."""
    return " ".join(text.split())


# --- readers: a value at a column --------------------------------------------------------------


def read_date(line: str, at: int) -> tuple[date, int] | None:
    match = _DATE.match(line, at)
    if match is None:
        return None
    groups = match.groupdict()
    try:
        if groups["m"]:
            value = date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        elif groups["month"]:
            month = _MONTHS.index(groups["month"][:3].lower()) + 1
            value = date(int(groups["year"]), month, int(groups["day"]))
        else:
            value = date(int(groups["iy"]), int(groups["im"]), int(groups["id"]))
    except ValueError:
        return None  # "02/30/2026" is not a date, whatever it looks like
    return value, match.end()


def read_time(line: str, at: int) -> tuple[str, int] | None:
    """A clock time as staff write it: "8:00 AM" from "08:00 a.m."."""
    match = _TIME.match(line, at)
    if match is None or not 1 <= int(match["h"]) <= 12:
        return None
    return f"{int(match['h'])}:{match['m']} {match['half'].upper()}M", match.end()


def read_form(line: str, at: int) -> tuple[str, int] | None:
    """The case type as staff write it, "I-485", from "I485 - APPLICATION..." or "Form I-485"."""
    match = _FORM.match(line, at)
    if match is None or match["number"] == _NOTICE_FORM:
        return None
    return _form_name(match), match.end()


def _form_name(match: re.Match[str]) -> str:
    return f"{match['letter']}-{match['number']}{match['suffix']}"


def _forms_in(text: str) -> list[str]:
    """Every case type the text names, the notice's own form (I-797) left out."""
    return [_form_name(m) for m in _FORM.finditer(text) if m["number"] != _NOTICE_FORM]


def read_receipt(line: str, at: int) -> tuple[str, int] | None:
    match = _RECEIPT.match(line, at)
    number = normalize_receipt_number(match.group()) if match else None
    return (number, match.end()) if match and number else None


def _receipts_in(text: str) -> set[str]:
    """The receipt numbers with a known center's prefix anywhere in the text, normalised."""
    found = (normalize_receipt_number(match.group()) for match in _KNOWN_RECEIPT.finditer(text))
    return {number for number in found if number}


def read_cell(line: str, at: int) -> tuple[str, int] | None:
    """The rest of the box: text up to the next gap of two spaces or more."""
    match = _CELL.match(line, at)
    return (match.group(), match.end()) if match else None


def read_name(line: str, at: int) -> tuple[str, int] | None:
    """A person's name as printed ("DOE, JOHN"), filling its box; not a label or a sentence."""
    cell = read_cell(line, at)
    if cell is None:
        return None
    text, end = cell
    if not (_NAME.fullmatch(text) and text[0].isupper()) or _NOT_A_NAME.search(text):
        return None
    return text.rstrip(","), end


# --- finding a labelled value on the page ------------------------------------------------------


@dataclass(frozen=True)
class Hit(Generic[T]):
    value: T
    line: int
    start: int  # the value's first column
    end: int


class Layout:
    """The text of a notice as lines, each piece of text at its column on the page."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def find(
        self, labels: re.Pattern[str], read: Reader[T], *, skip: re.Pattern[str] | None = None
    ) -> Hit[T] | None:
        """The value of the first of `labels` that has one, beside it or under it.

        A label with a colon ("APPLICANT:") has its value beside it; under an empty one lies
        the next box, not its value. `skip` is printed between a label and its value and is not
        the value (an A-number).
        """
        for index, start, end in self._labels(labels):
            hit = self._beside(index, end, read, skip)
            if hit is None and not _COLON.match(self.lines[index], end):
                hit = self.under(index, start, end, read)
            if hit is not None:
                return hit
        return None

    def after(self, hit: Hit[object], read: Reader[T]) -> Hit[T] | None:
        """A value right after another on the same line: the time after "January 20, 2026 at"."""
        line = self.lines[hit.line]
        at = _THEN_AT.match(line, hit.end).end()
        got = read(line, at)
        return Hit(got[0], hit.line, at, got[1]) if got else None

    def under(self, index: int, start: int, end: int, read: Reader[T]) -> Hit[T] | None:
        """The value in the next line of text that starts a box under columns start..end.

        Only the next line is looked at, across one blank line at most: under an empty box
        sits whatever comes next on the page, which is not this box's value.
        """
        below = self._next_text_line(index)
        if below is None:
            return None
        line = self.lines[below]
        cells = [m for m in _CELL.finditer(line) if m.start() < end and m.end() > start]
        for cell in sorted(cells, key=lambda m: abs(m.start() - start)):
            got = read(line, cell.start())
            if got is not None:
                return Hit(got[0], below, cell.start(), got[1])
        return None

    def block(self, header: re.Pattern[str], *, limit: int = 5) -> list[str]:
        """The lines of text under a header, in its column: an address under "Please come to:".

        The block ends at a gap, at a date or a time, at another label ("On:"), or where the
        header's column holds nothing.
        """
        for index, start, end in self._labels(header):
            # "Please come to: USCIS ..." starts the block in the header's own box; a box
            # further right on the line is another column.
            line = self.lines[index]
            at = _SAME_BOX.match(line, end).end()
            rest = read_cell(line, at)
            parts = [rest[0]] if rest else []
            column = at if rest else start
            for below in range(index + 1, min(index + 3 + limit, len(self.lines))):
                if not self.lines[below].strip():
                    if parts:
                        break
                    continue
                cell = next(
                    (
                        m.group()
                        for m in _CELL.finditer(self.lines[below])
                        if abs(m.start() - column) <= 2
                    ),
                    None,
                )
                if cell is None or _ends_block(cell) or len(parts) == limit:
                    break
                parts.append(cell)
            if parts:
                return parts
        return []

    def first_cell_date(self, *, lines: int) -> date | None:
        """A date standing alone in its box near the top: the date line of a letter."""
        seen = 0
        for line in self.lines:
            if not line.strip():
                continue
            for cell in _CELL.finditer(line):
                got = read_date(line, cell.start())
                if got is not None and got[1] == cell.end():
                    return got[0]
            seen += 1
            if seen == lines:
                break
        return None

    def _labels(self, labels: re.Pattern[str]) -> Iterator[tuple[int, int, int]]:
        # A label starts its box; the same words inside a sentence are not a label.
        for index, line in enumerate(self.lines):
            starts = {cell.start() for cell in _CELL.finditer(line)}
            for match in labels.finditer(line):
                if match.start() in starts:
                    yield index, match.start(), match.end()

    def _beside(
        self, index: int, end: int, read: Reader[T], skip: re.Pattern[str] | None
    ) -> Hit[T] | None:
        line = self.lines[index]
        at = _BETWEEN.match(line, end).end()
        skipped = skip.match(line, at) if skip else None
        if skipped:
            at = _BETWEEN.match(line, skipped.end()).end()
        got = read(line, at)
        return Hit(got[0], index, at, got[1]) if got else None

    def _next_text_line(self, index: int) -> int | None:
        for below in range(index + 1, min(index + 3, len(self.lines))):
            if self.lines[below].strip():
                return below
        return None


def _ends_block(cell: str) -> bool:
    return bool(
        read_date(cell, 0)
        or read_time(cell, 0)
        or re.match(r"[^:]{1,40}:(?:\s|$)", cell)  # "On:", "Date and Time of Appointment:"
    )


# --- what notices print, and where ----------------------------------------------------------

OTHER = "other"  # a document that is none of the kinds below


def _patterns(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in pairs)


# What the "Notice Type:" box says, most specific first ("Request for Applicant to Appear for
# Initial Interview" is an interview notice, whatever else it names).
_NOTICE_TYPE = _label(r"Notice\s+Type")
_NOTICE_TYPES = _patterns(
    ("rfe", r"request\s+for\s+evidence"),
    ("noid", r"intent\s+to\s+deny"),
    ("interview", r"interview"),
    ("biometrics", r"\bASC\b|biometric|application\s+support\s+center"),
    ("approval", r"approv|welcome"),
    ("denial", r"denial|decision"),
    ("transfer", r"transfer"),
    ("receipt", r"receipt"),
)
# The wording of the body, for notices and letters without that box. Every I-797 prints "If this
# is an interview or biometrics appointment notice, please see the back", so no pattern here
# may match that sentence.
_WORDING = _patterns(
    ("rfe", r"request\s+for\s+evidence"),
    ("noid", r"notice\s+of\s+intent\s+to\s+deny|we\s+intend\s+to\s+deny"),
    (
        "interview",
        r"notified\s+to\s+appear\s+for\s+an?\s+(?:\w+\s+)?interview"
        r"|request\s+for\s+applicant\s+to\s+appear",
    ),
    (
        "biometrics",
        r"ASC\s+appointment\s+notice|date\s+and\s+time\s+of\s+appointment"
        r"|appear\s+at\s+the\s+application\s+support\s+center",
    ),
    (
        "approval",
        r"approval\s+notice|welcome\s+notice|(?:has|have)\s+been\s+approved"
        r"|is\s+(?:hereby\s+)?approved",
    ),
    (
        "denial",
        r"(?:is|are)\s+(?:hereby\s+)?denied|(?:has|have)\s+been\s+denied"
        r"|we\s+(?:are|must)\s+deny(?:ing)?\b",
    ),
    ("transfer", r"transfer\s+notice|(?:has|have)\s+been\s+transferred|was\s+transferred"),
    ("receipt", r"receipt\s+notice|we\s+(?:have\s+)?received\s+your"),
)

_RECEIPT_NUMBER = _label(r"Receipt\s*(?:Number|No\.?|#)")
_CASE_TYPE = _label(r"Case\s+Type", r"Form\s+(?:Type|Number)", r"RE(?=\s*:)")
_RECEIVED = _label(r"Received\s+Date", r"Date\s+Received", r"Receipt\s+Date")
_PRIORITY = _label(r"Priority\s+Date")
_NOTICE_DATE = _label(r"Notice\s+Date", r"Date\s+of\s+(?:this\s+)?Notice", r"Date(?=\s*:)")
_APPLICANT = _label(r"(?:Applicant|Beneficiary)(?:'s)?(?:\s+Name)?", r"Name\s+of\s+Applicant")
_PETITIONER = _label(r"Petitioner(?:'s)?(?:\s+Name)?")
_APPOINTMENT_DATE = _label(
    r"Date\s+and\s+Time\s+of\s+(?:Appointment|Interview)",
    r"(?:Appointment|Interview)\s+Date(?:\s+and\s+Time)?",
    r"Date\s+of\s+(?:Appointment|Interview)",
    r"On(?=\s*:)",
)
_APPOINTMENT_TIME = _label(
    r"(?:Appointment|Interview)\s+Time",
    r"Time\s+of\s+(?:Appointment|Interview)",
    r"(?:At|Time)(?=\s*:)",
)
# A place heads the address under it; in a sentence ("appear at the Application Support Center
# below") the same words are followed by more words, so a header ends its box or has a colon.
_PLACE = _label(
    r"(?:Application\s+Support\s+Center|Please\s+(?:come|report)\s+to"
    r"|(?:Appointment|Interview)\s+Location|Location)(?:\s*:|(?=\s{2}|\s*$))"
)
_DUE = _label(r"Response\s+Due(?:\s+Date)?", r"Due\s+Date", r"Respond\s+By")
_DUE_WORDING = re.compile(
    r"(?:must|should)\s+be\s+received(?:\s+(?:in|by|at)\s+(?:this|our)\s+office)?"
    r"\s+(?:by|no\s+later\s+than|on\s+or\s+before)\s+"
    r"|respond\s+(?:by|no\s+later\s+than|on\s+or\s+before)\s+"
    r"|(?:response|reply)\s+(?:is\s+)?due(?:\s+date)?\s*(?:is\s|:)?\s*(?:by\s|on\s)?",
    re.IGNORECASE,
)
_VALID_FROM = _label(r"Valid\s+From")
_VALID_TO = _label(r"Valid\s+(?:To|Until|Through)")
_VALIDITY = re.compile(r"valid\s+from\s*:?\s*", re.IGNORECASE)
_THROUGH = re.compile(r"\s*(?:to|through|until|-)\s*:?\s*", re.IGNORECASE)
_FILED_FORM = re.compile(r"\b(?:your|filed\s+(?:a|an|the))\s+(?=Form\s)", re.IGNORECASE)
# A letter prints its date alone near the top, without a label.
_LETTER_KINDS = ("noid", "denial")
_LETTER_HEAD_LINES = 15


def _value_of(hit: Hit[T] | None) -> T | None:
    return hit.value if hit is not None else None


def notice_kind(page: Layout, flat: str) -> str:
    notice_type = page.find(_NOTICE_TYPE, read_cell)
    if notice_type is not None:
        # A type this module does not know (a rejection or fee notice) is not guessed at from
        # its wording: "we received your" is in a rejection notice too.
        return _first_kind(_NOTICE_TYPES, notice_type.value)
    return _first_kind(_WORDING, flat)


def _first_kind(patterns: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> str:
    return next((kind for kind, pattern in patterns if pattern.search(text)), OTHER)


def find_receipt_number(page: Layout, flat: str) -> str | None:
    hit = page.find(_RECEIPT_NUMBER, read_receipt)
    if hit is not None:
        return hit.value
    # Without a label, one receipt number is the notice's; two or more could be any of them.
    found = _receipts_in(flat)
    return found.pop() if len(found) == 1 else None


def find_form_number(page: Layout, flat: str) -> str | None:
    hit = page.find(_CASE_TYPE, read_form)
    if hit is not None:
        return hit.value
    for match in _FILED_FORM.finditer(flat):
        got = read_form(flat, match.end())
        if got is not None:
            return got[0]
    forms = set(_forms_in(flat))  # a letter names other forms too: the I-290B to appeal with
    return forms.pop() if len(forms) == 1 else None


def find_notice_date(page: Layout, kind: str) -> date | None:
    hit = page.find(_NOTICE_DATE, read_date)
    if hit is not None:
        return hit.value
    return page.first_cell_date(lines=_LETTER_HEAD_LINES) if kind in _LETTER_KINDS else None


def find_appointment(page: Layout) -> tuple[date | None, str | None, str | None]:
    day = page.find(_APPOINTMENT_DATE, read_date)
    time = None
    if day is not None:  # "01/20/2026" over "10:00 AM", or "January 20, 2026 at 10:00 AM"
        time = page.after(day, read_time) or page.under(day.line, day.start, day.end, read_time)
    time = time or page.find(_APPOINTMENT_TIME, read_time)
    place = ", ".join(line.rstrip(",") for line in page.block(_PLACE)) or None
    return _value_of(day), _value_of(time), place


def find_response_due(page: Layout, flat: str) -> date | None:
    hit = page.find(_DUE, read_date)
    if hit is not None:
        return hit.value
    for match in _DUE_WORDING.finditer(flat):
        got = read_date(flat, match.end())
        if got is not None:
            return got[0]
    return None


def find_validity(page: Layout, flat: str) -> tuple[date | None, date | None]:
    start = _value_of(page.find(_VALID_FROM, read_date))
    end = _value_of(page.find(_VALID_TO, read_date))
    if end is None:  # "Valid from 10/01/2025 to 09/30/2028"
        for match in _VALIDITY.finditer(flat):
            first = read_date(flat, match.end())
            through = _THROUGH.match(flat, first[1]) if first else None
            last = read_date(flat, through.end()) if through else None
            if first is not None and last is not None:
                return start or first[0], last[0]
    return start, end


def find_received_date(page: Layout) -> date | None:
    return _value_of(page.find(_RECEIVED, read_date))


def find_priority_date(page: Layout) -> date | None:
    return _value_of(page.find(_PRIORITY, read_date))


def find_applicant(page: Layout) -> str | None:
    """The applicant, or the beneficiary of a petition: the person the case is about."""
    return _value_of(page.find(_APPLICANT, read_name, skip=_A_NUMBER))


def find_petitioner(page: Layout) -> str | None:
    return _value_of(page.find(_PETITIONER, read_name, skip=_A_NUMBER))

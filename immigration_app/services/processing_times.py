"""USCIS's published processing times matched to each receipt number: the estimates.

USCIS publishes, per form, category and office, the time within which 80% of cases were decided
(DOMAIN.md section 5). An admin imports those lines (services/processing_times_import.py); a
receipt with a received date then gets an estimate: the newest line for its form, office and
category, added to the date USCIS received it. A case past that date (and not decided yet) may
ask USCIS for a service request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, func, select

from immigration_app import catalog
from immigration_app.models import Case, ProcessingTime, ReceiptNumber
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.processing_times_import import (
    ImportRefused,
    ImportResult,
    import_processing_times,
    normalize_form,
    parse_date,
)
from immigration_app.services.receipts import normalize_receipt_number
from immigration_app.services.viewer import Viewer, visible_case

__all__ = [
    "DECISION_STAGES",
    "Estimate",
    "ImportRefused",
    "ImportResult",
    "estimate_for",
    "format_months",
    "import_processing_times",
    "likely_by",
    "normalize_form",
    "past_processing_time_case_ids",
    "portal_estimate",
    "set_receipt_office",
]

# A case in these stages has its decision: it is no longer waiting on USCIS's clock.
DECISION_STAGES = ("decision",)
PAST_DUE_TEXT = "Past the published processing time: you can ask USCIS for a service request."


# --- matching a receipt to a published line ---------------------------------------------------


def same_text(text: str) -> str:
    """Office and category names compared without case or spacing differences."""
    return " ".join(text.split()).casefold()


def newest_lines(session: Session, forms: set[str]) -> dict[str, list[ProcessingTime]]:
    """Per form, the newest published line of each (category, office) it has."""
    if not forms:
        return {}
    newest = (
        select(
            ProcessingTime.form,
            ProcessingTime.category,
            ProcessingTime.office,
            func.max(ProcessingTime.published_on).label("published_on"),
        )
        .where(ProcessingTime.form.in_(forms))
        .group_by(ProcessingTime.form, ProcessingTime.category, ProcessingTime.office)
        .subquery()
    )
    rows = session.exec(
        select(ProcessingTime)
        .join(
            newest,
            (newest.c.form == ProcessingTime.form)
            & (newest.c.category == ProcessingTime.category)
            & (newest.c.office == ProcessingTime.office)
            & (newest.c.published_on == ProcessingTime.published_on),
        )
        .order_by(ProcessingTime.form, ProcessingTime.category, ProcessingTime.office)
    )
    found: dict[str, list[ProcessingTime]] = {}
    for row in rows:
        found.setdefault(row.form, []).append(row)
    return found


def match_line(
    receipt: ReceiptNumber, lines: dict[str, list[ProcessingTime]]
) -> tuple[ProcessingTime | None, str]:
    """The published line for a receipt, or None and what staff should do about it."""
    form = normalize_form(receipt.form)
    if not form:
        return None, "Add the form number to this receipt to see its processing time."
    of_form = lines.get(form, [])
    if not of_form:
        return None, f"No processing times for Form {form} are imported yet (admin page)."
    matching = [
        line
        for line in of_form
        if (not receipt.office or same_text(line.office) == same_text(receipt.office))
        and (not receipt.category or same_text(line.category) == same_text(receipt.category))
    ]
    if len(matching) == 1:
        return matching[0], ""
    if not matching:
        return None, (
            f"No published line for Form {form} matches the office and category set on this "
            "receipt; choose one of the published ones."
        )
    unset = [
        name
        for name, value, values in (
            ("office", receipt.office, {same_text(line.office) for line in matching}),
            ("category", receipt.category, {same_text(line.category) for line in matching}),
        )
        if not value and len(values) > 1
    ]
    return None, (
        f"Form {form} has {len(matching)} published lines; set the receipt's "
        f"{' and '.join(unset) or 'office and category'} to choose the one that applies."
    )


def likely_by(received_on: date, months: float) -> date:
    """received + the whole months, then the fraction as days of a 30-day month."""
    whole = int(months)
    return received_on + relativedelta(months=whole, days=round((months - whole) * 30))


def format_months(months: float, language: str = "en") -> str:
    """35.5 -> "35.5"; 10.0 -> "10" ("35,5" in Spanish)."""
    text = f"{months:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "es" else text


def is_decided(case: Case) -> bool:
    return case.closed_on is not None or case.stage in DECISION_STAGES


@dataclass(frozen=True)
class Estimate:
    receipt_number: str
    form: str
    office: str
    category: str
    months: float | None  # None when no published line applies (see `problem`)
    published_on: date | None
    received_on: date
    likely_by: date | None
    # Today is after `likely_by` and the case has no decision: a service request is possible.
    past_due: bool
    sentence: str  # for staff; "" without a line
    caveat: str
    problem: str  # why there is no estimate; "" when there is one


def _estimate(
    receipt: ReceiptNumber,
    lines: dict[str, list[ProcessingTime]],
    clock: FirmClock,
    today: date,
    decided: bool,
) -> Estimate:
    line, problem = match_line(receipt, lines)
    received = receipt.received_on
    if line is None:
        return Estimate(
            receipt_number=receipt.receipt_number,
            form=normalize_form(receipt.form),
            office=receipt.office,
            category=receipt.category,
            months=None,
            published_on=None,
            received_on=received,
            likely_by=None,
            past_due=False,
            sentence="",
            caveat="",
            problem=problem,
        )
    by = likely_by(received, line.months)
    return Estimate(
        receipt_number=receipt.receipt_number,
        form=line.form,
        office=line.office,
        category=line.category,
        months=line.months,
        published_on=line.published_on,
        received_on=received,
        likely_by=by,
        past_due=today > by and not decided,
        sentence=_sentence(line.months, received, by, clock, "en"),
        caveat=(
            "These are estimates from USCIS's published processing times (published "
            f"{clock.date(line.published_on)}): 80% of such cases were decided within that "
            "time; some take longer."
        ),
        problem="",
    )


def _sentence(months: float, received: date, by: date, clock: FirmClock, language: str) -> str:
    words = catalog.portal_text()[language]
    unit = words["processing_month"] if months == 1 else words["processing_months"]
    return words["processing_estimate"].format(
        months=f"{format_months(months, language)} {unit}",
        received=clock.date(received),
        likely=clock.date(by),
    )


def _dated_receipts(session: Session, case_id: int) -> list[ReceiptNumber]:
    return list(
        session.exec(
            select(ReceiptNumber)
            .where(ReceiptNumber.case_id == case_id, ReceiptNumber.received_on.is_not(None))
            .order_by(ReceiptNumber.received_on, ReceiptNumber.receipt_number)
        )
    )


def estimate_for(session: Session, case: Case) -> list[Estimate]:
    """An estimate (or why none) for each receipt number of the case with a received date."""
    receipts = _dated_receipts(session, case.id)
    lines = newest_lines(session, {normalize_form(receipt.form) for receipt in receipts})
    clock = firm_clock(session)
    today = clock.today()
    return [_estimate(receipt, lines, clock, today, is_decided(case)) for receipt in receipts]


def portal_estimate(session: Session, case_id: int, language: str) -> list[str]:
    """What the client portal says about each estimate, in the client's language."""
    case = session.get(Case, case_id)
    if case is None:
        return []
    language = language if language in catalog.PORTAL_LANGUAGES else "en"
    words = catalog.portal_text()[language]
    clock = firm_clock(session)
    found = [estimate for estimate in estimate_for(session, case) if estimate.likely_by]
    said = []
    for estimate in found:
        parts = [
            _sentence(estimate.months, estimate.received_on, estimate.likely_by, clock, language),
            words["processing_caveat"].format(published=clock.date(estimate.published_on)),
        ]
        if estimate.past_due:
            parts.append(words["processing_past_due"])
        text = " ".join(parts)
        if len(found) > 1:
            text = words["processing_form"].format(form=estimate.form) + ": " + text
        said.append(text)
    return said


# --- staff: where and as what USCIS processes a receipt ---------------------------------------


def set_receipt_office(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    receipt_number: str,
    office: str,
    category: str,
    received_on: str | None = None,
) -> ReceiptNumber:
    """Set the office and category a receipt is processed at (one of the published lines of
    its form, or both blank), and its received date when given. An event on the case."""
    case = visible_case(session, viewer=actor, reference=reference)
    receipt = session.exec(
        select(ReceiptNumber).where(
            ReceiptNumber.case_id == case.id,
            ReceiptNumber.receipt_number == (normalize_receipt_number(receipt_number) or ""),
        )
    ).first()
    if receipt is None:
        raise NotFound(f"No receipt number {receipt_number[:20]} on this case")
    office, category = " ".join(office.split()), " ".join(category.split())
    problems: dict[str, str] = {}
    received = receipt.received_on
    if received_on is not None and received_on.strip():
        received = parse_date(received_on)
        if received is None:
            problems["received_on"] = "Enter the received date as MM/DD/YYYY."
        elif received > firm_clock(session).today():
            problems["received_on"] = "The received date cannot be in the future."
    published = newest_lines(session, {normalize_form(receipt.form)}).get(
        normalize_form(receipt.form), []
    )
    if (office or category) and not any(
        (not office or same_text(line.office) == same_text(office))
        and (not category or same_text(line.category) == same_text(category))
        for line in published
    ):
        problems["office"] = (
            f"Choose an office and category from USCIS's published list for Form "
            f"{normalize_form(receipt.form) or '(no form)'}."
        )
    if problems:
        raise InvalidInput(problems)
    before = {
        "office": receipt.office,
        "category": receipt.category,
        "received_on": receipt.received_on.isoformat() if receipt.received_on else None,
    }
    receipt.office, receipt.category, receipt.received_on = office, category, received
    after = {
        "office": office,
        "category": category,
        "received_on": received.isoformat() if received else None,
    }
    if after == before:
        return receipt
    session.add(receipt)
    record_event(
        session,
        kind="receipt_processing_set",
        summary=f"Receipt {receipt.receipt_number}: processed at {office or 'office not set'}"
        + (f" as {category}" if category else ""),
        actor=actor,
        case_id=case.id,
        before=before,
        after=after,
    )
    return receipt


# --- the dashboard's "past processing time" -------------------------------------------------


def past_processing_time_case_ids(session: Session, today: date) -> set[int]:
    """Open, undecided cases with a receipt whose likely-by date has passed."""
    receipts = list(
        session.exec(
            select(ReceiptNumber)
            .join(Case, Case.id == ReceiptNumber.case_id)
            .where(
                Case.closed_on.is_(None),
                Case.stage.not_in(DECISION_STAGES),
                ReceiptNumber.received_on.is_not(None),
                ReceiptNumber.received_on < today,
                ReceiptNumber.form != "",
            )
        )
    )
    lines = newest_lines(session, {normalize_form(receipt.form) for receipt in receipts})
    past = set()
    for receipt in receipts:
        line, _ = match_line(receipt, lines)
        if line is not None and today > likely_by(receipt.received_on, line.months):
            past.add(receipt.case_id)
    return past


def newest_publication(session: Session) -> date | None:
    return session.exec(select(func.max(ProcessingTime.published_on))).one()

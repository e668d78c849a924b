"""What the processing-time pages show: the imported lines (admin), the open cases past their
published time, and each receipt of a case with its estimate (the case's USCIS tab)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, func, select

from immigration_app.models import Case, ProcessingTime, ReceiptNumber
from immigration_app.services.firm import firm_clock
from immigration_app.services.processing_times import (
    estimate_for,
    format_months,
    match_line,
    newest_lines,
    newest_publication,
    past_processing_time_case_ids,
)
from immigration_app.services.processing_times_import import normalize_form
from immigration_app.services.viewer import Viewer, require_admin, visible_case, visible_cases


@dataclass(frozen=True)
class LineView:
    form: str
    category: str
    office: str
    months: str
    published: str
    imported: str


@dataclass(frozen=True)
class LinesPage:
    rows: list[LineView]
    total: int
    page: int
    page_count: int
    forms: list[str]  # every imported form, for the filter
    newest: str  # the newest publication date imported, "" before the first import


def published_lines(
    session: Session, *, actor: Viewer, form: str = "", page: int = 1, page_size: int = 100
) -> LinesPage:
    """The imported lines (all forms, or one), newest publication first within each line."""
    require_admin(actor, "import or list processing times")
    clock = firm_clock(session)
    form = normalize_form(form)
    condition = ProcessingTime.form == form if form else sa.true()
    total = session.exec(select(func.count()).select_from(ProcessingTime).where(condition)).one()
    page_count = max(1, -(-total // page_size))
    page = min(max(1, page), page_count)
    rows = session.exec(
        select(ProcessingTime)
        .where(condition)
        .order_by(
            ProcessingTime.form,
            ProcessingTime.category,
            ProcessingTime.office,
            ProcessingTime.published_on.desc(),
        )
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return LinesPage(
        rows=[
            LineView(
                form=row.form,
                category=row.category,
                office=row.office,
                months=format_months(row.months),
                published=clock.date(row.published_on),
                imported=clock.moment(row.imported_at),
            )
            for row in rows
        ],
        total=total,
        page=page,
        page_count=page_count,
        forms=list(
            session.exec(select(ProcessingTime.form).distinct().order_by(ProcessingTime.form))
        ),
        newest=clock.date(newest_publication(session)),
    )


def past_processing_time_count(session: Session, *, viewer: Viewer) -> int:
    ids = past_processing_time_case_ids(session, firm_clock(session).today())
    if not ids:
        return 0
    return session.exec(
        select(func.count()).select_from(Case).where(Case.id.in_(ids), visible_cases(viewer))
    ).one()


@dataclass(frozen=True)
class ProcessingChoice:
    value: str  # the published line's id
    label: str
    category: str
    office: str


@dataclass(frozen=True)
class ReceiptProcessing:
    """One receipt number on the case's USCIS tab: its estimate, or why there is none."""

    receipt_number: str
    form: str
    received_on: str
    received_iso: str  # YYYY-MM-DD for a date input, "" when not known
    months: str
    published: str
    likely_by: str
    past_due: bool
    sentence: str
    caveat: str
    problem: str
    choices: list[ProcessingChoice]  # the published lines of its form
    chosen: str  # the choice matching the receipt's office and category, "" if none


def case_processing(session: Session, *, viewer: Viewer, reference: str) -> list[ReceiptProcessing]:
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    receipts = list(
        session.exec(
            select(ReceiptNumber)
            .where(ReceiptNumber.case_id == case.id)
            .order_by(ReceiptNumber.receipt_number)
        )
    )
    estimates = {estimate.receipt_number: estimate for estimate in estimate_for(session, case)}
    lines = newest_lines(session, {normalize_form(receipt.form) for receipt in receipts})
    shown = []
    for receipt in receipts:
        estimate = estimates.get(receipt.receipt_number)
        choices = [
            ProcessingChoice(
                value=str(line.id),
                label=f"{line.category or 'Any category'} · {line.office or 'Any office'}",
                category=line.category,
                office=line.office,
            )
            for line in lines.get(normalize_form(receipt.form), [])
        ]
        line, _ = match_line(receipt, lines)
        chosen = str(line.id) if line is not None else ""
        problem = (
            estimate.problem
            if estimate
            else "Add the date USCIS received it (on its receipt notice) to see an estimate."
        )
        found = estimate is not None and estimate.likely_by is not None
        shown.append(
            ReceiptProcessing(
                receipt_number=receipt.receipt_number,
                form=normalize_form(receipt.form),
                received_on=clock.date(receipt.received_on),
                received_iso=receipt.received_on.isoformat() if receipt.received_on else "",
                months=format_months(estimate.months) if found else "",
                published=clock.date(estimate.published_on) if found else "",
                likely_by=clock.date(estimate.likely_by) if found else "",
                past_due=found and estimate.past_due,
                sentence=estimate.sentence if found else "",
                caveat=estimate.caveat if found else "",
                problem=problem,
                choices=choices,
                chosen=chosen,
            )
        )
    return shown

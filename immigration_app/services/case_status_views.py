"""What staff and clients see of USCIS case statuses: each receipt's current status and history
with the stage it suggests (the case's USCIS tab), and the latest status in the client's
language (the portal). The readings themselves are kept by services/case_status.py.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from immigration_app.catalog import CATALOG_DIR
from immigration_app.models import CaseStatusEntry, ReceiptNumber, User
from immigration_app.services.case_status import latest_entry, stage_suggested
from immigration_app.services.firm import firm_clock
from immigration_app.services.stages import stage_titles
from immigration_app.services.uscis_status import HOW_TO_GET_CREDENTIALS
from immigration_app.services.viewer import Viewer, visible_case
from immigration_app.settings import get_settings

HISTORY_SHOWN = 60


def api_configured() -> bool:
    settings = get_settings()
    return bool(settings.uscis_api_client_id and settings.uscis_api_client_secret)


@dataclass(frozen=True)
class StatusEntryView:
    id: int
    checked: str  # when the firm read it, in the firm's format
    source: str  # "USCIS API" or "Entered by <name>"
    title: str
    text: str
    category: str
    modified: str  # when USCIS says the case last changed
    changed: bool


@dataclass(frozen=True)
class ReceiptStatusView:
    receipt_number: str
    form: str
    has_status: bool
    current: StatusEntryView | None
    history: list[StatusEntryView]  # newest first, at most HISTORY_SHOWN
    history_total: int
    suggested_stage: str  # "" for none
    suggested_stage_title: str


@dataclass(frozen=True)
class CaseStatusView:
    receipts: list[ReceiptStatusView]
    api_configured: bool
    setup_help: str  # how to get API credentials ("" once configured)


def status_view(session: Session, *, viewer: Viewer, reference: str) -> CaseStatusView:
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    titles = stage_titles(session)
    names = dict(session.exec(select(User.id, User.full_name)).all())

    def view(entry: CaseStatusEntry) -> StatusEntryView:
        by = names.get(entry.entered_by_id, "staff")
        return StatusEntryView(
            id=entry.id,
            checked=clock.moment(entry.checked_at),
            source="USCIS API" if entry.source == "api" else f"Entered by {by}",
            title=entry.title_en,
            text=entry.text_en,
            category=entry.category,
            modified=clock.date(entry.modified_at.date()) if entry.modified_at else "",
            changed=entry.changed,
        )

    receipts = []
    for receipt in session.exec(
        select(ReceiptNumber).where(ReceiptNumber.case_id == case.id).order_by(ReceiptNumber.id)
    ):
        where = (
            CaseStatusEntry.case_id == case.id,
            CaseStatusEntry.receipt_number == receipt.receipt_number,
        )
        total = session.exec(select(sa.func.count()).select_from(CaseStatusEntry).where(*where))
        rows = session.exec(
            select(CaseStatusEntry)
            .where(*where)
            .order_by(CaseStatusEntry.checked_at.desc(), CaseStatusEntry.id.desc())
            .limit(HISTORY_SHOWN)
        ).all()
        stage = stage_suggested(session, case, rows[0].category) if rows else ""
        receipts.append(
            ReceiptStatusView(
                receipt_number=receipt.receipt_number,
                form=receipt.form,
                has_status=bool(rows),
                current=view(rows[0]) if rows else None,
                history=[view(row) for row in rows],
                history_total=total.one(),
                suggested_stage=stage,
                suggested_stage_title=titles.get(stage, ""),
            )
        )
    configured = api_configured()
    return CaseStatusView(
        receipts=receipts,
        api_configured=configured,
        setup_help="" if configured else HOW_TO_GET_CREDENTIALS,
    )


def portal_status(session: Session, case_id: int, language: str) -> list[tuple[str, str, str]]:
    """(receipt, title, text) of each receipt's latest reading, in Spanish for "es" when USCIS
    gave Spanish (a reading typed by staff is in English)."""
    statuses = []
    for receipt in session.exec(
        select(ReceiptNumber.receipt_number)
        .where(ReceiptNumber.case_id == case_id)
        .order_by(ReceiptNumber.id)
    ):
        entry = latest_entry(session, case_id, receipt)
        if entry is None:
            continue
        if language == "es" and entry.title_es:
            statuses.append((receipt, entry.title_es, entry.text_es))
        else:
            statuses.append((receipt, entry.title_en, entry.text_en))
    return statuses


@functools.cache
def known_titles() -> list[str]:
    """USCIS's status titles as the catalog lists them, for staff typing one by hand."""
    with (CATALOG_DIR / "case_status_titles.toml").open("rb") as handle:
        catalog = tomllib.load(handle)
    return [title for titles in catalog["categories"].values() for title in titles]

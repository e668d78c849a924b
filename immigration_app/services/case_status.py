"""What USCIS says about each receipt number of a case: checked through the Case Status API (by
staff, or by the daily check), or typed by staff when the API is not set up.

Every reading is kept as a CaseStatusEntry. A reading whose title or category differs from the
one before it (or the first reading of a receipt) is a change: it becomes a case event, an email
to the case's attorney and paralegal, and possibly a suggested stage move, which staff accept
with one click on the USCIS tab; nothing moves on its own. When USCIS cannot answer
(StatusUnavailable) nothing is stored and the error goes to staff as USCIS worded it.

The daily check (`check_all_active`, scheduled in services/scheduler.py) asks for every receipt
of every open case, one short transaction each. With several workers each runs it: a receipt
is taken under a PostgreSQL advisory lock and skipped when it was checked by the API in the
last 20 hours, so a second run the same day checks nothing twice.

What staff and clients are shown of the readings: services/case_status_views.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from immigration_app.models import (
    Case,
    CaseStatusEntry,
    ReceiptNumber,
    utcnow,
)
from immigration_app.services.audit import record_event
from immigration_app.services.db import session_scope
from immigration_app.services.errors import InvalidInput
from immigration_app.services.messages import queue_staff_message, staff_of_case
from immigration_app.services.people import client_name
from immigration_app.services.receipts import normalize_receipt_number
from immigration_app.services.stages import skipped_by, stage_titles
from immigration_app.services.uscis_status import (
    CATEGORIES,
    CaseStatusClient,
    StatusUnavailable,
    case_status_client,
    category_of,
    suggested_stage,
)
from immigration_app.services.viewer import Viewer, visible_case

log = logging.getLogger(__name__)

EVENT_KIND = "uscis_status_changed"
TEMPLATE = "staff_status_changed"
# A receipt the API read this recently is not asked again by the daily check.
RECHECK_AFTER = timedelta(hours=20)
DAILY_LOCK_ID = 0x5747  # names the daily check's per-receipt advisory locks
TITLE_LIMIT, TEXT_LIMIT = 300, 5000
# USCIS errors that no other receipt would escape: the daily check stops at the first.
_STOPS_THE_RUN = ("not_configured", "auth_failed", "daily_quota", "unavailable", "rate_limited")


@dataclass(frozen=True)
class StatusCheck:
    """One reading stored: what it says, whether it changed, and the stage it points to."""

    receipt_number: str
    title: str
    category: str
    changed: bool
    suggested_stage: str  # a stage key the case is not in yet, "" for none
    entry_id: int


def _title_key(title: str) -> str:
    return " ".join(title.replace("\u2019", "'").split()).casefold()


def latest_entry(session: Session, case_id: int, receipt: str, source: str | None = None):
    query = select(CaseStatusEntry).where(
        CaseStatusEntry.case_id == case_id, CaseStatusEntry.receipt_number == receipt
    )
    if source:
        query = query.where(CaseStatusEntry.source == source)
    return session.exec(
        query.order_by(CaseStatusEntry.checked_at.desc(), CaseStatusEntry.id.desc()).limit(1)
    ).first()


def stage_suggested(session: Session, case: Case, category: str) -> str:
    stage = suggested_stage(category)
    if not stage or stage == case.stage or stage not in stage_titles(session):
        return ""
    return "" if skipped_by(session, stage, case.case_type) else stage


def _store(
    session: Session,
    case: Case,
    entry: CaseStatusEntry,
    actor: Viewer | None,
) -> StatusCheck:
    """Keep a reading; a change becomes an event, staff emails and maybe a suggested move."""
    before = latest_entry(session, case.id, entry.receipt_number)
    entry.changed = before is None or (
        (_title_key(before.title_en), before.category)
        != (_title_key(entry.title_en), entry.category)
    )
    session.add(entry)
    session.flush()
    stage = stage_suggested(session, case, entry.category)
    if entry.changed:
        record_event(
            session,
            kind=EVENT_KIND,
            summary=f"USCIS status: {entry.title_en} ({entry.receipt_number})",
            actor=actor,
            actor_label=None if actor else "USCIS status check",
            case_id=case.id,
            before={
                "status": before.title_en if before else "",
                "category": before.category if before else "",
            },
            after={"status": entry.title_en, "category": entry.category},
        )
        titles = stage_titles(session)
        move = (
            f"Suggested next step: move the case to {titles[stage]} (one click on the USCIS "
            "tab; nothing moves by itself)."
            if stage
            else ""
        )
        values = {
            "client_name": client_name(session, case),
            "receipt_number": entry.receipt_number,
            "status_title": entry.title_en,
            "status_text": entry.text_en,
            "previous_status": before.title_en if before else "",
            "suggested_move": move,
        }
        for user in staff_of_case(session, case, besides=actor.id if actor else None):
            queue_staff_message(
                session,
                user=user,
                template=TEMPLATE,
                key=f"case_status:{entry.id}",
                case=case,
                values=values,
            )
    return StatusCheck(
        receipt_number=entry.receipt_number,
        title=entry.title_en,
        category=entry.category,
        changed=entry.changed,
        suggested_stage=stage,
        entry_id=entry.id,
    )


def _receipt_of(session: Session, case: Case, receipt_number: str) -> str:
    receipt = normalize_receipt_number(receipt_number or "")
    on_case = (
        receipt
        and session.exec(
            select(ReceiptNumber.id).where(
                ReceiptNumber.case_id == case.id, ReceiptNumber.receipt_number == receipt
            )
        ).first()
    )
    if not on_case:
        raise InvalidInput({"receipt_number": "Choose one of this case's receipt numbers."})
    return receipt


def check_receipt(
    session: Session,
    *,
    case: Case,
    receipt_number: str,
    client: CaseStatusClient | None = None,
    actor: Viewer | None = None,
    now: datetime | None = None,
) -> StatusCheck:
    """Ask USCIS for one receipt's status and keep the reading.

    Raises StatusUnavailable (nothing stored) when USCIS cannot answer, InvalidInput for a
    receipt number USCIS refuses.
    """
    status = (client or case_status_client()).check(receipt_number)
    modified = status.modified_at
    entry = CaseStatusEntry(
        case_id=case.id,
        receipt_number=status.receipt_number,
        checked_at=now or utcnow(),
        source="api",
        form_type=status.form_type[:16],
        title_en=status.title_en[:TITLE_LIMIT],
        text_en=status.text_en[:TEXT_LIMIT],
        title_es=status.title_es[:TITLE_LIMIT],
        text_es=status.text_es[:TEXT_LIMIT],
        category=status.category,
        # USCIS names no time zone: kept as written (tagged UTC), shown without conversion.
        modified_at=modified.replace(tzinfo=UTC) if modified and not modified.tzinfo else modified,
    )
    return _store(session, case, entry, actor)


def check_now(
    session: Session, *, actor: Viewer, reference: str, receipt_number: str
) -> StatusCheck:
    """Staff's "Check now" for one receipt of a case they may see."""
    case = visible_case(session, viewer=actor, reference=reference)
    receipt = _receipt_of(session, case, receipt_number)
    return check_receipt(session, case=case, receipt_number=receipt, actor=actor)


def record_status(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    receipt_number: str,
    title: str,
    text: str = "",
    category: str | None = None,
) -> StatusCheck:
    """A status staff read elsewhere (the USCIS website, a notice), typed in by hand."""
    case = visible_case(session, viewer=actor, reference=reference)
    receipt = _receipt_of(session, case, receipt_number)
    title, text = " ".join((title or "").split()), (text or "").strip()
    if not title:
        raise InvalidInput({"title": "Write the status title as USCIS shows it."})
    if len(title) > TITLE_LIMIT or len(text) > TEXT_LIMIT:
        raise InvalidInput({"title": "That is longer than a USCIS status; shorten it."})
    if category and category not in CATEGORIES:
        raise InvalidInput({"category": "Choose a category from the list."})
    entry = CaseStatusEntry(
        case_id=case.id,
        receipt_number=receipt,
        source="manual",
        title_en=title,
        text_en=text,
        category=category or category_of(title),
        entered_by_id=actor.id,
    )
    return _store(session, case, entry, actor)


# --- the daily check ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyCheckReport:
    checked: int = 0
    changed: int = 0
    recent: int = 0  # checked in the last 20 hours (or being checked by another worker)
    failed: int = 0  # USCIS could not answer for that receipt (404, a refused number...)
    left: int = 0  # not checked because the run stopped
    stopped: str = ""  # the StatusUnavailable code that stopped it
    message: str = ""
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.checked} receipt(s) checked, {self.changed} changed, {self.recent} checked "
            f"recently, {self.failed} failed"
        )
        return text + (f"; stopped with {self.left} left: {self.message}" if self.stopped else ".")


def _take(session: Session, receipt_id: int) -> bool:
    """This worker may check the receipt now (another holds it until its transaction ends)."""
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: one worker
    lock = sa.func.pg_try_advisory_xact_lock(DAILY_LOCK_ID, receipt_id)
    return session.exec(sa.select(lock)).one()[0]


def _check_if_due(
    session: Session,
    receipt_id: int,
    case_id: int,
    number: str,
    now: datetime,
    client: CaseStatusClient,
) -> StatusCheck | None:
    """Check one receipt for the daily run; None when another worker or a recent check has."""
    if not _take(session, receipt_id):
        return None
    # Read after taking the lock: a worker that held it has committed by then.
    newest = latest_entry(session, case_id, number, "api")
    if newest is not None and newest.checked_at > now - RECHECK_AFTER:
        return None
    case = session.get(Case, case_id)
    return check_receipt(session, case=case, receipt_number=number, client=client, now=now)


def check_all_active(
    now: datetime | None = None, *, client: CaseStatusClient | None = None
) -> DailyCheckReport:
    """Check every receipt of every open case once; stops cleanly at the day's quota."""
    now = now or utcnow()
    client = client or case_status_client()
    # Longest unchecked first: when the quota stops a run, the next one starts with the rest.
    last = (
        select(CaseStatusEntry.receipt_number, sa.func.max(CaseStatusEntry.checked_at).label("at"))
        .where(CaseStatusEntry.source == "api")
        .group_by(CaseStatusEntry.receipt_number)
        .subquery()
    )
    with session_scope() as session:
        receipts = session.exec(
            select(ReceiptNumber.id, ReceiptNumber.case_id, ReceiptNumber.receipt_number)
            .join(Case, Case.id == ReceiptNumber.case_id)
            .join(last, last.c.receipt_number == ReceiptNumber.receipt_number, isouter=True)
            .where(Case.closed_on.is_(None))
            .order_by(sa.nulls_first(last.c.at.asc()), ReceiptNumber.id)
        ).all()
    counts = {"checked": 0, "changed": 0, "recent": 0, "failed": 0}
    problems: list[str] = []
    for done, (receipt_id, case_id, number) in enumerate(receipts):
        try:
            with session_scope() as session:
                check = _check_if_due(session, receipt_id, case_id, number, now, client)
        except StatusUnavailable as error:
            if error.code in _STOPS_THE_RUN:
                report = DailyCheckReport(
                    **counts, left=len(receipts) - done, stopped=error.code, message=str(error)
                )
                # Without credentials the check is simply off: no alarm every morning.
                quiet = error.code == "not_configured"
                log.log(logging.INFO if quiet else logging.WARNING, "USCIS check: %s", report)
                return report
            counts["failed"] += 1
            problems.append(f"{number}: {error}")
        except InvalidInput as error:
            counts["failed"] += 1
            problems.append(f"{number}: {' '.join(error.fields.values())}")
        except Exception:  # one odd receipt must not cost the others their check
            log.exception("daily USCIS status check failed for %s", number)
            counts["failed"] += 1
            problems.append(f"{number}: unexpected error (see the log)")
        else:
            counts["recent" if check is None else "checked"] += 1
            counts["changed"] += bool(check and check.changed)
    report = DailyCheckReport(**counts, problems=problems)
    log.info("daily USCIS status check: %s", report)
    return report

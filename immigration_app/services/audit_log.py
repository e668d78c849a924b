"""The firm's audit log: every event, searchable by who, case, kind, date and text; its CSV.

It reads the same append-only `case_event` table a case's timeline does. Only admins may read
it. An `AuditQuery` is what the page's URL says; it is parsed tolerantly, so a bad value (an
unknown user, a date that is no date, a huge string) narrows nothing or finds nothing rather
than showing an error page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session, func, select

from immigration_app.models import Case, CaseEvent, User
from immigration_app.services.audit import record_event
from immigration_app.services.csv_export import csv_chunks, in_batches
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.numbers import MAX_PAGE, whole_number
from immigration_app.services.viewer import Viewer, require_admin

PAGE_SIZE = 50
MAX_TEXT_LENGTH = 200
_KIND = re.compile(r"^[a-z0-9_]{1,64}$")
_REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,20}$")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@dataclass(frozen=True)
class AuditQuery:
    """One view of the audit log, as its URL holds it."""

    user: int | None = None
    case: str = ""
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> AuditQuery:
        user = str(params.get("user", "")).strip()
        case = str(params.get("case", "")).strip()
        kind = str(params.get("kind", "")).strip()
        page = str(params.get("page", ""))
        return cls(
            user=whole_number(user),
            case=case.upper() if _REFERENCE.match(case) else "",
            kind=kind if _KIND.match(kind) else "",
            date_from=_date(str(params.get("from", "")).strip()),
            date_to=_date(str(params.get("to", "")).strip()),
            text=str(params.get("q", "")).replace("\x00", "").strip()[:MAX_TEXT_LENGTH],
            page=whole_number(page, most=MAX_PAGE) or 1,
        )

    def to_params(self) -> dict[str, str]:
        """The URL parameters for this view; defaults are left out."""
        params = {
            "user": str(self.user) if self.user is not None else "",
            "case": self.case,
            "kind": self.kind,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "q": self.text,
            "page": str(self.page) if self.page > 1 else "",
        }
        return {key: value for key, value in params.items() if value}

    def url(self) -> str:
        """The audit page's address showing this view."""
        params = self.to_params()
        return "/admin/audit" + (f"?{urlencode(params)}" if params else "")

    def changed(self, **changes) -> AuditQuery:
        return replace(self, **{"page": 1, **changes})


@dataclass(frozen=True)
class AuditRow:
    id: int
    when: str
    who: str
    case_reference: str
    kind: str
    summary: str
    client_address: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    page_count: int


def _local_midnight(day: date, clock: FirmClock) -> datetime | None:
    """The UTC moment the firm's day `day` begins (None at the ends of the calendar)."""
    try:
        return datetime.combine(day, time.min, tzinfo=clock.time_zone).astimezone(UTC)
    except OverflowError:
        return None


def _filters(query: AuditQuery, clock: FirmClock) -> list:
    conditions = []
    if query.user is not None:
        conditions.append(CaseEvent.actor_user_id == query.user)
    if query.case:
        conditions.append(
            CaseEvent.case_id.in_(select(Case.id).where(Case.reference == query.case))
        )
    if query.kind:
        conditions.append(CaseEvent.kind == query.kind)
    if query.date_from and (start := _local_midnight(query.date_from, clock)):
        conditions.append(CaseEvent.created_at >= start)
    next_day = (
        query.date_to + timedelta(days=1) if query.date_to and query.date_to < date.max else None
    )
    if next_day and (end := _local_midnight(next_day, clock)):
        conditions.append(CaseEvent.created_at < end)
    if query.text:
        conditions.append(CaseEvent.summary.icontains(query.text, autoescape=True))
    return conditions


def _listed(conditions: list):
    return (
        select(
            CaseEvent.id,
            CaseEvent.created_at,
            CaseEvent.actor_label,
            CaseEvent.kind,
            CaseEvent.summary,
            CaseEvent.client_address,
            CaseEvent.before,
            CaseEvent.after,
            User.full_name,
            Case.reference,
        )
        .outerjoin(User, User.id == CaseEvent.actor_user_id)
        .outerjoin(Case, Case.id == CaseEvent.case_id)
        .where(*conditions)
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
    )


def _compact(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str)


def _row(row, clock: FirmClock) -> AuditRow:
    return AuditRow(
        id=row.id,
        when=clock.moment(row.created_at),
        who=row.full_name or row.actor_label or "",
        case_reference=row.reference or "",
        kind=row.kind,
        summary=row.summary,
        client_address=row.client_address or "",
        before=_compact(row.before),
        after=_compact(row.after),
    )


def audit_entries(session: Session, *, viewer: Viewer, query: AuditQuery) -> AuditPage:
    """One page of matching events, newest first, with the total that match. Admins only."""
    require_admin(viewer, "read the audit log")
    clock = firm_clock(session)
    conditions = _filters(query, clock)
    total = session.exec(select(func.count()).select_from(CaseEvent).where(*conditions)).one()
    page_count = max(1, -(-total // PAGE_SIZE))
    page = min(query.page, page_count)
    found = session.exec(_listed(conditions).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return AuditPage(
        rows=[_row(row, clock) for row in found], total=total, page=page, page_count=page_count
    )


def audit_kinds(session: Session, *, viewer: Viewer) -> list[str]:
    """The kinds of event the log holds, for the filter's choices. Admins only."""
    require_admin(viewer, "read the audit log")
    return list(session.exec(select(CaseEvent.kind).distinct().order_by(CaseEvent.kind)).all())


def audit_actors(session: Session, *, viewer: Viewer) -> list[tuple[int, str]]:
    """Every staff member, active or not (the log names former staff too). Admins only."""
    require_admin(viewer, "read the audit log")
    return [
        (user_id, name)
        for user_id, name in session.exec(
            select(User.id, User.full_name).order_by(User.full_name, User.id)
        ).all()
    ]


CSV_COLUMNS = ("When", "Who", "Case", "Kind", "Summary", "Client address", "Before", "After")


def export_audit_csv(session: Session, *, viewer: Viewer, query: AuditQuery) -> Iterator[str]:
    """Every event matching the view (not just one page), as CSV text in chunks. Audited.

    A generator refuses a non-admin only once it is started: the route checks first.
    """
    require_admin(viewer, "read the audit log")
    clock = firm_clock(session)
    params = {key: value for key, value in query.to_params().items() if key != "page"}
    conditions = _filters(query, clock)
    record_event(
        session,
        kind="audit_exported",
        summary=f"Audit log exported as CSV ({params or 'every event'})",
        actor=viewer,
    )
    session.commit()  # the export is on record before any of it leaves
    # Events written while the export runs would shift the pages; stop at what exists now.
    newest = session.exec(select(func.max(CaseEvent.id))).one() or 0
    statement = _listed([*conditions, CaseEvent.id <= newest])
    yield from csv_chunks(
        CSV_COLUMNS,
        (
            [
                (
                    row.when,
                    row.who,
                    row.case_reference,
                    row.kind,
                    row.summary,
                    row.client_address,
                    row.before,
                    row.after,
                )
                for row in (_row(entry, clock) for entry in found)
            ]
            for found in in_batches(session, statement)
        ),
    )

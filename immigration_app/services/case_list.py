"""The case list: search, filters, sort and pages; its CSV; "my work"; workload per person.

A `CaseQuery` is what the dashboard's URL says. It is parsed tolerantly: an
unknown filter value is ignored rather than shown as an error page.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, and_, case, func, or_, select, union, union_all

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseMember,
    Deadline,
    DeadlineStatus,
    Message,
    Person,
    ReceiptNumber,
    Role,
    User,
    utcnow,
)
from immigration_app.services.audit import record_event
from immigration_app.services.csv_export import csv_chunks, in_batches
from immigration_app.services.documents import missing_count_of, missing_counts
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import FirmClock, firm_clock
from immigration_app.services.numbers import MAX_PAGE, whole_number
from immigration_app.services.people import (
    normalize_a_number,
    people_named,
    spoken_name,
)
from immigration_app.services.processing_times import past_processing_time_case_ids
from immigration_app.services.receipts import normalize_receipt_number
from immigration_app.services.reviews import cases_to_decide
from immigration_app.services.stages import stage_order, stage_titles
from immigration_app.services.users import active_staff
from immigration_app.services.viewer import Viewer, visible_cases

PAGE_SIZE = 50
MAX_SEARCH_LENGTH = 200
SHOW_FILTERS = {
    "overdue": "With an overdue deadline",
    "due_7": "With a deadline in 7 days",
    "due_30": "With a deadline in 30 days",
    "waiting_on_client": "Waiting on client",
    "awaiting_review": "Awaiting review",
    "your_review": "Awaiting your review",
    "past_processing_time": "Past processing time",
    "closed": "Closed cases",
}
_REFERENCE_PREFIX = re.compile(r"^[0-9]{4}(-[0-9]{0,15})?$")  # 2026-0042, 2026-10000
_PARTIAL_RECEIPT = re.compile(r"^[A-Z]{3}\d{0,10}$")

_Attorney = aliased(User)
_Paralegal = aliased(User)


@dataclass(frozen=True)
class CaseQuery:
    """One view of the case list, as its URL holds it."""

    search: str = ""
    stage: str = ""
    case_type: str = ""
    assignee: int | None = None
    mine: bool = False
    show: str = ""
    sort: str = "last_activity"
    descending: bool = True
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> CaseQuery:
        stage_keys = {stage.key for stage in catalog.stages()}
        assignee = params.get("assignee", "")
        sort = params.get("sort", "")
        page = params.get("page", "")
        return cls(
            search=params.get("q", "")[:MAX_SEARCH_LENGTH],
            stage=params.get("stage", "") if params.get("stage") in stage_keys else "",
            case_type=params.get("type", "") if params.get("type") in catalog.case_types() else "",
            assignee=whole_number(assignee),
            mine=params.get("mine") == "1",
            show=params.get("show", "") if params.get("show") in SHOW_FILTERS else "",
            sort=sort if sort in SORT_COLUMNS else cls.sort,
            descending=params.get("dir") != "asc",
            page=whole_number(page, most=MAX_PAGE) or 1,
        )

    def to_params(self) -> dict[str, str]:
        """The URL parameters for this view; defaults are left out."""
        params = {
            # As typed: the search box shows this back, so stripping it would take away the
            # space a person just typed between two words. Only the search itself strips.
            "q": self.search if self.search.strip() else "",
            "stage": self.stage,
            "type": self.case_type,
            "assignee": str(self.assignee) if self.assignee is not None else "",
            "mine": "1" if self.mine else "",
            "show": self.show,
            "sort": self.sort if self.sort != CaseQuery.sort else "",
            "dir": "asc" if not self.descending else "",
            "page": str(self.page) if self.page > 1 else "",
        }
        return {key: value for key, value in params.items() if value}

    def url(self) -> str:
        """The dashboard address showing this view."""
        params = self.to_params()
        return "/" + (f"?{urlencode(params)}" if params else "")

    def changed(self, **changes) -> CaseQuery:
        """The same view with some filters changed, back on page 1 unless a page is given."""
        return replace(self, **{"page": 1, **changes})


@dataclass(frozen=True)
class CaseRow:
    reference: str
    client: str
    case_type: str
    stage: str
    attorney: str
    paralegal: str
    next_deadline: str
    days_left: str  # "in 5 days", "today", "3 days overdue"; empty without a deadline
    overdue: bool
    receipt_number: str
    last_activity: str
    missing_docs: int = 0  # required documents still needed from the client, or sent back


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    page_count: int


def _search_condition(text: str):
    """Cases with a person of that name, or with that reference, A-number or receipt number.

    The candidates are gathered in one UNION of index look-ups, so the case table is
    then read by primary key; an OR of sub-queries would make the database scan it.
    """
    text = text.strip()[:MAX_SEARCH_LENGTH]
    if not text:
        return None
    candidates = []
    if (named := people_named(text)) is not None:
        candidates.append(select(CaseMember.case_id).where(CaseMember.person_id.in_(named)))
    if _REFERENCE_PREFIX.match(text):
        candidates.append(select(Case.id).where(Case.reference.startswith(text, autoescape=True)))
    with contextlib.suppress(InvalidInput):
        candidates.append(
            select(CaseMember.case_id)
            .join(Person, Person.id == CaseMember.person_id)
            .where(Person.a_number == normalize_a_number(text))
        )
    compact = re.sub(r"[\s\-]", "", text).upper()
    if receipt := normalize_receipt_number(compact):
        candidates.append(
            select(ReceiptNumber.case_id).where(ReceiptNumber.receipt_number == receipt)
        )
    elif _PARTIAL_RECEIPT.match(compact) and len(compact) >= 6:
        candidates.append(
            select(ReceiptNumber.case_id).where(
                ReceiptNumber.receipt_number.startswith(compact, autoescape=True)
            )
        )
    if not candidates:
        return sa.false()
    return Case.id.in_(union(*candidates) if len(candidates) > 1 else candidates[0])


def _filters(session: Session, query: CaseQuery, viewer: Viewer, today: date) -> list:
    # Open cases, unless the view asks for the closed ones instead.
    closed = query.show == "closed"
    conditions = [
        visible_cases(viewer),
        Case.closed_on.is_not(None) if closed else Case.closed_on.is_(None),
    ]
    if (search := _search_condition(query.search)) is not None:
        conditions.append(search)
    if query.stage:
        conditions.append(Case.stage == query.stage)
    if query.case_type:
        conditions.append(Case.case_type == query.case_type)
    for user_id in (query.assignee, viewer.id if query.mine else None):
        if user_id is not None:
            conditions.append(or_(Case.attorney_id == user_id, Case.paralegal_id == user_id))
    if query.show and not closed:
        conditions.append(_shown(session, query.show, viewer, today))
    return conditions


# The deadline filters: days ahead, or None for past due.
_DUE_WITHIN = {"overdue": None, "due_7": 7, "due_30": 30}


def _due(show: str, today: date):
    """The open deadlines one of the deadline filters is about."""
    days = _DUE_WITHIN[show]
    window = (
        Deadline.due_on < today
        if days is None
        else Deadline.due_on.between(today, today + timedelta(days=days))
    )
    return and_(Deadline.status == DeadlineStatus.OPEN, window)


def _shown(session: Session, show: str, viewer: Viewer, today: date):
    """The condition of one of SHOW_FILTERS."""
    match show:
        case "overdue":
            # A case's earliest open deadline is past due exactly when any of them is.
            return Case.next_deadline_on < today
        case "due_7" | "due_30":
            # Any open deadline in the window, not only the earliest: a case with an overdue
            # deadline may have more due this week. One range scan of the open-due index.
            return Case.id.in_(select(Deadline.case_id).where(_due(show, today)))
        case "waiting_on_client":
            return Case.stage.in_(catalog.stages_waiting_on("client"))
        case "awaiting_review":
            return Case.stage.in_(catalog.stages_waiting_on("review"))
        case "your_review":
            # Whoever may decide, assigned or not; never whoever built or submitted the packet.
            return Case.id.in_(cases_to_decide(session, session.get(User, viewer.id)))
        case "past_processing_time":
            # Likely-by dates add fractional months to each receipt: computed in Python.
            return Case.id.in_(past_processing_time_case_ids(session, today))
    raise ValueError(show)


def _first_receipt():
    return (
        select(func.min(ReceiptNumber.receipt_number))
        .where(ReceiptNumber.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )


def _stage_order(session: Session):
    """The firm's order of stages, not the alphabet."""
    order = stage_order(session)
    return case(order, value=Case.stage, else_=len(order))


@functools.cache
def _case_type_order():
    """Case types in the order of the titles the list shows, not of their keys."""
    kinds = sorted(catalog.case_types().values(), key=lambda kind: kind.title.casefold())
    ranks = {kind.key: rank for rank, kind in enumerate(kinds)}
    return case(ranks, value=Case.case_type, else_=len(ranks))


# How to order by each column; built only for the column asked for.
_SORT_KEYS = {
    # Year, then the number as a number: 2026-10000 comes after 2026-9999.
    "reference": lambda _: (
        func.substr(Case.reference, 1, 4),
        func.length(Case.reference),
        Case.reference,
    ),
    "client": lambda _: Person.sort_name,
    "case_type": lambda _: _case_type_order(),
    "stage": _stage_order,
    "attorney": lambda _: _Attorney.full_name,
    "paralegal": lambda _: _Paralegal.full_name,
    "next_deadline": lambda _: Case.next_deadline_on,
    "receipt_number": lambda _: _first_receipt(),
    "last_activity": lambda _: Case.last_activity_at,
    # Counted only for the cases that match: far fewer than the whole checklist table.
    "missing_docs": lambda _: missing_count_of(Case.id),
}
SORT_COLUMNS = tuple(_SORT_KEYS)


def _listed(conditions: list):
    """The columns a row shows (not whole records: a page is read on every keystroke)."""
    return (
        select(
            Case.id,
            Case.reference,
            Case.case_type,
            Case.stage,
            Case.next_deadline_on,
            Case.last_activity_at,
            Person.given_name,
            Person.middle_name,
            Person.family_name,
            _Attorney.full_name.label("attorney"),
            _Paralegal.full_name.label("paralegal"),
        )
        .join(CaseMember, and_(CaseMember.case_id == Case.id, CaseMember.is_primary_client))
        .join(Person, Person.id == CaseMember.person_id)
        .outerjoin(_Attorney, _Attorney.id == Case.attorney_id)
        .outerjoin(_Paralegal, _Paralegal.id == Case.paralegal_id)
        .where(*conditions)
    )


def _ordered(session: Session, statement, query: CaseQuery):
    keys = _SORT_KEYS[query.sort](session)
    if not isinstance(keys, tuple):
        keys = (keys,)
    keys = [key.desc() if query.descending else key.asc() for key in keys]
    # Empty values (no deadline, no attorney) go last either way; the id keeps pages stable.
    return statement.order_by(
        *(key.nulls_last() for key in keys), Case.id.desc() if query.descending else Case.id
    )


def _days_left(due: date | None, today: date) -> str:
    if due is None:
        return ""
    days = (due - today).days
    if days == 0:
        return "today"
    if days > 0:
        return f"in {days} day{'s' if days != 1 else ''}"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


def _rows(
    session: Session, clock: FirmClock, found, *, with_missing: bool = False
) -> list[CaseRow]:
    found = list(found)
    receipts: dict[int, str] = dict(
        session.exec(
            select(ReceiptNumber.case_id, func.min(ReceiptNumber.receipt_number))
            .where(ReceiptNumber.case_id.in_([row.id for row in found]))
            .group_by(ReceiptNumber.case_id)
        ).all()
    )
    # One grouped query for the whole page, never one per row.
    missing = missing_counts(session, [row.id for row in found]) if with_missing else {}
    types = catalog.case_types()
    titles = stage_titles(session)
    today = clock.today()
    return [
        CaseRow(
            reference=row.reference,
            client=spoken_name(row.given_name, row.middle_name, row.family_name),
            case_type=types[row.case_type].title if row.case_type in types else row.case_type,
            stage=titles.get(row.stage, row.stage),
            attorney=row.attorney or "",
            paralegal=row.paralegal or "",
            next_deadline=clock.date(row.next_deadline_on),
            days_left=_days_left(row.next_deadline_on, today),
            overdue=row.next_deadline_on is not None and row.next_deadline_on < today,
            receipt_number=receipts.get(row.id, ""),
            last_activity=clock.moment(row.last_activity_at),
            missing_docs=missing.get(row.id, 0),
        )
        for row in found
    ]


def search_cases(session: Session, *, viewer: Viewer, query: CaseQuery) -> CasePage:
    """One page of the cases the viewer may see (the open ones unless the view asks for the
    closed), with the total that match."""
    clock = firm_clock(session)
    conditions = _filters(session, query, viewer, clock.today())
    # The total comes with the page as a window count: the filters run once, not twice.
    listed = _ordered(
        session, _listed(conditions).add_columns(func.count().over().label("total")), query
    )
    page = query.page
    found = _page(session, listed, page)
    if not found and page > 1:  # past the end (an old bookmark): the last page instead
        total = session.exec(select(func.count()).select_from(Case).where(*conditions)).one()
        page = max(1, -(-total // PAGE_SIZE))
        found = _page(session, listed, page)
    total = found[0].total if found else 0
    return CasePage(
        rows=_rows(session, clock, found, with_missing=True),
        total=total,
        page=page,
        page_count=max(1, -(-total // PAGE_SIZE)),
    )


def _page(session: Session, listed, page: int) -> list:
    return session.exec(listed.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()


CSV_COLUMNS = (
    "Reference",
    "Client",
    "Case type",
    "Stage",
    "Attorney",
    "Paralegal",
    "Next deadline",
    "Days left",
    "Receipt number",
    "Missing documents",
    "Last activity",
)


def export_cases_csv(session: Session, *, viewer: Viewer, query: CaseQuery) -> Iterator[str]:
    """Every case matching the view (not just one page), as CSV text in chunks. Audited."""
    clock = firm_clock(session)
    record_event(
        session,
        kind="cases_exported",
        summary=f"Case list exported as CSV ({query.to_params() or 'all open cases'})",
        actor=viewer,
    )
    session.commit()  # the export is on record before any of it leaves
    conditions = _filters(session, query, viewer, clock.today())
    statement = _ordered(session, _listed(conditions), query)
    yield from csv_chunks(
        CSV_COLUMNS,
        (
            [
                (
                    row.reference,
                    row.client,
                    row.case_type,
                    row.stage,
                    row.attorney,
                    row.paralegal,
                    row.next_deadline,
                    row.days_left,
                    row.receipt_number,
                    row.missing_docs,
                    row.last_activity,
                )
                for row in _rows(session, clock, found, with_missing=True)
            ]
            for found in in_batches(session, statement)
        ),
    )


@dataclass(frozen=True)
class WorkItem:
    """One figure of the "my work" panel, with the case list view it links to."""

    label: str
    count: int
    href: str
    urgent: bool
    cases: int = 0  # how many cases the linked view lists (deadline figures count deadlines)
    detail: str = ""  # e.g. "on 2 cases", when the figure counts something else


def _on_cases(cases: int) -> str:
    return f"on {cases} case{'s' if cases != 1 else ''}"


def my_work(session: Session, *, viewer: Viewer) -> list[WorkItem]:
    today = firm_clock(session).today()
    items = (
        ("Overdue deadlines", CaseQuery(mine=True, show="overdue"), True),
        ("Deadlines in the next 7 days", CaseQuery(mine=True, show="due_7"), False),
        ("Deadlines in the next 30 days", CaseQuery(mine=True, show="due_30"), False),
        ("Waiting on the client", CaseQuery(mine=True, show="waiting_on_client"), False),
        # Reviews this person may decide, whether or not the case is assigned to them.
        ("Awaiting your review", CaseQuery(show="your_review"), False),
    )
    # Each figure is the total of the dashboard view it links to; all cases in one pass...
    cases = session.exec(
        select(
            *(
                func.count(case((and_(*_filters(session, query, viewer, today)), 1)))
                for _, query, _ in items
            )
        )
        .select_from(Case)
        .where(visible_cases(viewer), Case.closed_on.is_(None))
    ).one()
    mine = _filters(session, CaseQuery(mine=True), viewer, today)
    # ...and the deadlines on them, which is what people count when asked what is due.
    deadlines = dict(
        zip(
            _DUE_WITHIN,
            session.exec(
                select(*(func.count(case((_due(show, today), 1))) for show in _DUE_WITHIN))
                .select_from(Deadline)
                .join(Case, Case.id == Deadline.case_id)
                .where(
                    *mine,
                    Deadline.status == DeadlineStatus.OPEN,
                    Deadline.due_on <= today + timedelta(days=_DUE_WITHIN["due_30"]),  # the longest
                )
            ).one(),
            strict=True,
        )
    )
    result = []
    for (label, query, urgent), listed in zip(items, cases, strict=True):
        count = deadlines.get(query.show, listed)
        result.append(
            WorkItem(
                label=label,
                count=count,
                href=query.url(),
                urgent=urgent and count > 0,
                cases=listed,
                detail=_on_cases(listed) if query.show in deadlines else "",
            )
        )
    # The in-app side of staff reminders: what was sent to this person lately.
    reminded = session.exec(
        select(func.count())
        .select_from(Message)
        .where(
            Message.recipient_user_id == viewer.id,
            Message.created_at >= utcnow() - timedelta(days=7),
        )
    ).one()
    result.append(
        WorkItem(
            label="Reminders to you, 7 days", count=reminded, href="/outbox?mine=1", urgent=False
        )
    )
    return result


@dataclass(frozen=True)
class Workload:
    name: str
    open_cases: int
    deadlines_this_week: int


def _per_assignee(session: Session, narrowed) -> Counter[int]:
    """Rows counted per attorney plus per paralegal: `narrowed` adds the joins and conditions
    to a count of cases. One statement; each half groups along its column's index."""
    halves = [
        narrowed(select(column.label("user_id"), func.count().label("n")))
        .where(column.is_not(None))
        .group_by(column)
        for column in (Case.attorney_id, Case.paralegal_id)
    ]
    counts: Counter[int] = Counter()
    for user_id, n in session.exec(union_all(*halves)):
        counts[user_id] += n
    return counts


def workload(session: Session, *, viewer: Viewer) -> list[Workload]:
    """Open cases and deadlines due within 7 days, per attorney and paralegal (on visible cases)."""
    today = firm_clock(session).today()
    staff = [
        member for member in active_staff(session) if member.role in (Role.ATTORNEY, Role.PARALEGAL)
    ]
    open_visible = and_(Case.closed_on.is_(None), visible_cases(viewer))
    due_this_week = and_(
        Deadline.status == DeadlineStatus.OPEN,
        Deadline.due_on.between(today, today + timedelta(days=7)),
    )
    cases_per_user = _per_assignee(session, lambda rows: rows.where(open_visible))
    deadlines_per_user = _per_assignee(
        session,
        lambda rows: rows.join(Deadline, Deadline.case_id == Case.id).where(
            open_visible, due_this_week
        ),
    )
    return [
        Workload(
            name=member.full_name,
            open_cases=cases_per_user[member.id],
            deadlines_this_week=deadlines_per_user[member.id],
        )
        for member in staff
    ]

"""The board: every open case the viewer may see, as cards in the column of its stage.

Each column lists its oldest cards first (longest in the stage), a page at a time, so a
firm with thousands of cases still gets a board that draws quickly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, select

from immigration_app import catalog
from immigration_app.models import Case, CaseMember, Person, User, utcnow
from immigration_app.services.board_stats import (
    AgingRow,
    aging,
    cumulative_flow,
    stage_stats,
    weekly_throughput,
)
from immigration_app.services.documents import missing_counts
from immigration_app.services.firm import firm_clock
from immigration_app.services.numbers import whole_number
from immigration_app.services.people import display_name
from immigration_app.services.stages import firm_stages, number_text, stage_limits
from immigration_app.services.viewer import Viewer, visible_cases

CARDS_PER_PAGE = 50
_IDS_PER_QUERY = 1000


@dataclass(frozen=True)
class BoardFilters:
    """The board's filters as the page sends them; anything unknown is ignored."""

    assignee: str = ""  # a staff member's id: the case's attorney or paralegal
    attorney: str = ""  # the responsible attorney's id
    case_type: str = ""
    only_overdue: bool = False

    def where(self, viewer: Viewer, today) -> sa.ColumnElement[bool]:
        conditions = [Case.closed_on.is_(None), visible_cases(viewer)]
        if (person := whole_number(self.assignee)) is not None:
            conditions.append(sa.or_(Case.attorney_id == person, Case.paralegal_id == person))
        if (attorney := whole_number(self.attorney)) is not None:
            conditions.append(Case.attorney_id == attorney)
        if self.case_type in catalog.case_types():
            conditions.append(Case.case_type == self.case_type)
        if self.only_overdue:
            conditions.append(Case.next_deadline_on < today)
        return sa.and_(*conditions)


@dataclass(frozen=True)
class Card:
    reference: str
    client: str
    case_type: str
    initials: str  # of the paralegal, else the attorney: who is working it
    assignee: str
    days_in_stage: int
    deadline_days: int  # days to the next deadline (negative: overdue)
    has_deadline: bool
    missing_docs: int = 0  # required documents still needed from the client, or sent back


@dataclass(frozen=True)
class Column:
    stage: str
    title: str
    total: int
    cards: list[Card]
    median_days: str  # days in this stage of the cases now in it, "" when empty
    p90_days: str
    sla_days: str  # the firm's limits, "" when none
    wip_limit: str
    bottleneck: bool
    reason: str  # why this column is the bottleneck, in words


@dataclass(frozen=True)
class Board:
    columns: list[Column]
    flow: list[dict[str, int | str]]  # cases per stage at each day's end, last 90 days
    throughput: list[dict[str, int | str]]  # cases entering Filed and Decision per week
    aging: list[AgingRow]


def board(
    session: Session, *, viewer: Viewer, filters: BoardFilters, shown: Mapping[str, int]
) -> Board:
    """The columns with their flow figures, the 90-day flow, throughput and the oldest cases."""
    clock = firm_clock(session)
    where = filters.where(viewer, clock.today())
    now = utcnow()
    stats = {
        stat.stage: stat
        for stat in stage_stats(session, where=where, now=now, limits=stage_limits(session))
    }
    with_stats = [
        replace(
            column,
            median_days=number_text(stats[column.stage].median_days),
            p90_days=number_text(stats[column.stage].p90_days),
            sla_days=number_text(stats[column.stage].sla_days),
            wip_limit=number_text(stats[column.stage].wip_limit),
            bottleneck=stats[column.stage].bottleneck,
            reason=stats[column.stage].reason,
        )
        for column in columns(session, viewer=viewer, filters=filters, shown=shown)
    ]
    return Board(
        columns=with_stats,
        flow=cumulative_flow(session, where=where, today=clock.today(), time_zone=clock.time_zone),
        throughput=weekly_throughput(
            session, where=where, today=clock.today(), time_zone=clock.time_zone
        ),
        aging=aging(session, where=where, now=now),
    )


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split()[:2]).upper()


def columns(
    session: Session, *, viewer: Viewer, filters: BoardFilters, shown: Mapping[str, int]
) -> list[Column]:
    """Each stage's cards (the `shown[stage]` oldest, CARDS_PER_PAGE by default) and total."""
    clock = firm_clock(session)
    today, now = clock.today(), utcnow()
    where = filters.where(viewer, today)
    totals = dict(
        session.exec(select(Case.stage, func.count()).where(where).group_by(Case.stage)).all()
    )
    staff = {user.id: user.full_name for user in session.exec(select(User))}
    stages = firm_stages(session)
    found = {}
    for stage in stages:
        limit = min(max(shown.get(stage.key, CARDS_PER_PAGE), CARDS_PER_PAGE), 5000)
        found[stage.key] = session.exec(
            select(Case, Person)
            .join(CaseMember, (CaseMember.case_id == Case.id) & CaseMember.is_primary_client)
            .join(Person, Person.id == CaseMember.person_id)
            .where(where, Case.stage == stage.key)
            .order_by(Case.stage_entered_at, Case.id)
            .limit(limit)
        ).all()
    # One grouped query for every card on the board (in chunks only past a thousand cards,
    # to stay under the database's limit of query parameters), never one per card.
    shown_ids = [case.id for rows in found.values() for case, _ in rows]
    missing: dict[int, int] = {}
    for start in range(0, len(shown_ids), _IDS_PER_QUERY):
        missing |= missing_counts(session, shown_ids[start : start + _IDS_PER_QUERY])
    board = []
    for stage in stages:
        board.append(
            Column(
                stage=stage.key,
                title=stage.title,
                total=totals.get(stage.key, 0),
                cards=[
                    _card(case, client, staff, today, now, missing.get(case.id, 0))
                    for case, client in found[stage.key]
                ],
                median_days="",
                p90_days="",
                sla_days="",
                wip_limit="",
                bottleneck=False,
                reason="",
            )
        )
    return board


def _card(case: Case, client: Person, staff: dict, today, now: datetime, missing_docs: int) -> Card:
    kind = catalog.case_types().get(case.case_type)
    assignee = staff.get(case.paralegal_id) or staff.get(case.attorney_id) or ""
    return Card(
        reference=case.reference,
        client=display_name(client),
        case_type=kind.title if kind else case.case_type,
        initials=_initials(assignee) if assignee else "—",
        assignee=assignee or "Nobody yet",
        days_in_stage=(now - case.stage_entered_at).days,
        deadline_days=(case.next_deadline_on - today).days if case.next_deadline_on else 0,
        has_deadline=case.next_deadline_on is not None,
        missing_docs=missing_docs,
    )

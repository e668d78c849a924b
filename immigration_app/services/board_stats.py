"""The board's flow analytics: time in stage, bottlenecks, cumulative flow, throughput, aging.

Every function takes the caller's `where`, a boolean clause on Case built from the viewer's
visibility and the board's filters, and adds `Case.closed_on IS NULL` itself: the board shows
open cases only, so every figure here is about the open cases that match.

Two consequences worth knowing:

* The cumulative flow is the history of *today's* open matching cases. A case closed during
  the window drops out of every day, not just the days after it closed, and a case that moved
  between attorneys counts for whoever matches today. This is what lets the flow be rebuilt
  from today's counts and the window's events alone (see `cumulative_flow`).
* Throughput likewise counts entries by cases still open; a decided case that is later closed
  leaves the "Decision" series.

Percentiles use linear interpolation between the closest ranks (numpy's default, Excel's
PERCENTILE.INC): for n sorted ages the p-th percentile sits at position (n - 1) * p.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import sqlalchemy as sa
from sqlmodel import Session, select

from immigration_app import catalog
from immigration_app.models import Case, CaseEvent, CaseMember, Person
from immigration_app.services.people import display_name
from immigration_app.services.stages import StageLimit, firm_stages, stage_titles

# The events that put a case into a stage; both carry the new stage in after["stage"].
OPENED = "case_opened"
MOVED = "stage_changed"
FILED_STAGE = "filed_pending"
DECISION_STAGE = "decision"
_SECONDS_PER_DAY = 86_400


NO_LIMIT = StageLimit(sla_days=None, wip_limit=None)


@dataclass(frozen=True)
class StageStats:
    stage: str
    title: str
    wip: int
    # Days the cases now in the stage have spent in it (now - stage_entered_at), 1 decimal.
    median_days: float | None
    p90_days: float | None
    sla_days: int | None
    wip_limit: int | None
    bottleneck: bool
    reason: str  # why it is a bottleneck, in a sentence; "" when it is not


@dataclass(frozen=True)
class AgingRow:
    reference: str
    client: str
    stage_title: str
    days_in_stage: int


def _open(where: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    return sa.and_(Case.closed_on.is_(None), where)


# --- time in stage and bottlenecks ------------------------------------------------------------


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The `fraction` percentile of sorted values, interpolating linearly between ranks."""
    position = (len(ordered) - 1) * fraction
    below, above = math.floor(position), math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _days_text(days: float) -> str:
    """23.0 -> "23 days", 1.0 -> "1 day", 2.5 -> "2.5 days"."""
    number = f"{days:g}"
    return f"{number} day" if number == "1" else f"{number} days"


def _bottleneck_reasons(wip: int, median_days: float | None, limit: StageLimit) -> list[str]:
    reasons = []
    # Compare the rounded median, the one the board shows, so the text never reads
    # "Median 14 days ... over its 14-day SLA".
    if limit.sla_days is not None and median_days is not None and median_days > limit.sla_days:
        reasons.append(
            f"Median {_days_text(median_days)} in stage is over its {limit.sla_days}-day SLA"
        )
    if limit.wip_limit is not None and wip > limit.wip_limit:
        cases = "1 case" if wip == 1 else f"{wip} cases"
        reasons.append(f"{cases} in progress, over the limit of {limit.wip_limit}")
    return reasons


def _stage_ages(session: Session, where, now: datetime) -> dict[str, list[float]]:
    """Days in stage of every open matching case, sorted, by stage (a few thousand rows)."""
    ages: dict[str, list[float]] = defaultdict(list)
    rows = session.exec(select(Case.stage, Case.stage_entered_at).where(_open(where)))
    for stage, entered_at in rows:
        ages[stage].append((now - entered_at).total_seconds() / _SECONDS_PER_DAY)
    for values in ages.values():
        values.sort()
    return ages


def stage_stats(
    session: Session, *, where, now: datetime, limits: Mapping[str, StageLimit]
) -> list[StageStats]:
    """Per catalog stage, in order: how many cases sit there, how long, and whether it clogs."""
    ages = _stage_ages(session, where, now)
    result = []
    for stage in firm_stages(session):
        values = ages.get(stage.key, [])
        median = round(percentile(values, 0.5), 1) if values else None
        p90 = round(percentile(values, 0.9), 1) if values else None
        limit = limits.get(stage.key, NO_LIMIT)
        reasons = _bottleneck_reasons(len(values), median, limit)
        result.append(
            StageStats(
                stage=stage.key,
                title=stage.title,
                wip=len(values),
                median_days=median,
                p90_days=p90,
                sla_days=limit.sla_days,
                wip_limit=limit.wip_limit,
                bottleneck=bool(reasons),
                reason="; ".join(reasons),
            )
        )
    return result


# --- cumulative flow ---------------------------------------------------------------------------


def _start_of(day: date, time_zone: tzinfo) -> datetime:
    """The UTC moment the firm's `day` begins (zoneinfo resolves DST changes)."""
    return datetime.combine(day, time(), tzinfo=time_zone).astimezone(UTC)


def _label(day: date) -> str:
    return f"{day:%m/%d}"


def _flow_row(day: date, counts: Counter[str]) -> dict[str, int | str]:
    """One day of the flow, keyed by stage key (the chart names them as the firm does)."""
    row: dict[str, int | str] = {"day": _label(day)}
    for stage in catalog.stages():
        row[stage.key] = counts[stage.key]
    return row


def _stage_events_newest_first(session: Session, since: datetime) -> list[tuple]:
    """(case, kind, stage before, when) of every case's stage events since `since`.

    Deliberately firm-wide, with no join to the cases and no ORDER BY: filtering on kind and
    time alone lets the (kind, created_at) index read just the window's few thousand moves,
    however long the log grows. A join lets the planner walk every open case's events
    instead, and an ORDER BY on created_at tempts it to scan the whole window of the log
    (every kind) in time order. The caller keeps the events of the cases it counts.
    """
    rows = session.exec(
        select(
            CaseEvent.created_at,
            CaseEvent.id,
            CaseEvent.case_id,
            CaseEvent.kind,
            CaseEvent.before["stage"].as_string(),
        ).where(CaseEvent.kind.in_((MOVED, OPENED)), CaseEvent.created_at >= since)
    )
    # Newest first; the id settles events of the same moment. Plain tuples sort far
    # faster than result rows.
    events = sorted(((*row,) for row in rows), reverse=True)
    return [(case_id, kind, stage, created_at) for created_at, _, case_id, kind, stage in events]


def cumulative_flow(
    session: Session, *, where, today: date, time_zone: tzinfo, days: int = 90
) -> list[dict[str, int | str]]:
    """Cases per stage at the end of each of the last `days` days (firm time), oldest first.

    Starts from where today's open matching cases stand and walks the window's stage events
    backwards, newest first, undoing each, taking a snapshot at every day's end on the way.
    Each case's stage is tracked as the walk goes, so a history that skips a step (a stage
    set without an event) can never drive a count below zero.
    """
    window = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    # The moment each day ends; only events after the oldest day's end need undoing.
    ends = [_start_of(day + timedelta(days=1), time_zone) for day in window]
    stage_of: dict[int, str | None] = dict(
        session.exec(select(Case.id, Case.stage).where(_open(where))).all()
    )
    counts = Counter(stage_of.values())
    rows: list[dict[str, int | str]] = [{}] * days
    pending = days - 1  # the newest day not yet snapshotted
    for case_id, kind, stage_before, created_at in _stage_events_newest_first(session, ends[0]):
        while pending >= 0 and created_at < ends[pending]:
            rows[pending] = _flow_row(window[pending], counts)
            pending -= 1
        current = stage_of.get(case_id)
        if current is None:
            continue  # a case not counted, or (an inconsistent history) not yet opened
        counts[current] -= 1
        # Undoing an opening removes the case; undoing a move puts it back where it was.
        previous = stage_before if kind == MOVED else None
        stage_of[case_id] = previous
        if previous is not None:
            counts[previous] += 1
    for index in range(pending, -1, -1):
        rows[index] = _flow_row(window[index], counts)
    return rows


# --- throughput ----------------------------------------------------------------------------------


def weekly_throughput(
    session: Session, *, where, today: date, time_zone: tzinfo, weeks: int = 13
) -> list[dict[str, int | str]]:
    """Cases entering "Filed - pending" and "Decision" per week (Monday first), oldest first.

    A case that enters the same stage twice in a week counts once that week.
    """
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    counted = set(session.exec(select(Case.id).where(_open(where))).all())
    entered_stage = CaseEvent.after["stage"].as_string()
    # Firm-wide and filtered here, as in the flow: the window's moves, not every case's log.
    events = session.exec(
        select(CaseEvent.case_id, entered_stage, CaseEvent.created_at).where(
            CaseEvent.kind.in_((MOVED, OPENED)),
            CaseEvent.created_at >= _start_of(mondays[0], time_zone),
            entered_stage.in_((FILED_STAGE, DECISION_STAGE)),
        )
    )
    entries: dict[tuple[date, str], set[int]] = defaultdict(set)
    for case_id, stage, created_at in events:
        if case_id not in counted:
            continue
        local_day = created_at.astimezone(time_zone).date()
        entries[local_day - timedelta(days=local_day.weekday()), stage].add(case_id)
    return [
        {
            "week": _label(monday),
            "Filed": len(entries[monday, FILED_STAGE]),
            "Decision": len(entries[monday, DECISION_STAGE]),
        }
        for monday in mondays
    ]


# --- aging ---------------------------------------------------------------------------------------


def aging(session: Session, *, where, now: datetime, limit: int = 20) -> list[AgingRow]:
    """The open matching cases longest in their current stage, longest first."""
    titles = stage_titles(session)
    rows = session.exec(
        select(Case.reference, Case.stage, Case.stage_entered_at, Person)
        .outerjoin(CaseMember, (CaseMember.case_id == Case.id) & CaseMember.is_primary_client)
        .outerjoin(Person, Person.id == CaseMember.person_id)
        .where(_open(where))
        .order_by(Case.stage_entered_at, Case.id)
        .limit(limit)
    )
    return [
        AgingRow(
            reference=reference,
            client=display_name(client) if client is not None else "",
            stage_title=titles.get(stage, stage),
            days_in_stage=(now - entered_at).days,
        )
        for reference, stage, entered_at, client in rows
    ]

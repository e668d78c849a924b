"""The board's flow analytics, checked against hand-built histories with chosen timestamps."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import select

from immigration_app import catalog
from immigration_app.models import Case, CaseEvent
from immigration_app.services.board_stats import (
    aging,
    cumulative_flow,
    percentile,
    stage_stats,
    weekly_throughput,
)
from immigration_app.services.stages import StageLimit
from tests.factories import make_case, make_viewer, rewriting_events

CHICAGO = ZoneInfo("America/Chicago")
# A Friday, twelve days after the clocks went forward: the flow's window spans the change.
NOW = datetime(2026, 3, 20, 17, 0, tzinfo=UTC)
TODAY = NOW.astimezone(CHICAGO).date()
STAGES = [stage.key for stage in catalog.stages()]


def _local(day_text: str, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in the firm's time zone, e.g. _local("2026-03-17", 9)."""
    day = datetime.fromisoformat(day_text).date()
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO).astimezone(UTC)


def _open_case_at(session, actor, when: datetime, **kwargs) -> Case:
    """A case in intake since `when`, its opening event dated then."""
    case = make_case(session, actor=actor, **kwargs)
    with rewriting_events(session.connection()):
        session.exec(
            sa.update(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.kind == "case_opened")
            .values(created_at=when)
        )
    _place(session, case, STAGES[0], when)
    return case


def _place(session, case: Case, stage: str, since: datetime) -> None:
    case.stage, case.stage_entered_at = stage, since
    session.add(case)
    session.flush()


def _move(session, case: Case, before: str, after: str, when: datetime) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            kind="stage_changed",
            summary="moved",
            before={"stage": before},
            after={"stage": after},
            created_at=when,
        )
    )
    _place(session, case, after, when)


def _close(session, case: Case) -> None:
    case.closed_on = TODAY
    session.add(case)
    session.flush()


def _by_stage(stats) -> dict:
    return {row.stage: row for row in stats}


# --- time in stage and bottlenecks ------------------------------------------------------------


def test_percentiles_interpolate_linearly_between_ranks():
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 10.0], 0.9) == pytest.approx(7.6)


def test_stage_stats_count_open_cases_and_their_days_in_stage(session):
    attorney = make_viewer(session, role="attorney")
    for days in (1, 2, 3, 4, 10):
        case = make_case(session, actor=attorney)
        _place(session, case, "preparing_forms", NOW - timedelta(days=days))
    for days in (1, 6):
        case = make_case(session, actor=attorney)
        _place(session, case, "ready_to_file", NOW - timedelta(days=days))
    closed = make_case(session, actor=attorney)
    _place(session, closed, "preparing_forms", NOW - timedelta(days=400))
    _close(session, closed)

    stats = stage_stats(session, where=sa.true(), now=NOW, limits={})

    assert [row.stage for row in stats] == STAGES
    by_stage = _by_stage(stats)
    preparing = by_stage["preparing_forms"]
    assert (preparing.title, preparing.wip) == ("Preparing forms", 5)
    # Sorted ages 1 2 3 4 10: the median is the middle one; p90 sits at rank 3.6.
    assert (preparing.median_days, preparing.p90_days) == (3.0, 7.6)
    assert (by_stage["ready_to_file"].median_days, by_stage["ready_to_file"].p90_days) == (
        3.5,
        5.5,
    )
    intake = by_stage["intake"]
    assert (intake.wip, intake.median_days, intake.p90_days) == (0, None, None)
    assert not any(row.bottleneck or row.reason for row in stats)


def test_a_stage_over_its_sla_or_wip_limit_is_a_bottleneck_and_says_why(session):
    attorney = make_viewer(session, role="attorney")
    for days in (20, 23, 30):
        case = make_case(session, actor=attorney)
        _place(session, case, "collecting_documents", NOW - timedelta(days=days))
    for days in (1, 2, 3):
        case = make_case(session, actor=attorney)
        _place(session, case, "internal_review", NOW - timedelta(days=days))
    for days in (14, 14):
        case = make_case(session, actor=attorney)
        _place(session, case, "ready_to_file", NOW - timedelta(days=days))
    limits = {
        "collecting_documents": StageLimit(sla_days=14, wip_limit=2),
        "internal_review": StageLimit(sla_days=5, wip_limit=2),
        # Exactly at both limits is not over them.
        "ready_to_file": StageLimit(sla_days=14, wip_limit=2),
    }

    by_stage = _by_stage(stage_stats(session, where=sa.true(), now=NOW, limits=limits))

    collecting = by_stage["collecting_documents"]
    assert collecting.bottleneck
    assert collecting.reason == (
        "Median 23 days in stage is over its 14-day SLA; 3 cases in progress, over the limit of 2"
    )
    assert (collecting.sla_days, collecting.wip_limit) == (14, 2)
    review = by_stage["internal_review"]
    assert review.bottleneck
    assert review.reason == "3 cases in progress, over the limit of 2"
    ready = by_stage["ready_to_file"]
    assert (ready.bottleneck, ready.reason) == (False, "")
    assert (by_stage["intake"].sla_days, by_stage["intake"].wip_limit) == (None, None)


def test_stage_stats_follow_the_callers_where(session):
    attorney = make_viewer(session, role="attorney")
    mine, theirs = make_viewer(session), make_viewer(session)
    make_case(session, actor=attorney, paralegal_id=mine.id)
    make_case(session, actor=attorney, paralegal_id=theirs.id)
    where = Case.paralegal_id == mine.id
    assert _by_stage(stage_stats(session, where=where, now=NOW, limits={}))["intake"].wip == 1


# --- cumulative flow ---------------------------------------------------------------------------


def _random_history(session, rng: random.Random, attorneys) -> None:
    """~30 cases opened over five months, moving at random (forwards and back) until now."""
    for number in range(30):
        opened = NOW - timedelta(days=rng.uniform(0, 150))
        case = _open_case_at(
            session,
            attorneys[0],
            opened,
            family_name=f"Family{number}",
            attorney_id=rng.choice(attorneys).id,
        )
        stage, when = STAGES[0], opened
        while (when := when + timedelta(hours=rng.uniform(1, 24 * 25))) < NOW:
            new_stage = rng.choice([key for key in STAGES if key != stage])
            _move(session, case, stage, new_stage, when)
            stage = new_stage
        if rng.random() < 0.15:
            _close(session, case)
        # Noise the flow must skip: other kinds of event on the case, and a firm-level one.
        session.add(CaseEvent(case_id=case.id, kind="note_added", summary="note", created_at=when))
    session.add(CaseEvent(kind="sign_in", summary="signed in", created_at=NOW))


def _midnight_moves(session, actor) -> None:
    """Moves exactly as a firm day begins, which belong to that day, not the one before."""
    case = _open_case_at(session, actor, _local("2026-02-01"), family_name="Midnight")
    _move(session, case, "intake", "preparing_forms", _local("2026-03-08", 0))  # DST day
    _move(session, case, "preparing_forms", "internal_review", _local("2026-03-15", 0))


def _recount(session, where, days: int) -> list[dict]:
    """The flow the slow, obvious way: replay each case's events forward, day by day."""
    case_ids = session.exec(select(Case.id).where(Case.closed_on.is_(None), where)).all()
    events = session.exec(
        select(CaseEvent)
        .where(
            CaseEvent.case_id.in_(case_ids),
            CaseEvent.kind.in_(["case_opened", "stage_changed"]),
        )
        .order_by(CaseEvent.created_at, CaseEvent.id)
    ).all()
    rows = []
    for back in range(days - 1, -1, -1):
        day = TODAY - timedelta(days=back)
        stage_of = {}
        for event in events:
            if event.created_at.astimezone(CHICAGO).date() <= day:
                stage_of[event.case_id] = event.after["stage"]
        counts = Counter(stage_of.values())
        row = {"day": day.strftime("%m/%d")}
        row.update({stage.key: counts[stage.key] for stage in catalog.stages()})
        rows.append(row)
    return rows


def test_cumulative_flow_equals_replaying_every_event_forward(session):
    attorneys = [make_viewer(session, role="attorney") for _ in range(2)]
    _random_history(session, random.Random(20261126), attorneys)
    _midnight_moves(session, attorneys[0])
    session.flush()

    for where in (sa.true(), Case.attorney_id == attorneys[1].id):
        flow = cumulative_flow(session, where=where, today=TODAY, time_zone=CHICAGO, days=90)
        assert len(flow) == 90
        assert (flow[0]["day"], flow[-1]["day"]) == ("12/21", "03/20")
        assert flow == _recount(session, where, 90)
        # The history really moves within the window, so the walk has work to do.
        assert len({tuple(row.values())[1:] for row in flow}) > 10

    # Today's column is the board itself.
    open_now = Counter(session.exec(select(Case.stage).where(Case.closed_on.is_(None))).all())
    today_row = cumulative_flow(session, where=sa.true(), today=TODAY, time_zone=CHICAGO)[-1]
    assert today_row == {"day": "03/20"} | {
        stage.key: open_now[stage.key] for stage in catalog.stages()
    }


def test_cumulative_flow_places_a_midnight_move_on_the_day_it_starts(session):
    attorney = make_viewer(session, role="attorney")
    _midnight_moves(session, attorney)
    flow = {
        row["day"]: row
        for row in cumulative_flow(session, where=sa.true(), today=TODAY, time_zone=CHICAGO)
    }
    assert flow["03/07"]["intake"] == 1
    assert flow["03/08"]["preparing_forms"] == 1
    assert flow["03/14"]["preparing_forms"] == 1
    assert flow["03/15"]["internal_review"] == 1


def test_cumulative_flow_shows_no_case_before_it_was_opened(session):
    attorney = make_viewer(session, role="attorney")
    _open_case_at(session, attorney, _local("2026-03-18", 9))
    flow = cumulative_flow(session, where=sa.true(), today=TODAY, time_zone=CHICAGO, days=5)
    assert [row["intake"] for row in flow] == [0, 0, 1, 1, 1]


# --- throughput ----------------------------------------------------------------------------------


def test_weekly_throughput_counts_cases_entering_filed_and_decision_by_week(session):
    attorney = make_viewer(session, role="attorney")
    early = _local("2025-09-01")

    # This week (from Monday 03/16): two cases filed, one of them twice (after an RFE).
    first = _open_case_at(session, attorney, early)
    _move(session, first, "intake", "filed_pending", _local("2026-03-16", 0))  # Monday 00:00
    second = _open_case_at(session, attorney, early)
    _move(session, second, "intake", "filed_pending", _local("2026-03-17"))
    _move(session, second, "filed_pending", "rfe_noid_response", _local("2026-03-18"))
    _move(session, second, "rfe_noid_response", "filed_pending", _local("2026-03-19"))
    # Last week: one filed on Sunday night, decided this week.
    third = _open_case_at(session, attorney, early)
    _move(session, third, "intake", "filed_pending", _local("2026-03-15", 23, 59))
    _move(session, third, "filed_pending", "decision", _local("2026-03-18"))
    # Out of the picture: closed cases, and moves before the thirteen weeks.
    closed = _open_case_at(session, attorney, early)
    _move(session, closed, "intake", "decision", _local("2026-03-17"))
    _close(session, closed)
    old = _open_case_at(session, attorney, early)
    _move(session, old, "intake", "filed_pending", _local("2025-12-21"))  # a Sunday
    _move(session, old, "filed_pending", "decision", _local("2025-12-22"))  # first week shown

    weeks = weekly_throughput(session, where=sa.true(), today=TODAY, time_zone=CHICAGO)

    assert len(weeks) == 13
    assert weeks[0] == {"week": "12/22", "Filed": 0, "Decision": 1}
    assert weeks[-2] == {"week": "03/09", "Filed": 1, "Decision": 0}
    assert weeks[-1] == {"week": "03/16", "Filed": 2, "Decision": 1}
    assert sum(week["Filed"] for week in weeks) == 3


# --- aging ---------------------------------------------------------------------------------------


def test_aging_lists_the_cases_longest_in_their_stage_first(session):
    attorney = make_viewer(session, role="attorney")
    for family, stage, days in (
        ("Newest", "intake", 2),
        ("Oldest", "collecting_documents", 40),
        ("Middle", "decision", 10),
        ("Closed", "intake", 90),
    ):
        case = make_case(session, actor=attorney, family_name=family)
        _place(session, case, stage, NOW - timedelta(days=days, hours=3))
        if family == "Closed":
            _close(session, case)

    rows = aging(session, where=sa.true(), now=NOW, limit=2)

    assert [(row.client, row.stage_title, row.days_in_stage) for row in rows] == [
        ("Maria Oldest", "Collecting documents", 40),
        ("Maria Middle", "Decision", 10),
    ]
    assert rows[0].reference.count("-") == 1
    assert len(aging(session, where=sa.true(), now=NOW)) == 3

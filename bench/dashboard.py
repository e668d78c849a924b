"""Dashboard query path at firm scale, against a hand-written raw-SQL baseline.

Seeds 50,000 cases, 250,000 people and 1,000,000 events (plus receipts, deadlines, checklist
items and the name search index), then runs 200 varied dashboard queries of attorneys and
paralegals (a search, two filters, a sort by any column, a page of 50 and the total) through
`search_cases`, and the same queries as raw SQL through the database driver, after checking on
200 others that both give the same totals and pages. Also measures the state delta one page change
sends to the browser. Last line: one JSON object.

    python -m bench.dashboard            # SQLite in a temporary folder
    DATABASE_URL=postgresql+psycopg://... python -m bench.dashboard   (a throw-away schema)
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

from bench import insert_firm, use_throwaway_database

CASES = int(os.environ.get("BENCH_CASES", "50000"))
PEOPLE_PER_CASE = 5
EVENTS_PER_CASE = 20
CHECKLIST_ITEMS = 8  # for the client of each case; 6 of them required
ITEM_STATUSES = ["needed", "needed", "uploaded", "accepted", "accepted", "rejected", "waived"]
QUERIES = 200
SURNAMES = [
    "Garcia",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Perez",
    "Sanchez",
    "Ramirez",
    "Torres",
    "Nguyen",
    "Tran",
    "Kim",
    "Patel",
    "Singh",
    "Smith",
    "Johnson",
    "Okafor",
    "Adeyemi",
    "Haile",
    "Mensah",
    "Chen",
    "Wang",
    "Li",
    "Ivanova",
    "Kowalski",
    "Silva",
    "Santos",
] + [f"Family{n:04d}" for n in range(2000)]
GIVEN = ["Maria", "Jose", "Ana", "Luis", "Rosa", "John", "Ravi", "Selam", "Chidi", "Mei", "Olga"]

_TMP = use_throwaway_database("dashboard")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from immigration_app import catalog  # noqa: E402
from immigration_app.models import Role  # noqa: E402
from immigration_app.services.case_list import (  # noqa: E402
    SORT_COLUMNS,
    CaseQuery,
    search_cases,
)
from immigration_app.services.db import get_engine, session_scope  # noqa: E402
from immigration_app.services.people import name_tokens, sort_name  # noqa: E402
from immigration_app.services.schema import migrate_to_head  # noqa: E402
from immigration_app.services.viewer import Viewer  # noqa: E402


def _table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]


def seed(rng: random.Random) -> dict:
    """Bulk-insert the firm; returns facts the queries draw from."""
    engine = get_engine()
    now = datetime.now(UTC)
    today = date.today()
    types = list(catalog.case_types())
    stages = [stage.key for stage in catalog.stages()]
    with engine.begin() as db:
        insert_firm(db, attorneys=5, paralegals=10)
        a_numbers, receipts = [], []
        batch = 2000
        for start in range(0, CASES, batch):
            cases, people, members, tokens, events = [], [], [], [], []
            receipt_rows, deadlines, checklist = [], [], []
            for case_id in range(start + 1, min(start + batch, CASES) + 1):
                next_deadline = (
                    today + timedelta(days=rng.randint(-20, 120)) if rng.random() < 0.7 else None
                )
                cases.append(
                    {
                        "id": case_id,
                        "reference": f"{2020 + case_id // 10000}-{case_id % 10000:04d}",
                        "case_type": rng.choice(types),
                        "stage": rng.choice(stages),
                        "stage_entered_at": now,
                        "attorney_id": rng.randint(1, 5),
                        "paralegal_id": rng.choice([None, *range(6, 16)]),
                        "opened_on": today - timedelta(days=rng.randint(0, 900)),
                        "closed_on": None,
                        "priority_date": None,
                        "next_deadline_on": next_deadline,
                        "last_activity_at": now - timedelta(minutes=rng.randint(0, 500_000)),
                        "created_by_id": 1,
                    }
                )
                if next_deadline:
                    deadlines.append(
                        {
                            "case_id": case_id,
                            "title": "Due",
                            "due_on": next_deadline,
                            "status": "open",
                            "created_at": now,
                        }
                    )
                for slot in range(PEOPLE_PER_CASE):
                    person_id = (case_id - 1) * PEOPLE_PER_CASE + slot + 1
                    family, given = rng.choice(SURNAMES), rng.choice(GIVEN)
                    a_number = f"{person_id:09d}" if rng.random() < 0.3 else ""
                    if a_number and rng.random() < 0.01:
                        a_numbers.append(a_number)
                    people.append(
                        {
                            "id": person_id,
                            "family_name": family,
                            "given_name": given,
                            "middle_name": "",
                            "sort_name": sort_name(family, given),
                            "date_of_birth": date(1950, 1, 1)
                            + timedelta(days=rng.randint(0, 20000)),
                            "city_of_birth": "",
                            "country_of_birth": "",
                            "country_of_citizenship": "",
                            "a_number": a_number,
                            "uscis_online_account_number": "",
                            "ssn": "",
                            "phone": "",
                            "email": "",
                            "preferred_language": "en",
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                    members.append(
                        {
                            "id": person_id,
                            "case_id": case_id,
                            "person_id": person_id,
                            "role": "applicant" if slot == 0 else "derivative",
                            "is_primary_client": slot == 0,
                        }
                    )
                    if slot == 0:
                        checklist += [
                            {
                                "case_id": case_id,
                                "member_id": person_id,
                                "code": f"item{n}",
                                "section": "identity",
                                "title_en": "Evidence",
                                "title_es": "Prueba",
                                "kinds": ["pdf"],
                                "required": n < 6,
                                "status": rng.choice(ITEM_STATUSES),
                                "status_changed_at": now,
                            }
                            for n in range(CHECKLIST_ITEMS)
                        ]
                    tokens += [
                        {"person_id": person_id, "token": token}
                        for token in name_tokens(family, given)
                    ]
                if rng.random() < 0.5:
                    receipt = f"{rng.choice(['EAC', 'WAC', 'LIN', 'SRC', 'IOE'])}{case_id:010d}"
                    receipt_rows.append(
                        {
                            "case_id": case_id,
                            "receipt_number": receipt,
                            "form": "I-130",
                            "received_on": None,
                        }
                    )
                    if rng.random() < 0.01:
                        receipts.append(receipt)
                events += [
                    {
                        "case_id": case_id,
                        "actor_user_id": 1,
                        "actor_label": "staff1@bench.example",
                        "kind": "note_added",
                        "summary": "Something happened",
                        "before": None,
                        "after": None,
                        "client_address": "",
                        "created_at": now - timedelta(minutes=n),
                    }
                    for n in range(EVENTS_PER_CASE)
                ]
            db.execute(_table("case_file").insert(), cases)
            db.execute(_table("person").insert(), people)
            db.execute(_table("case_member").insert(), members)
            db.execute(_table("person_search_token").insert(), tokens)
            db.execute(_table("case_event").insert(), events)
            if receipt_rows:
                db.execute(_table("case_receipt").insert(), receipt_rows)
            if deadlines:
                db.execute(_table("case_deadline").insert(), deadlines)
            db.execute(_table("case_checklist_item").insert(), checklist)
    if engine.dialect.name == "sqlite":
        with engine.begin() as db:
            db.execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as db:
            db.execute(sa.text("ANALYZE"))
    return {"a_numbers": a_numbers, "receipts": receipts, "types": types, "stages": stages}


def queries(rng: random.Random, facts: dict) -> list[tuple[Viewer, CaseQuery]]:
    """Varied views of varied staff: one search and two filters each, any column's sort,
    early pages. Half the views are a paralegal's, who sees only their own and unassigned
    cases; one search in five is a common first name (thousands of people)."""
    result = []
    for n in range(QUERIES):
        kind = n % 5
        search = [
            rng.choice(SURNAMES[:28])[: rng.randint(3, 6)],
            f"A{rng.choice(facts['a_numbers'])}",
            rng.choice(facts["receipts"]),
            f"{rng.choice(SURNAMES[:28])} {rng.choice(GIVEN)[:3]}",
            rng.choice(GIVEN)[:3],
        ][kind]
        filters = rng.choice(
            [
                {"stage": rng.choice(facts["stages"]), "case_type": rng.choice(facts["types"])},
                {
                    "assignee": rng.randint(1, 15),
                    "show": rng.choice(["overdue", "due_30", "waiting_on_client"]),
                },
                {"stage": rng.choice(facts["stages"]), "show": "due_30"},
            ]
        )
        staff_id = rng.randint(1, 5) if n % 2 else rng.randint(6, 15)
        viewer = Viewer(
            id=staff_id,
            email=f"staff{staff_id}@bench.example",
            full_name=f"Staff Member {staff_id:02d}",
            role=Role.ATTORNEY if staff_id <= 5 else Role.PARALEGAL,
        )
        query = CaseQuery(
            search=search,
            sort=rng.choice(SORT_COLUMNS),
            descending=rng.random() < 0.5,
            page=rng.choice([1, 1, 1, 2]),
            **filters,
        )
        result.append((viewer, query))
    return result


def _sort_sql(facts: dict) -> dict[str, tuple[str, ...]]:
    """ORDER BY keys as the list orders each column: the firm's stage order, case types by
    their titles, reference years then numbers as numbers."""
    stage_rank = " ".join(f"WHEN '{key}' THEN {rank}" for rank, key in enumerate(facts["stages"]))
    titles = sorted(catalog.case_types().values(), key=lambda kind: kind.title.casefold())
    type_rank = " ".join(f"WHEN '{kind.key}' THEN {rank}" for rank, kind in enumerate(titles))
    return {
        "reference": ("substr(c.reference, 1, 4)", "length(c.reference)", "c.reference"),
        "client": ("p.sort_name",),
        "case_type": (f"CASE c.case_type {type_rank} END",),
        "stage": (f"CASE c.stage {stage_rank} END",),
        "attorney": ("a.full_name",),
        "paralegal": ("pl.full_name",),
        "next_deadline": ("c.next_deadline_on",),
        "receipt_number": (
            "(SELECT min(r.receipt_number) FROM case_receipt r WHERE r.case_id = c.id)",
        ),
        "last_activity": ("c.last_activity_at",),
        "missing_docs": (
            "(SELECT count(*) FROM case_checklist_item i WHERE i.case_id = c.id AND i.required "
            "AND i.status IN ('needed', 'rejected'))",
        ),
    }


def raw_sql(viewer: Viewer, query: CaseQuery, today: date, sort_sql: dict) -> tuple[str, str, dict]:
    """The same view, written by hand as SQL: the baseline."""
    where, params = ["c.closed_on IS NULL"], {}
    if viewer.role == Role.PARALEGAL:
        where.append("(c.paralegal_id = :me OR c.paralegal_id IS NULL)")
        params["me"] = viewer.id
    text = query.search
    if text.startswith("A") and text[1:].isdigit():
        where.append(
            "c.id IN (SELECT m.case_id FROM case_member m JOIN person pp ON pp.id = m.person_id WHERE pp.a_number = :a)"
        )
        params["a"] = text[1:]
    elif text[:3].isalpha() and text[3:].isdigit() and len(text) == 13:
        where.append("c.id IN (SELECT case_id FROM case_receipt WHERE receipt_number = :r)")
        params["r"] = text
    else:
        words = sorted(name_tokens(text), key=len, reverse=True)
        joins = "".join(
            f" JOIN person_search_token t{i} ON t{i}.person_id = t0.person_id"
            for i in range(1, len(words))
        )
        ranges = " AND ".join(f"t{i}.token BETWEEN :w{i} AND :z{i}" for i in range(len(words)))
        for i, word in enumerate(words):
            params[f"w{i}"], params[f"z{i}"] = word, word + "z" * 40
        where.append(
            "c.id IN (SELECT m.case_id FROM case_member m WHERE m.person_id IN "
            f"(SELECT t0.person_id FROM person_search_token t0{joins} WHERE {ranges}))"
        )
    if query.stage:
        where.append("c.stage = :stage")
        params["stage"] = query.stage
    if query.case_type:
        where.append("c.case_type = :type")
        params["type"] = query.case_type
    if query.assignee is not None:
        where.append("(c.attorney_id = :who OR c.paralegal_id = :who)")
        params["who"] = query.assignee
    if query.show == "overdue":
        where.append("c.next_deadline_on < :today")
        params["today"] = today
    elif query.show == "due_30":
        where.append(
            "c.id IN (SELECT case_id FROM case_deadline "
            "WHERE status = 'open' AND due_on BETWEEN :today AND :until)"
        )
        params["today"], params["until"] = today, today + timedelta(days=30)
    elif query.show == "waiting_on_client":
        where.append("c.stage = 'collecting_documents'")
    clause = " AND ".join(where)
    direction = "DESC" if query.descending else "ASC"
    # Empty values last either way, and the id to keep pages stable, as the list does.
    order = ", ".join(f"{key} {direction} NULLS LAST" for key in sort_sql[query.sort])
    count_sql = f"SELECT count(*) FROM case_file c WHERE {clause}"
    page_sql = (
        "SELECT c.id, c.reference, c.case_type, c.stage, c.next_deadline_on, "
        "c.last_activity_at, p.given_name, p.middle_name, p.family_name, a.full_name, "
        "pl.full_name, count(*) OVER () FROM case_file c "
        f"JOIN case_member cm ON cm.case_id = c.id AND cm.is_primary_client "
        f"JOIN person p ON p.id = cm.person_id LEFT JOIN app_user a ON a.id = c.attorney_id "
        f"LEFT JOIN app_user pl ON pl.id = c.paralegal_id WHERE {clause} "
        f"ORDER BY {order}, c.id {direction} LIMIT 50 OFFSET :offset"
    )
    return count_sql, page_sql, params


def run_raw(
    views: list[tuple[Viewer, CaseQuery]], facts: dict, answers: list | None = None
) -> list[float]:
    """Through the driver itself (sqlite3 or psycopg), no ORM, no service code. With
    `answers`, each view's (total, page of references) is appended to it."""
    engine = get_engine()
    sort_sql = _sort_sql(facts)
    today = date.today()
    timings = []
    raw = engine.raw_connection()
    try:
        paramstyle_pg = engine.dialect.name == "postgresql"
        for viewer, query in views:
            count_sql, page_sql, params = raw_sql(viewer, query, today, sort_sql)
            if paramstyle_pg:
                count_sql, page_sql = (
                    re.sub(r":(\w+)", r"%(\1)s", sql) for sql in (count_sql, page_sql)
                )
            started = time.perf_counter()
            cursor = raw.cursor()
            # The page carries the total (a window count); past the end, count and show the
            # last page, as the service does.
            params["offset"] = (query.page - 1) * 50
            cursor.execute(page_sql, params)
            rows = cursor.fetchall()
            if not rows and query.page > 1:
                cursor.execute(count_sql, params)
                params["offset"] = (max(1, -(-cursor.fetchall()[0][0] // 50)) - 1) * 50
                cursor.execute(page_sql, params)
                rows = cursor.fetchall()
            total = rows[0][-1] if rows else 0
            ids = [row[0] for row in rows] or [0]
            # The receipt numbers of the page's cases, as the service fetches them.
            cursor.execute(
                "SELECT case_id, min(receipt_number) FROM case_receipt "
                f"WHERE case_id IN ({','.join(str(i) for i in ids)}) GROUP BY case_id"
            )
            cursor.fetchall()
            # Their missing documents (required, needed or sent back), as the service counts them.
            cursor.execute(
                "SELECT case_id, count(*) FROM case_checklist_item "
                f"WHERE case_id IN ({','.join(str(i) for i in ids)}) AND required "
                "AND status IN ('needed', 'rejected') GROUP BY case_id"
            )
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
            if answers is not None:
                answers.append((total, [row[1] for row in rows]))
        raw.rollback()
    finally:
        raw.close()
    return timings


def run_service(views: list[tuple[Viewer, CaseQuery]], answers: list | None = None) -> list[float]:
    timings = []
    for viewer, query in views:
        started = time.perf_counter()
        with session_scope() as session:
            page = search_cases(session, viewer=viewer, query=query)
        timings.append((time.perf_counter() - started) * 1000)
        if answers is not None:
            answers.append((page.total, [row.reference for row in page.rows]))
    return timings


def page_change_delta_bytes() -> int:
    """Bytes of the state delta the browser receives when the dashboard turns a page."""
    import reflex as rx

    import immigration_app.immigration_app  # noqa: F401
    from immigration_app.services.auth import sign_in
    from immigration_app.services.passwords import hash_password
    from immigration_app.state.auth import AuthState
    from immigration_app.state.dashboard import DashboardState

    with session_scope() as session:
        session.execute(
            sa.text("UPDATE app_user SET password_hash = :h WHERE id = 1"),
            {"h": hash_password("bench password 1")},
        )
    with session_scope() as session:
        token = sign_in(session, email="staff1@bench.example", password="bench password 1").token

    async def measure() -> int:
        root = rx.State(_reflex_internal_init=True)
        root.get_substate(AuthState.get_full_name().split(".")[1:]).session_token = token
        dashboard = root.get_substate(DashboardState.get_full_name().split(".")[1:])
        await dashboard.load()
        root._clean()
        await dashboard.go_to_page(2)
        delta = await root._get_resolved_delta()
        return len(json.dumps(delta, default=str).encode())

    return asyncio.run(measure())


def main() -> None:
    rng = random.Random(20261126)
    migrate_to_head()
    started = time.perf_counter()
    facts = seed(rng)
    seeded_s = time.perf_counter() - started
    print(f"seeded {CASES} cases in {seeded_s:.0f}s", file=sys.stderr)
    warm_up, views = queries(rng, facts), queries(rng, facts)
    # A running server has compiled each shape of query before: warm both paths on
    # other views of the same mix (other names, numbers and filters), then measure.
    # The warm-up also checks that the baseline computes the same views as the service.
    by_service, by_hand = [], []
    run_service(warm_up, by_service)
    run_raw(warm_up, facts, by_hand)
    differ = [n for n, (a, b) in enumerate(zip(by_service, by_hand, strict=True)) if a != b]
    if differ:
        sys.exit(f"the raw SQL answers {len(differ)} views differently, e.g. {warm_up[differ[0]]}")
    service_ms = run_service(views)
    raw_ms = run_raw(views, facts)

    def p(values: list[float], q: int) -> float:
        return round(statistics.quantiles(values, n=100)[q - 1], 2)

    delta = page_change_delta_bytes()
    result = {
        "bench": "dashboard",
        "database": get_engine().dialect.name,
        "cases": CASES,
        "people": CASES * PEOPLE_PER_CASE,
        "events": CASES * EVENTS_PER_CASE,
        "queries": len(views),
        "p50_ms": p(service_ms, 50),
        "p95_ms": p(service_ms, 95),
        "raw_p50_ms": p(raw_ms, 50),
        "raw_p95_ms": p(raw_ms, 95),
        "ratio": round(p(service_ms, 95) / p(raw_ms, 95), 2),
        "ratio_p50": round(p(service_ms, 50) / p(raw_ms, 50), 2),
        "delta_kb": round(delta / 1024, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

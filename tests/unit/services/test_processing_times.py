"""USCIS processing times: imported from CSV (all or nothing), matched to receipt numbers, and
told to staff and clients as an estimate with its likely-by date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from immigration_app.models import Case, CaseEvent, CaseMember, ProcessingTime
from immigration_app.services.case_list import CaseQuery, search_cases
from immigration_app.services.cases import add_receipt_number
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.portal import create_link, open_portal, portal_home
from immigration_app.services.processing_times import (
    ImportRefused,
    estimate_for,
    import_processing_times,
    likely_by,
    past_processing_time_case_ids,
    portal_estimate,
    set_receipt_office,
)
from immigration_app.services.processing_times_import import MAX_ROWS, read_processing_times
from immigration_app.services.processing_views import (
    case_processing,
    past_processing_time_count,
    published_lines,
)
from tests.factories import make_case, make_viewer

TODAY = date(2026, 3, 2)
POTOMAC = "potomac  service center"  # as staff might type it: matched without case

# As an admin copies them from egov.uscis.gov/processing-times (quoted where a comma is inside).
USCIS_CSV = "\n".join(
    (
        "Form,Form Category,Field Office or Service Center,"
        "Processing Time (80th percentile),Publication Date",
        "I-130,Permanent resident filing for a spouse or child under 21,"
        "Potomac Service Center,35.5 Months,11/20/2025",
        'I-130,"U.S. citizen filing for a spouse, parent, or child under 21",'
        "National Benefits Center,14 Months,11/20/2025",
        "I-485,Family-based adjustment applications,National Benefits Center,10 Months,11/20/2025",
        "I-485,Family-based adjustment applications,Chicago IL,9.5 Months,11/20/2025",
        "I-765,Based on a pending I-485 adjustment application [(c)(9)],"
        "National Benefits Center,4 Months,11/20/2025",
        "N-400,Naturalization application,Chicago IL,6 Months,11/20/2025",
        "",
    )
)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    noon = datetime(TODAY.year, TODAY.month, TODAY.day, 17, tzinfo=UTC)
    monkeypatch.setattr("immigration_app.services.firm.utcnow", lambda: noon)


@pytest.fixture
def admin(session):
    return make_viewer(session, role="admin")


@pytest.fixture
def imported(session, admin):
    return import_processing_times(
        session, actor=admin, data=USCIS_CSV.encode(), filename="uscis-2025-11.csv"
    )


def _lines(session) -> list[ProcessingTime]:
    return list(session.exec(select(ProcessingTime).order_by(ProcessingTime.id)))


def _receipt(session, attorney, case, number, form, received, office="", category=""):
    add_receipt_number(
        session, actor=attorney, reference=case.reference, receipt_number=number, form=form
    )
    set_receipt_office(
        session,
        actor=attorney,
        reference=case.reference,
        receipt_number=number,
        office=office,
        category=category,
        received_on=received,
    )


# --- import -----------------------------------------------------------------------------------


def test_an_admin_imports_the_published_lines_as_uscis_shows_them(session, admin, imported):
    assert (imported.rows, imported.added, imported.updated, imported.forms) == (6, 6, 0, 4)
    first = _lines(session)[0]
    assert (first.form, first.category, first.office) == (
        "I-130",
        "Permanent resident filing for a spouse or child under 21",
        "Potomac Service Center",
    )
    assert (first.months, first.published_on, first.imported_by_id) == (
        35.5,
        date(2025, 11, 20),
        admin.id,
    )
    assert _lines(session)[1].category.startswith("U.S. citizen filing for a spouse, parent")
    event = session.exec(
        select(CaseEvent).where(CaseEvent.kind == "processing_times_imported")
    ).one()
    assert event.after["added"] == 6 and event.actor_user_id == admin.id


def test_importing_again_changes_nothing_and_a_correction_updates_the_months(
    session, admin, imported
):
    again = import_processing_times(
        session, actor=admin, data=USCIS_CSV.encode(), filename="same.csv"
    )
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)
    corrected = USCIS_CSV.replace("10 Months,11/20/2025", "10.5 Months,11/20/2025")
    fixed = import_processing_times(session, actor=admin, data=corrected.encode(), filename="x")
    assert (fixed.added, fixed.updated, fixed.unchanged) == (0, 1, 5)
    assert len(_lines(session)) == 6
    nbc = session.exec(
        select(ProcessingTime).where(
            ProcessingTime.form == "I-485", ProcessingTime.office == "National Benefits Center"
        )
    ).one()
    assert nbc.months == 10.5


def test_a_bom_semicolons_and_decimal_commas_are_read(session, admin):
    data = (
        "\ufeffForm number;Category;Office;80th percentile;Published\r\n"
        'i130;"Spouse; child";Potomac Service Center;35,5;2025-11-20\r\n'
        "I-129F;K-1 fiancé(e);California Service Center;7.5 months;November 20, 2025\r\n"
    ).encode()
    result = import_processing_times(session, actor=admin, data=data, filename="export.csv")
    assert result.added == 2
    assert [(line.form, line.category, line.months) for line in _lines(session)] == [
        ("I-130", "Spouse; child", 35.5),
        ("I-129F", "K-1 fiancé(e)", 7.5),
    ]


HEADER = "form,category,office,months,publication date\n"
GOOD = "I-130,Spouse of US citizen,National Benefits Center,14,11/20/2025\n"
BAD_FILES = [
    ("missing column", "form,category,office,publication date\nI-130,a,b,11/20/2025\n", "Row 1"),
    ("unknown column", "form,category,office,months,published,colour\n", "“colour”"),
    ("negative months", HEADER + GOOD + "I-485,a,b,-3,11/20/2025\n", "Row 3: the months must"),
    ("text months", HEADER + "I-485,a,b,soon,11/20/2025\n" + GOOD, "Row 2: the months “soon”"),
    ("too many months", HEADER + "I-485,a,b,241,11/20/2025\n", "at most 240"),
    ("empty form", HEADER + GOOD + " ,a,b,4,11/20/2025\n", "Row 3: the form is empty"),
    ("bad date", HEADER + "I-485,a,b,4,13/45/2025\n", "Row 2: the publication date “13/45"),
    ("future date", HEADER + "I-485,a,b,4,2026-12-01\n", "Row 2: the publication date is in"),
    ("repeated line", HEADER + GOOD + GOOD.replace(",14,", ",15,"), "Row 3: repeats row 2"),
    ("empty file", "", "The file is empty."),
    ("header only", HEADER, "no lines"),
]


@pytest.mark.parametrize(("label", "text", "said"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_as_a_whole_with_row_numbers(session, admin, label, text, said):
    with pytest.raises(ImportRefused) as refused:
        import_processing_times(session, actor=admin, data=text.encode(), filename="t.csv")
    assert any(said in problem for problem in refused.value.problems), refused.value.problems
    assert refused.value.fields["file"].startswith("Nothing was imported")
    assert _lines(session) == []


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"%PDF-1.7\n\x00\x01\x02\xff binary", "not a CSV text file"),
        (b"PK\x03\x04\x14\x00 workbook", "spreadsheet workbook"),
        ("Form,months\n".encode("utf-16"), "not a CSV text file"),
        (b"form,category,office,months,date\nI-130,caf\xe9,b,4,11/20/2025\n", "not UTF-8"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
    ids=["binary", "xlsx", "utf-16", "latin-1", "over 5 MB"],
)
def test_what_is_not_a_csv_text_file_is_refused(session, admin, data, said):
    with pytest.raises(ImportRefused) as refused:
        import_processing_times(session, actor=admin, data=data, filename="t.csv")
    assert said in refused.value.problems[0]
    assert _lines(session) == []


def test_a_file_over_the_row_limit_is_refused():
    rows = "".join(f"I-{n},c,o,4,11/20/2025\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(ImportRefused) as refused:
        read_processing_times((HEADER + rows).encode(), filename="big.csv", today=TODAY)
    assert "more than 20,000 lines" in refused.value.problems[0]


def test_only_an_admin_imports_or_lists(session):
    attorney = make_viewer(session, role="attorney")
    with pytest.raises(NotPermitted):
        import_processing_times(session, actor=attorney, data=USCIS_CSV.encode(), filename="x")
    with pytest.raises(NotPermitted):
        published_lines(session, actor=attorney)
    assert _lines(session) == []


def test_the_admin_list_filters_by_form(session, admin, imported):
    listed = published_lines(session, actor=admin, form="i485")
    assert listed.total == 2 and {row.office for row in listed.rows} == {
        "Chicago IL",
        "National Benefits Center",
    }
    assert listed.forms == ["I-130", "I-485", "I-765", "N-400"]
    assert listed.newest == "11/20/2025" and listed.rows[0].months in {"9.5", "10"}


# --- estimates --------------------------------------------------------------------------------


@pytest.fixture
def attorney(session):
    return make_viewer(session, role="attorney")


def test_the_estimate_says_when_a_case_like_this_is_likely_decided(session, attorney, imported):
    case = make_case(session, actor=attorney, case_type="aos-marriage")
    _receipt(session, attorney, case, "IOE0912345678", "I-130", "01/15/2025", POTOMAC)
    (estimate,) = estimate_for(session, case)
    assert estimate.office == "Potomac Service Center"
    assert estimate.likely_by == date(2027, 12, 30)  # 35 months, then half of a 30-day month
    assert estimate.sentence == (
        "Cases like yours are typically decided within 35.5 months of receipt; yours was "
        "received on 01/15/2025, so most likely by 12/30/2027."
    )
    assert "estimates from USCIS's published processing times (published 11/20/2025)" in (
        estimate.caveat
    )
    assert not estimate.past_due


def test_fractional_months_add_whole_months_then_days_of_a_30_day_month():
    assert likely_by(date(2025, 1, 31), 10.5) == date(2025, 12, 15)  # Nov 30 (clipped) + 15
    assert likely_by(date(2025, 1, 15), 1) == date(2025, 2, 15)
    assert likely_by(date(2025, 1, 15), 0.1) == date(2025, 1, 18)


def test_several_offices_pick_none_until_staff_choose_one(session, attorney, imported):
    case = make_case(session, actor=attorney, case_type="aos-marriage")
    _receipt(session, attorney, case, "MSC2590012345", "I-485", "2025-06-02")
    (estimate,) = estimate_for(session, case)
    assert estimate.likely_by is None
    assert "2 published lines" in estimate.problem and "office" in estimate.problem
    (shown,) = case_processing(session, viewer=attorney, reference=case.reference)
    assert len(shown.choices) == 2 and shown.chosen == ""
    nbc = next(choice for choice in shown.choices if choice.office.startswith("National"))
    set_receipt_office(
        session,
        actor=attorney,
        reference=case.reference,
        receipt_number="MSC2590012345",
        office=nbc.office,
        category=nbc.category,
    )
    (estimate,) = estimate_for(session, case)
    assert (estimate.months, estimate.likely_by) == (10, date(2026, 4, 2))
    event = session.exec(select(CaseEvent).where(CaseEvent.kind == "receipt_processing_set"))
    assert [e.after["office"] for e in event] == ["", "National Benefits Center"]


def test_the_newest_publication_wins(session, admin, attorney, imported):
    newer = HEADER + (
        "I-485,Family-based adjustment applications,National Benefits Center,8,2026-01-22\n"
    )
    import_processing_times(session, actor=admin, data=newer.encode(), filename="jan.csv")
    case = make_case(session, actor=attorney, case_type="aos-marriage")
    _receipt(
        session, attorney, case, "MSC2590012345", "I-485", "06/02/2025", "National Benefits Center"
    )
    (estimate,) = estimate_for(session, case)
    assert (estimate.months, estimate.published_on) == (8, date(2026, 1, 22))


def test_an_office_without_a_published_line_is_refused(session, attorney, imported):
    case = make_case(session, actor=attorney, case_type="aos-marriage")
    add_receipt_number(
        session,
        actor=attorney,
        reference=case.reference,
        receipt_number="IOE0912345678",
        form="I-130",
    )
    with pytest.raises(InvalidInput) as refused:
        set_receipt_office(
            session,
            actor=attorney,
            reference=case.reference,
            receipt_number="IOE0912345678",
            office="Texas Service Center",
            category="",
            received_on="12/31/2099",
        )
    assert set(refused.value.fields) == {"office", "received_on"}
    paralegal, colleague = make_viewer(session), make_viewer(session)
    mine = make_case(session, actor=attorney, paralegal_id=colleague.id)
    with pytest.raises(NotFound):
        set_receipt_office(
            session,
            actor=paralegal,
            reference=mine.reference,
            receipt_number="IOE0912345678",
            office="",
            category="",
        )


def test_a_case_past_its_published_time_is_flagged_until_it_is_decided(session, attorney, imported):
    late = make_case(session, actor=attorney, family_name="Late")
    _receipt(session, attorney, late, "IOE0912345678", "N-400", "01/10/2025")
    on_time = make_case(session, actor=attorney, family_name="Recent")
    _receipt(session, attorney, on_time, "IOE0912345679", "N-400", "01/10/2026")
    (estimate,) = estimate_for(session, late)
    assert estimate.likely_by == date(2025, 7, 10) and estimate.past_due
    assert past_processing_time_case_ids(session, TODAY) == {late.id}
    assert past_processing_time_count(session, viewer=attorney) == 1
    page = search_cases(session, viewer=attorney, query=CaseQuery(show="past_processing_time"))
    assert [row.reference for row in page.rows] == [late.reference]
    (shown,) = case_processing(session, viewer=attorney, reference=late.reference)
    assert shown.past_due and shown.likely_by == "07/10/2025"

    session.get(Case, late.id).stage = "decision"
    session.flush()
    assert past_processing_time_case_ids(session, TODAY) == set()
    assert not estimate_for(session, session.get(Case, late.id))[0].past_due


def test_a_receipt_without_a_received_date_says_what_is_missing(session, attorney, imported):
    case = make_case(session, actor=attorney)
    add_receipt_number(
        session,
        actor=attorney,
        reference=case.reference,
        receipt_number="IOE0912345678",
        form="N-400",
    )
    assert estimate_for(session, case) == []
    (shown,) = case_processing(session, viewer=attorney, reference=case.reference)
    assert "received" in shown.problem and shown.sentence == ""


# --- the client's words -----------------------------------------------------------------------


def test_the_portal_says_it_in_spanish(session, attorney, imported):
    case = make_case(session, actor=attorney, case_type="aos-marriage")
    _receipt(session, attorney, case, "IOE0912345678", "I-130", "01/15/2025", POTOMAC)
    (said,) = portal_estimate(session, case.id, "es")
    assert said.startswith(
        "Los casos como el suyo normalmente se deciden en un plazo de 35,5 meses"
    )
    assert "se recibió el 01/15/2025" in said and "para el 12/30/2027" in said
    assert "USCIS publicó el 11/20/2025" in said and "no una promesa" in said
    (english,) = portal_estimate(session, case.id, "en")
    assert english.startswith("Cases like yours are typically decided within 35.5 months")


def test_the_portal_home_carries_the_estimates(session, attorney, imported):
    case = make_case(session, actor=attorney)
    _receipt(session, attorney, case, "IOE0912345678", "N-400", "01/10/2025")
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
    _, token = create_link(
        session, actor=attorney, reference=case.reference, member_id=member.id, send_email=False
    )
    home = portal_home(session, open_portal(session, token=token), "en")
    (said,) = home.estimates
    assert "within 6 months of receipt" in said
    assert "taking longer than the usual time" in said

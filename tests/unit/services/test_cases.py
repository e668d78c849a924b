import pytest
from sqlmodel import func, select

from immigration_app import catalog
from immigration_app.models import Case, CaseEvent, CaseMember, Person
from immigration_app.services.cases import case_detail, list_cases, open_case
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.people import PersonInput, normalize_a_number
from tests.factories import make_case, make_user, make_viewer


def _count(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def test_open_case_creates_client_membership_and_first_event(session):
    attorney = make_viewer(session, role="attorney")
    case = open_case(
        session,
        actor=attorney,
        case_type="aos-marriage",
        client=PersonInput(
            family_name=" Smith ",
            given_name="John",
            date_of_birth="1988-04-12",
            a_number="A 12345678",
        ),
        attorney_id=attorney.id,
    )
    assert case.reference.endswith("-0001")
    assert case.stage == catalog.stages()[0].key
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).one()
    assert member.role == "petitioner"  # the firm's client on a marriage case
    person = session.get(Person, member.person_id)
    assert (person.family_name, person.a_number) == ("Smith", "012345678")
    event = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert event.kind == "case_opened"
    assert event.actor_user_id == attorney.id
    assert event.after["case_type"] == "aos-marriage"


def test_references_count_up_within_the_year(session):
    actor = make_viewer(session, role="attorney")
    references = [make_case(session, actor=actor).reference for _ in range(3)]
    year = references[0][:4]
    assert references == [f"{year}-0001", f"{year}-0002", f"{year}-0003"]


def test_a_paralegal_opening_a_case_is_assigned_to_it(session):
    paralegal = make_viewer(session, role="paralegal")
    case = make_case(session, actor=paralegal)
    assert case.paralegal_id == paralegal.id


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"case_type": "no-such-type"}, {"case_type"}),
        ({"client": PersonInput(family_name="", given_name="")}, {"family_name", "given_name"}),
        ({"client": PersonInput("Lee", "Ann", date_of_birth="2999-01-01")}, {"date_of_birth"}),
        ({"client": PersonInput("Lee", "Ann", email="not an email")}, {"email"}),
        ({"client": PersonInput("Lee", "Ann", a_number="12")}, {"a_number"}),
        ({"client": PersonInput("Lee", "Ann", preferred_language="fr")}, {"preferred_language"}),
    ],
)
def test_bad_input_names_each_field_and_leaves_nothing_behind(changes, fields):
    from immigration_app.services.db import session_scope

    with session_scope() as session:
        actor = make_viewer(session, role="attorney")
    arguments = {
        "actor": actor,
        "case_type": "n400-naturalization",
        "client": PersonInput(family_name="Lee", given_name="Ann"),
        **changes,
    }
    with pytest.raises(InvalidInput) as raised, session_scope() as session:
        open_case(session, **arguments)
    assert set(raised.value.fields) == fields
    with session_scope() as session:
        assert _count(session, Case) == _count(session, Person) == 0


def test_assignees_must_hold_the_right_role(session):
    attorney = make_viewer(session, role="attorney")
    paralegal = make_user(session, role="paralegal")
    with pytest.raises(InvalidInput) as raised:
        make_case(session, actor=attorney, attorney_id=paralegal.id, paralegal_id=attorney.id)
    assert set(raised.value.fields) == {"attorney_id", "paralegal_id"}


def test_paralegals_see_their_own_and_unassigned_cases_only(session):
    attorney = make_viewer(session, role="attorney")
    mine = make_viewer(session, role="paralegal")
    other = make_viewer(session, role="paralegal")
    own = make_case(session, actor=attorney, family_name="Mine", paralegal_id=mine.id)
    unassigned = make_case(session, actor=attorney, family_name="Nobody")
    theirs = make_case(session, actor=attorney, family_name="Theirs", paralegal_id=other.id)

    visible = {row.reference for row in list_cases(session, viewer=mine)}
    assert visible == {own.reference, unassigned.reference}
    assert {row.reference for row in list_cases(session, viewer=attorney)} == {
        own.reference,
        unassigned.reference,
        theirs.reference,
    }
    with pytest.raises(NotFound):
        case_detail(session, viewer=mine, reference=theirs.reference)
    assert case_detail(session, viewer=attorney, reference=theirs.reference).row.client.endswith(
        "Theirs"
    )


def test_case_detail_shows_header_and_timeline_in_firm_format(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney, attorney_id=attorney.id)
    detail = case_detail(session, viewer=attorney, reference=case.reference)
    assert detail.row.attorney == attorney.full_name
    assert detail.row.stage == "Intake"
    month, day, year = detail.row.opened_on.split("/")  # MM/DD/YYYY by default
    assert (int(year), int(month), int(day)) == (
        case.opened_on.year,
        case.opened_on.month,
        case.opened_on.day,
    )
    assert [entry.kind for entry in detail.timeline] == ["case_opened"]
    assert detail.timeline[0].who == attorney.email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("A012345678", "012345678"), ("a-12345678", "012345678"), ("1234567", "001234567")],
)
def test_a_numbers_are_stored_as_nine_digits(typed, stored):
    assert normalize_a_number(typed) == stored


def test_every_case_type_in_the_catalog_names_its_forms_and_client_role():
    types = catalog.case_types()
    assert len(types) >= 15
    for kind in types.values():
        assert kind.forms, kind.key
        assert kind.client_role in {"petitioner", "applicant"}, kind.key
        assert kind.source.startswith("https://"), kind.key

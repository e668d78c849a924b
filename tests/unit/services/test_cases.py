from datetime import date

import pytest
from sqlmodel import func, select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseEvent,
    CaseMember,
    CaseNote,
    FilingPacket,
    FilingRecord,
    Person,
    ReceiptNumber,
)
from immigration_app.services import cases as cases_service
from immigration_app.services.audit import record_event
from immigration_app.services.case_list import CaseQuery, search_cases
from immigration_app.services.cases import (
    TIMELINE_PAGE,
    MemberInput,
    add_note,
    add_receipt_number,
    assign_case,
    case_timeline,
    case_workspace,
    edit_member_profile,
    move_case,
    open_case,
    set_priority_date,
)
from immigration_app.services.db import session_scope
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.people import PersonInput, create_person
from tests.factories import make_case, make_user, make_viewer


def _count(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def _new(role: str, family: str = "Smith", **fields) -> MemberInput:
    return MemberInput(
        role=role, new_person=PersonInput(family_name=family, given_name="Jo", **fields)
    )


def test_open_case_with_members_records_who_is_the_client(session):
    attorney = make_viewer(session, role="attorney")
    case = open_case(
        session,
        actor=attorney,
        case_type="aos-marriage",
        members=[_new("beneficiary", "Ruiz", a_number="A 12345678"), _new("petitioner", "Smith")],
        attorney_id=attorney.id,
    )
    assert case.reference.endswith("-0001")
    assert case.stage == catalog.stages()[0].key
    members = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).all()
    client = next(member for member in members if member.is_primary_client)
    assert client.role == "petitioner"  # the firm's client on a marriage case
    beneficiary = session.get(Person, next(m.person_id for m in members if m.role == "beneficiary"))
    assert beneficiary.a_number == "012345678"
    event = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert (event.kind, event.actor_user_id) == ("case_opened", attorney.id)
    assert len(event.after["members"]) == 2


def test_an_existing_person_is_reused_not_copied(session):
    attorney = make_viewer(session, role="attorney")
    person = create_person(session, PersonInput("Okafor", "Ada", date_of_birth="1970-01-01"))
    for case_type in ("n400-naturalization", "i751-removal-of-conditions"):
        open_case(
            session,
            actor=attorney,
            case_type=case_type,
            members=[MemberInput(role="applicant", person_id=person.id)],
        )
    assert _count(session, Person) == 1
    assert _count(session, CaseMember) == 2


def test_references_count_up_within_the_year(session):
    actor = make_viewer(session, role="attorney")
    references = [make_case(session, actor=actor).reference for _ in range(3)]
    year = references[0][:4]
    assert references == [f"{year}-0001", f"{year}-0002", f"{year}-0003"]


def test_a_paralegal_opening_a_case_is_assigned_to_it(session):
    paralegal = make_viewer(session, role="paralegal")
    assert make_case(session, actor=paralegal).paralegal_id == paralegal.id


@pytest.mark.parametrize(
    ("case_type", "members", "fields"),
    [
        ("no-such-type", [_new("applicant")], {"case_type"}),
        ("n400-naturalization", [], {"members"}),
        ("aos-marriage", [_new("beneficiary")], {"members"}),
        ("n400-naturalization", [_new("applicant"), _new("joint_sponsor")], {"m1_role"}),
        ("n400-naturalization", [MemberInput(role="applicant")], {"m0_person"}),
        ("n400-naturalization", [MemberInput(role="applicant", person_id=999_999)], {"m0_person"}),
        (
            "n400-naturalization",
            [_new("applicant", "", date_of_birth="2999-01-01")],
            {"m0_family_name", "m0_date_of_birth"},
        ),
        ("n400-naturalization", [_new("applicant", email="not an email")], {"m0_email"}),
        (
            "n400-naturalization",
            [_new("applicant", preferred_language="fr")],
            {"m0_preferred_language"},
        ),
    ],
)
def test_bad_input_names_each_field_and_leaves_nothing_behind(case_type, members, fields):
    with session_scope() as session:
        actor = make_viewer(session, role="attorney")
    with pytest.raises(InvalidInput) as raised, session_scope() as session:
        open_case(session, actor=actor, case_type=case_type, members=members)
    assert set(raised.value.fields) == fields
    with session_scope() as session:
        assert _count(session, Case) == _count(session, Person) == 0


def test_assignees_must_hold_the_right_role(session):
    attorney = make_viewer(session, role="attorney")
    paralegal = make_user(session, role="paralegal")
    with pytest.raises(InvalidInput) as raised:
        make_case(session, actor=attorney, attorney_id=paralegal.id, paralegal_id=attorney.id)
    assert set(raised.value.fields) == {"attorney_id", "paralegal_id"}


def test_only_attorneys_and_admins_assign_and_each_change_is_an_event(session):
    attorney = make_viewer(session, role="attorney")
    paralegal = make_viewer(session, role="paralegal")
    case = make_case(session, actor=attorney)
    with pytest.raises(NotPermitted):
        assign_case(
            session,
            actor=paralegal,
            reference=case.reference,
            attorney_id=None,
            paralegal_id=paralegal.id,
        )
    assign_case(
        session,
        actor=attorney,
        reference=case.reference,
        attorney_id=attorney.id,
        paralegal_id=paralegal.id,
    )
    event = session.exec(select(CaseEvent).where(CaseEvent.kind == "assignment_changed")).one()
    assert event.before == {"attorney": "nobody", "paralegal": "nobody"}
    assert event.after == {"attorney": attorney.full_name, "paralegal": paralegal.full_name}


def test_a_paralegal_opens_a_case_as_its_paralegal_and_assigns_nobody(session):
    attorney = make_viewer(session, role="attorney")
    paralegal = make_viewer(session, role="paralegal")
    other = make_viewer(session, role="paralegal")
    for chosen in ({"attorney_id": attorney.id}, {"paralegal_id": other.id}):
        with pytest.raises(InvalidInput, match="attorney_id"):
            make_case(session, actor=paralegal, **chosen)
    assert session.exec(select(func.count()).select_from(Case)).one() == 0
    case = make_case(session, actor=paralegal, paralegal_id=paralegal.id)
    assert (case.attorney_id, case.paralegal_id) == (None, paralegal.id)


def test_paralegals_cannot_reach_cases_assigned_to_someone_else(session):
    attorney = make_viewer(session, role="attorney")
    mine = make_viewer(session, role="paralegal")
    other = make_viewer(session, role="paralegal")
    theirs = make_case(session, actor=attorney, family_name="Theirs", paralegal_id=other.id)
    for attempt in (
        lambda: case_workspace(session, viewer=mine, reference=theirs.reference),
        lambda: add_note(session, actor=mine, reference=theirs.reference, body="hello"),
        lambda: add_receipt_number(
            session, actor=mine, reference=theirs.reference, receipt_number="EAC2011555055"
        ),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert case_workspace(
        session, viewer=attorney, reference=theirs.reference
    ).header.client.endswith("Theirs")


def test_receipt_numbers_are_normalised_and_unique(session):
    attorney = make_viewer(session, role="attorney")
    first, second = make_case(session, actor=attorney), make_case(session, actor=attorney)
    assert (
        add_receipt_number(
            session, actor=attorney, reference=first.reference, receipt_number=" eac-20-115-55055 "
        )
        == "EAC2011555055"
    )
    with pytest.raises(InvalidInput, match="already on a case"):
        add_receipt_number(
            session, actor=attorney, reference=second.reference, receipt_number="EAC2011555055"
        )
    with pytest.raises(InvalidInput, match="3 letters"):
        add_receipt_number(
            session, actor=attorney, reference=second.reference, receipt_number="A012345678"
        )


def test_profile_edit_is_an_event_with_before_and_after_on_every_case_of_the_person(session):
    attorney = make_viewer(session, role="attorney")
    person = create_person(session, PersonInput("Lee", "Ann", date_of_birth="1980-01-02"))
    cases = [
        open_case(
            session,
            actor=attorney,
            case_type=kind,
            members=[MemberInput("applicant", person_id=person.id)],
        )
        for kind in ("n400-naturalization", "tps")
    ]
    changed = edit_member_profile(
        session,
        actor=attorney,
        reference=cases[0].reference,
        person_id=person.id,
        data=PersonInput("Leigh", "Ann", date_of_birth="1980-01-02", phone="555-0100"),
    )
    assert changed == ["Family name", "Phone"]
    for case in cases:
        event = session.exec(
            select(CaseEvent).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == "profile_updated"
            )
        ).one()
        assert event.before == {"family_name": "Lee", "phone": ""}
        assert event.after == {"family_name": "Leigh", "phone": "555-0100"}
    timeline = case_timeline(session, viewer=attorney, reference=cases[1].reference).entries
    assert timeline[0].changes == ("Family name: Lee → Leigh", "Phone: (empty) → 555-0100")


def test_an_unchanged_profile_writes_nothing(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    person_id = session.exec(select(CaseMember.person_id)).one()
    data = PersonInput.of(session, session.get(Person, person_id))
    events_before = _count(session, CaseEvent)
    assert (
        edit_member_profile(
            session, actor=attorney, reference=case.reference, person_id=person_id, data=data
        )
        == []
    )
    assert _count(session, CaseEvent) == events_before


def test_editing_someone_not_on_the_case_is_refused(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    stranger = create_person(session, PersonInput("Stranger", "Sam"))
    with pytest.raises(NotFound):
        edit_member_profile(
            session,
            actor=attorney,
            reference=case.reference,
            person_id=stranger.id,
            data=PersonInput("Changed", "Sam"),
        )


def test_notes_are_kept_with_their_author_and_appear_newest_first(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    add_note(session, actor=attorney, reference=case.reference, body="First **call** done")
    add_note(session, actor=attorney, reference=case.reference, body="Second")
    with pytest.raises(InvalidInput):
        add_note(session, actor=attorney, reference=case.reference, body="   ")
    workspace = case_workspace(session, viewer=attorney, reference=case.reference)
    assert [note.body for note in workspace.notes] == ["Second", "First **call** done"]
    assert workspace.notes[0].author == attorney.full_name
    assert _count(session, CaseNote) == 2


def test_timeline_filters_by_kind(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    add_note(session, actor=attorney, reference=case.reference, body="A note")
    timeline = case_timeline(
        session, viewer=attorney, reference=case.reference, event_kind="note_added"
    )
    assert [entry.kind for entry in timeline.entries] == ["note_added"]
    workspace = case_workspace(session, viewer=attorney, reference=case.reference)
    assert workspace.event_kinds == ("case_opened", "note_added")


def test_the_priority_date_is_set_checked_and_cleared_as_an_event(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    for typed, message in (
        ("2019-02-30", "Enter a real date."),
        ("03/15/2019", "Enter a real date."),  # the date input sends YYYY-MM-DD
        ("2999-01-01", "A priority date cannot be in the future."),
        ("0001-01-01", "Check the year of the priority date."),
    ):
        with pytest.raises(InvalidInput) as refused:
            set_priority_date(session, actor=attorney, reference=case.reference, typed=typed)
        assert refused.value.fields == {"priority_date": message}
    assert case.priority_date is None

    set_priority_date(session, actor=attorney, reference=case.reference, typed="2019-03-15")
    set_priority_date(session, actor=attorney, reference=case.reference, typed="2019-03-15")
    assert case.priority_date == date(2019, 3, 15)
    header = case_workspace(session, viewer=attorney, reference=case.reference).header
    assert (header.priority_date, header.priority_date_iso) == ("03/15/2019", "2019-03-15")
    set_priority_date(session, actor=attorney, reference=case.reference, typed=" ")
    assert case.priority_date is None
    events = case_timeline(
        session, viewer=attorney, reference=case.reference, event_kind="priority_date_changed"
    ).entries
    assert [(e.summary, e.changes) for e in events] == [
        ("Priority date cleared", ("Priority date: 03/15/2019 → (empty)",)),
        ("Priority date set to 03/15/2019", ("Priority date: (empty) → 03/15/2019",)),
    ]


def test_a_paralegal_sets_the_priority_date_only_on_a_case_they_may_see(session):
    paralegal = make_viewer(session, role="paralegal")
    mine = make_case(session, actor=paralegal)
    theirs = make_case(session, actor=make_viewer(session, role="paralegal"))
    set_priority_date(session, actor=paralegal, reference=mine.reference, typed="2020-01-02")
    with pytest.raises(NotFound):
        set_priority_date(session, actor=paralegal, reference=theirs.reference, typed="2020-01-02")
    assert (mine.priority_date, theirs.priority_date) == (date(2020, 1, 2), None)


def test_the_header_shows_the_key_dates(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    header = case_workspace(session, viewer=attorney, reference=case.reference).header
    assert (header.filed_on, header.received_on, header.closed_on) == ("", "", "")
    packets = [
        FilingPacket(
            case_id=case.id,
            purpose=purpose,
            version=version,
            blob_name=f"packet-{case.id}-{version}",
            sha256="0" * 64,
            size_bytes=1,
            page_count=1,
        )
        for version, purpose in ((1, "filing"), (2, "rfe_response"))
    ]
    session.add_all(packets)
    session.flush()
    for packet, filed_on in zip(packets, (date(2026, 1, 5), date(2026, 4, 1)), strict=True):
        session.add(
            FilingRecord(
                case_id=case.id,
                packet_id=packet.id,
                filed_on=filed_on,
                method="mail",
                filed_by_id=attorney.id,
                recorded_by_id=attorney.id,
            )
        )
    session.add_all(
        [
            ReceiptNumber(
                case_id=case.id,
                receipt_number="IOE0912345678",
                form="N-400",
                received_on=date(2026, 1, 8),
            ),
            ReceiptNumber(case_id=case.id, receipt_number="IOE0912345679"),
        ]
    )
    case.closed_on = date(2026, 6, 30)
    header = case_workspace(session, viewer=attorney, reference=case.reference).header
    assert header.filed_on == "01/05/2026"  # the RFE response is not the filing
    assert header.received_on == "01/08/2026 (N-400)"
    assert header.receipt_numbers == "IOE0912345678, IOE0912345679"
    assert header.closed_on == "06/30/2026"


def _notes_on(session, actor, case, count: int) -> None:
    for number in range(1, count + 1):
        record_event(
            session, kind="note_added", summary=f"Note {number}", actor=actor, case_id=case.id
        )


def test_the_timeline_is_sent_a_page_at_a_time_newest_first(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    _notes_on(session, attorney, case, 250)
    first = case_timeline(session, viewer=attorney, reference=case.reference)
    assert len(first.entries) == TIMELINE_PAGE and first.has_older
    assert [e.summary for e in first.entries[:2]] == ["Note 250", "Note 249"]
    more = case_timeline(session, viewer=attorney, reference=case.reference, limit=200)
    assert (more.entries[199].summary, more.has_older) == ("Note 51", True)
    every = case_timeline(session, viewer=attorney, reference=case.reference, limit=300)
    assert len(every.entries) == 251 and not every.has_older
    assert every.entries[-1].kind == "case_opened"


def test_a_page_of_the_timeline_has_a_ceiling(session, monkeypatch):
    monkeypatch.setattr(cases_service, "TIMELINE_MOST", 120)
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    _notes_on(session, attorney, case, 150)
    asked = case_timeline(session, viewer=attorney, reference=case.reference, limit=10**9)
    assert (len(asked.entries), asked.has_older) == (120, True)


def test_a_filtered_timeline_pages_on_the_server(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    _notes_on(session, attorney, case, 120)
    add_receipt_number(
        session, actor=attorney, reference=case.reference, receipt_number="IOE0912345678"
    )
    opened = case_timeline(
        session, viewer=attorney, reference=case.reference, event_kind="case_opened"
    )
    assert [e.kind for e in opened.entries] == ["case_opened"] and not opened.has_older
    notes = case_timeline(
        session, viewer=attorney, reference=case.reference, event_kind="note_added"
    )
    assert {e.kind for e in notes.entries} == {"note_added"}
    assert (len(notes.entries), notes.has_older) == (TIMELINE_PAGE, True)
    paralegal = make_viewer(session, role="paralegal")
    theirs = make_case(session, actor=make_viewer(session, role="paralegal"))
    with pytest.raises(NotFound):
        case_timeline(session, viewer=paralegal, reference=theirs.reference)


def test_every_case_type_in_the_catalog_names_its_forms_and_client_role():
    types = catalog.case_types()
    assert len(types) >= 15
    for kind in types.values():
        assert kind.forms, kind.key
        assert kind.client_role in {"petitioner", "applicant"}, kind.key
        assert kind.source.startswith("https://"), kind.key


def test_other_names_are_kept_searchable_and_their_edits_recorded(session):
    attorney = make_viewer(session, role="attorney")
    case = open_case(
        session,
        actor=attorney,
        case_type="n400-naturalization",
        members=[_new("applicant", "Nowak", other_names="Kowalska,  Anna Maria\n\nBrown")],
    )
    person_id = session.exec(select(CaseMember.person_id)).one()
    person = session.get(Person, person_id)
    assert PersonInput.of(session, person).other_names == "Kowalska, Anna Maria\nBrown"
    found = search_cases(session, viewer=attorney, query=CaseQuery(search="kowalska anna"))
    assert [row.reference for row in found.rows] == [case.reference]

    data = PersonInput.of(session, person)
    edited = PersonInput(**{**data.__dict__, "other_names": "Kowalska, Anna Maria"})
    changed = edit_member_profile(
        session, actor=attorney, reference=case.reference, person_id=person_id, data=edited
    )
    assert changed == ["Other names used"]
    assert search_cases(session, viewer=attorney, query=CaseQuery(search="brown")).total == 0
    with pytest.raises(InvalidInput) as raised:
        edit_member_profile(
            session,
            actor=attorney,
            reference=case.reference,
            person_id=person_id,
            data=PersonInput(**{**data.__dict__, "other_names": ", Anna"}),
        )
    assert set(raised.value.fields) == {"other_names"}
    # Each part goes to a column of 100 characters: a longer one is refused, not cut or crashed.
    too_long = PersonInput(**{**data.__dict__, "other_names": f"{'K' * 101}, Anna\nBrown"})
    with pytest.raises(InvalidInput, match="other_names"):
        edit_member_profile(
            session, actor=attorney, reference=case.reference, person_id=person_id, data=too_long
        )
    assert PersonInput.of(session, person).other_names == "Kowalska, Anna Maria"


def test_moving_a_case_is_an_event_and_filing_needs_a_receipt_number(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    entered = case.stage_entered_at
    move_case(session, actor=attorney, reference=case.reference, stage="collecting_documents")
    assert (case.stage, case.stage_entered_at > entered) == ("collecting_documents", True)
    event = session.exec(select(CaseEvent).where(CaseEvent.kind == "stage_changed")).one()
    assert (event.before, event.after) == ({"stage": "intake"}, {"stage": "collecting_documents"})
    assert event.summary == "Moved from Intake to Collecting documents"

    with pytest.raises(InvalidInput, match="Mark the case as filed"):
        move_case(session, actor=attorney, reference=case.reference, stage="filed_pending")
    with pytest.raises(InvalidInput):
        move_case(session, actor=attorney, reference=case.reference, stage="archived")
    add_receipt_number(
        session, actor=attorney, reference=case.reference, receipt_number="LIN2612345678"
    )
    move_case(session, actor=attorney, reference=case.reference, stage="filed_pending")
    assert case.stage == "filed_pending"


def test_a_paralegal_cannot_move_someone_elses_case(session):
    attorney = make_viewer(session, role="attorney")
    other = make_viewer(session, role="paralegal")
    case = make_case(session, actor=attorney, paralegal_id=other.id)
    with pytest.raises(NotFound):
        move_case(
            session,
            actor=make_viewer(session, role="paralegal"),
            reference=case.reference,
            stage="decision",
        )
    assert case.stage == "intake"

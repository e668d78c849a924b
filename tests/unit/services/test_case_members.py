"""People added to, moved within and taken off an open case, and what hangs on them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from immigration_app.models import (
    CaseChecklistItem,
    CaseEvent,
    CaseMember,
    DocumentFile,
    Person,
    PortalLink,
    utcnow,
)
from immigration_app.services.case_members import add_member, change_member_role, remove_member
from immigration_app.services.cases import MemberInput, open_case
from immigration_app.services.checklists import type_checklist
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.people import PersonInput, create_person
from immigration_app.services.portal import create_link
from tests.factories import make_case, make_viewer
from tests.unit.services.test_documents import upload


@pytest.fixture
def attorney(session):
    return make_viewer(session, role="attorney")


@pytest.fixture
def case(session, attorney):
    return open_case(
        session,
        actor=attorney,
        case_type="aos-marriage",
        members=[
            MemberInput("petitioner", new_person=PersonInput("Smith", "John")),
            MemberInput("beneficiary", new_person=PersonInput("Smith", "Lucia")),
        ],
    )


def _members(session, case) -> dict[str, CaseMember]:
    rows = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).all()
    return {session.get(Person, row.person_id).given_name: row for row in rows}


def _codes(session, member: CaseMember) -> set[str]:
    return set(
        session.exec(
            select(CaseChecklistItem.code).where(CaseChecklistItem.member_id == member.id)
        ).all()
    )


def _last_event(session, case) -> CaseEvent:
    return session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())
    ).first()


def _add(session, attorney, case, role: str, given: str = "Ana") -> CaseMember:
    member = MemberInput(role, new_person=PersonInput("Smith", given, date_of_birth="2015-02-03"))
    return add_member(session, actor=attorney, reference=case.reference, member=member)[0]


def test_a_new_member_is_asked_for_what_their_role_needs_and_it_is_an_event(
    session, attorney, case
):
    member, asked = add_member(
        session,
        actor=attorney,
        reference=case.reference,
        member=MemberInput("derivative", new_person=PersonInput("Smith", "Ana")),
    )
    wanted = {text.code for text in type_checklist(session, "aos-marriage", "derivative")}
    assert asked == len(wanted) > 0
    assert _codes(session, member) == wanted
    assert not member.is_primary_client
    event = _last_event(session, case)
    assert (event.kind, event.actor_user_id) == ("member_added", attorney.id)
    assert event.summary == "Ana Smith added as derivative"
    assert event.after["role"] == "derivative"


def test_someone_on_file_is_added_once_and_only_if_the_viewer_may_see_them(session, case):
    paralegal = make_viewer(session, role="paralegal")
    mine = make_case(session, actor=paralegal)
    hidden = make_case(session, actor=make_viewer(session, role="paralegal"), family_name="Okafor")
    hidden_person = session.exec(
        select(CaseMember.person_id).where(CaseMember.case_id == hidden.id)
    ).one()
    with pytest.raises(InvalidInput) as refused:
        add_member(
            session,
            actor=paralegal,
            reference=mine.reference,
            member=MemberInput("applicant", person_id=hidden_person),
        )
    assert refused.value.fields == {"person": "Choose the person again from the search."}

    on_file = create_person(session, PersonInput("Haile", "Selam"))
    add_member(
        session,
        actor=paralegal,
        reference=mine.reference,
        member=MemberInput("applicant", person_id=on_file.id),
    )
    with pytest.raises(InvalidInput) as twice:
        add_member(
            session,
            actor=paralegal,
            reference=mine.reference,
            member=MemberInput("applicant", person_id=on_file.id),
        )
    assert twice.value.fields["person"].startswith("Selam Haile is already on this case")
    with pytest.raises(NotFound):  # another paralegal's case is not theirs to change
        add_member(
            session,
            actor=paralegal,
            reference=hidden.reference,
            member=MemberInput("applicant", person_id=on_file.id),
        )


def test_a_bad_role_or_profile_is_refused_beside_its_field_and_nothing_is_written(
    session, attorney, case
):
    people = session.exec(select(Person.id)).all()
    with pytest.raises(InvalidInput) as refused:
        add_member(
            session,
            actor=attorney,
            reference=case.reference,
            member=MemberInput(
                "applicant", new_person=PersonInput("", "Ana", date_of_birth="2999-01-01")
            ),
        )
    assert set(refused.value.fields) >= {"role", "family_name", "date_of_birth"}
    assert session.exec(select(Person.id)).all() == people
    assert _last_event(session, case).kind == "case_opened"


def test_a_role_change_asks_what_the_new_role_needs_and_keeps_what_the_old_one_asked(
    session, attorney, case
):
    ana = _add(session, attorney, case, "derivative")
    before = _codes(session, ana)
    asked = change_member_role(
        session, actor=attorney, reference=case.reference, member_id=ana.id, role="joint_sponsor"
    )
    sponsor = {text.code for text in type_checklist(session, "aos-marriage", "joint_sponsor")}
    assert asked == len(sponsor - before) > 0
    assert _codes(session, ana) == before | sponsor
    assert ana.role == "joint_sponsor"
    event = _last_event(session, case)
    assert (event.kind, event.before, event.after) == (
        "member_role_changed",
        {"role": "derivative"},
        {"role": "joint sponsor"},
    )
    with pytest.raises(InvalidInput) as refused:
        change_member_role(
            session, actor=attorney, reference=case.reference, member_id=ana.id, role="applicant"
        )
    assert refused.value.fields == {"role": "Choose a role this type of case has."}


def test_the_last_petitioner_keeps_the_role_and_the_case_and_the_client_passes_on(
    session, attorney, case
):
    john = _members(session, case)["John"]
    for change in (
        lambda: change_member_role(
            session, actor=attorney, reference=case.reference, member_id=john.id, role="derivative"
        ),
        lambda: remove_member(session, actor=attorney, reference=case.reference, member_id=john.id),
    ):
        with pytest.raises(InvalidInput) as refused:
            change()
        assert refused.value.fields["member"].startswith(
            "John Smith is the only petitioner on this case"
        )
    assert john.is_primary_client

    mary = _add(session, attorney, case, "petitioner", "Mary")
    assert not mary.is_primary_client  # the case has its client
    remove_member(session, actor=attorney, reference=case.reference, member_id=john.id)
    assert mary.is_primary_client
    assert session.get(Person, john.person_id) is not None  # the profile stays on file


def test_taking_someone_off_withdraws_what_was_asked_of_them_and_their_unused_link(
    session, attorney, case
):
    ana = _add(session, attorney, case, "derivative")
    create_link(
        session, actor=attorney, reference=case.reference, member_id=ana.id, send_email=False
    )
    note = remove_member(session, actor=attorney, reference=case.reference, member_id=ana.id)
    assert "fill them again" in note
    assert session.get(CaseMember, ana.id) is None
    assert _codes(session, ana) == set()
    assert session.exec(select(PortalLink).where(PortalLink.member_id == ana.id)).all() == []
    event = _last_event(session, case)
    assert (event.kind, event.summary) == (
        "member_removed",
        "Ana Smith (derivative) taken off the case",
    )
    assert event.before == {"member": "Ana Smith", "role": "derivative"}


def test_someone_who_sent_anything_stays_on_the_case(session, attorney, case):
    ana = _add(session, attorney, case, "derivative")
    item = session.exec(
        select(CaseChecklistItem).where(CaseChecklistItem.member_id == ana.id)
    ).first()
    upload(session, attorney, case, item)
    with pytest.raises(InvalidInput) as refused:
        remove_member(session, actor=attorney, reference=case.reference, member_id=ana.id)
    assert "1 uploaded document(s) on this case, which are kept" in refused.value.fields["member"]
    assert session.exec(select(DocumentFile).where(DocumentFile.item_id == item.id)).one()

    bea = _add(session, attorney, case, "derivative", "Bea")
    link, _ = create_link(
        session, actor=attorney, reference=case.reference, member_id=bea.id, send_email=False
    )
    link.last_used_at = utcnow()
    with pytest.raises(InvalidInput) as used:
        remove_member(session, actor=attorney, reference=case.reference, member_id=bea.id)
    assert "has used a portal link" in used.value.fields["member"]
    assert session.get(CaseMember, bea.id) is not None


def test_a_paralegal_changes_the_people_only_on_a_case_they_may_see(session, attorney):
    paralegal = make_viewer(session, role="paralegal")
    theirs = make_case(
        session, actor=attorney, paralegal_id=make_viewer(session, role="paralegal").id
    )
    member = session.exec(select(CaseMember).where(CaseMember.case_id == theirs.id)).one()
    with pytest.raises(NotFound):
        change_member_role(
            session, actor=paralegal, reference=theirs.reference, member_id=member.id, role="x"
        )
    with pytest.raises(NotFound):
        remove_member(session, actor=paralegal, reference=theirs.reference, member_id=member.id)


def test_a_member_of_another_case_is_not_reached_through_this_one(session, attorney, case):
    other = make_case(session, actor=attorney)
    member = session.exec(select(CaseMember).where(CaseMember.case_id == other.id)).one()
    with pytest.raises(NotFound):
        remove_member(session, actor=attorney, reference=case.reference, member_id=member.id)


def test_a_closed_case_keeps_its_people(session, attorney, case):
    case.closed_on = date(2026, 1, 1)
    with pytest.raises(InvalidInput) as refused:
        _add(session, attorney, case, "derivative")
    assert refused.value.fields == {"member": "This case is closed: its people no longer change."}

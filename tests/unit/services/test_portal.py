"""Portal links: made by staff, opened by a client, refused when expired, revoked or guessed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from immigration_app.models import (
    CaseChecklistItem,
    CaseEvent,
    CaseMember,
    DocumentFile,
    ItemStatus,
    Message,
    MessageStatus,
    Person,
    PortalLink,
    utcnow,
)
from immigration_app.services import storage
from immigration_app.services.auth import token_digest
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.outbox import deliver_due
from immigration_app.services.portal import (
    MAX_FAILED_CHECKS,
    PortalRefused,
    add_portal_file,
    case_links,
    check_link,
    create_link,
    open_portal,
    portal_home,
    portal_items,
    revoke_link,
    set_language,
    withhold_token,
)
from immigration_app.settings import get_settings
from tests.factories import make_case, make_viewer


@pytest.fixture
def staff_and_case(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney, case_type="aos-marriage")
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
    person = session.get(Person, member.person_id)
    person.email = "maria@client.example"
    session.add(person)
    session.flush()
    return attorney, case, member


def _events(session, kind: str) -> list[CaseEvent]:
    return list(session.exec(select(CaseEvent).where(CaseEvent.kind == kind)))


def test_a_link_is_a_256_bit_token_of_which_only_the_hash_is_kept(session, staff_and_case):
    attorney, case, member = staff_and_case
    link, token = create_link(
        session, actor=attorney, reference=case.reference, member_id=member.id
    )
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    stored = session.get(PortalLink, link.id)
    assert stored.token_hash == token_digest(token)
    assert token not in stored.model_dump_json()
    assert timedelta(days=29, hours=23) < stored.expires_at - utcnow() <= timedelta(days=30)
    assert [event.case_id for event in _events(session, "portal_link_created")] == [case.id]


def test_the_link_is_emailed_and_the_sent_copy_no_longer_holds_the_token(session, staff_and_case):
    attorney, case, member = staff_and_case
    _, token = create_link(session, actor=attorney, reference=case.reference, member_id=member.id)
    session.commit()
    message = session.exec(select(Message).where(Message.template == "client_portal_link")).one()
    assert message.to_address == "maria@client.example"
    assert f"/portal/{token}" in message.body

    report = deliver_due(utcnow() + timedelta(minutes=1), get_settings())
    assert report.sent == 1
    session.expire_all()
    sent = session.get(Message, message.id)
    assert sent.status == MessageStatus.SENT
    assert token not in sent.body
    assert "/portal/(link withheld once sent)" in sent.body
    delivered = sorted(get_settings().outbox_dir.glob("*.eml"))
    assert any(token in path.read_text() for path in delivered)  # the client did get it


def test_withholding_leaves_other_addresses_alone():
    text = "See https://firm.example/cases/2026-0001 and https://firm.example/portal/abcDEF_-0123456789xyz"
    assert withhold_token(text) == (
        "See https://firm.example/cases/2026-0001 and "
        "https://firm.example/portal/(link withheld once sent)"
    )


def test_opening_a_link_records_its_use_and_gives_that_member_only(session, staff_and_case):
    attorney, case, member = staff_and_case
    _, token = create_link(session, actor=attorney, reference=case.reference, member_id=member.id)
    access = open_portal(session, token=token, client_address="203.0.113.9")
    assert (access.case_id, access.member_id) == (case.id, member.id)
    used = _events(session, "portal_link_used")
    assert [(e.case_id, e.actor_label, e.client_address) for e in used] == [
        (case.id, "client via portal", "203.0.113.9")
    ]
    items = portal_items(session, access, "es")
    assert items, "the checklist of a new case is not empty"
    assert {item.member_id for item in items} == {member.id}
    assert all(item.title for item in items)


def test_an_unknown_token_is_refused_without_telling_anything(session, staff_and_case):
    with pytest.raises(PortalRefused) as refused:
        open_portal(session, token="x" * 43)
    assert refused.value.code == "unknown"


def test_an_expired_link_is_refused_and_the_refusal_is_an_event(session, staff_and_case):
    attorney, case, member = staff_and_case
    link, token = create_link(
        session, actor=attorney, reference=case.reference, member_id=member.id, days=1
    )
    session.exec(
        sa.update(PortalLink)
        .where(PortalLink.id == link.id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    with pytest.raises(PortalRefused) as refused:
        open_portal(session, token=token)
    assert refused.value.code == "expired"
    assert len(_events(session, "portal_link_refused")) == 1


def test_a_revoked_link_stops_working_even_in_an_open_browser(session, staff_and_case):
    attorney, case, member = staff_and_case
    link, token = create_link(
        session, actor=attorney, reference=case.reference, member_id=member.id
    )
    access = open_portal(session, token=token)
    revoke_link(session, actor=attorney, reference=case.reference, link_id=link.id)
    with pytest.raises(PortalRefused) as refused:
        check_link(session, access.link_id)
    assert refused.value.code == "revoked"
    with pytest.raises(PortalRefused):
        open_portal(session, token=token)
    assert [
        view.state for view in case_links(session, viewer=attorney, reference=case.reference)
    ] == ["revoked"]


def test_the_date_of_birth_check_locks_the_link_after_repeated_wrong_dates(session, staff_and_case):
    attorney, case, member = staff_and_case
    _, token = create_link(
        session,
        actor=attorney,
        reference=case.reference,
        member_id=member.id,
        require_date_of_birth=True,
    )
    with pytest.raises(PortalRefused) as asked:
        open_portal(session, token=token)
    assert asked.value.code == "needs_birth_date"
    codes = []
    for _ in range(MAX_FAILED_CHECKS):
        with pytest.raises(PortalRefused) as refused:
            open_portal(session, token=token, birth_date="1999-01-01")
        codes.append(refused.value.code)
    assert codes == ["wrong_birth_date"] * (MAX_FAILED_CHECKS - 1) + ["locked"]
    with pytest.raises(PortalRefused) as locked:
        open_portal(session, token=token, birth_date="1980-05-17")  # right, but too late
    assert locked.value.code == "locked"


def test_the_right_date_of_birth_opens_the_link(session, staff_and_case):
    attorney, case, member = staff_and_case
    _, token = create_link(
        session,
        actor=attorney,
        reference=case.reference,
        member_id=member.id,
        require_date_of_birth=True,
    )
    access = open_portal(session, token=token, birth_date="1980-05-17")
    assert access.member_id == member.id


def test_a_link_cannot_be_made_for_someone_on_another_case_or_for_too_long(session, staff_and_case):
    attorney, case, _ = staff_and_case
    other = make_case(session, actor=attorney, family_name="Other")
    stranger = session.exec(select(CaseMember).where(CaseMember.case_id == other.id)).first()
    with pytest.raises(InvalidInput) as refused:
        create_link(
            session, actor=attorney, reference=case.reference, member_id=stranger.id, days=400
        )
    assert set(refused.value.fields) == {"member_id", "days"}


def test_a_paralegal_cannot_make_links_on_a_case_they_do_not_see(session, staff_and_case):
    _, case, member = staff_and_case
    ana, ben = make_viewer(session), make_viewer(session)
    own = make_case(session, actor=ana)  # ana's: paralegals see their own and unassigned cases
    assert own.paralegal_id == ana.id
    with pytest.raises(NotFound):
        create_link(session, actor=ben, reference=own.reference, member_id=member.id)


def test_the_language_choice_is_kept_and_the_home_speaks_it(session, staff_and_case):
    attorney, case, member = staff_and_case
    _, token = create_link(session, actor=attorney, reference=case.reference, member_id=member.id)
    access = open_portal(session, token=token)
    assert set_language(session, access=access, language="es") == "es"
    assert session.get(Person, member.person_id).preferred_language == "es"
    assert check_link(session, access.link_id).language == "es"
    home = portal_home(session, access, "es")
    assert home.now.startswith("Estamos")
    assert home.step == 1 and home.steps >= 8
    assert set_language(session, access=access, language="fr") == "en"


def test_a_client_cannot_send_a_file_to_an_item_of_another_case(session, staff_and_case):
    attorney, case, member = staff_and_case
    _, token = create_link(session, actor=attorney, reference=case.reference, member_id=member.id)
    access = open_portal(session, token=token)
    other = make_case(session, actor=attorney, family_name="Other")
    foreign = session.exec(
        select(CaseChecklistItem).where(CaseChecklistItem.case_id == other.id)
    ).first()
    upload = storage.start_upload("passport.pdf")
    upload.write(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer\n%%EOF\n")
    staged = upload.finish()
    with pytest.raises(NotFound):
        add_portal_file(session, access=access, item_id=foreign.id, staged=staged)
    staged.temp_path.unlink(missing_ok=True)
    assert session.exec(select(DocumentFile)).all() == []
    assert session.get(CaseChecklistItem, foreign.id).status == ItemStatus.NEEDED

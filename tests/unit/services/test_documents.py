"""A case's documents: uploads, staff review, waivers, what is missing, who may see what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from immigration_app.models import (
    CaseChecklistItem,
    CaseEvent,
    CaseMember,
    DocumentFile,
    FileReview,
    ItemStatus,
    Person,
)
from immigration_app.services import storage
from immigration_app.services.checklists import ItemText, add_case_item
from immigration_app.services.documents import (
    REJECTION_REASONS,
    accept_item,
    add_staff_file,
    case_documents,
    case_people,
    client_reason,
    item_views,
    missing_counts,
    open_document,
    reject_item,
    restore_item,
    review_queue,
    waive_item,
)
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import firm_clock
from tests.factories import make_case, make_viewer
from tests.files import jpeg_bytes, pdf_bytes

LEASE = ItemText(
    code="lease",
    section="case-evidence",
    title_en="Your current lease",
    title_es="Su contrato de alquiler actual",
    kinds=("pdf",),
    required=True,
    expires_after_days=90,
)


def staged(data: bytes, name: str) -> storage.StagedFile:
    upload = storage.start_upload(name)
    upload.write(data)
    return upload.finish()


def upload(session, actor, case, item, data: bytes | None = None, name: str = "scan.pdf"):
    file = staged(pdf_bytes() if data is None else data, name)
    try:
        return add_staff_file(
            session, actor=actor, reference=case.reference, item_id=item.id, staged=file
        )
    finally:
        file.temp_path.unlink(missing_ok=True)  # a refused upload leaves nothing in staging


def item(session, case, code: str) -> CaseChecklistItem:
    return session.exec(
        select(CaseChecklistItem).where(
            CaseChecklistItem.case_id == case.id, CaseChecklistItem.code == code
        )
    ).one()


def member_of(session, case) -> CaseMember:
    return session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()


def events(session, kind: str) -> list[CaseEvent]:
    return list(session.exec(select(CaseEvent).where(CaseEvent.kind == kind)))


@pytest.fixture
def attorney(session):
    return make_viewer(session, role="attorney")


@pytest.fixture
def case(session, attorney):
    # An N-400 asks its applicant for one required item (the green card) and optional ones.
    return make_case(session, actor=attorney)


def add_lease(session, attorney, case) -> CaseChecklistItem:
    add_case_item(
        session,
        actor=attorney,
        reference=case.reference,
        member_id=member_of(session, case).id,
        text=LEASE,
        reason="Proof of residence for the interview",
    )
    return item(session, case, "lease")


def test_an_upload_waits_for_review_and_its_validity_counts_from_its_issue_date(
    session, attorney, case
):
    lease = add_lease(session, attorney, case)
    first = upload(session, attorney, case, lease)
    assert (lease.status, first.version, first.review) == (
        ItemStatus.UPLOADED,
        1,
        FileReview.PENDING,
    )
    second = upload(session, attorney, case, lease, name="all pages.pdf")
    assert second.version == 2

    today = firm_clock(session).today()
    for issued_on in (None, today + timedelta(days=1), today - timedelta(days=91)):
        with pytest.raises(InvalidInput) as refused:
            accept_item(
                session,
                actor=attorney,
                reference=case.reference,
                item_id=lease.id,
                issued_on=issued_on,
            )
        assert "issued_on" in refused.value.fields
    assert lease.status == ItemStatus.UPLOADED

    issued = today - timedelta(days=30)
    accept_item(
        session, actor=attorney, reference=case.reference, item_id=lease.id, issued_on=issued
    )
    assert lease.status == ItemStatus.ACCEPTED
    assert (lease.accepted_on, lease.expires_on) == (today, issued + timedelta(days=90))
    reviews = session.exec(select(DocumentFile.review).where(DocumentFile.item_id == lease.id))
    assert set(reviews) == {FileReview.ACCEPTED}
    [view] = [
        v
        for v in case_documents(session, viewer=attorney, reference=case.reference)
        if v.code == "lease"
    ]
    assert [file.version for file in view.files] == [2, 1]
    assert view.files[0].name.endswith("_lease_" + f"{today:%Y%m%d}" + "_v2.pdf")
    assert view.expires_on and not view.expired


def test_an_item_without_an_expiry_gets_none(session, attorney, case):
    card = item(session, case, "green-card")
    upload(session, attorney, case, card, jpeg_bytes(), "card.jpg")
    accept_item(session, actor=attorney, reference=case.reference, item_id=card.id)
    assert card.status == ItemStatus.ACCEPTED
    assert card.expires_on is None


def test_a_photo_is_also_kept_as_a_one_page_pdf(session, attorney, case):
    card = item(session, case, "green-card")
    document = upload(session, attorney, case, card, jpeg_bytes(), "card.jpg")
    assert (document.media_type, document.extension) == ("image/jpeg", "jpg")
    assert storage.read_all(document.blob_name) == jpeg_bytes()
    assert storage.read_all(document.pdf_blob_name).startswith(b"%PDF-")


def test_a_standard_rejection_reason_reaches_the_client_in_their_language(session, attorney, case):
    card = item(session, case, "green-card")
    upload(session, attorney, case, card)
    reject_item(
        session,
        actor=attorney,
        reference=case.reference,
        item_id=card.id,
        reason_code="unreadable",
    )
    assert card.status == ItemStatus.REJECTED
    assert client_reason(card, "es") == REJECTION_REASONS["unreadable"]["es"]
    assert client_reason(card, "en") == REJECTION_REASONS["unreadable"]["en"]
    [spanish] = [v for v in item_views(session, case, language="es") if v.id == card.id]
    assert spanish.reason == REJECTION_REASONS["unreadable"]["es"]
    reviews = session.exec(select(DocumentFile.review).where(DocumentFile.item_id == card.id))
    assert set(reviews) == {FileReview.REJECTED}
    assert len(events(session, "document_rejected")) == 1


def test_a_rejection_in_the_staffs_own_words_is_sent_as_written(session, attorney, case):
    card = item(session, case, "green-card")
    upload(session, attorney, case, card)
    reject_item(
        session,
        actor=attorney,
        reference=case.reference,
        item_id=card.id,
        reason_code="other",
        note="  Please send the back of the card too. ",
    )
    assert client_reason(card, "es") == "Please send the back of the card too."
    assert client_reason(card, "en") == "Please send the back of the card too."


def test_a_rejection_without_a_reason_is_refused(session, attorney, case):
    card = item(session, case, "green-card")
    upload(session, attorney, case, card)
    with pytest.raises(InvalidInput) as refused:
        reject_item(
            session,
            actor=attorney,
            reference=case.reference,
            item_id=card.id,
            reason_code="other",
            note="   ",
        )
    assert "reason" in refused.value.fields
    assert card.status == ItemStatus.UPLOADED


def test_only_an_upload_waiting_for_review_can_be_accepted_or_rejected(session, attorney, case):
    card = item(session, case, "green-card")
    with pytest.raises(InvalidInput) as refused:
        accept_item(session, actor=attorney, reference=case.reference, item_id=card.id)
    assert "item" in refused.value.fields
    with pytest.raises(InvalidInput):
        reject_item(
            session,
            actor=attorney,
            reference=case.reference,
            item_id=card.id,
            reason_code="unreadable",
        )
    assert card.status == ItemStatus.NEEDED


def test_a_waiver_needs_a_reason_and_restoring_it_asks_again(session, attorney, case):
    passports = item(session, case, "passports")
    with pytest.raises(InvalidInput) as refused:
        waive_item(
            session, actor=attorney, reference=case.reference, item_id=passports.id, reason=" "
        )
    assert "reason" in refused.value.fields
    assert passports.status == ItemStatus.NEEDED

    waive_item(
        session,
        actor=attorney,
        reference=case.reference,
        item_id=passports.id,
        reason="No travel since the green card",
    )
    assert (passports.status, passports.status_reason) == (
        ItemStatus.WAIVED,
        "No travel since the green card",
    )

    restore_item(session, actor=attorney, reference=case.reference, item_id=passports.id)
    assert (passports.status, passports.status_reason) == (ItemStatus.NEEDED, "")


def test_restoring_a_waived_item_with_a_file_waiting_puts_it_back_in_review(
    session, attorney, case
):
    passports = item(session, case, "passports")
    upload(session, attorney, case, passports)
    waive_item(
        session, actor=attorney, reference=case.reference, item_id=passports.id, reason="Not needed"
    )
    restore_item(session, actor=attorney, reference=case.reference, item_id=passports.id)
    assert passports.status == ItemStatus.UPLOADED


def test_documents_complete_is_recorded_when_the_last_required_item_settles(
    session, attorney, case
):
    lease = add_lease(session, attorney, case)
    card = item(session, case, "green-card")
    upload(session, attorney, case, card)
    accept_item(session, actor=attorney, reference=case.reference, item_id=card.id)
    assert events(session, "documents_complete") == []  # the lease is still needed

    waive_item(
        session, actor=attorney, reference=case.reference, item_id=lease.id, reason="Owns home"
    )
    assert len(events(session, "documents_complete")) == 1

    # Settling an optional item afterwards completes nothing new.
    passports = item(session, case, "passports")
    upload(session, attorney, case, passports)
    accept_item(session, actor=attorney, reference=case.reference, item_id=passports.id)
    # Nor does waiving an item that was accepted already.
    waive_item(session, actor=attorney, reference=case.reference, item_id=card.id, reason="Seen")
    assert len(events(session, "documents_complete")) == 1

    # Needed again, then settled again: the case is complete a second time.
    restore_item(session, actor=attorney, reference=case.reference, item_id=lease.id)
    waive_item(session, actor=attorney, reference=case.reference, item_id=lease.id, reason="Owns")
    assert len(events(session, "documents_complete")) == 2


def test_asking_for_another_document_needs_a_reason_and_a_new_code(session, attorney, case):
    member = member_of(session, case)
    with pytest.raises(InvalidInput) as refused:
        add_case_item(
            session,
            actor=attorney,
            reference=case.reference,
            member_id=member.id,
            text=LEASE,
            reason="  ",
        )
    assert set(refused.value.fields) == {"reason"}

    duplicate = ItemText(
        code="green-card", section="immigration", title_en="Card", title_es="Tarjeta"
    )
    with pytest.raises(InvalidInput) as refused:
        add_case_item(
            session,
            actor=attorney,
            reference=case.reference,
            member_id=member.id,
            text=duplicate,
            reason="Again",
        )
    assert set(refused.value.fields) == {"code"}

    lease = add_lease(session, attorney, case)
    assert (lease.added_for_case, lease.status) == (True, ItemStatus.NEEDED)
    assert len(events(session, "checklist_item_added")) == 1


def test_a_paralegal_cannot_see_or_act_on_another_paralegals_case(session, attorney):
    mine, theirs = make_viewer(session), make_viewer(session)
    case = make_case(session, actor=attorney, paralegal_id=theirs.id)
    card = item(session, case, "green-card")
    document = upload(session, theirs, case, card)
    reference = case.reference

    with pytest.raises(NotFound):
        case_documents(session, viewer=mine, reference=reference)
    with pytest.raises(NotFound):
        case_people(session, viewer=mine, reference=reference)
    with pytest.raises(NotFound):
        accept_item(session, actor=mine, reference=reference, item_id=card.id)
    with pytest.raises(NotFound):
        waive_item(session, actor=mine, reference=reference, item_id=card.id, reason="x")
    with pytest.raises(NotFound):
        upload(session, mine, case, card)
    with pytest.raises(NotFound):
        open_document(session, viewer=mine, document_id=document.id)
    with pytest.raises(NotFound):
        add_case_item(
            session,
            actor=mine,
            reference=reference,
            member_id=card.member_id,
            text=LEASE,
            reason="x",
        )
    assert card.status == ItemStatus.UPLOADED
    assert len(case_documents(session, viewer=theirs, reference=reference)) > 1


def test_an_item_of_another_case_is_not_reachable_through_this_one(session, attorney, case):
    other = make_case(session, actor=attorney, family_name="Other")
    with pytest.raises(NotFound):
        accept_item(
            session,
            actor=attorney,
            reference=case.reference,
            item_id=item(session, other, "green-card").id,
        )


def test_missing_counts_count_required_items_waiting_on_the_client(session, attorney, case):
    other = make_case(session, actor=attorney, family_name="Other")
    card = item(session, case, "green-card")
    assert missing_counts(session, [case.id, other.id]) == {case.id: 1, other.id: 1}
    assert missing_counts(session, []) == {}

    upload(session, attorney, case, card)
    assert missing_counts(session, [case.id, other.id]) == {other.id: 1}
    reject_item(
        session, actor=attorney, reference=case.reference, item_id=card.id, reason_code="expired"
    )
    assert missing_counts(session, [case.id]) == {case.id: 1}


def test_the_review_queue_lists_only_cases_the_viewer_may_see(session, attorney):
    mine, theirs = make_viewer(session), make_viewer(session)
    visible = make_case(session, actor=attorney, paralegal_id=mine.id, family_name="Mine")
    hidden = make_case(session, actor=attorney, paralegal_id=theirs.id, family_name="Theirs")
    upload(session, attorney, visible, item(session, visible, "green-card"))
    upload(session, attorney, hidden, item(session, hidden, "green-card"))

    assert [row.reference for row in review_queue(session, viewer=mine)] == [visible.reference]
    assert {row.reference for row in review_queue(session, viewer=attorney)} == {
        visible.reference,
        hidden.reference,
    }
    [row] = review_queue(session, viewer=mine)
    assert (row.person, row.files) == ("Maria Mine", 1)


def test_opening_a_document_is_an_event_and_only_safe_types_show_inline(session, attorney, case):
    card = item(session, case, "green-card")
    document = upload(session, attorney, case, card)
    shown = open_document(
        session, viewer=attorney, document_id=document.id, inline=True, client_address="10.0.0.9"
    )
    assert (shown.inline, shown.media_type, shown.size) == (
        True,
        "application/pdf",
        document.size_bytes,
    )
    [viewed] = events(session, "document_viewed")
    assert viewed.client_address == "10.0.0.9"
    person = session.get(Person, member_of(session, case).person_id)
    assert shown.filename.startswith(f"{case.reference}_{person.family_name}-Maria_green-card_")
    with pytest.raises(NotFound):
        open_document(session, viewer=attorney, document_id=document.id + 1000)

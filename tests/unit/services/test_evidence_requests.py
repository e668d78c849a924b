"""The RFE / NOID SOP at the service level: record the request with both deadlines, ask the
client for what USCIS wants, build the response from accepted documents, four-eyes review,
record it filed (deadline met, case back to "Filed - pending")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from immigration_app.models import (
    Case,
    CaseChecklistItem,
    CaseMember,
    Deadline,
    DeadlineStatus,
    EvidenceRequest,
    FilingPacket,
    ItemStatus,
)
from immigration_app.services import storage
from immigration_app.services.approval import packet_status
from immigration_app.services.cases import add_receipt_number
from immigration_app.services.checklists import item_by_code
from immigration_app.services.cover_letter import case_letter, save_case_letter
from immigration_app.services.db import session_scope
from immigration_app.services.documents import accept_item, add_file, case_documents
from immigration_app.services.errors import InvalidInput, NotPermitted
from immigration_app.services.evidence_request_views import requests_tab
from immigration_app.services.evidence_requests import (
    add_requested_item,
    build_response,
    decide_response,
    open_request,
    record_response_filed,
    remove_requested_item,
    submit_response,
)
from immigration_app.services.portal import check_link, create_link, portal_items
from immigration_app.services.reviews import RESPONSE_CHECKS
from tests.factories import make_case, make_viewer
from tests.files import jpeg_bytes, pdf_bytes

NOTICE_ON = date(2026, 1, 6)
DUE_ON = date(2026, 4, 3)


@pytest.fixture
def staff():
    with session_scope() as session:
        return {
            role: make_viewer(session, role=role.split("_")[0])
            for role in ("attorney", "attorney_2", "paralegal")
        }


def _accept(session, actor, case, item, name="doc.pdf", data=None) -> None:
    with storage.start_upload(name) as upload:
        upload.write(data or pdf_bytes())
        add_file(session, item=item, staged=upload.finish(), uploaded_by=actor)
    accept_item(session, actor=actor, reference=case.reference, item_id=item.id)


@pytest.fixture
def reference(staff) -> str:
    """A filed naturalization case with two accepted documents and an addressed letter."""
    attorney = staff["attorney"]
    with session_scope() as session:
        case = make_case(session, actor=attorney, paralegal_id=staff["paralegal"].id)
        add_receipt_number(
            session, actor=attorney, reference=case.reference, receipt_number="IOE0912345678"
        )
        for code in ("green-card", "passports"):
            _accept(session, attorney, case, item_by_code(session, case, "applicant", code))
        letter = case_letter(session, case, [])
        save_case_letter(
            session,
            actor=attorney,
            reference=case.reference,
            addressee="USCIS National Benefits Center",
            subject=letter.subject,
            body=letter.body,
        )
        return case.reference


def case_of(session, reference) -> Case:
    return session.exec(select(Case).where(Case.reference == reference)).one()


def opened(actor, reference) -> int:
    with session_scope() as session:
        return open_request(
            session,
            actor=actor,
            reference=reference,
            kind="rfe",
            notice_date=NOTICE_ON,
            due_on=DUE_ON,
            receipt_number="IOE0912345678",
        ).id


def test_opening_a_request_makes_the_deadline_with_its_internal_target(staff, reference):
    request_id = opened(staff["paralegal"], reference)
    with session_scope() as session:
        request = session.get(EvidenceRequest, request_id)
        deadline = session.get(Deadline, request.deadline_id)
        assert (deadline.rule_key, deadline.due_on) == ("rfe_response", DUE_ON)
        assert deadline.internal_target_on == DUE_ON - timedelta(days=14)
        assert case_of(session, reference).stage == "rfe_noid_response"
        shown = requests_tab(session, viewer=staff["paralegal"], reference=reference)
        view = shown.requests[0]
        assert (view.title, view.due, view.internal_target) == (
            "Request for evidence dated 01/06/2026",
            "04/03/2026",
            "03/20/2026",
        )
        assert view.is_open and shown.response.state == "none"


def test_bad_dates_are_refused_with_nothing_recorded(staff, reference):
    with session_scope() as session, pytest.raises(InvalidInput) as refused:
        open_request(
            session,
            actor=staff["paralegal"],
            reference=reference,
            kind="rfe",
            notice_date=DUE_ON,
            due_on=NOTICE_ON,
        )
    assert "due_on" in refused.value.fields
    with session_scope() as session:
        assert session.exec(select(EvidenceRequest)).all() == []
        assert session.exec(select(Deadline)).all() == []


def test_asking_the_client_puts_the_item_on_their_checklist_and_removing_it_waives_it(
    staff, reference
):
    paralegal = staff["paralegal"]
    request_id = opened(paralegal, reference)
    with session_scope() as session:
        case = case_of(session, reference)
        member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).one()
        with pytest.raises(InvalidInput):
            add_requested_item(
                session, actor=paralegal, reference=reference, request_id=request_id, text="  "
            )
        request = add_requested_item(
            session,
            actor=paralegal,
            reference=reference,
            request_id=request_id,
            text="Tax transcripts for 2023, 2024 and 2025",
            member_id=member.id,
            title_es="Transcripciones de impuestos 2023, 2024 y 2025",
        )
        add_requested_item(
            session,
            actor=paralegal,
            reference=reference,
            request_id=request_id,
            text="A legal brief on continuous residence",
        )
        asked = request.requested[0]
        item = session.get(CaseChecklistItem, asked["item_id"])
        assert (item.status, item.section) == (ItemStatus.NEEDED, "case-evidence")
        titles = [
            view.title for view in case_documents(session, viewer=paralegal, reference=reference)
        ]
        assert "Tax transcripts for 2023, 2024 and 2025" in titles
        link, _ = create_link(
            session, actor=paralegal, reference=reference, member_id=member.id, send_email=False
        )
        session.flush()
        in_portal = portal_items(session, check_link(session, link.id), "es")
        assert "Transcripciones de impuestos 2023, 2024 y 2025" in [v.title for v in in_portal]
        shown = requests_tab(session, viewer=paralegal, reference=reference).requests[0]
        assert [(r.text, r.status) for r in shown.requested] == [
            ("Tax transcripts for 2023, 2024 and 2025", "needed"),
            ("A legal brief on continuous residence", ""),
        ]
        remove_requested_item(
            session, actor=paralegal, reference=reference, request_id=request_id, key=asked["key"]
        )
        assert item.status == ItemStatus.WAIVED
        assert len(session.get(EvidenceRequest, request_id).requested) == 1


def test_the_sop_from_notice_to_response_filed(staff, reference):
    attorney, paralegal = staff["attorney"], staff["paralegal"]
    request_id = opened(paralegal, reference)
    with session_scope() as session:
        case = case_of(session, reference)
        member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).one()
        request = add_requested_item(
            session,
            actor=paralegal,
            reference=reference,
            request_id=request_id,
            text="Proof of the name change",
            member_id=member.id,
        )
        asked = session.get(CaseChecklistItem, request.requested[0]["item_id"])
        # The client's upload (through the portal path), accepted by staff.
        _accept(session, paralegal, case, asked, "name-change.jpg", jpeg_bytes())
        green_card = item_by_code(session, case, "applicant", "green-card").id
        choices = requests_tab(session, viewer=paralegal, reference=reference).documents
        assert [c.chosen for c in choices if c.item_id == asked.id] == [True]
        asked_id = asked.id

    with pytest.raises(InvalidInput):
        build_response(actor=paralegal, reference=reference, request_id=request_id, item_ids=[])
    built = build_response(
        actor=attorney, reference=reference, request_id=request_id, item_ids=[asked_id, green_card]
    )
    with session_scope() as session:
        packet = session.get(FilingPacket, built.id)
        assert packet.purpose == "rfe_response"
        assert [entry["key"] for entry in packet.contents] == [
            "letter",
            f"item:{green_card}",
            f"item:{asked_id}",
        ]
        with pytest.raises(InvalidInput, match="Submit the response packet"):
            record_response_filed(
                session,
                actor=paralegal,
                reference=reference,
                request_id=request_id,
                filed_on=date.today(),
            )
        submit_response(session, actor=attorney, reference=reference, request_id=request_id)
        # The passport stays out of the response: the review is about the chosen documents only.
        assert (
            packet_status(session, case_of(session, reference), "rfe_response").state == "pending"
        )

    def decide(actor, approve=True, **more):
        with session_scope() as session:
            return decide_response(
                session,
                actor=actor,
                reference=reference,
                request_id=request_id,
                approve=approve,
                **({"checks": list(RESPONSE_CHECKS)} if approve else {}) | more,
            )

    with pytest.raises(NotPermitted):
        decide(attorney)  # built and submitted it: no self-approval
    with pytest.raises(NotPermitted):
        decide(paralegal)  # not a reviewer
    assert decide(staff["attorney_2"]).decision == "approved"

    with session_scope() as session:
        with pytest.raises(InvalidInput, match="still to come"):
            record_response_filed(
                session,
                actor=paralegal,
                reference=reference,
                request_id=request_id,
                filed_on=date.today() + timedelta(days=3),
            )
        record_response_filed(
            session,
            actor=paralegal,
            reference=reference,
            request_id=request_id,
            filed_on=date.today(),
        )
    with session_scope() as session:
        request = session.get(EvidenceRequest, request_id)
        assert (request.response_filed_on, request.response_packet_id) == (date.today(), built.id)
        deadline = session.get(Deadline, request.deadline_id)
        assert deadline.status == DeadlineStatus.COMPLETED
        assert "Response filed on" in deadline.closed_note
        assert case_of(session, reference).stage == "filed_pending"
        shown = requests_tab(session, viewer=paralegal, reference=reference)
        assert not shown.requests[0].is_open and shown.response.request_id == 0
        with pytest.raises(InvalidInput, match="already filed"):
            record_response_filed(
                session,
                actor=paralegal,
                reference=reference,
                request_id=request_id,
                filed_on=date.today(),
            )

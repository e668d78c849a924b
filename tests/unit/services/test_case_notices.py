"""Notices on a case: every generated kind uploaded, read and confirmed into records; a notice
whose receipt number is on another case blocked; files that are not notices refused with nothing
kept; scanned notices typed by staff."""

from __future__ import annotations

import hashlib
import io
from datetime import date, time

import pytest
from pypdf import PdfWriter
from sqlmodel import select

from immigration_app.models import (
    Case,
    CaseEvent,
    CaseMember,
    CaseNotice,
    Deadline,
    EvidenceRequest,
    Message,
    ReceiptNumber,
)
from immigration_app.services import storage
from immigration_app.services.case_notices import (
    add_notice,
    add_portal_notice,
    confirm_proposal,
    manual_reading,
)
from immigration_app.services.cases import add_receipt_number, move_case
from immigration_app.services.errors import InvalidInput
from immigration_app.services.notice_cards import notice_cards
from immigration_app.services.portal import check_link, create_link
from immigration_app.settings import get_settings
from tests import notices as make
from tests.factories import make_case, make_viewer
from tests.files import jpeg_bytes


@pytest.fixture
def paralegal(session):
    return make_viewer(session, role="paralegal")


@pytest.fixture
def case(session, paralegal) -> Case:
    return make_case(session, actor=paralegal)


def staged(data: bytes, name: str = "notice.pdf") -> storage.StagedFile:
    upload = storage.start_upload(name)
    upload.write(data)
    return upload.finish()


def upload(session, actor, case, data: bytes, name: str = "notice.pdf") -> CaseNotice:
    return add_notice(session, actor=actor, reference=case.reference, staged=staged(data, name))


def confirm(session, actor, case, notice, kind, **values):
    return confirm_proposal(
        session,
        actor=actor,
        reference=case.reference,
        notice_id=notice.id,
        kind=kind,
        values=values,
    )


def card(session, actor, case, notice):
    cards = notice_cards(session, viewer=actor, reference=case.reference)
    return next(c for c in cards if c.id == notice.id)


def proposal(session, actor, case, notice, kind):
    return next(p for p in card(session, actor, case, notice).proposals if p.kind == kind)


def blobs() -> set[str]:
    root = get_settings().documents_dir
    return {str(path) for path in root.glob("*/*.bin") if path.parent.name != "tmp"}


def test_a_receipt_notice_is_kept_read_and_its_receipt_number_added_with_the_received_date(
    session, paralegal, case
):
    notice = upload(session, paralegal, case, make.receipt_notice(), "receipt.pdf")
    assert (notice.kind, notice.receipt_number) == ("receipt", "IOE0912345678")
    assert notice.notice_date == date(2026, 1, 9)
    assert hashlib.sha256(storage.read_all(notice.blob_name)).hexdigest() == notice.sha256
    assert [p["kind"] for p in notice.reading["proposals"]] == ["receipt_number"]

    done = confirm(session, paralegal, case, notice, "receipt_number")

    receipt = session.exec(select(ReceiptNumber).where(ReceiptNumber.case_id == case.id)).one()
    assert (receipt.receipt_number, receipt.form) == ("IOE0912345678", "I-485")
    assert receipt.received_on == date(2026, 1, 5)
    assert "IOE0912345678 added" in done.message
    assert notice.confirmed == ["receipt_number"]
    assert proposal(session, paralegal, case, notice, "receipt_number").state == "confirmed"
    kinds = session.exec(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert {"notice_added", "receipt_added", "notice_confirmed"} <= set(kinds)


def test_a_petitions_receipt_notice_gives_the_case_its_priority_date_once(session, paralegal, case):
    def confirm_receipt(number: str, form: str, priority: date):
        notice = make.receipt_notice(receipt_number=number, form=form, priority=priority)
        return confirm(
            session, paralegal, case, upload(session, paralegal, case, notice), "receipt_number"
        )

    done = confirm_receipt("IOE0912345600", "I-130", date(2025, 8, 4))
    assert case.priority_date == date(2025, 8, 4)
    assert "Priority date set to 08/04/2025" in done.message
    changed = session.exec(select(CaseEvent).where(CaseEvent.kind == "priority_date_changed")).one()
    assert changed.after == {"priority_date": "08/04/2025"}
    # A second petition's notice with another date: the case keeps its date and staff hear why.
    done = confirm_receipt("IOE0912345611", "I-129", date(2026, 1, 2))
    assert case.priority_date == date(2025, 8, 4)
    assert "differs from the case's, 08/04/2025" in done.warning


def test_a_misread_priority_date_in_the_future_is_not_set_but_the_receipt_is(
    session, paralegal, case
):
    notice = make.receipt_notice(
        receipt_number="IOE0912345600", form="I-130", priority=date(2999, 1, 1)
    )
    done = confirm(
        session, paralegal, case, upload(session, paralegal, case, notice), "receipt_number"
    )
    assert case.priority_date is None
    assert "cannot be in the future" in done.warning
    assert session.exec(select(ReceiptNumber.receipt_number)).all() == ["IOE0912345600"]


def test_confirming_the_same_proposal_twice_is_refused(session, paralegal, case):
    notice = upload(session, paralegal, case, make.receipt_notice())
    confirm(session, paralegal, case, notice, "receipt_number")
    with pytest.raises(InvalidInput, match="already confirmed"):
        confirm(session, paralegal, case, notice, "receipt_number")
    assert len(session.exec(select(ReceiptNumber)).all()) == 1


@pytest.mark.parametrize(
    ("notice_pdf", "rule", "day", "at", "place"),
    [
        (make.biometrics_notice, "biometrics_appointment", date(2026, 1, 20), time(10), "USCIS"),
        (make.interview_notice, "interview_appointment", date(2026, 2, 17), time(9, 30), "FIELD"),
    ],
)
def test_an_appointment_notice_adds_the_appointment_with_its_time_and_place(
    session, paralegal, case, notice_pdf, rule, day, at, place
):
    notice = upload(session, paralegal, case, notice_pdf())
    confirm(session, paralegal, case, notice, "appointment")
    deadline = session.exec(select(Deadline).where(Deadline.case_id == case.id)).one()
    assert (deadline.rule_key, deadline.due_on, deadline.starts_at_local) == (rule, day, at)
    assert place in deadline.place and "LOS ANGELES" in deadline.place
    # The same appointment again (a second copy of the notice) has nothing to add.
    again = upload(session, paralegal, case, notice_pdf(), "copy.pdf")
    assert proposal(session, paralegal, case, again, "appointment").state == "on_case"


def test_staff_correct_a_value_before_confirming(session, paralegal, case):
    notice = upload(session, paralegal, case, make.biometrics_notice())
    confirm(session, paralegal, case, notice, "appointment", time="2:15 PM", place="Chicago ASC")
    deadline = session.exec(select(Deadline).where(Deadline.case_id == case.id)).one()
    assert (deadline.starts_at_local, deadline.place) == (time(14, 15), "Chicago ASC")
    interview = upload(session, paralegal, case, make.interview_notice())
    with pytest.raises(InvalidInput) as refused:
        confirm(session, paralegal, case, interview, "appointment", time="25 o'clock")
    assert "time" in refused.value.fields


def test_an_rfe_opens_a_request_with_the_printed_due_date_and_the_internal_target(
    session, paralegal, case
):
    notice = upload(session, paralegal, case, make.rfe_notice(due=date(2026, 4, 3)))
    assert notice.kind == "rfe"
    confirm(session, paralegal, case, notice, "rfe_due")

    request = session.exec(select(EvidenceRequest).where(EvidenceRequest.case_id == case.id)).one()
    assert (request.kind, request.due_on, request.notice_date) == (
        "rfe",
        date(2026, 4, 3),
        date(2026, 1, 6),
    )
    assert request.notice_id == notice.id
    deadline = session.get(Deadline, request.deadline_id)
    assert deadline.due_on == date(2026, 4, 3)  # the printed date wins
    assert deadline.internal_target_on == date(2026, 3, 20)  # 14 days earlier
    assert session.get(Case, case.id).stage == "rfe_noid_response"


def test_a_noid_opens_a_request_too(session, paralegal, case):
    notice = upload(session, paralegal, case, make.noid_notice())
    confirm(session, paralegal, case, notice, "noid_due")
    request = session.exec(select(EvidenceRequest)).one()
    assert (request.kind, request.due_on) == ("noid", date(2026, 3, 9))


def test_a_decision_suggests_the_decision_stage_and_a_second_click_moves_the_case(
    session, paralegal, case
):
    notice = upload(session, paralegal, case, make.approval_notice())
    done = confirm(session, paralegal, case, notice, "decision")
    assert done.suggest_stage == "decision"
    assert session.get(Case, case.id).stage != "decision"  # suggested, not forced
    shown = proposal(session, paralegal, case, notice, "decision")
    assert (shown.state, shown.suggest_stage) == ("confirmed", "decision")
    move_case(session, actor=paralegal, reference=case.reference, stage="decision")
    assert proposal(session, paralegal, case, notice, "decision").suggest_stage == ""


def test_a_denial_also_adds_the_appeal_deadline(session, paralegal, case):
    notice = upload(session, paralegal, case, make.denial_letter())
    confirm(session, paralegal, case, notice, "decision")
    deadline = session.exec(select(Deadline).where(Deadline.case_id == case.id)).one()
    assert deadline.rule_key == "i290b_appeal"
    assert deadline.due_on == date(2026, 3, 15)  # 30 days + 3 for mail from February 10


def test_a_receipt_number_on_another_case_is_blocked(session, paralegal, case):
    other = make_case(session, actor=paralegal, family_name="Other")
    add_receipt_number(
        session, actor=paralegal, reference=other.reference, receipt_number="IOE0912345678"
    )
    notice = upload(session, paralegal, case, make.rfe_notice())

    shown = proposal(session, paralegal, case, notice, "receipt_number")
    assert shown.state == "blocked"
    assert shown.note == f"This receipt number is on case {other.reference}, not this one."
    assert other.reference in card(session, paralegal, case, notice).warning
    with pytest.raises(InvalidInput, match=other.reference):
        confirm(session, paralegal, case, notice, "receipt_number")
    owner = session.exec(select(ReceiptNumber.case_id)).all()
    assert owner == [other.id]


def test_a_different_received_date_says_what_it_replaces(session, paralegal, case):
    add_receipt_number(
        session, actor=paralegal, reference=case.reference, receipt_number="IOE0912345678"
    )
    row = session.exec(select(ReceiptNumber)).one()
    row.received_on, row.form = date(2026, 1, 2), "I-485"
    session.add(row)
    notice = upload(session, paralegal, case, make.receipt_notice())
    shown = proposal(session, paralegal, case, notice, "receipt_number")
    assert shown.state == "open"
    assert "replaces the received date 01/02/2026 with 01/05/2026" in shown.note
    assert row.received_on == date(2026, 1, 2)  # nothing changed before confirming
    confirm(session, paralegal, case, notice, "receipt_number")
    assert row.received_on == date(2026, 1, 5)
    # A receipt number already on the case with nothing new offers nothing.
    again = upload(session, paralegal, case, make.receipt_notice(), "again.pdf")
    assert proposal(session, paralegal, case, again, "receipt_number").state == "on_case"


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt("a-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4\nthis is not a pdf at all\n%%EOF\n", "damaged"),
        (_encrypted_pdf(), "password-protected"),
    ],
)
def test_a_pdf_that_cannot_be_read_is_refused_and_nothing_is_kept(
    session, paralegal, case, data, message
):
    before = blobs()
    with pytest.raises(InvalidInput, match=message) as refused:
        upload(session, paralegal, case, data)
    assert set(refused.value.fields) == {"notice"}
    assert session.exec(select(CaseNotice)).all() == []
    assert blobs() == before


def test_a_scanned_notice_is_kept_and_the_fields_staff_type_give_the_same_proposals(
    session, paralegal, case
):
    notice = upload(session, paralegal, case, make.scanned_notice())
    assert notice.scanned and notice.reading["proposals"] == []
    shown = card(session, paralegal, case, notice)
    assert shown.can_type and "picture" in shown.warning

    with pytest.raises(InvalidInput) as refused:
        manual_reading(
            session,
            actor=paralegal,
            reference=case.reference,
            notice_id=notice.id,
            fields={"kind": "rfe", "receipt_number": "IOE09", "notice_date": "2026-01-06"},
        )
    assert {"receipt_number", "response_due"} <= set(refused.value.fields)

    manual_reading(
        session,
        actor=paralegal,
        reference=case.reference,
        notice_id=notice.id,
        fields={
            "kind": "rfe",
            "receipt_number": "ioe-09-123-45678",
            "form_number": "i-485",
            "notice_date": "2026-01-06",
            "response_due": "2026-04-03",
        },
    )
    kinds = [p.kind for p in card(session, paralegal, case, notice).proposals]
    assert kinds == ["receipt_number", "rfe_due"]
    confirm(session, paralegal, case, notice, "receipt_number")
    confirm(session, paralegal, case, notice, "rfe_due")
    assert session.exec(select(ReceiptNumber.receipt_number)).one() == "IOE0912345678"
    assert session.exec(select(EvidenceRequest.due_on)).one() == date(2026, 4, 3)


def test_a_photo_of_a_notice_is_kept_for_staff_to_type(session, paralegal, case):
    notice = upload(session, paralegal, case, jpeg_bytes(), "letter.jpg")
    assert (notice.scanned, notice.media_type, notice.kind) == (True, "image/jpeg", "other")
    assert card(session, paralegal, case, notice).can_type


def test_the_client_sends_a_notice_through_the_portal(session, paralegal, case):
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
    link, _ = create_link(
        session, actor=paralegal, reference=case.reference, member_id=member.id, send_email=False
    )
    session.flush()
    notice = add_portal_notice(
        session, access=check_link(session, link.id), staged=staged(make.rfe_notice())
    )
    assert (notice.uploaded_by_id, notice.uploaded_via_link_id) == (None, link.id)
    shown = card(session, paralegal, case, notice)
    assert shown.from_client and shown.added_by == "the client, through the portal"
    event = session.exec(select(CaseEvent).where(CaseEvent.kind == "notice_added")).one()
    assert event.actor_label == "client via portal"
    assert [c.id for c in notice_cards(session, viewer=paralegal, reference=case.reference)] == [
        notice.id
    ]
    told = session.exec(select(Message).where(Message.template == "staff_client_letter")).all()
    assert [message.recipient_user_id for message in told] == [paralegal.id]  # the case's own
    assert "read it today" in told[0].body and "?tab=uscis" in told[0].body

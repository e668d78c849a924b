"""The four-eyes review: who may decide, approvals bound to the packet and voided by any change,
"Ready to file" only with a current approval, and the filing record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from immigration_app.models import (
    Case,
    CaseEvent,
    FilingRecord,
    Message,
    PacketReview,
    ReviewDecision,
)
from immigration_app.services.approval import packet_status
from immigration_app.services.case_list import CaseQuery, my_work, search_cases
from immigration_app.services.cases import move_case
from immigration_app.services.cover_letter import case_letter, save_case_letter
from immigration_app.services.db import session_scope
from immigration_app.services.errors import InvalidInput, NotPermitted
from immigration_app.services.filing_tab import filing_tab
from immigration_app.services.filings import FilingInput, record_filing
from immigration_app.services.form_filling import fill_form, plan_form, set_override
from immigration_app.services.packets import build_packet
from immigration_app.services.reviews import REVIEW_CHECKS, decide_review, submit_for_review
from immigration_app.services.users import set_reviewer
from tests.factories import make_viewer
from tests.files import pdf_bytes
from tests.form_profiles import needs_real_forms
from tests.packets import accept_document, make_ready_case

pytestmark = needs_real_forms
ALL_CHECKS = list(REVIEW_CHECKS)


@pytest.fixture
def staff():
    with session_scope() as session:
        return {
            role: make_viewer(session, role=role.split("_")[0])
            for role in ("admin", "attorney", "attorney_2", "paralegal", "paralegal_2")
        }


@pytest.fixture
def reference(staff) -> str:
    with session_scope() as session:
        return make_ready_case(session, actor=staff["paralegal"]).reference


def case_of(session, reference: str) -> Case:
    return session.exec(select(Case).where(Case.reference == reference)).one()


def submitted(preparer, reference: str) -> int:
    """Build the packet as `preparer` and submit it; the review's id."""
    built = build_packet(actor=preparer, reference=reference)
    with session_scope() as session:
        return submit_for_review(
            session, actor=preparer, reference=reference, packet_id=built.id, note="Please check"
        ).id


def decide(actor, reference: str, review_id: int, approve: bool = True, **more):
    with session_scope() as session:
        return decide_review(
            session,
            actor=actor,
            reference=reference,
            review_id=review_id,
            approve=approve,
            **({"checks": ALL_CHECKS} if approve else {}) | more,
        ).decision


def state_of(reference: str) -> tuple[str, str]:
    with session_scope() as session:
        case = case_of(session, reference)
        return packet_status(session, case).state, case.stage


def test_submitting_moves_the_case_to_review_and_an_attorney_approves_it(staff, reference):
    review_id = submitted(staff["paralegal"], reference)
    assert state_of(reference) == ("pending", "internal_review")
    assert decide(staff["attorney"], reference, review_id) == ReviewDecision.APPROVED
    assert state_of(reference) == ("approved", "ready_to_file")
    with session_scope() as session:
        review = session.get(PacketReview, review_id)
        assert review.checks == ALL_CHECKS and review.decided_by_id == staff["attorney"].id


@pytest.mark.parametrize("who", ["admin", "attorney"])
def test_nobody_approves_their_own_work_whatever_their_role(staff, who):
    with session_scope() as session:
        reference = make_ready_case(session, actor=staff[who]).reference
    review_id = submitted(staff[who], reference)
    with session_scope() as session:
        set_reviewer(session, actor=staff["admin"], user_id=staff["admin"].id, reviewer=True)
    with pytest.raises(NotPermitted, match="own work"):
        decide(staff[who], reference, review_id)
    with pytest.raises(NotPermitted, match="own work"):
        decide(staff[who], reference, review_id, approve=False, comments="Looks fine to me")
    assert state_of(reference)[0] == "pending"


def test_the_builder_may_not_approve_a_packet_someone_else_submitted(staff, reference):
    built = build_packet(actor=staff["attorney"], reference=reference)
    with session_scope() as session:
        review = submit_for_review(
            session, actor=staff["paralegal"], reference=reference, packet_id=built.id
        )
    with pytest.raises(NotPermitted, match="own work"):
        decide(staff["attorney"], reference, review.id)
    assert decide(staff["attorney_2"], reference, review.id) == ReviewDecision.APPROVED


def test_a_paralegal_reviews_only_once_an_admin_marks_them_as_a_reviewer(staff):
    with session_scope() as session:  # opened by an attorney: no paralegal assigned yet
        reference = make_ready_case(session, actor=staff["attorney"]).reference
    review_id = submitted(staff["attorney"], reference)
    with pytest.raises(NotPermitted, match="reviewer the admin chose"):
        decide(staff["paralegal"], reference, review_id)
    with session_scope() as session, pytest.raises(NotPermitted):
        set_reviewer(
            session, actor=staff["attorney_2"], user_id=staff["paralegal"].id, reviewer=True
        )
    with session_scope() as session:
        set_reviewer(session, actor=staff["admin"], user_id=staff["paralegal"].id, reviewer=True)
    assert decide(staff["paralegal"], reference, review_id) == ReviewDecision.APPROVED


def _awaiting_review(viewer) -> int:
    """The dashboard's "awaiting your review" figure, checked against the view it links to."""
    with session_scope() as session:
        [item] = [item for item in my_work(session, viewer=viewer) if "your review" in item.label]
        listed = search_cases(
            session,
            viewer=viewer,
            query=CaseQuery.from_params({"show": item.href.split("show=")[1]}),
        )
        assert item.count == item.cases == listed.total
        return item.count


def test_awaiting_your_review_lists_what_you_may_decide_not_what_you_submitted(staff, reference):
    with session_scope() as session:
        case = case_of(session, reference)
        case.attorney_id = staff["attorney"].id
        session.add(case)
        for reviewer in ("paralegal", "paralegal_2", "admin"):
            set_reviewer(session, actor=staff["admin"], user_id=staff[reviewer].id, reviewer=True)
    submitted(staff["paralegal"], reference)
    assert _awaiting_review(staff["paralegal"]) == 0  # assigned, a reviewer, but submitted it
    assert _awaiting_review(staff["attorney"]) == 1  # assigned attorney
    assert _awaiting_review(staff["attorney_2"]) == 1  # an attorney not on the case
    assert _awaiting_review(staff["admin"]) == 1  # marked as a reviewer, not on the case
    assert _awaiting_review(staff["paralegal_2"]) == 0  # a reviewer, but the case is not theirs


def test_approving_needs_every_check_and_returning_needs_a_reason(staff, reference):
    review_id = submitted(staff["paralegal"], reference)
    with pytest.raises(InvalidInput) as refused:
        decide(staff["attorney"], reference, review_id, checks=ALL_CHECKS[:-1])
    assert "Signatures" in refused.value.fields["checks"]
    with pytest.raises(InvalidInput, match="what needs to change"):
        decide(staff["attorney"], reference, review_id, approve=False)
    decision = decide(
        staff["attorney"], reference, review_id, approve=False, comments="Exhibit B is cut off"
    )
    assert decision == ReviewDecision.RETURNED
    assert state_of(reference) == ("returned", "preparing_forms")
    with pytest.raises(InvalidInput, match="already returned"):
        decide(staff["attorney"], reference, review_id)


def test_an_approval_is_void_once_an_exhibit_changes(staff, reference):
    review_id = submitted(staff["paralegal"], reference)
    decide(staff["attorney"], reference, review_id)
    with session_scope() as session:
        case = case_of(session, reference)
        accept_document(
            session, staff["paralegal"], case, "petitioner", "marriage-certificate", "new.pdf",
            pdf_bytes() + b"\n% a rescan\n",
        )  # fmt: skip
    with session_scope() as session:
        case = case_of(session, reference)
        status = packet_status(session, case)
        assert status.state == "void"
        assert status.changes == ["Exhibit “Marriage certificate - Daniel James Miller” changed"]
        assert "but void" in status.message
        move_case(session, actor=staff["attorney"], reference=reference, stage="preparing_forms")
        with pytest.raises(InvalidInput, match="approval no longer holds"):
            move_case(session, actor=staff["attorney"], reference=reference, stage="ready_to_file")
    with session_scope() as session, pytest.raises(InvalidInput, match="approval no longer holds"):
        record_filing(
            session,
            actor=staff["attorney"],
            reference=reference,
            data=FilingInput(filed_on=date.today().isoformat(), method="mail"),
        )


@pytest.mark.parametrize("change", ["form", "letter", "letter then rebuild"])
def test_an_approval_is_void_once_a_form_the_letter_or_the_packet_changes(staff, reference, change):
    decide(staff["attorney"], reference, submitted(staff["paralegal"], reference))
    with session_scope() as session:
        case = case_of(session, reference)
        if change == "form":
            set_override(
                session,
                actor=staff["paralegal"],
                reference=reference,
                form_number="I-130",
                field_name=_some_text_field(session, case),
                value="Changed after approval",
            )
            fill_form(session, actor=staff["paralegal"], reference=reference, form_number="I-130")
        else:
            letter = case_letter(session, case, [])
            save_case_letter(
                session,
                actor=staff["paralegal"],
                reference=reference,
                addressee=letter.addressee,
                subject=letter.subject,
                body=letter.body + "\nWe also enclose a fee waiver request.",
            )
    if change == "letter then rebuild":
        build_packet(actor=staff["paralegal"], reference=reference)
    with session_scope() as session:
        status = packet_status(session, case_of(session, reference))
        assert status.state == "void"
        expected = {
            "form": ["Form I-130 changed"],
            "letter": ["The cover letter changed"],
            "letter then rebuild": [],  # the new version matches the case; nobody approved it
        }[change]
        assert status.changes == expected
        if change == "letter then rebuild":
            assert "version 2 was built after it" in status.message


def _some_text_field(session, case) -> str:
    plan = plan_form(session, case, "I-130")
    return next(name for name, blank in plan.blanks.items() if blank.kind == "text")


def test_a_packet_that_no_longer_matches_the_case_cannot_be_submitted_or_approved(staff, reference):
    built = build_packet(actor=staff["paralegal"], reference=reference)
    with session_scope() as session:
        letter = case_letter(session, case_of(session, reference), [])
        save_case_letter(
            session,
            actor=staff["paralegal"],
            reference=reference,
            addressee=letter.addressee + "\nSuite 100",
            subject=letter.subject,
            body=letter.body,
        )
    with session_scope() as session, pytest.raises(InvalidInput, match="Build the packet again"):
        submit_for_review(
            session, actor=staff["paralegal"], reference=reference, packet_id=built.id
        )


def test_a_new_build_withdraws_the_pending_review(staff, reference):
    review_id = submitted(staff["paralegal"], reference)
    build_packet(actor=staff["paralegal"], reference=reference)
    with session_scope() as session:
        assert session.get(PacketReview, review_id).decision == ReviewDecision.WITHDRAWN
    assert state_of(reference)[0] == "draft"


def test_ready_to_file_and_filing_need_the_approval_of_the_current_packet(staff, reference):
    with session_scope() as session, pytest.raises(InvalidInput, match="Build the filing packet"):
        move_case(session, actor=staff["attorney"], reference=reference, stage="ready_to_file")
    review_id = submitted(staff["paralegal"], reference)
    with session_scope() as session, pytest.raises(InvalidInput, match="waiting for its review"):
        move_case(session, actor=staff["attorney"], reference=reference, stage="ready_to_file")
    decide(staff["attorney"], reference, review_id)
    with session_scope() as session:
        recorded = record_filing(
            session,
            actor=staff["paralegal"],
            reference=reference,
            data=FilingInput(
                filed_on=date.today().isoformat(),
                method="courier",
                tracking_number="7749 1234 5678",
                filed_by_id=staff["paralegal_2"].id,
            ),
        )
        assert recorded.warning == ""
    with session_scope() as session:
        case = case_of(session, reference)
        assert case.stage == "filed_pending"
        record = session.exec(select(FilingRecord)).one()
        assert (record.method, record.tracking_number) == ("courier", "7749 1234 5678")
        assert (record.filed_by_id, record.recorded_by_id) == (
            staff["paralegal_2"].id,
            staff["paralegal"].id,
        )
        event = session.exec(select(CaseEvent).where(CaseEvent.kind == "case_filed")).one()
        assert "tracking 7749 1234 5678" in event.summary
        tab = filing_tab(session, viewer=staff["attorney"], reference=reference)
        assert [(row.method, row.packet_version) for row in tab.filings] == [
            ("Courier (FedEx, UPS, DHL)", 1)
        ]


TODAY = date.today().isoformat()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (FilingInput(filed_on="", method="mail"), "filed_on"),
        (FilingInput((date.today() + timedelta(days=2)).isoformat(), "mail"), "filed_on"),
        (FilingInput(TODAY, method="pigeon"), "method"),
        (FilingInput(TODAY, method="courier"), "tracking_number"),
        (FilingInput(TODAY, method="online", receipt_number="A12345678"), "receipt_number"),
        (FilingInput(TODAY, method="mail", filed_by_id=999_999), "filed_by_id"),
    ],
    ids=["no-date", "future", "method", "courier-tracking", "receipt", "filed-by"],
)
def test_a_filing_record_with_a_mistake_is_refused_and_nothing_moves(staff, reference, data, field):
    decide(staff["attorney"], reference, submitted(staff["paralegal"], reference))
    with session_scope() as session, pytest.raises(InvalidInput) as refused:
        record_filing(session, actor=staff["paralegal"], reference=reference, data=data)
    assert field in refused.value.fields
    with session_scope() as session:
        assert case_of(session, reference).stage == "ready_to_file"
        assert session.exec(select(FilingRecord)).first() is None


def test_an_online_filing_records_its_receipt_number_and_warns_about_an_odd_one(staff, reference):
    decide(staff["attorney"], reference, submitted(staff["paralegal"], reference))
    with session_scope() as session:
        recorded = record_filing(
            session,
            actor=staff["paralegal"],
            reference=reference,
            data=FilingInput(
                filed_on=date.today().isoformat(), method="online", receipt_number="znk-123456789"
            ),
        )
        assert "ZNK is not a prefix" in recorded.warning
    with session_scope() as session:
        tab = filing_tab(session, viewer=staff["paralegal"], reference=reference)
        assert case_of(session, reference).stage == "filed_pending"
        assert not tab.can_file


def test_reviewers_hear_of_a_submitted_packet_and_the_preparer_of_the_decision(staff, reference):
    review_id = submitted(staff["paralegal"], reference)
    with session_scope() as session:
        asked = session.exec(
            select(Message).where(Message.template == "staff_review_requested")
        ).all()
        # No attorney is assigned yet: every reviewer but the preparer hears of it.
        attorneys = {staff["attorney"].id, staff["attorney_2"].id}
        assert {message.recipient_user_id for message in asked} == attorneys
        assert "Please check" in asked[0].body and f"{reference}?tab=filing" in asked[0].body
    decide(staff["attorney"], reference, review_id, approve=False, comments="Exhibit B is cut off")
    with session_scope() as session:
        told = session.exec(select(Message).where(Message.template == "staff_review_decided")).one()
        assert told.recipient_user_id == staff["paralegal"].id
        assert "returned" in told.subject and "Exhibit B is cut off" in told.body

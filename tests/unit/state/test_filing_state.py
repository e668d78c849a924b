"""The Filing tab as a browser drives it (and as a hostile one would): the packet's background
build, the four-eyes review, the filing record and the receipt notice; the header's receipt
number warning and the Team page's reviewer flag."""

from __future__ import annotations

import asyncio

import pytest
from reflex_components_core.core._upload import UploadChunk, UploadChunkIterator
from sqlmodel import select

from immigration_app.models import Case, CaseNotice, PacketReview, ReviewDecision, User
from immigration_app.services.db import session_scope
from immigration_app.services.reviews import REVIEW_CHECKS
from immigration_app.services.users import set_reviewer
from immigration_app.state.admin import TeamState
from immigration_app.state.case_filing import CaseFilingState
from immigration_app.state.cases import CaseState
from tests.factories import make_case, make_viewer
from tests.files import pdf_bytes
from tests.form_profiles import needs_real_forms
from tests.packets import make_ready_case
from tests.unit.state.background import run_background
from tests.unit.state.conftest import Tab, sign_in_as

pytestmark = pytest.mark.anyio
ALL_CHECKS = list(REVIEW_CHECKS)


async def _open_tab(tab: Tab, reference: str, query: str = "?tab=filing"):
    """The tab's state (and the header's) as the case page's on_load leaves them."""
    filing, header = tab.state(CaseFilingState), tab.state(CaseState)
    for state in (filing, header):
        state.router = state.router.__class__.from_router_data(
            {"pathname": f"/cases/{reference}", "asPath": f"/cases/{reference}{query}"}
        )
    await header.load()
    await filing.load()
    return filing, header


def _review_decisions(reference: str) -> list[str]:
    with session_scope() as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        reviews = session.exec(select(PacketReview).where(PacketReview.case_id == case.id))
        return [str(review.decision) for review in reviews]


async def _upload(state: CaseFilingState, files: list[tuple[str, bytes]]) -> None:
    """Run the streamed upload handler with `files`, as Reflex's upload route feeds it."""
    chunks = UploadChunkIterator(maxsize=8)

    async def send() -> None:
        for name, data in files:
            await chunks.push(UploadChunk(filename=name, offset=0, content_type="", data=data))
        await chunks.finish()

    consumer = asyncio.ensure_future(run_background(state, "upload_notice", chunks))
    chunks.set_consumer_task(consumer)
    await asyncio.gather(send(), consumer)


async def test_nothing_is_read_until_the_tab_is_shown(tab):
    viewer = await sign_in_as(tab, "attorney")
    with session_scope() as session:
        reference = make_case(session, actor=viewer).reference
    filing, _ = await _open_tab(tab, reference, query="")
    assert (filing.loaded, filing.plan, filing.status) == (False, [], "")
    await filing.show_tab("forms")
    assert not filing.loaded
    await filing.show_tab("filing")
    assert filing.loaded and filing.review_state == "none"
    assert filing.plan[0].label == "Cover letter"
    assert filing.today and filing.me == str(viewer.id)


async def test_a_build_that_cannot_start_says_why_and_leaves_the_button_usable(tab):
    viewer = await sign_in_as(tab, "attorney")
    with session_scope() as session:
        reference = make_case(session, actor=viewer).reference  # no forms filled
    filing, _ = await _open_tab(tab, reference)
    await run_background(filing, "build")
    assert not filing.building
    assert filing.packets == []
    assert any("Fill the case's forms first" in text for text in filing.errors.values())


@needs_real_forms
async def test_the_builder_cannot_approve_their_own_packet_even_as_an_admin(tab):
    """Self-approval is refused on the server, whatever the page shows: an admin who is also a
    reviewer calls the decision handlers directly on the packet they built and submitted."""
    admin = await sign_in_as(tab, "admin")
    with session_scope() as session:
        set_reviewer(session, actor=admin, user_id=admin.id, reviewer=True)
        reference = make_ready_case(session, actor=admin).reference
    filing, header = await _open_tab(tab, reference)

    await run_background(filing, "build")
    assert [(packet.version, packet.built_by) for packet in filing.packets] == [
        (1, admin.full_name)
    ]
    assert filing.packets[0].page_count > 3 and filing.build_percent == 100
    assert filing.review_state == "draft" and filing.can_submit
    await filing.submit({"submit_note": "Please check the exhibits"})
    assert filing.review_state == "pending" and filing.pending.id
    assert filing.pending.note == "Please check the exhibits"
    assert header.header.stage == "Internal review"
    assert not filing.may_decide
    assert "You built or submitted this packet" in filing.why_not_decide

    for key in ALL_CHECKS:
        await filing.tick(key, True)
    assert filing.ticked == ALL_CHECKS
    await filing.approve()
    assert "own work" in filing.errors["review_decision"]
    await filing.set_comments("Looks fine to me")
    await filing.send_back()
    assert "own work" in filing.errors["review_decision"]
    assert _review_decisions(reference) == [ReviewDecision.PENDING]
    assert filing.review_state == "pending" and header.header.stage == "Internal review"


@needs_real_forms
async def test_a_second_person_approves_and_the_packet_is_recorded_as_filed(tab):
    preparer = await sign_in_as(tab, "paralegal")
    with session_scope() as session:
        case = make_ready_case(session, actor=preparer)
        case.paralegal_id = preparer.id
        session.add(case)
        reference = case.reference
    filing, _ = await _open_tab(tab, reference)
    await run_background(filing, "build")
    await filing.submit({"submit_note": ""})
    assert filing.review_state == "pending"

    second = Tab()
    reviewer = await sign_in_as(second, "attorney")
    filing, header = await _open_tab(second, reference)
    assert filing.may_decide and filing.why_not_decide == ""
    assert [check.key for check in filing.checks] == ALL_CHECKS
    assert filing.can_file is False

    await filing.tick("names_dates", True)
    await filing.tick("not_a_check", True)  # a browser's made-up key is ignored
    assert filing.ticked == ["names_dates"]
    await filing.approve()
    assert "Confirm every check" in filing.errors["review_checks"]
    await filing.send_back()  # returning needs comments
    assert "Say what needs to change" in filing.errors["review_comments"]
    assert _review_decisions(reference) == [ReviewDecision.PENDING]

    for key in ALL_CHECKS:
        await filing.tick(key, True)
    await filing.approve()
    assert filing.errors == {} and filing.review_state == "approved"
    assert filing.ticked == [] and filing.pending.id == 0
    assert header.header.stage == "Ready to file"
    assert header.header.stage_key == "ready_to_file"  # the stage picker redraws on its key
    assert filing.can_file

    await filing.record(
        {"filing_filed_on": filing.today, "filing_method": "courier", "filing_filed_by_id": "x"}
    )
    assert "tracking number" in filing.errors["filing_tracking_number"]
    assert "Choose who sent it" in filing.errors["filing_filed_by_id"]  # not a colleague's id
    await filing.record(
        {
            "filing_filed_on": filing.today,
            "filing_method": "courier",
            "filing_tracking_number": "1Z 999 AA1 0123 4567 84",
            "filing_filed_by_id": filing.me,
            "filing_receipt_number": "LIN2299912345",  # workday 999: kept, with a warning
            "filing_note": "",
        }
    )
    assert filing.errors == {}
    assert "Digits 6-8" in filing.filing_warning
    [filed] = filing.filings
    assert (filed.tracking_number, filed.filed_by, filed.packet_version) == (
        "1Z 999 AA1 0123 4567 84",
        reviewer.full_name,
        1,
    )
    assert header.header.stage == "Filed - pending"
    assert "LIN2299912345" in header.header.receipt_numbers
    assert not filing.can_file


async def test_a_receipt_notice_needs_its_number_and_is_kept_with_it(tab):
    viewer = await sign_in_as(tab, "attorney")
    with session_scope() as session:
        reference = make_case(session, actor=viewer).reference
    filing, header = await _open_tab(tab, reference)

    await _upload(filing, [("receipt.pdf", pdf_bytes())])
    [result] = filing.results
    assert not result.ok and "receipt number" in result.message
    assert not filing.uploading and filing.notices == []

    await filing.set_notice_number("VSC2212345678")
    await filing.set_notice_form("N-400")
    await _upload(filing, [("receipt.pdf", pdf_bytes())])
    [result] = filing.results
    assert result.ok
    assert "service center's name" in filing.notice_warning
    [notice] = filing.notices
    assert (notice.receipt_number, notice.name) == ("VSC2212345678", "receipt.pdf")
    assert filing.notice_number == ""
    assert "VSC2212345678" in header.header.receipt_numbers
    with session_scope() as session:
        assert len(session.exec(select(CaseNotice)).all()) == 1


async def test_adding_an_unusual_receipt_number_in_the_header_warns_after_adding(tab):
    viewer = await sign_in_as(tab, "attorney")
    with session_scope() as session:
        reference = make_case(session, actor=viewer).reference
    _, header = await _open_tab(tab, reference, query="")
    shown = await header.add_receipt({"receipt_number": "XYZ2212345678", "receipt_form": ""})
    assert "XYZ2212345678" in header.header.receipt_numbers
    assert isinstance(shown, list) and len(shown) == 2
    assert "not a prefix USCIS is known to use" in str(shown[1])
    shown = await header.add_receipt({"receipt_number": "IOE0912345678", "receipt_form": ""})
    assert not isinstance(shown, list)  # an ordinary number: only the success


async def test_only_an_admin_marks_who_reviews_packets(tab):
    with session_scope() as session:
        paralegal = make_viewer(session, role="paralegal")
    await sign_in_as(tab, "admin")
    team = tab.state(TeamState)
    await team.load()
    await team.update_reviewer(paralegal.id, True)
    assert next(row for row in team.staff if row.id == paralegal.id).is_reviewer

    other = Tab()
    await sign_in_as(other, "paralegal")
    await other.state(TeamState).update_reviewer(paralegal.id, False)
    with session_scope() as session:
        assert session.get(User, paralegal.id).is_reviewer

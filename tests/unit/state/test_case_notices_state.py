"""The USCIS tab's notices and requests as a browser drives them, and the portal's "Send us a
letter from USCIS": streamed uploads, a confirmation, the response packet's background build."""

from __future__ import annotations

import asyncio

import pytest
from reflex_components_core.core._upload import UploadChunk, UploadChunkIterator
from sqlmodel import select

from immigration_app.models import CaseMember, CaseNotice, EvidenceRequest
from immigration_app.services.cover_letter import case_letter, save_case_letter
from immigration_app.services.db import session_scope
from immigration_app.services.portal import create_link
from immigration_app.state.case_notices import CaseNoticesState
from immigration_app.state.case_rfe import CaseRfeState
from immigration_app.state.cases import CaseState
from immigration_app.state.portal import PortalState
from immigration_app.state.portal_letter import PortalLetterState
from tests import notices as make
from tests.factories import make_case, make_viewer
from tests.files import jpeg_bytes
from tests.unit.state.background import run_background
from tests.unit.state.conftest import sign_in_as

pytestmark = pytest.mark.anyio
GARBAGE = b"%PDF-1.4\nnot really a pdf\n%%EOF\n"


async def _run_upload(state, handler: str, files: list[tuple[str, bytes]]):
    """Run a streamed-upload handler with `files`, as Reflex's upload route feeds it."""
    chunks = UploadChunkIterator(maxsize=8)

    async def send() -> None:
        for name, data in files:
            await chunks.push(UploadChunk(filename=name, offset=0, content_type="", data=data))
        await chunks.finish()

    consumer = asyncio.ensure_future(run_background(state, handler, chunks))
    chunks.set_consumer_task(consumer)
    await asyncio.gather(send(), consumer)


def _on_case(tab, reference: str, query: str = "?tab=uscis"):
    states = tab.state(CaseNoticesState), tab.state(CaseRfeState), tab.state(CaseState)
    for state in states:
        state.router = state.router.__class__.from_router_data(
            {"pathname": f"/cases/{reference}", "asPath": f"/cases/{reference}{query}"}
        )
    return states


async def test_staff_upload_a_notice_confirm_it_and_build_the_response(tab):
    viewer = await sign_in_as(tab, "attorney")
    with session_scope() as session:
        case = make_case(session, actor=viewer)
        letter = case_letter(session, case, [])
        save_case_letter(
            session,
            actor=viewer,
            reference=case.reference,
            addressee="USCIS",
            subject=letter.subject,
            body=letter.body,
        )
        reference = case.reference
    notices, rfe, header = _on_case(tab, reference, query="")
    for state in (notices, rfe, header):
        await state.load()
    assert not notices.loaded  # nothing read until the tab opens
    await notices.show_tab("uscis")
    await rfe.show_tab("uscis")

    await _run_upload(notices, "upload", [("rfe.pdf", make.rfe_notice()), ("bad.pdf", GARBAGE)])
    assert [(r.name, r.ok) for r in notices.results] == [("rfe.pdf", True), ("bad.pdf", False)]
    assert "damaged" in notices.results[1].message
    assert [card.kind for card in notices.notices] == ["rfe"]

    notice_id = str(notices.notices[0].id)
    await notices.confirm({"notice_id": notice_id, "kind": "rfe_due", "due": "not a date"})
    assert f"{notice_id}-rfe_due" in notices.errors
    await notices.confirm({"notice_id": notice_id, "kind": "rfe_due"})
    assert notices.errors == {}
    assert [r.due for r in rfe.requests] == ["04/03/2026"]
    assert rfe.response.request_id == rfe.requests[0].id

    await run_background(rfe, "build", {})
    assert "build_documents" in rfe.errors  # nothing chosen: nothing built
    assert not rfe.building


async def test_the_client_sends_a_letter_from_uscis_through_the_portal(tab):
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_case(session, actor=attorney)
        member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).one()
        link, token = create_link(
            session, actor=attorney, reference=case.reference, member_id=member.id, send_email=False
        )
        link_id = link.id
    portal = tab.state(PortalState)
    portal.router = portal.router.__class__.from_router_data(
        {"pathname": f"/portal/{token}", "asPath": f"/portal/{token}"}
    )
    await portal.load()
    letter = tab.state(PortalLetterState)
    await letter.open_letter()
    assert letter.letter_open

    await _run_upload(letter, "upload_letter", [("carta.jpg", jpeg_bytes()), ("x.pdf", GARBAGE)])
    assert [(r.ok, r.message) for r in letter.letter_results] == [
        (True, "Received. We will look at it."),
        (False, letter.t["letter_unreadable"]),
    ]
    with session_scope() as session:
        kept = session.exec(select(CaseNotice)).all()
        assert [(n.uploaded_via_link_id, n.scanned) for n in kept] == [(link_id, True)]
        assert session.exec(select(EvidenceRequest)).all() == []

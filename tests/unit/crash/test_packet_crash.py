"""A packet build killed while the PDF is assembled, after the PDF is stored but before its row,
and with its row written but not committed: after a restart there is no packet row and no
packet_built event, the case's packet list is as it was, and the next build is version 1."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from immigration_app.models import CaseEvent, FilingPacket
from immigration_app.services import storage
from immigration_app.services.db import session_scope
from immigration_app.services.packets import build_packet, case_packets
from immigration_app.services.sweep import sweep
from immigration_app.settings import get_settings
from tests.factories import make_viewer
from tests.form_profiles import needs_real_forms
from tests.packets import make_ready_case
from tests.unit.crash.processes import kill_when_paused

pytestmark = needs_real_forms


def _ready_case():
    """(attorney, reference) of a case ready for its packet: one form, three documents."""
    with session_scope() as session:
        attorney = make_viewer(session, role="attorney")
        case = make_ready_case(session, actor=attorney, forms=("G-1145",))
        return attorney, case.reference


def _packets(attorney, reference: str):
    with session_scope() as session:
        return case_packets(session, viewer=attorney, reference=reference)


def _count(model, *conditions) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(model).where(*conditions)).one()


def _stored_blobs() -> set[str]:
    root = get_settings().documents_dir
    return {
        path.relative_to(root).as_posix()
        for path in root.glob("*/*.bin")
        if path.parent.name != storage.STAGING_DIR
    }


@pytest.mark.parametrize(
    "scenario", ["packet_assembling", "packet_blob_stored", "packet_row_uncommitted"]
)
def test_a_build_killed_midway_leaves_no_packet_and_the_next_build_is_version_1(scenario):
    attorney, reference = _ready_case()
    blobs_before = _stored_blobs()

    detail = kill_when_paused(scenario, attorney.id, reference)

    if scenario != "packet_assembling":
        assert detail in _stored_blobs() - blobs_before  # the PDF was in the store at the kill
    sweep()  # the restart's catch-up sweep
    assert _count(FilingPacket) == 0
    assert _count(CaseEvent, CaseEvent.kind == "packet_built") == 0
    assert _packets(attorney, reference) == []

    built = build_packet(actor=attorney, reference=reference)
    assert built.version == 1
    [row] = _packets(attorney, reference)
    assert (row.id, row.version, row.sha256) == (built.id, 1, built.sha256)
    assert _count(CaseEvent, CaseEvent.kind == "packet_built") == 1

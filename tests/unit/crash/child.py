"""The process the crash tests kill: one piece of real service work that stops at a chosen point.

    python -m tests.unit.crash.child <scenario> [arguments]

The database, DATA_DIR and mail server come from the environment the test gives it. Each scenario
patches one step, in this process only, to print "PAUSED <detail>" and wait there; the test reads
that line and kills the process with SIGKILL, as a power cut or an OOM kill would. A scenario that
runs to the end without pausing prints "FINISHED", which the test reports as a failure.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, func, select

from immigration_app.models import Message, User
from immigration_app.services import outbox, storage
from immigration_app.services import sweep as sweep_module
from immigration_app.services.db import session_scope
from immigration_app.services.documents import add_staff_file
from immigration_app.services.packets import build_packet
from immigration_app.services.users import viewer_of
from immigration_app.services.viewer import Viewer

PAUSED = "PAUSED"
FINISHED = "FINISHED"


def pause(detail: object = "") -> None:
    """Say where we are and wait for the kill."""
    print(f"{PAUSED} {detail}", flush=True)
    while True:
        time.sleep(60)


def _viewer(user_id: str) -> Viewer:
    with session_scope() as session:
        return viewer_of(session.get(User, int(user_id)))


def _pause_at_commit(detail: Callable[[Session], object]) -> None:
    """The next transaction to commit waits, unfinished, instead (its rows are written but not
    committed); `detail` may look at what the transaction wrote."""

    def paused_commit(session: Session) -> None:
        pause(detail(session))

    Session.commit = paused_commit


# --- uploads --------------------------------------------------------------------------------------


def upload_mid_stream(file_path: str) -> None:
    """Half of the file has arrived; the rest never will (nothing is recorded before the end)."""
    data = Path(file_path).read_bytes()
    with storage.start_upload(Path(file_path).name) as upload:
        upload.write(data[: len(data) // 2])
        pause(upload.temp_path)


def upload_before_commit(user_id: str, reference: str, item_id: str, file_path: str) -> None:
    """The whole file arrived, passed its checks and was moved into the store; the transaction
    recording it is about to commit."""
    data = Path(file_path).read_bytes()
    actor = _viewer(user_id)
    stored: list[str] = []
    _pause_at_commit(lambda _session: stored[0])
    with session_scope() as session, storage.start_upload(Path(file_path).name) as upload:
        upload.write(data)
        document = add_staff_file(
            session,
            actor=actor,
            reference=reference,
            item_id=int(item_id),
            staged=upload.finish(),
        )
        stored.append(document.blob_name)


# --- packets --------------------------------------------------------------------------------------


def packet_assembling(user_id: str, reference: str) -> None:
    """The first part is in the PDF being assembled; the others are not."""

    def progress(done: int, steps: int) -> None:
        if done == 1:
            pause(f"{done}/{steps}")

    build_packet(actor=_viewer(user_id), reference=reference, progress=progress)


def packet_blob_stored(user_id: str, reference: str) -> None:
    """The assembled PDF is encrypted in the store; its row is not written yet."""
    store_bytes = storage.store_bytes

    def paused_store_bytes(data: bytes, **options):
        blob_name, sha256 = store_bytes(data, **options)
        pause(blob_name)
        return blob_name, sha256

    storage.store_bytes = paused_store_bytes
    build_packet(actor=_viewer(user_id), reference=reference)


def packet_row_uncommitted(user_id: str, reference: str) -> None:
    """The PDF is stored and its row and event are written, in a transaction not yet committed."""
    actor = _viewer(user_id)
    store_bytes = storage.store_bytes
    stored: list[str] = []

    def remembered_store_bytes(data: bytes, **options):
        blob_name, sha256 = store_bytes(data, **options)
        stored.append(blob_name)
        return blob_name, sha256

    storage.store_bytes = remembered_store_bytes
    real_commit = Session.commit

    def paused_commit(session: Session) -> None:
        if stored:  # the build's second transaction; its first (reading the parts) goes through
            pause(stored[0])
        real_commit(session)

    Session.commit = paused_commit
    build_packet(actor=actor, reference=reference)


# --- the reminder sweep ---------------------------------------------------------------------------


def _messages_in(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Message)).one()


def sweep_claim_uncommitted() -> None:
    """Due reminders are claimed and their messages written, in a transaction not committed."""
    _pause_at_commit(_messages_in)
    sweep_module.sweep()


def sweep_before_send() -> None:
    """Reminders are claimed and their messages queued (committed); nothing is sent yet."""

    def paused_deliver_due(*_args, **_options):
        with session_scope() as session:
            pause(_messages_in(session))

    sweep_module.deliver_due = paused_deliver_due
    sweep_module.sweep()


def sweep_claimed_not_sent() -> None:
    """Queued messages are claimed for sending (committed); none has reached the mail server."""

    def paused_deliver(email, _settings):
        pause(email["Message-ID"])

    outbox.deliver = paused_deliver
    sweep_module.sweep()


def sweep_mid_send() -> None:
    """A plain sweep: the test's mail server takes the first message's DATA and never answers."""
    sweep_module.sweep()


SCENARIOS: dict[str, Callable[..., None]] = {
    function.__name__: function
    for function in (
        upload_mid_stream,
        upload_before_commit,
        packet_assembling,
        packet_blob_stored,
        packet_row_uncommitted,
        sweep_claim_uncommitted,
        sweep_before_send,
        sweep_claimed_not_sent,
        sweep_mid_send,
    )
}


if __name__ == "__main__":
    SCENARIOS[sys.argv[1]](*sys.argv[2:])
    print(FINISHED, flush=True)

"""The form library page's state: only admins load, switch or remove editions; the service's
message is what a refused file shows."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from reflex_components_core.core._upload import UploadChunk, UploadChunkIterator
from sqlmodel import select

from immigration_app.models import FormTemplate
from immigration_app.services import storage
from immigration_app.services.db import session_scope
from immigration_app.services.form_filling import fill_form
from immigration_app.services.form_library import MAX_FORM_BYTES, load_form
from immigration_app.state.form_library import FormLibraryState, read_first_file
from tests.factories import make_viewer
from tests.form_profiles import FORMS_DIR, make_marriage_case, needs_real_forms
from tests.unit.state.background import run_background
from tests.unit.state.conftest import redirect_target, sign_in_as

pytestmark = pytest.mark.anyio
PIECE = 64 * 1024
_SENDING: set[asyncio.Future] = set()


def _chunks(files: list[tuple[str, bytes]]) -> UploadChunkIterator:
    """An upload as Reflex's route hands it over, each file in pieces."""
    chunks = UploadChunkIterator(maxsize=8)

    async def send() -> None:
        for name, data in files:
            for offset in range(0, max(len(data), 1), PIECE):
                piece = data[offset : offset + PIECE]
                await chunks.push(
                    UploadChunk(
                        filename=name, offset=offset, content_type="application/pdf", data=piece
                    )
                )
        await chunks.finish()

    _SENDING.add(asyncio.ensure_future(send()))  # a reference, so the task is not collected
    return chunks


async def _upload(tab, files: list[tuple[str, bytes]]):
    state = tab.state(FormLibraryState)
    return await run_background(state, "upload", _chunks(files))


def _templates() -> list[FormTemplate]:
    with session_scope() as session:
        return list(session.exec(select(FormTemplate)))


def _i765() -> bytes:
    return (FORMS_DIR / "i-765.pdf").read_bytes()


@pytest.mark.parametrize("role", ["paralegal", "attorney"])
async def test_staff_who_are_not_admins_see_and_change_nothing(tab, role):
    await sign_in_as(tab, role)
    state = tab.state(FormLibraryState)
    refused = await state.load()
    assert redirect_target(refused[1]) == "/"
    assert state.forms == []

    # A forged browser calls every handler directly.
    for event in (
        await state.set_form_number("I-765"),
        await state.set_edition("08/21/25"),
        await state.make_current(1),
        await state.remove(1),
        await _upload(tab, [("i-765.pdf", b"%PDF-1.7 not really")]),
    ):
        assert redirect_target(event[1]) == "/"
    assert (state.form_number, state.edition, state.result) == ("", "", "")
    assert _templates() == []


async def test_signed_out_upload_is_sent_to_sign_in(tab):
    event = await _upload(tab, [("i-765.pdf", b"%PDF-1.7")])
    assert redirect_target(event).startswith("/login")
    assert _templates() == []


@needs_real_forms
async def test_an_admin_loads_a_form_and_sees_it_listed_as_current(tab):
    await sign_in_as(tab, "admin")
    state = tab.state(FormLibraryState)
    await state.load()
    assert state.loaded and not state.any_loaded
    i130 = next(form for form in state.forms if form.form_number == "I-130")
    assert (i130.mapped, i130.editions) == (True, [])  # the catalog maps it; not loaded yet

    await _upload(tab, [("i-765.pdf", _i765())])
    assert state.result_ok and not state.uploading
    assert state.result.startswith("Loaded Form I-765, edition 08/21/25")
    form = next(form for form in state.forms if form.form_number == "I-765")
    [edition] = form.editions
    assert (edition.edition, edition.is_current, edition.filled) == ("08/21/25", True, 0)
    assert edition.fields > 100 and edition.pages > 1
    assert edition.loaded_by.startswith("Admin Number")
    assert len(edition.loaded_on) >= len("01/01/2026 9:00 AM")
    assert state.any_loaded

    await _upload(tab, [("i-765 again.pdf", _i765())])
    assert not state.result_ok
    assert state.result == "This exact file is already in the library."


async def test_a_file_that_is_not_a_pdf_shows_the_services_message(tab):
    await sign_in_as(tab, "admin")
    state = tab.state(FormLibraryState)
    state.form_number, state.edition = "I-765", "08/21/25"
    await _upload(tab, [("notes.txt", b"Bring the passport.")])
    assert not state.result_ok
    assert "not a PDF" in state.result
    assert (state.form_number, state.edition) == ("I-765", "08/21/25")  # kept for a retry
    assert _templates() == []


async def test_only_the_first_file_is_read_and_never_much_past_the_limit():
    name, data = await read_first_file(
        _chunks([("a.pdf", b"x" * (3 * PIECE)), ("b.pdf", b"y" * 10)]), PIECE
    )
    assert (name, data) == ("a.pdf", b"x" * (PIECE + 1))
    with session_scope() as session:
        admin = make_viewer(session, role="admin")
    with pytest.raises(Exception, match="larger than any USCIS form"), session_scope() as session:
        load_form(session, actor=admin, data=b"x" * (MAX_FORM_BYTES + 1), original_name=name)


@needs_real_forms
async def test_an_admin_switches_the_current_edition_and_removes_an_unused_one(tab):
    admin = await sign_in_as(tab, "admin")
    with session_scope() as session:
        loaded = load_form(session, actor=admin, data=_i765(), original_name="i-765.pdf")
        # An older edition of the same form, as a firm that kept it would have it.
        blob_name, sha256 = storage.store_bytes(_i765() + b"% the older file\n")
        older = FormTemplate(
            **loaded.model_dump(exclude={"id", "blob_name", "sha256"}),
            blob_name=blob_name,
            sha256=sha256,
        )
        older.edition, older.edition_date, older.is_current = "01/20/25", date(2025, 1, 20), False
        session.add(older)
        session.flush()
        older_id, current_id = older.id, loaded.id
    state = tab.state(FormLibraryState)
    await state.load()
    editions = next(form for form in state.forms if form.form_number == "I-765").editions
    assert [(e.edition, e.is_current) for e in editions] == [
        ("08/21/25", True),
        ("01/20/25", False),
    ]

    await state.make_current(older_id)
    editions = next(form for form in state.forms if form.form_number == "I-765").editions
    assert [e.is_current for e in editions] == [False, True]

    await state.remove(older_id)
    editions = next(form for form in state.forms if form.form_number == "I-765").editions
    assert [(e.id, e.is_current) for e in editions] == [(current_id, True)]

    toast = await state.remove(older_id)
    assert "no longer in the library" in str(toast.args)
    toast = await state.make_current("not a number")
    assert "no longer in the library" in str(toast.args)


@needs_real_forms
async def test_an_edition_a_case_was_filled_on_is_not_removed(tab):
    admin = await sign_in_as(tab, "admin")
    with session_scope() as session:
        case = make_marriage_case(session, actor=admin)
        path = FORMS_DIR / "i-130.pdf"
        template = load_form(session, actor=admin, data=path.read_bytes(), original_name=path.name)
        fill_form(session, actor=admin, reference=case.reference, form_number="I-130")
        template_id = template.id
    state = tab.state(FormLibraryState)
    await state.load()
    toast = await state.remove(template_id)
    assert "1 filled form(s) were made from this edition" in str(toast.args)
    [edition] = next(form for form in state.forms if form.form_number == "I-130").editions
    assert (edition.id, edition.filled) == (template_id, 1)

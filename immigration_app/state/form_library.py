"""/admin/forms: the firm's library of blank USCIS forms, edition by edition.

An admin loads each form's current edition as downloaded from uscis.gov; cases are filled on
the edition marked current. Only admins read or change the library: every handler checks on
the server, the upload too.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from immigration_app.models import Role
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import firm_clock
from immigration_app.services.form_library import (
    MAX_FORM_BYTES,
    library,
    load_form,
    make_current,
    remove_template,
)
from immigration_app.state.auth import current_viewer, public, staff_only
from immigration_app.state.cases import chosen_id
from immigration_app.state.services import call
from immigration_app.state.uploads import percent_sent

UPLOAD_ID = "form_upload"
ACCEPT = {"application/pdf": [".pdf"]}
_GONE = "That edition is no longer in the library."


@dataclass(frozen=True)
class EditionView:
    id: int
    edition: str
    is_current: bool
    loaded_on: str
    loaded_by: str
    fields: int
    pages: int
    filled: int


@dataclass(frozen=True)
class LibraryForm:
    form_number: str
    title: str
    mapped: bool  # the catalog has a field map for it
    editions: list[EditionView]  # newest first; none when the form is not loaded yet


def _library_view(session) -> list[LibraryForm]:
    """The library with its dates in the firm's format, in one transaction."""
    clock = firm_clock(session)
    return [
        LibraryForm(
            form_number=row.form_number,
            title=row.title,
            mapped=row.mapped,
            editions=[
                EditionView(
                    id=edition.id,
                    edition=edition.edition,
                    is_current=edition.is_current,
                    loaded_on=clock.moment(edition.loaded_on),
                    loaded_by=edition.loaded_by,
                    fields=edition.fields,
                    pages=edition.pages,
                    filled=edition.filled,
                )
                for edition in row.editions
            ],
        )
        for row in library(session)
    ]


async def read_first_file(chunks: rx.UploadChunkIterator, limit_bytes: int) -> tuple[str, bytes]:
    """The first file of an upload, or its first `limit_bytes` + 1 bytes when it is larger
    (enough for the service to say so). Reading stops there, or where a second file begins
    (the page sends one): returning early ends the request, so nothing more is received."""
    name, data, started = "", bytearray(), False
    async for chunk in chunks:
        if chunk.offset == 0:
            if started:
                break
            name, started = chunk.filename, True
        data += chunk.data
        if len(data) > limit_bytes:
            break
    return name, bytes(data[: limit_bytes + 1])


class FormLibraryState(rx.State):
    forms: list[LibraryForm] = []
    loaded: bool = False
    # Typed only for a form whose footer does not print its number and edition.
    form_number: str = ""
    edition: str = ""
    uploading: bool = False
    progress: int = 0
    # What became of the last upload: the service's message, shown until the next one.
    result: str = ""
    result_ok: bool = False

    @rx.var
    def any_loaded(self) -> bool:
        return any(form.editions for form in self.forms)

    async def _reload(self) -> None:
        self.forms = await call(_library_view)
        self.loaded = True

    @rx.event
    @staff_only(Role.ADMIN)
    async def load(self):
        self.result, self.result_ok, self.progress = "", False, 0
        await self._reload()

    @rx.event
    @staff_only(Role.ADMIN)
    async def set_form_number(self, value: str):
        self.form_number = str(value)[:20]

    @rx.event
    @staff_only(Role.ADMIN)
    async def set_edition(self, value: str):
        self.edition = str(value)[:20]

    @rx.event
    @public  # it only moves this page's own progress bar
    def upload_progress(self, progress: dict):
        self.progress = percent_sent(progress)

    @rx.event(background=True)
    @staff_only(Role.ADMIN)
    async def upload(self, chunks: rx.UploadChunkIterator):
        viewer = current_viewer()
        async with self:
            self.uploading, self.result, self.result_ok = True, "", False
            form_number, edition = self.form_number, self.edition
        try:
            name, data = await read_first_file(chunks, MAX_FORM_BYTES)
            template = await call(
                load_form,
                actor=viewer,
                data=data,
                original_name=name,
                form_number=form_number,
                edition=edition,
            )
        except InvalidInput as error:
            async with self:
                self.uploading, self.progress = False, 0
                self.result = " ".join(error.fields.values())
            return None
        except BaseException:
            async with self:
                self.uploading = False
            raise
        async with self:
            self.uploading, self.progress, self.result_ok = False, 0, True
            self.result = f"Loaded Form {template.form_number}, edition {template.edition}" + (
                ": cases are filled on it from now on."
                if template.is_current
                else ". A newer edition stays current; make this one current to use it."
            )
            self.form_number, self.edition = "", ""
            await self._reload()
        return rx.clear_selected_files(UPLOAD_ID)

    async def _change(self, service, success: str, template_id):
        try:
            await call(service, actor=current_viewer(), template_id=chosen_id(template_id) or 0)
        except InvalidInput as error:
            return rx.toast.error(" ".join(error.fields.values()))
        except NotFound:
            await self._reload()
            return rx.toast.error(_GONE)
        await self._reload()
        return rx.toast.success(success)

    @rx.event
    @staff_only(Role.ADMIN)
    async def make_current(self, template_id: int):
        return await self._change(
            make_current, "Cases are filled on this edition from now on.", template_id
        )

    @rx.event
    @staff_only(Role.ADMIN)
    async def remove(self, template_id: int):
        return await self._change(remove_template, "Removed from the library.", template_id)

"""/admin/processing-times: the processing times USCIS publishes, imported by an admin as CSV.

Only admins import or list them (every handler checks on the server, the upload too). A refused
file is refused whole: its problems are shown with their row numbers, and nothing changes.
"""

from __future__ import annotations

import reflex as rx

from immigration_app.models import Role
from immigration_app.services.processing_times import ImportRefused, import_processing_times
from immigration_app.services.processing_times_import import MAX_FILE_BYTES
from immigration_app.services.processing_views import (
    LineView,
    past_processing_time_count,
    published_lines,
)
from immigration_app.state.auth import current_viewer, public, staff_only
from immigration_app.state.cases import chosen_id
from immigration_app.state.form_library import read_first_file
from immigration_app.state.services import call
from immigration_app.state.uploads import percent_sent

UPLOAD_ID = "processing_times_upload"
# Spreadsheet programs label CSV files differently; the service checks what the file holds.
ACCEPT = {
    "text/csv": [".csv"],
    "application/vnd.ms-excel": [".csv"],
    "text/plain": [".csv", ".txt"],
}
PAST_DUE_FILTER = "/?show=past_processing_time"


class ProcessingTimesState(rx.State):
    loaded: bool = False
    rows: list[LineView] = []
    total: int = 0
    page: int = 1
    page_count: int = 1
    forms: list[str] = []
    form: str = ""  # the form the table is filtered to, "" for all
    newest: str = ""
    past_due: int = 0  # open cases past their published processing time
    uploading: bool = False
    progress: int = 0
    # What became of the last upload, shown until the next one.
    result: str = ""
    result_ok: bool = False
    problems: list[str] = []

    @rx.var
    def form_options(self) -> list[tuple[str, str]]:
        return [(form, form) for form in self.forms]

    async def _reload(self) -> None:
        viewer = current_viewer()
        listed = await call(published_lines, actor=viewer, form=self.form, page=self.page)
        self.rows, self.total = listed.rows, listed.total
        self.page, self.page_count = listed.page, listed.page_count
        self.forms, self.newest = listed.forms, listed.newest
        self.past_due = await call(past_processing_time_count, viewer=viewer)
        self.loaded = True

    @rx.event
    @staff_only(Role.ADMIN)
    async def load(self):
        self.result, self.result_ok, self.problems, self.progress = "", False, [], 0
        self.form, self.page = "", 1
        await self._reload()

    @rx.event
    @staff_only(Role.ADMIN)
    async def filter_form(self, form: str):
        self.form, self.page = (form if form in self.forms else ""), 1
        await self._reload()

    @rx.event
    @staff_only(Role.ADMIN)
    async def go_to_page(self, page: int):
        self.page = chosen_id(page) or 1
        await self._reload()

    @rx.event
    @public  # it only moves this page's own progress bar
    def upload_progress(self, progress: dict):
        self.progress = percent_sent(progress)

    @rx.event(background=True)
    @staff_only(Role.ADMIN)
    async def upload(self, chunks: rx.UploadChunkIterator):
        viewer = current_viewer()
        async with self:
            self.uploading, self.result, self.result_ok, self.problems = True, "", False, []
        try:
            name, data = await read_first_file(chunks, MAX_FILE_BYTES)
            if not name:
                raise ImportRefused(["Choose a CSV file first."])
            imported = await call(import_processing_times, actor=viewer, data=data, filename=name)
        except ImportRefused as refused:
            async with self:
                self.uploading, self.progress = False, 0
                self.result = refused.fields["file"]
                self.problems = list(refused.problems) if len(refused.problems) > 1 else []
            return None
        except BaseException:
            async with self:
                self.uploading = False
            raise
        async with self:
            self.uploading, self.progress, self.result_ok = False, 0, True
            self.result = imported.summary
            self.form, self.page = "", 1
            await self._reload()
        return rx.clear_selected_files(UPLOAD_ID)

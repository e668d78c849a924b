"""The Notices section of a case's USCIS tab: upload a notice, confirm what it proposes (after
correcting the values if need be), type the details of a scanned one.

Nothing is read until the tab opens (or the address opens it: ?tab=uscis).
"""

from __future__ import annotations

import reflex as rx

from immigration_app.services import storage
from immigration_app.services.case_notices import EDITABLE, TYPED, add_notice, manual_reading
from immigration_app.services.case_notices import confirm_proposal as confirm_service
from immigration_app.services.cases import move_case
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.notice_cards import KIND_CHOICES, NoticeCard, notice_cards
from immigration_app.settings import get_settings
from immigration_app.state.auth import current_viewer, public, staff_only
from immigration_app.state.case_rfe import CaseRfeState
from immigration_app.state.cases import CaseState, chosen_id, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.services import call
from immigration_app.state.uploads import UploadResult, percent_sent, receive_into

TAB = "uscis"
UPLOAD_ID = "notice_upload"
ACCEPT = {"application/pdf": [".pdf"], "image/*": []}
_GONE = "This case is no longer available to you."


@opens_with_the_case
class CaseNoticesState(rx.State):
    reference: str = ""
    loaded: bool = False
    notices: list[NoticeCard] = []
    kind_choices: list[tuple[str, str]] = KIND_CHOICES
    uploading: bool = False
    progress: int = 0
    results: list[UploadResult] = []
    limit_mb: int = 25
    typing_id: int = 0  # the notice whose "type its details" form is open
    # A proposal's message under its ref ("12-rfe_due"); the typing form's under "typed_<field>".
    errors: dict[str, str] = {}
    form_version: int = 0

    async def _reload(self) -> bool:
        try:
            self.notices = await call(
                notice_cards, viewer=current_viewer(), reference=self.reference
            )
        except NotFound:
            self.notices, self.loaded = [], True
            return False
        self.loaded = True
        return True

    async def _refresh_case(self) -> None:
        """The requests, the header and the timeline show the change too."""
        await self._reload()
        await (await self.get_state(CaseRfeState))._reload()
        await (await self.get_state(CaseState))._reload()

    @rx.event
    @staff_only()
    async def load(self):
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.loaded, self.notices, self.results, self.errors = False, [], [], {}
        self.typing_id, self.progress = 0, 0
        self.limit_mb = get_settings().upload_limit_mb
        if self.router.url.query_parameters.get("tab") == TAB:
            await self._reload()

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        if tab == TAB:
            await self._reload()

    # --- upload ----------------------------------------------------------------------------------

    @rx.event
    @public  # it only moves this section's own progress bar
    def upload_progress(self, progress: dict):
        self.progress = percent_sent(progress)

    @rx.event(background=True)
    @staff_only()
    async def upload(self, chunks: rx.UploadChunkIterator):
        viewer = current_viewer()
        async with self:
            reference = self.reference
            self.uploading, self.results = True, []

        async def store(staged: storage.StagedFile) -> None:
            await call(add_notice, actor=viewer, reference=reference, staged=staged)

        try:
            results, cut_short = await receive_into(
                chunks,
                limit_mb=get_settings().upload_limit_mb,
                store=store,
                kept="Kept and read: check what it proposes below.",
                gone=_GONE,
            )
        finally:
            async with self:
                self.uploading = False
        async with self:
            self.results = results
            await self._refresh_case()
        return None if cut_short else rx.clear_selected_files(UPLOAD_ID)

    # --- proposals -------------------------------------------------------------------------------

    @rx.event
    @staff_only()
    async def confirm(self, form_data: dict):
        field = form_text(form_data)
        notice_id, kind = chosen_id(field.get("notice_id", "")) or 0, field.get("kind", "")
        if kind not in EDITABLE:
            return None
        ref = f"{notice_id}-{kind}"
        values = {key: field.get(key, "")[:300] for key, _ in EDITABLE[kind] if key in field}
        try:
            done = await call(
                confirm_service,
                actor=current_viewer(),
                reference=self.reference,
                notice_id=notice_id,
                kind=kind,
                values=values,
            )
        except InvalidInput as error:
            self.errors = {ref: " ".join(error.fields.values())}
            return None
        except NotFound as error:
            self.errors = {}
            return rx.toast.error(str(error) if await self._reload() else _GONE)
        self.errors = {}
        self.form_version += 1
        await self._refresh_case()
        toasts = [rx.toast.success(done.message)]
        return [*toasts, rx.toast.warning(done.warning)] if done.warning else toasts

    @rx.event
    @staff_only()
    async def move_to(self, stage: str):
        if stage != "decision":  # the one move a notice suggests
            return None
        try:
            await call(move_case, actor=current_viewer(), reference=self.reference, stage=stage)
        except InvalidInput as error:
            return rx.toast.error(" ".join(error.fields.values()))
        except NotFound:
            return rx.toast.error(_GONE)
        await self._refresh_case()
        return rx.toast.success("The case moved to Decision.")

    # --- typed details ---------------------------------------------------------------------------

    @rx.event
    @staff_only()
    async def open_typing(self, notice_id: int):
        self.typing_id, self.errors = chosen_id(notice_id) or 0, {}
        self.form_version += 1

    @rx.event
    @staff_only()
    async def close_typing(self):
        self.typing_id, self.errors = 0, {}

    @rx.event
    @staff_only()
    async def save_typed(self, form_data: dict):
        field = form_text(form_data)
        typed = {key: field.get(f"typed_{key}", "")[:300] for key in (*TYPED, "kind")}
        try:
            await call(
                manual_reading,
                actor=current_viewer(),
                reference=self.reference,
                notice_id=self.typing_id,
                fields=typed,
            )
        except InvalidInput as error:
            self.errors = {f"typed_{name}": text for name, text in error.fields.items()}
            return None
        except NotFound as error:
            self.typing_id, self.errors = 0, {}
            return rx.toast.error(str(error) if await self._reload() else _GONE)
        self.typing_id, self.errors = 0, {}
        self.form_version += 1
        await self._refresh_case()
        return rx.toast.success("Saved: check what the notice proposes and confirm it.")

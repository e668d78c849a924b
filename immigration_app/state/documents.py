"""The Documents tab of a case: review what the client sent, add files for them, ask for more,
and the client portal links that let them send it.

A new portal link's address is the one secret this tab holds: it is shown once, in a dialog,
and forgotten when that dialog closes, the tab changes or the page reloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import reflex as rx

from immigration_app.catalog.checklists import checklist_sections
from immigration_app.services import storage
from immigration_app.services.checklists import add_case_item
from immigration_app.services.documents import (
    REJECTION_REASONS,
    ItemView,
    accept_item,
    add_staff_file,
    case_documents,
    case_people,
    reject_item,
    restore_item,
    waive_item,
)
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.numbers import whole_number
from immigration_app.services.portal import (
    DEFAULT_DAYS,
    LinkView,
    case_links,
    create_link,
    portal_url,
    revoke_link,
)
from immigration_app.settings import get_settings
from immigration_app.state.auth import current_viewer, public, staff_only
from immigration_app.state.cases import CaseState, chosen_id, opens_with_the_case
from immigration_app.state.checklists import item_text
from immigration_app.state.forms import form_text
from immigration_app.state.services import call
from immigration_app.state.uploads import percent_sent, receive_files

UPLOAD_ID = "staff_upload"
ACCEPT = {"image/*": [], "application/pdf": [".pdf"]}
_CHECKED = ("on", "true")
# What staff read when a file of their upload is not kept (storage.UploadRefused codes).
_REFUSED = {
    "too_large": "Larger than the {limit} MB limit. Nothing was saved.",
    "empty": "The file is empty. Nothing was saved.",
    "unsupported_type": "Not a PDF or photo (JPEG, PNG, HEIC) this item accepts. "
    "Nothing was saved.",
    "damaged": "The file looks damaged or incomplete. Nothing was saved.",
    "not_found": "This item is no longer on the case. Nothing was saved.",
}
_GONE = "This case is no longer available to you."


@dataclass(frozen=True)
class SectionGroup:
    """One checklist section of one person (a wrapper, so the page can foreach twice)."""

    key: str
    title: str
    documents: list[ItemView]


@dataclass(frozen=True)
class PersonGroup:
    member_id: int
    name: str
    role: str
    still_needed: int  # required items waiting on the client (needed or sent back)
    sections: list[SectionGroup]


@dataclass(frozen=True)
class UploadResult:
    name: str
    ok: bool
    message: str


def group_documents(views: list[ItemView]) -> list[PersonGroup]:
    """Items (already in checklist order) grouped by person, then by section."""
    people: list[PersonGroup] = []
    for view in views:
        if not people or people[-1].member_id != view.member_id:
            people.append(
                PersonGroup(view.member_id, view.member, view.role.replace("_", " "), 0, [])
            )
        person = people[-1]
        if not person.sections or person.sections[-1].key != view.section:
            person.sections.append(SectionGroup(view.section, view.section_title, []))
        person.sections[-1].documents.append(view)
    return [
        PersonGroup(
            person.member_id,
            person.name,
            person.role,
            sum(view.outstanding for section in person.sections for view in section.documents),
            person.sections,
        )
        for person in people
    ]


def _documents_tab(session, *, viewer, reference: str):
    """The tab's reads, in one transaction."""
    return (
        case_documents(session, viewer=viewer, reference=reference),
        case_people(session, viewer=viewer, reference=reference),
        case_links(session, viewer=viewer, reference=reference),
    )


@opens_with_the_case
class CaseDocumentsState(rx.State):
    reference: str = ""
    loaded: bool = False
    people: list[PersonGroup] = []
    person_options: list[tuple[str, str]] = []
    links: list[LinkView] = []
    section_options: list[tuple[str, str]] = [
        (key, section.title_en) for key, section in checklist_sections().items()
    ]
    reason_options: list[tuple[str, str]] = [
        *((code, text["en"]) for code, text in REJECTION_REASONS.items()),
        ("other", "Other (write it)"),
    ]
    default_days: int = DEFAULT_DAYS
    # The open dialog (reject, waive, upload, ask or "") and the item it is about.
    dialog: str = ""
    dialog_item_id: int = 0
    dialog_item_title: str = ""
    errors: dict[str, str] = {}
    form_version: int = 0
    # A portal link just made: its address, shown once (only the token's hash is stored).
    new_link_url: str = ""
    new_link_person: str = ""
    uploading: bool = False
    progress: int = 0
    results: list[UploadResult] = []
    limit_mb: int = 25

    async def _reload(self) -> bool:
        """Read the tab again; False when the case is no longer visible to this user."""
        try:
            views, people, links = await call(
                _documents_tab, viewer=current_viewer(), reference=self.reference
            )
        except NotFound:
            self.people, self.person_options, self.links = [], [], []
            self.loaded = True
            return False
        self.people = group_documents(views)
        self.person_options = [(str(person.member_id), person.label) for person in people]
        self.links = links
        self.loaded = True
        return True

    async def _refresh_case(self) -> None:
        """The header and the timeline show the change too."""
        await self._reload()
        await (await self.get_state(CaseState))._reload()

    def _forget_link(self) -> None:
        self.new_link_url, self.new_link_person = "", ""

    @rx.event
    @staff_only()
    async def load(self):
        """On opening a case: no reads yet, unless the link opens this tab (the review queue's
        links do); otherwise the tab loads when it is shown."""
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.loaded, self.people, self.person_options, self.links = False, [], [], []
        self.dialog, self.errors, self.results = "", {}, []
        self.limit_mb = get_settings().upload_limit_mb
        self._forget_link()
        if self.router.url.query_parameters.get("tab") == "documents":
            await self._reload()

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        self._forget_link()
        if tab == "documents":
            await self._reload()

    async def _act(self, service, success: str, **kwargs):
        """Run a change to this case; a field's message stays beside its field."""
        try:
            await call(service, actor=current_viewer(), reference=self.reference, **kwargs)
        except InvalidInput as error:
            if "item" in error.fields:  # no field to show it beside: the item moved on
                self.dialog, self.errors = "", {}
                await self._reload()
                return rx.toast.error(error.fields["item"])
            self.errors = error.fields
            return None
        except NotFound as error:
            self.dialog, self.errors = "", {}
            return rx.toast.error(str(error) if await self._reload() else _GONE)
        self.dialog, self.errors = "", {}
        self.form_version += 1
        await self._refresh_case()
        return rx.toast.success(success)

    # --- review ------------------------------------------------------------------------------

    @rx.event
    @staff_only()
    async def accept(self, item_id: int):
        chosen = chosen_id(item_id) or 0
        if self._goes_stale(chosen):  # its validity counts from the issue date: ask for it
            await self._open("accept", chosen)
            return None
        return await self._act(accept_item, "Accepted.", item_id=chosen)

    @rx.event
    @staff_only()
    async def accept_issued(self, form_data: dict):
        raw = form_text(form_data).get("issued_on", "")
        try:
            issued_on = date.fromisoformat(raw) if raw else None
        except ValueError:
            self.errors = {"issued_on": "Enter the date it was issued."}
            return None
        return await self._act(
            accept_item, "Accepted.", item_id=self.dialog_item_id, issued_on=issued_on
        )

    def _view(self, item_id: int) -> ItemView | None:
        """An item as this tab shows it (only those of the case on screen)."""
        return next(
            (
                view
                for person in self.people
                for section in person.sections
                for view in section.documents
                if view.id == item_id
            ),
            None,
        )

    def _goes_stale(self, item_id: int) -> bool:
        view = self._view(item_id)
        return view is not None and view.expires_after_days > 0

    @rx.event
    @staff_only()
    async def restore(self, item_id: int):
        return await self._act(
            restore_item,
            "Needed again: the client sees it on their list.",
            item_id=chosen_id(item_id) or 0,
        )

    def _item_title(self, item_id: int) -> str:
        view = self._view(item_id)
        return view.title if view else ""

    async def _open(self, dialog: str, item_id) -> None:
        chosen = chosen_id(item_id) or 0
        title = self._item_title(chosen)
        if dialog != "ask" and not title:
            return
        self.dialog, self.dialog_item_id, self.dialog_item_title = dialog, chosen, title
        self.errors, self.results, self.progress = {}, [], 0
        self.form_version += 1

    @rx.event
    @staff_only()
    async def open_reject(self, item_id: int):
        await self._open("reject", item_id)

    @rx.event
    @staff_only()
    async def open_waive(self, item_id: int):
        await self._open("waive", item_id)

    @rx.event
    @staff_only()
    async def open_upload(self, item_id: int):
        await self._open("upload", item_id)

    @rx.event
    @staff_only()
    async def open_ask(self):
        await self._open("ask", 0)

    @rx.event
    @staff_only()
    async def close_dialog(self):
        if self.uploading:
            return None  # the upload's own handler closes it
        was_upload = self.dialog == "upload"
        self.dialog, self.dialog_item_id, self.errors, self.results = "", 0, {}, []
        return rx.clear_selected_files(UPLOAD_ID) if was_upload else None

    @rx.event
    @staff_only()
    async def reject(self, form_data: dict):
        field = form_text(form_data)
        return await self._act(
            reject_item,
            "Sent back; the client sees the reason in their language.",
            item_id=self.dialog_item_id,
            reason_code=field.get("reason", "")[:40],
            note=field.get("note", "")[:1000],
        )

    @rx.event
    @staff_only()
    async def waive(self, form_data: dict):
        return await self._act(
            waive_item,
            "Waived: no longer asked of the client.",
            item_id=self.dialog_item_id,
            reason=form_text(form_data).get("reason", "")[:1000],
        )

    @rx.event
    @staff_only()
    async def ask_for_document(self, form_data: dict):
        field = form_text(form_data)
        return await self._act(
            add_case_item,
            "Added: the client sees it on their list.",
            member_id=chosen_id(field.get("member_id", "")) or 0,
            text=item_text(form_data),
            reason=field.get("reason", "")[:1000],
        )

    # --- staff upload --------------------------------------------------------------------------

    @rx.event
    @public  # it only moves this tab's own progress bar
    def upload_progress(self, progress: dict):
        self.progress = percent_sent(progress)

    @rx.event(background=True)
    @staff_only()
    async def upload(self, chunks: rx.UploadChunkIterator):
        viewer = current_viewer()
        async with self:
            reference, item_id = self.reference, self.dialog_item_id
            self.uploading, self.results = True, []
        limit_mb = get_settings().upload_limit_mb

        async def keep(staged: storage.StagedFile) -> None:
            try:
                await call(
                    add_staff_file,
                    actor=viewer,
                    reference=reference,
                    item_id=item_id,
                    staged=staged,
                )
            except NotFound as error:
                raise storage.UploadRefused("not_found", str(error)) from error

        try:
            outcomes, cut_short = await receive_files(
                chunks, limit_bytes=limit_mb * 1024 * 1024, keep=keep
            )
        except BaseException:
            async with self:
                self.uploading = False
            raise
        async with self:
            self.uploading = False
            self.results = [
                UploadResult(
                    name=outcome.name,
                    ok=not outcome.refused,
                    message="Saved as the next version; it waits for review."
                    if not outcome.refused
                    else _REFUSED.get(outcome.refused, _REFUSED["damaged"]).format(limit=limit_mb),
                )
                for outcome in outcomes
            ]
            await self._refresh_case()
        if cut_short:
            return None
        return rx.clear_selected_files(UPLOAD_ID)

    # --- client portal links ----------------------------------------------------------------

    @rx.event
    @staff_only()
    async def create_portal_link(self, form_data: dict):
        field = form_text(form_data)
        days = whole_number(field.get("link_days", "").strip())
        try:
            if days is None:
                raise InvalidInput({"days": "Enter a whole number of days."})
            _, token = await call(
                create_link,
                actor=current_viewer(),
                reference=self.reference,
                member_id=chosen_id(field.get("link_member_id", "")) or 0,
                days=days,
                require_date_of_birth=field.get("link_birth_date", "") in _CHECKED,
                send_email=field.get("link_email", "") in _CHECKED,
            )
        except InvalidInput as error:
            self.errors = {f"link_{name}": text for name, text in error.fields.items()}
            return None
        except NotFound:
            await self._reload()
            return rx.toast.error(_GONE)
        self.errors = {}
        self.form_version += 1
        self.new_link_url = portal_url(token)
        self.new_link_person = dict(self.person_options).get(field.get("link_member_id", ""), "")
        await self._refresh_case()
        return None

    @rx.event
    @staff_only()
    async def close_new_link(self):
        self._forget_link()

    @rx.event
    @staff_only()
    async def revoke_portal_link(self, link_id: int):
        try:
            await call(
                revoke_link,
                actor=current_viewer(),
                reference=self.reference,
                link_id=chosen_id(link_id) or 0,
            )
        except NotFound as error:
            return rx.toast.error(str(error) if await self._reload() else _GONE)
        await self._refresh_case()
        return rx.toast.success("Link revoked: it no longer opens the portal.")

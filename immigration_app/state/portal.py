"""The client portal: one person's view of their case, opened by a link, in their language.

The token is read from the address once; afterwards the browser's state holds only the link's
id, in a backend variable the browser never sees, and every handler re-checks the link (a
revoked or expired link stops working at the next click, not at the next visit).
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass

import reflex as rx

from immigration_app import catalog
from immigration_app.models import ItemStatus
from immigration_app.services import storage
from immigration_app.services.documents import ItemView
from immigration_app.services.errors import NotFound
from immigration_app.services.portal import (
    PortalAccess,
    PortalHome,
    PortalRefused,
    add_portal_file,
    check_link,
    needs_birth_date,
    open_portal,
    portal_home,
    portal_items,
    set_language,
)
from immigration_app.settings import get_settings
from immigration_app.state.auth import public
from immigration_app.state.services import call
from immigration_app.state.uploads import percent_sent, receive_files

UPLOAD_ID = "portal_upload"
ACCEPT = {"image/*": [], "application/pdf": [".pdf"]}
_REFUSALS = {
    "unknown": "link_unknown",
    "expired": "link_expired",
    "revoked": "link_revoked",
    "locked": "link_locked",
    "case_closed": "link_case_closed",
}
_STATUS_TEXT = {status: f"status_{status}" for status in ItemStatus}


@dataclass(frozen=True)
class PortalItem:
    id: int
    title: str
    explain: str
    section: str
    status: str
    status_text: str
    reason: str
    required: bool
    translation: bool
    files: int
    can_send: bool
    send_label: str


@dataclass(frozen=True)
class UploadResult:
    name: str
    ok: bool
    message: str


def _item(view: ItemView, words: dict[str, str]) -> PortalItem:
    status = ItemStatus(view.status)
    return PortalItem(
        id=view.id,
        title=view.title,
        explain=view.explain,
        section=view.section_title,
        status=view.status,
        status_text=words[_STATUS_TEXT[status]],
        reason=view.reason if status == ItemStatus.REJECTED else "",
        required=view.required,
        translation=view.translation,
        files=len(view.files),
        can_send=status != ItemStatus.WAIVED,
        send_label=words["send"]
        if status == ItemStatus.NEEDED
        else words["send_again"]
        if status == ItemStatus.REJECTED
        else words["add_pages"],
    )


def portal_only(handler):
    """Run the handler only while this browser's link still works; else say why it stopped."""

    @functools.wraps(handler)
    async def guarded(self: PortalState, *args, **kwargs):
        try:
            access = await call(check_link, link_id=self._link_id)
        except PortalRefused as refused:
            self._refuse(refused.code or "unknown", "link_unavailable")
            return None
        return await handler(self, access, *args, **kwargs)

    # Reflex reads a handler's parameters to bind the page's arguments; `access` is ours.
    signature = inspect.signature(handler)
    parameters = [p for name, p in signature.parameters.items() if name != "access"]
    guarded.__signature__ = signature.replace(parameters=parameters)
    return checks_link(guarded)


def checks_link(handler):
    """Mark a handler that checks the portal link itself (the authorisation test reads it)."""
    handler.checks_portal_link = True
    return handler


class PortalState(rx.State):
    phase: str = "loading"  # loading | birth_date | refused | open
    refusal: str = ""
    birth_date_wrong: bool = False
    language: str = "en"
    home: PortalHome | None = None
    items: list[PortalItem] = []
    outstanding: int = 0
    # The item whose upload screen is open (0: the list is shown).
    upload_item_id: int = 0
    upload_item_title: str = ""
    sending: bool = False
    progress: int = 0
    results: list[UploadResult] = []
    limit_mb: int = 25
    _link_id: int = 0
    _token: str = ""

    @rx.var
    def t(self) -> dict[str, str]:
        return catalog.portal_text()[self.language if self.language == "es" else "en"]

    def _refuse(self, code: str, fallback: str = "link_unknown") -> None:
        self.phase, self.refusal = "refused", _REFUSALS.get(code, fallback)
        self._link_id, self._token = 0, ""
        self.home, self.items, self.upload_item_id = None, [], 0

    async def _show(self, access: PortalAccess) -> None:
        self.language = access.language
        self.home = await call(portal_home, access=access, language=self.language)
        views = await call(portal_items, access=access, language=self.language)
        words = catalog.portal_text()[self.language]
        self.items = [_item(view, words) for view in views]
        self.outstanding = sum(view.outstanding for view in views)
        self.phase = "open"

    @rx.event
    @public
    async def load(self):
        self.limit_mb = get_settings().upload_limit_mb
        self.upload_item_id, self.results, self.birth_date_wrong = 0, [], False
        token = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self._link_id, self._token = 0, token
        if await call(needs_birth_date, token=token):
            self.phase = "birth_date"
            return
        await self._open(token, "")

    async def _open(self, token: str, birth_date: str) -> None:
        try:
            access = await call(
                open_portal,
                token=token,
                birth_date=birth_date,
                client_address=self.router.session.client_ip,
            )
        except PortalRefused as refused:
            if refused.code == "wrong_birth_date":
                self.phase, self.birth_date_wrong = "birth_date", True
            elif refused.code == "needs_birth_date":
                self.phase = "birth_date"
            else:
                self._refuse(refused.code)
            return
        self._link_id, self._token = access.link_id, ""
        await self._show(access)

    @rx.event
    @public
    async def confirm_birth_date(self, form_data: dict):
        if not self._token:
            self._refuse("unknown")
            return
        await self._open(self._token, str(form_data.get("birth_date") or ""))

    @rx.event
    @portal_only
    async def switch_language(self, access: PortalAccess, language: str):
        chosen = await call(set_language, access=access, language=str(language))
        await self._show(PortalAccess(**{**access.__dict__, "language": chosen}))

    @rx.event
    @portal_only
    async def refresh(self, access: PortalAccess):
        await self._show(access)

    @rx.event
    @portal_only
    async def choose_item(self, access: PortalAccess, item_id: int):
        item = next((item for item in self.items if item.id == item_id), None)
        if item is None or not item.can_send:
            return
        self.upload_item_id, self.upload_item_title = item.id, item.title
        self.results, self.progress = [], 0

    @rx.event
    @public
    def close_upload(self):
        self.upload_item_id, self.results, self.progress = 0, [], 0
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    @public
    def upload_progress(self, progress: dict):
        self.progress = percent_sent(progress)

    @rx.event(background=True)
    @checks_link
    async def upload(self, chunks: rx.UploadChunkIterator):
        async with self:
            link_id, item_id = self._link_id, self.upload_item_id
            self.sending, self.results = True, []
        try:
            access = await call(check_link, link_id=link_id)
        except PortalRefused as refused:
            async with self:
                self.sending = False
                self._refuse(refused.code, "link_unavailable")
            return

        async def keep(staged: storage.StagedFile) -> None:
            try:
                await call(add_portal_file, access=access, item_id=item_id, staged=staged)
            except NotFound as error:
                raise storage.UploadRefused("unsupported_type", str(error)) from error

        outcomes, cut_short = await receive_files(
            chunks, limit_bytes=get_settings().upload_limit_mb * 1024 * 1024, keep=keep
        )
        async with self:
            words = catalog.portal_text()[self.language]
            self.results = [
                UploadResult(
                    name=outcome.name,
                    ok=not outcome.refused,
                    message=words["result_ok"]
                    if not outcome.refused
                    else words[outcome.refused].replace("{limit}", str(self.limit_mb)),
                )
                for outcome in outcomes
            ]
            self.sending = False
            await self._show(access)
        if not cut_short:
            return rx.clear_selected_files(UPLOAD_ID)
        return None

"""The Requests for evidence section of a case's USCIS tab: each RFE or NOID with its deadlines
and requested items, and the open one's response packet from build to review to filing.

Nothing is read until the tab opens (or the address opens it: ?tab=uscis).
"""

from __future__ import annotations

import asyncio
from datetime import date

import reflex as rx

from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.evidence_request_views import (
    DocumentChoice,
    RequestView,
    ResponseView,
    requests_tab,
)
from immigration_app.services.evidence_requests import (
    add_requested_item,
    ask_client,
    build_response,
    decide_response,
    open_request,
    record_response_filed,
    remove_requested_item,
    submit_response,
)
from immigration_app.services.reviews import RESPONSE_CHECKS
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.cases import CaseState, chosen_id, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

TAB = "uscis"
_GONE = "This case is no longer available to you."
_CHECKED = ("on", "true")
_NO_RESPONSE = ResponseView(0, "none", "", 0, 0, False, False, "", False)


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        return None


@opens_with_the_case
class CaseRfeState(rx.State):
    reference: str = ""
    loaded: bool = False
    requests: list[RequestView] = []
    documents: list[DocumentChoice] = []
    response: ResponseView = _NO_RESPONSE
    people: list[tuple[str, str]] = []
    checks: list[tuple[str, str]] = list(RESPONSE_CHECKS.items())
    errors: dict[str, str] = {}
    form_version: int = 0
    building: bool = False
    build_progress: int = 0

    async def _reload(self) -> bool:
        try:
            tab = await call(requests_tab, viewer=current_viewer(), reference=self.reference)
        except NotFound:
            self.requests, self.documents, self.response = [], [], _NO_RESPONSE
            self.loaded = True
            return False
        self.requests, self.documents = tab.requests, tab.documents
        self.response, self.people = tab.response, tab.people
        self.loaded = True
        return True

    @rx.event
    @staff_only()
    async def load(self):
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.loaded, self.requests, self.documents, self.errors = False, [], [], {}
        self.response, self.building, self.build_progress = _NO_RESPONSE, False, 0
        if self.router.url.query_parameters.get("tab") == TAB:
            await self._reload()

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        if tab == TAB:
            await self._reload()

    async def _act(self, service, success: str, *, prefix: str = "", **kwargs):
        """Run a change; a field's message stays beside its field (under `prefix` + name)."""
        try:
            await call(service, actor=current_viewer(), reference=self.reference, **kwargs)
        except InvalidInput as error:
            self.errors = {f"{prefix}{name}": text for name, text in error.fields.items()}
            return None
        except NotPermitted as error:
            self.errors = {}
            return rx.toast.error(str(error))
        except NotFound as error:
            self.errors = {}
            return rx.toast.error(str(error) if await self._reload() else _GONE)
        self.errors = {}
        self.form_version += 1
        await self._reload()
        await (await self.get_state(CaseState))._reload()
        return rx.toast.success(success)

    # --- the request and what it asks for -------------------------------------------------------

    @rx.event
    @staff_only()
    async def add_by_hand(self, form_data: dict):
        field = form_text(form_data)
        notice_on = _day(field.get("rfe_notice_date", ""))
        due_on = _day(field.get("rfe_due_on", ""))
        return await self._act(
            open_request,
            "Recorded: the deadline and the firm's target are on the Deadlines tab.",
            prefix="rfe_",
            kind=field.get("rfe_kind", ""),
            notice_date=notice_on,
            due_on=due_on,
            receipt_number=field.get("rfe_receipt_number", "")[:30],
        )

    @rx.event
    @staff_only()
    async def add_item(self, form_data: dict):
        field = form_text(form_data)
        request_id = chosen_id(field.get("request_id", "")) or 0
        member_id = chosen_id(field.get("member_id", ""))
        return await self._act(
            add_requested_item,
            "Added." + (" The client sees it on their list in the portal." if member_id else ""),
            prefix=f"{request_id}-",
            request_id=request_id,
            text=field.get("text", "")[:600],
            member_id=member_id,
            title_es=field.get("title_es", "")[:200],
        )

    @rx.event
    @staff_only()
    async def ask(self, form_data: dict):
        field = form_text(form_data)
        request_id, key = chosen_id(field.get("request_id", "")) or 0, field.get("key", "")[:16]
        return await self._act(
            ask_client,
            "Asked: the client sees it on their list in the portal.",
            prefix=f"{key}-",
            request_id=request_id,
            key=key,
            member_id=chosen_id(field.get("member_id", "")) or 0,
        )

    @rx.event
    @staff_only()
    async def remove_item(self, request_id: int, key: str):
        return await self._act(
            remove_requested_item,
            "Taken off the request.",
            request_id=chosen_id(request_id) or 0,
            key=str(key)[:16],
        )

    # --- the response packet --------------------------------------------------------------------

    @rx.event(background=True)
    @staff_only()
    async def build(self, form_data: dict):
        """Build the response packet in a worker thread, the progress bar following it."""
        viewer = current_viewer()
        async with self:
            if self.building:
                return None
            reference, request_id = self.reference, self.response.request_id
            chosen = [chosen_id(key.removeprefix("doc_")) for key in form_data]
            item_ids = [
                item_id
                for key, item_id in zip(form_data, chosen, strict=True)
                if item_id and str(form_data[key]).lower() in _CHECKED
            ]
            self.building, self.build_progress, self.errors = True, 0, {}
        done = {"step": 0, "steps": 1}

        def progress(step: int, steps: int) -> None:
            done.update(step=step, steps=max(steps, 1))

        task = asyncio.create_task(
            asyncio.to_thread(
                build_response,
                actor=viewer,
                reference=reference,
                request_id=request_id,
                item_ids=item_ids,
                progress=progress,
            )
        )
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=0.25)
                async with self:
                    self.build_progress = min(99, 100 * done["step"] // done["steps"])
            built = task.result()
        except (InvalidInput, NotFound) as error:
            async with self:
                self.building, self.build_progress = False, 0
                if isinstance(error, NotFound):
                    return rx.toast.error(str(error) if await self._reload() else _GONE)
                self.errors = {f"build_{key}": text for key, text in error.fields.items()}
            return None
        async with self:
            self.building, self.build_progress = False, 100
            self.form_version += 1
            await self._reload()
            await (await self.get_state(CaseState))._reload()
        return rx.toast.success(f"Response packet version {built.version} built.")

    @rx.event
    @staff_only()
    async def submit(self, form_data: dict):
        return await self._act(
            submit_response,
            "Submitted: a second reviewer decides on it.",
            prefix="submit_",
            request_id=self.response.request_id,
            note=form_text(form_data).get("rfe_note", "")[:2001],
        )

    @rx.event
    @staff_only()
    async def approve(self, form_data: dict):
        field = form_text(form_data)
        return await self._act(
            decide_response,
            "Approved: the response can be filed.",
            prefix="review_",
            request_id=self.response.request_id,
            approve=True,
            checks=[key for key in RESPONSE_CHECKS if field.get(f"check_{key}", "") in _CHECKED],
        )

    @rx.event
    @staff_only()
    async def send_back(self, form_data: dict):
        return await self._act(
            decide_response,
            "Returned to the preparer with your comments.",
            prefix="review_",
            request_id=self.response.request_id,
            approve=False,
            comments=form_text(form_data).get("comments", "")[:2001],
        )

    @rx.event
    @staff_only()
    async def record_filed(self, form_data: dict):
        raw = form_text(form_data).get("rfe_filed_on", "")
        if _day(raw) is None:
            self.errors = {"rfe_filed_on": "Enter the day the response was sent."}
            return None
        return await self._act(
            record_response_filed,
            "Recorded: the deadline is met and the case is back to pending with USCIS.",
            prefix="rfe_",
            request_id=self.response.request_id,
            filed_on=_day(raw),
        )

"""The Outbox page: every message the system sent or tried to send, and retries."""

from __future__ import annotations

import reflex as rx

from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.messages import MessageView, outbox, retry_message
from immigration_app.services.numbers import MAX_PAGE, whole_number
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.forms import form_text
from immigration_app.state.services import call


class OutboxState(rx.State):
    status: str = ""
    search: str = ""
    only_mine: bool = False
    messages: list[MessageView] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    status_options: list[tuple[str, str]] = [
        ("queued", "Queued"),
        ("sending", "Sending"),
        ("sent", "Sent"),
        ("failed", "Failed"),
    ]

    async def _reload(self) -> None:
        found = await call(
            outbox,
            viewer=current_viewer(),
            status=self.status,
            search=self.search,
            only_mine=self.only_mine,
            page=self.page,
        )
        self.messages, self.total = found.messages, found.total
        self.page, self.pages = found.page, found.pages

    @rx.event
    @staff_only()
    async def load(self):
        self.only_mine = self.router.url.query_parameters.get("mine", "") == "1"
        await self._reload()

    @rx.event
    @staff_only()
    async def filter_status(self, status: str):
        self.status, self.page = str(status)[:16], 1
        await self._reload()

    @rx.event
    @staff_only()
    async def show_only_mine(self, checked: bool):
        self.only_mine, self.page = bool(checked), 1
        await self._reload()

    @rx.event
    @staff_only()
    async def find(self, form_data: dict):
        self.search, self.page = form_text(form_data).get("search", "")[:100], 1
        await self._reload()

    @rx.event
    @staff_only()
    async def go_to_page(self, page: int):
        self.page = whole_number(page, most=MAX_PAGE) or 1
        await self._reload()

    @rx.event
    @staff_only()
    async def retry(self, message_id: int):
        try:
            await call(
                retry_message, actor=current_viewer(), message_id=whole_number(message_id) or 0
            )
        except (InvalidInput, NotFound) as error:
            text = " ".join(error.fields.values()) if isinstance(error, InvalidInput) else ""
            return rx.toast.error(text or "That message is no longer available.")
        await self._reload()
        return rx.toast.success("Queued again; it goes out with the next sweep (within a minute).")

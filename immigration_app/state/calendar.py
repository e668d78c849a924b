"""/calendar: the month view of open deadlines, and the private iCal feed links."""

from __future__ import annotations

import reflex as rx

from immigration_app.services.calendar import (
    FEED_PATH,
    FeedView,
    MonthView,
    create_feed,
    month_view,
    my_feeds,
    revoke_feed,
)
from immigration_app.services.errors import NotFound
from immigration_app.services.numbers import whole_number
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.services import call

_EMPTY_MONTH = MonthView(title="", previous="", following="", weeks=[])


class CalendarState(rx.State):
    month: str = ""
    view: MonthView = _EMPTY_MONTH
    feeds: list[FeedView] = []
    # A new feed's link, shown once: only its hash is stored.
    new_feed_url: str = ""

    async def _reload(self) -> None:
        viewer = current_viewer()
        self.view = await call(month_view, viewer=viewer, month=self.month)
        self.feeds = await call(my_feeds, viewer=viewer)

    @rx.event
    @staff_only()
    async def load(self):
        self.month = self.router.url.query_parameters.get("month", "")[:7]
        self.new_feed_url = ""
        await self._reload()

    @rx.event
    @staff_only()
    async def show_month(self, month: str):
        self.month = str(month)[:7]
        await self._reload()
        return rx.call_script(f"history.replaceState(null, '', '/calendar?month={self.month}')")

    @rx.event
    @staff_only()
    async def new_feed(self, reference: str = ""):
        try:
            token = await call(create_feed, actor=current_viewer(), reference=str(reference)[:20])
        except NotFound:
            return rx.toast.error("This case is no longer available to you.")
        self.new_feed_url = self.router.url.origin + FEED_PATH.format(token=token)
        await self._reload()
        return None

    @rx.event
    @staff_only()
    async def revoke(self, feed_id: int):
        try:
            await call(revoke_feed, actor=current_viewer(), feed_id=whole_number(feed_id) or 0)
        except NotFound:
            return rx.toast.error("That feed is already gone.")
        self.new_feed_url = ""
        await self._reload()
        return rx.toast.success("Feed revoked: its link no longer works.")

"""The Deadlines tab of a case: add from a trigger event or by hand, meet or waive with a note."""

from __future__ import annotations

from datetime import date, time

import reflex as rx

from immigration_app.services.calendar import FEED_PATH, create_feed
from immigration_app.services.deadline_engine import parse_date
from immigration_app.services.deadlines import (
    DeadlineView,
    TriggerChoice,
    add_to_case,
    case_deadlines,
    client_intervals,
    close_deadline,
    set_client_interval,
    trigger_choices,
)
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.messages import MessageView, case_messages
from immigration_app.services.numbers import whole_number
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.cases import CaseState, chosen_id, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.services import call


def _day(raw: str, field: str) -> date | None:
    """A date from an <input type=date> (ISO), or None when left empty."""
    return parse_date(raw, "YYYY-MM-DD", field=field) if raw.strip() else None


def _clock_time(raw: str) -> time | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise InvalidInput({"starts_at": f"{raw} is not a time of day."}) from None


_TRIGGERS = trigger_choices()  # catalog data: the same for every case and every user


_TABS = ("deadlines", "messages")  # the tabs that show what this state holds


def _deadlines_and_messages(session, *, viewer, reference: str):
    """Both tabs' contents, in one transaction."""
    return (
        case_deadlines(session, viewer=viewer, reference=reference),
        case_messages(session, viewer=viewer, reference=reference),
        client_intervals(session, viewer=viewer, reference=reference),
    )


@opens_with_the_case
class CaseDeadlinesState(rx.State):
    reference: str = ""
    deadlines: list[DeadlineView] = []
    messages: list[MessageView] = []
    triggers: list[TriggerChoice] = _TRIGGERS
    trigger_options: list[tuple[str, str]] = [(t.key, t.label) for t in _TRIGGERS]
    trigger: str = ""
    closing_id: int = 0
    errors: dict[str, str] = {}
    form_version: int = 0
    # A new calendar feed's link for this case, shown once: only its hash is stored.
    feed_url: str = ""
    # How often the client hears from us: status notes, missing-document reminders.
    client_every_days: dict[str, int] = {}

    @rx.var
    def chosen_trigger(self) -> TriggerChoice | None:
        return next((choice for choice in self.triggers if choice.key == self.trigger), None)

    async def _refresh_case(self) -> None:
        """The header's next deadline and the timeline show the change too."""
        await self._reload()
        await (await self.get_state(CaseState))._reload()

    async def _reload(self) -> None:
        try:
            self.deadlines, self.messages, self.client_every_days = await call(
                _deadlines_and_messages, viewer=current_viewer(), reference=self.reference
            )
        except NotFound:
            self.deadlines, self.messages = [], []

    @rx.event
    @staff_only()
    async def load(self):
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.trigger, self.closing_id, self.errors, self.feed_url = "", 0, {}, ""
        self.deadlines, self.messages, self.client_every_days = [], [], {}
        await self._open((await self.get_state(CaseState)).tab)

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        await self._open(tab)

    async def _open(self, tab: str) -> None:
        """Opening the tab reads it afresh: it shows what other tabs changed meanwhile (a
        profile's I-94 date)."""
        if tab in _TABS:
            await self._reload()

    @rx.event
    @staff_only()
    async def new_case_feed(self):
        try:
            token = await call(create_feed, actor=current_viewer(), reference=self.reference)
        except NotFound:
            return rx.toast.error("This case is no longer available to you.")
        self.feed_url = self.router.url.origin + FEED_PATH.format(token=token)
        return None

    @rx.event
    @staff_only()
    async def choose_trigger(self, key: str):
        self.trigger = str(key)[:40]
        self.errors = {}

    @rx.event
    @staff_only()
    async def add(self, form_data: dict):
        field = form_text(form_data)
        try:
            added = await call(
                add_to_case,
                actor=current_viewer(),
                reference=self.reference,
                trigger=self.trigger,
                trigger_on=_day(field.get("trigger_on", ""), "trigger_on"),
                mailed=field.get("mailed", "") in ("on", "true"),
                printed_on=_day(field.get("printed_on", ""), "printed_on"),
                title=field.get("title", ""),
                due_on=_day(field.get("due_on", ""), "due_on"),
                starts_at_local=_clock_time(field.get("starts_at", "")),
                place=field.get("place", "")[:300],
            )
        except InvalidInput as error:
            self.errors = error.fields
            return None
        except NotFound:
            return rx.toast.error("This case is no longer available to you.")
        self.errors, self.trigger = {}, ""
        self.form_version += 1
        await self._refresh_case()
        titles = ", ".join(deadline.title for deadline in added)
        return rx.toast.success(f"Added: {titles}.")

    @rx.event
    @staff_only()
    async def start_closing(self, deadline_id: int):
        self.closing_id = chosen_id(deadline_id) or 0
        self.errors = {}

    @rx.event
    @staff_only()
    async def cancel_closing(self):
        self.closing_id, self.errors = 0, {}

    @rx.event
    @staff_only()
    async def close(self, form_data: dict):
        field = form_text(form_data)
        try:
            await call(
                close_deadline,
                actor=current_viewer(),
                reference=self.reference,
                deadline_id=self.closing_id,
                outcome=field.get("outcome", ""),
                note=field.get("closing_note", ""),
            )
        except InvalidInput as error:
            self.errors = {f"closing_{name}": text for name, text in error.fields.items()}
            return None
        except NotFound:
            await self._reload()
            return rx.toast.error("That deadline is no longer on this case.")
        self.closing_id, self.errors = 0, {}
        await self._refresh_case()
        return rx.toast.success("Deadline closed; the note is on the timeline.")

    @rx.event
    @staff_only()
    async def save_client_every(self, form_data: dict):
        field = form_text(form_data)
        which = field.get("which", "")
        days = whole_number(field.get(which, "").strip())
        try:
            if days is None:
                raise InvalidInput({which: "Enter a whole number of days (0 = never)."})
            await call(
                set_client_interval,
                actor=current_viewer(),
                reference=self.reference,
                which=which,
                days=days,
            )
        except InvalidInput as error:
            self.errors = error.fields
            return None
        except NotFound:
            return rx.toast.error("This case is no longer available to you.")
        self.errors = {}
        await self._refresh_case()
        return rx.toast.success("Saved: how often the client hears from us.")

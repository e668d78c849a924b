"""The histories under each person on a case's Profile tab: lists, the row dialog, removal.

The histories of all the case's people load with the Profile tab, and a person's again
after a change to them. One row dialog and one removal question are open at
a time; which person, history and row they are about is kept here, on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from immigration_app.services import histories
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.profile_histories import (
    STAFF_KINDS,
    MemberHistories,
    case_histories,
    history_rows,
    member_histories,
    remove_history,
    save_history,
)
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.cases import CaseState, chosen_id, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

# The dialog's inputs are named with this prefix: the profile form beside it may be open with
# inputs of the same names (a parent's "date_of_birth").
FIELD_PREFIX = "history_"
_GONE = "This person or row is no longer on the case."


@dataclass(frozen=True)
class HistoryItem:
    row_id: int
    text: str
    period: str  # "03/01/2022 to now"; "" for a history without dates (parents)


def list_key(person_id: int, kind: str) -> str:
    """Where a person's history is kept in the lists (the page builds the same key)."""
    return f"{person_id}:{kind}"


def _period(row: histories.HistoryRow) -> str:
    if not row.since:
        return ""
    return f"{row.since} to {row.until or 'now'}"


def _kind(raw) -> str:
    return raw if raw in STAFF_KINDS else ""


@opens_with_the_case
class CaseHistoriesState(rx.State):
    # list_key(person, kind) -> its rows, and the five-year gaps as sentences to show.
    lists: dict[str, list[HistoryItem]] = {}
    gaps: dict[str, list[str]] = {}
    # The row dialog: its history ("" while closed), person and row (0 for a new row).
    dialog_kind: str = ""
    dialog_person_id: int = 0
    dialog_row_id: int = 0
    dialog_title: str = ""
    draft: dict[str, str] = {}  # the row's stored values (plain field names)
    errors: dict[str, str] = {}  # prefixed field name -> message
    form_version: int = 0
    # A removal waiting for its confirmation.
    removing_kind: str = ""
    removing_person_id: int = 0
    removing_row_id: int = 0
    removing_text: str = ""
    _names: dict[int, str] = {}  # person -> name, for the dialogs' titles

    async def _reference(self) -> str:
        return (await self.get_state(CaseState)).reference

    def _show(self, member: MemberHistories) -> None:
        self._names = {**self._names, member.person_id: member.name}
        lists, gaps = dict(self.lists), dict(self.gaps)
        for kind, part in member.parts.items():
            key = list_key(member.person_id, kind)
            lists[key] = [
                HistoryItem(row_id=row.id, text=row.text, period=_period(row)) for row in part.rows
            ]
            noun = histories.KINDS[kind].noun
            gaps[key] = [f"No {noun} from {start} to {end}" for start, end in part.gaps]
        self.lists, self.gaps = lists, gaps

    def _forget(self, person_id: int) -> None:
        keys = {list_key(person_id, kind) for kind in STAFF_KINDS}
        self.lists = {key: rows for key, rows in self.lists.items() if key not in keys}
        self.gaps = {key: lines for key, lines in self.gaps.items() if key not in keys}

    async def _load(self, person_id: int) -> bool:
        """Read a person's histories again; False when they are no longer to be seen."""
        try:
            member = await call(
                member_histories,
                viewer=current_viewer(),
                reference=await self._reference(),
                person_id=person_id,
            )
        except NotFound:
            self._forget(person_id)
            return False
        self._show(member)
        return True

    async def _changed(self, person_id: int, message: str):
        """After a change: this person's lists, and the case's timeline and client marks."""
        await self._load(person_id)
        await (await self.get_state(CaseState))._reload()
        return rx.toast.success(message)

    def _close(self) -> None:
        self.dialog_kind, self.dialog_person_id, self.dialog_row_id = "", 0, 0
        self.draft, self.errors = {}, {}

    def _keep(self) -> None:
        """No removal waits for its confirmation any more."""
        self.removing_kind, self.removing_person_id, self.removing_row_id = "", 0, 0

    async def _load_people(self) -> None:
        try:
            members = await call(
                case_histories, viewer=current_viewer(), reference=await self._reference()
            )
        except NotFound:
            return  # the case page says the case is gone
        for member in members:
            self._show(member)

    @rx.event
    @staff_only()
    async def load(self):
        """On opening a case (after CaseState.load): its people's histories, if the Profile
        tab is the one shown."""
        self.lists, self.gaps, self._names = {}, {}, {}
        self._close()
        self._keep()
        if (await self.get_state(CaseState)).tab == "profile":
            await self._load_people()

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        if tab == "profile":
            await self._load_people()

    @rx.event
    @staff_only()
    async def open_add(self, person_id: int, kind: str):
        chosen, kind = chosen_id(person_id) or 0, _kind(kind)
        if not kind or chosen not in self._names:
            return
        self._close()
        self.dialog_kind, self.dialog_person_id = kind, chosen
        self.dialog_title = f"Add {histories.KINDS[kind].a_noun} for {self._names[chosen]}"
        self.draft = {"country": "United States"} if kind in ("addresses", "employment") else {}
        self.form_version += 1

    @rx.event
    @staff_only()
    async def open_edit(self, person_id: int, kind: str, row_id: int):
        chosen, kind, row_id = chosen_id(person_id) or 0, _kind(kind), chosen_id(row_id)
        if not kind or chosen not in self._names:
            return None
        try:
            part = await call(
                history_rows,
                viewer=current_viewer(),
                reference=await self._reference(),
                person_id=chosen,
                kind=kind,
            )
        except NotFound:
            self._forget(chosen)
            return rx.toast.error(_GONE)
        row = next((row for row in part.rows if row.id == row_id), None)
        if row is None:
            await self._load(chosen)
            return rx.toast.error(_GONE)
        self._close()
        self.dialog_kind, self.dialog_person_id, self.dialog_row_id = kind, chosen, row.id
        self.dialog_title = f"Edit the {histories.KINDS[kind].noun} of {self._names[chosen]}"
        self.draft = dict(row.values)
        self.form_version += 1
        return None

    @rx.event
    @staff_only()
    async def close_dialog(self):
        self._close()

    @rx.event
    @staff_only()
    async def save_row(self, form_data: dict):
        kind, person_id = self.dialog_kind, self.dialog_person_id
        if not kind:
            return None
        values = {
            name.removeprefix(FIELD_PREFIX): value for name, value in form_text(form_data).items()
        }
        try:
            await call(
                save_history,
                actor=current_viewer(),
                reference=await self._reference(),
                person_id=person_id,
                kind=kind,
                values=values,
                row_id=self.dialog_row_id or None,
                client_address=self.router.session.client_ip,
            )
        except InvalidInput as error:
            self.errors = {FIELD_PREFIX + name: text for name, text in error.fields.items()}
            return None
        except NotFound:
            self._close()
            await self._load(person_id)
            return rx.toast.error(_GONE)
        self._close()
        return await self._changed(person_id, "Saved.")

    @rx.event
    @staff_only()
    async def ask_remove(self, person_id: int, kind: str, row_id: int):
        chosen, kind, row_id = chosen_id(person_id) or 0, _kind(kind), chosen_id(row_id) or 0
        rows = self.lists.get(list_key(chosen, kind), [])
        row = next((row for row in rows if row.row_id == row_id), None)
        if row is None:
            return
        self.removing_kind, self.removing_person_id, self.removing_row_id = kind, chosen, row_id
        self.removing_text = row.text

    @rx.event
    @staff_only()
    async def cancel_remove(self):
        self._keep()

    @rx.event
    @staff_only()
    async def remove_row(self):
        kind, person_id, row_id = self.removing_kind, self.removing_person_id, self.removing_row_id
        self._keep()
        if not kind:
            return None
        try:
            await call(
                remove_history,
                actor=current_viewer(),
                reference=await self._reference(),
                person_id=person_id,
                kind=kind,
                row_id=row_id,
                client_address=self.router.session.client_ip,
            )
        except NotFound:
            await self._load(person_id)
            return rx.toast.error(_GONE)
        return await self._changed(person_id, "Removed.")

"""The people on an open case, from its Profile tab: add someone, change a role, take off."""

from __future__ import annotations

import dataclasses

import reflex as rx

from immigration_app.services.case_members import add_member, change_member_role, remove_member
from immigration_app.services.cases import MemberInput
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.people import (
    PersonInput,
    PersonMatch,
    likely_duplicates,
    search_people,
)
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.cases import CaseState, chosen_id, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.profile_histories import CaseHistoriesState
from immigration_app.state.services import call

_GONE = "This case is no longer available to you."
# The new person's fields in the dialog: the profile edit form on the same page has the bare names.
NEW_PERSON = "new_"
_PROFILE_FIELDS = {field.name for field in dataclasses.fields(PersonInput)}


def _beside_fields(problems: dict[str, str]) -> dict[str, str]:
    """Errors keyed by the dialog's field names."""
    return {NEW_PERSON + k if k in _PROFILE_FIELDS else k: v for k, v in problems.items()}


@opens_with_the_case
class CaseMembersState(rx.State):
    adding: bool = False  # the "Add a person" dialog is open
    role: str = ""
    matches: list[PersonMatch] = []
    searched: bool = False
    duplicates: list[PersonMatch] = []
    pending_new: dict[str, str] = {}
    errors: dict[str, str] = {}
    form_version: int = 0
    # Why the last change to one member's card was refused, shown on that card.
    refused_member_id: int = 0
    refusal: str = ""

    def _reset(self) -> None:
        self.adding, self.role, self.matches, self.searched = False, "", [], False
        self.duplicates, self.pending_new, self.errors = [], {}, {}
        self.refused_member_id, self.refusal = 0, ""

    @rx.event
    @staff_only()
    async def load(self):
        self._reset()

    @rx.event
    @staff_only()
    async def open_add(self):
        case = await self.get_state(CaseState)
        case.editing_person_id = 0  # one profile form on the page at a time
        self._reset()
        self.adding = True
        self.form_version += 1

    @rx.event
    @staff_only()
    async def close_add(self, still_open: bool = False):
        """The dialog's own close (Escape, outside click, Cancel)."""
        if not still_open:
            self.adding = False

    @rx.event
    @staff_only()
    async def choose_role(self, role: str):
        case = await self.get_state(CaseState)
        role = str(role)
        self.role = role if role in {key for key, _ in case.member_roles} else ""

    @rx.event
    @staff_only()
    async def find_people(self, form_data: dict):
        text = form_text(form_data).get("person_search", "")
        self.matches = await call(search_people, viewer=current_viewer(), text=text)
        self.searched = True

    @rx.event
    @staff_only()
    async def add_existing(self, person_id: int, _name: str = ""):
        return await self._add(MemberInput(role=self.role, person_id=chosen_id(person_id)))

    @rx.event
    @staff_only()
    async def add_new(self, form_data: dict):
        data = PersonInput.from_form(form_text(form_data), NEW_PERSON)
        try:
            # As in the new-case wizard: someone on file already is found, not entered twice.
            duplicates = await call(likely_duplicates, viewer=current_viewer(), data=data)
        except InvalidInput as error:
            self.errors = _beside_fields(error.fields)
            return None
        if duplicates:
            self.duplicates, self.pending_new, self.errors = (
                duplicates,
                dataclasses.asdict(data),
                {},
            )
            return None
        return await self._add(MemberInput(role=self.role, new_person=data))

    @rx.event
    @staff_only()
    async def add_new_anyway(self):
        """The staff member has looked at the likely duplicates: this is someone else."""
        if self.pending_new:
            new_person = PersonInput(**self.pending_new)
            return await self._add(MemberInput(role=self.role, new_person=new_person))
        return None

    async def _refresh_case(self) -> None:
        """The cards, the header and the timeline show the change."""
        case = await self.get_state(CaseState)
        await case._reload()
        if case.tab == "profile":
            await (await self.get_state(CaseHistoriesState))._load_people()

    async def _add(self, member: MemberInput):
        if not member.role:
            self.errors = {"role": "Choose their role on the case first."}
            return None
        reference = (await self.get_state(CaseState)).reference
        try:
            _, asked = await call(
                add_member, actor=current_viewer(), reference=reference, member=member
            )
        except InvalidInput as error:
            self.errors = _beside_fields(error.fields)
            return None
        except NotFound:
            self._reset()
            await self._refresh_case()
            return rx.toast.error(_GONE)
        self._reset()
        await self._refresh_case()
        return rx.toast.success(
            f"Added to the case; {asked} document(s) are asked of them on the Documents tab."
            if asked
            else "Added to the case."
        )

    async def _change_member(self, member_id: int | None, service, **kwargs):
        """Run a change to one member's card: (True, what the service returned), or (False,
        a toast or None) when it was not done; a refusal shows on that card."""
        self.refused_member_id, self.refusal = 0, ""
        if member_id is None:
            return False, None
        reference = (await self.get_state(CaseState)).reference
        try:
            done = await call(
                service, actor=current_viewer(), reference=reference, member_id=member_id, **kwargs
            )
        except InvalidInput as error:
            self.refused_member_id, self.refusal = member_id, next(iter(error.fields.values()))
            return False, None
        except NotFound:
            await self._refresh_case()
            return False, rx.toast.error("This person is no longer on the case.")
        await self._refresh_case()
        return True, done

    @rx.event
    @staff_only()
    async def change_role(self, form_data: dict):
        field = form_text(form_data)
        member_id, role = chosen_id(field.get("member_id", "")), field.get("role", "")
        case = await self.get_state(CaseState)
        if any(m.member_id == member_id and m.role_key == role for m in case.members):
            return rx.toast.info("That is already their role.")
        done, asked = await self._change_member(member_id, change_member_role, role=role)
        if not done:
            return asked
        more = f" {asked} more document(s) are asked of them." if asked else ""
        return rx.toast.success(
            f"Role changed.{more} What the old role asked for stays on the Documents tab: "
            "waive what is no longer needed."
        )

    @rx.event
    @staff_only()
    async def remove(self, member_id: int):
        done, note = await self._change_member(chosen_id(member_id), remove_member)
        if not done:
            return note
        return [rx.toast.success("Taken off the case."), rx.toast.info(note, duration=15_000)]

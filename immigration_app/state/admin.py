"""States behind the admin pages: the firm's team and its settings."""

from __future__ import annotations

import reflex as rx

from immigration_app import catalog
from immigration_app.models import DATE_FORMATS, FirmSettings, Role
from immigration_app.services.deadlines import BufferRow, buffers, set_buffer_days
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.firm import US_TIME_ZONES, firm_settings, update_firm_settings
from immigration_app.services.numbers import whole_number
from immigration_app.services.two_step import (
    reset_two_step,
    set_two_step_required,
    staff_without_two_step,
)
from immigration_app.services.users import (
    StaffRow,
    change_role,
    create_user,
    list_staff,
    set_reviewer,
    set_user_active,
)
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.cases import chosen_id
from immigration_app.state.forms import form_text
from immigration_app.state.services import call


class TeamState(rx.State):
    staff: list[StaffRow] = []
    errors: dict[str, str] = {}
    form_key: int = 0  # bumped to clear the add form after a success

    async def _reload(self) -> None:
        self.staff = await call(list_staff)

    @rx.event
    @staff_only(Role.ADMIN)
    async def load(self):
        self.errors = {}
        await self._reload()

    @rx.event
    @staff_only(Role.ADMIN)
    async def add_member(self, form_data: dict):
        field = form_text(form_data)
        try:
            await call(
                create_user,
                email=field.get("email", ""),
                full_name=field.get("full_name", ""),
                role=field.get("role", ""),
                password=field.get("password", ""),
                actor=current_viewer(),
            )
        except InvalidInput as error:
            self.errors = error.fields
            return
        self.errors = {}
        self.form_key += 1
        await self._reload()
        return rx.toast.success(f"{field['full_name'].strip()} can now sign in.")

    @rx.event
    @staff_only(Role.ADMIN)
    async def update_access(self, user_id: int, active: bool):
        return await self._apply(
            set_user_active, user_id=whole_number(user_id) or 0, active=active is True
        )

    @rx.event
    @staff_only(Role.ADMIN)
    async def update_role(self, user_id: int, role: str):
        return await self._apply(change_role, user_id=whole_number(user_id) or 0, role=str(role))

    @rx.event
    @staff_only(Role.ADMIN)
    async def update_reviewer(self, user_id: int, reviewer: bool):
        """Let a colleague who is not an attorney review packets (attorneys always do)."""
        return await self._apply(
            set_reviewer, user_id=chosen_id(user_id) or 0, reviewer=reviewer is True
        )

    @rx.event
    @staff_only(Role.ADMIN)
    async def reset_member_two_step(self, user_id: int):
        """A lost phone: the colleague signs in with their password and sets two-step up again."""
        return await self._apply(reset_two_step, user_id=chosen_id(user_id) or 0)

    async def _apply(self, service, **kwargs):
        """Run an account change, then show the list as it now stands, and say how it went."""
        try:
            user = await call(service, actor=current_viewer(), **kwargs)
            outcome = rx.toast.success(f"Saved the change to {user.full_name}.")
        except InvalidInput as error:
            outcome = rx.toast.error(" ".join(error.fields.values()))
        except NotPermitted as error:
            outcome = rx.toast.error(str(error))
        except NotFound:
            outcome = rx.toast.error("That account no longer exists.")
        await self._reload()
        return outcome


_FORM_FIELDS = ("name", "address", "time_zone", "date_format", "phone", "staff_reminder_lead_days")


class FirmSettingsState(rx.State):
    name: str = ""
    address: str = ""
    time_zone: str = ""
    date_format: str = ""
    phone: str = ""
    staff_reminder_lead_days: str = ""
    time_zones: list[tuple[str, str]] = []
    date_formats: list[tuple[str, str]] = [(key, key) for key in DATE_FORMATS]
    buffers: list[BufferRow] = []
    require_two_step: bool = False
    staff_without_two_step: int = 0
    case_types: list[tuple[str, str]] = [
        (key, kind.title) for key, kind in catalog.case_types().items()
    ]
    errors: dict[str, str] = {}
    # Bumped when a load finds other values than the form shows: the form is redrawn with the
    # saved values as its defaults. An unchanged load leaves the form alone, so whatever the
    # admin has started typing on a page they came back to survives the load.
    version: int = 0

    def _show(self, settings: FirmSettings) -> None:
        if any(getattr(self, field) != getattr(settings, field) for field in _FORM_FIELDS):
            for field in _FORM_FIELDS:
                setattr(self, field, getattr(settings, field))
            self.version += 1

    @rx.event
    @staff_only(Role.ADMIN)
    async def load(self):
        settings = await call(firm_settings)
        self._show(settings)
        self.require_two_step = settings.require_two_step
        self.staff_without_two_step = await call(staff_without_two_step)
        zones = list(US_TIME_ZONES)
        if self.time_zone not in zones:
            zones.append(self.time_zone)
        self.time_zones = [(zone, zone.replace("_", " ")) for zone in zones]
        self.buffers = await call(buffers)
        self.errors = {}

    @rx.event
    @staff_only(Role.ADMIN)
    async def save(self, form_data: dict):
        field = form_text(form_data)
        try:
            settings = await call(
                update_firm_settings,
                actor=current_viewer(),
                name=field.get("name", ""),
                address=field.get("address", ""),
                time_zone=field.get("time_zone", ""),
                date_format=field.get("date_format", ""),
                phone=field.get("phone", ""),
                staff_reminder_lead_days=field.get("staff_reminder_lead_days", ""),
            )
        except InvalidInput as error:
            self.errors = error.fields
            return
        self.errors = {}
        self._show(settings)
        return rx.toast.success("Firm settings saved.")

    @rx.event
    @staff_only(Role.ADMIN)
    async def save_buffer(self, form_data: dict):
        field = form_text(form_data)
        days = whole_number(field.get("buffer_days", "").strip())
        try:
            if days is None:
                raise InvalidInput({"buffer_days": "Enter a whole number of days."})
            await call(
                set_buffer_days,
                actor=current_viewer(),
                case_type=field.get("case_type", ""),
                days=days,
            )
        except InvalidInput as error:
            self.errors = error.fields
            return None
        self.errors = {}
        self.buffers = await call(buffers)
        return rx.toast.success("Internal buffer saved; it applies to deadlines added from now on.")

    @rx.event
    @staff_only(Role.ADMIN)
    async def update_two_step_rule(self, required: bool):
        """Require (or stop requiring) two-step sign-in for every staff member."""
        required = required is True
        await call(set_two_step_required, actor=current_viewer(), required=required)
        self.require_two_step = required
        self.staff_without_two_step = await call(staff_without_two_step)
        if required:
            return rx.toast.success(
                "Two-step sign-in is now required. Staff without it set it up at their next "
                "sign-in."
            )
        return rx.toast.success("Two-step sign-in is no longer required.")

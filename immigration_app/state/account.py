"""The state behind /account: the signed-in staff member's own two-step sign-in."""

from __future__ import annotations

import reflex as rx

from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.two_step import (
    confirm_enrolment,
    disable_two_step,
    regenerate_recovery_codes,
    start_enrolment,
    two_step_status,
)
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.forms import form_text
from immigration_app.state.services import call


class AccountSecurityState(rx.State):
    loaded: bool = False
    enabled: bool = False
    required_by_firm: bool = False
    recovery_codes_left: int = 0
    # Set-up in progress: the QR code and the secret for typing in by hand.
    setup_qr: str = ""
    setup_secret: str = ""
    # Shown once, right after they are made; gone when the page is left or "Done" is pressed.
    recovery_codes: list[str] = []
    errors: dict[str, str] = {}
    form_key: int = 0  # bumped to clear the code fields after each attempt

    async def _refresh(self) -> None:
        status = await call(two_step_status, user_id=current_viewer().id)
        self.enabled = status.enabled
        self.required_by_firm = status.required_by_firm
        self.recovery_codes_left = status.recovery_codes_left
        self.loaded = True

    def _code(self, form_data: dict, field: str) -> str:
        return form_text(form_data).get(field, "")[:64]

    def _failed(self, field: str, message: str) -> None:
        self.errors = {field: message}
        self.form_key += 1

    @rx.event
    @staff_only()
    async def load(self):
        self.errors = {}
        self.setup_qr = self.setup_secret = ""
        self.recovery_codes = []
        await self._refresh()

    @rx.event
    @staff_only()
    async def start_setup(self):
        self.errors = {}
        try:
            enrolment = await call(start_enrolment, user_id=current_viewer().id)
        except (InvalidInput, NotFound):
            await self._refresh()
            return rx.toast.error("Two-step sign-in is already on for your account.")
        self.setup_qr, self.setup_secret = enrolment.qr_data_uri, enrolment.secret

    @rx.event
    @staff_only()
    async def cancel_setup(self):
        self.errors = {}
        self.setup_qr = self.setup_secret = ""

    @rx.event
    @staff_only()
    async def confirm_setup(self, form_data: dict):
        try:
            codes = await call(
                confirm_enrolment,
                user_id=current_viewer().id,
                code=self._code(form_data, "code"),
                client_address=self.router.session.client_ip,
            )
        except InvalidInput as error:
            return self._failed("code", error.fields.get("code", "That code is not right."))
        self.errors = {}
        self.setup_qr = self.setup_secret = ""
        self.recovery_codes = codes
        await self._refresh()
        return rx.toast.success("Two-step sign-in is on.")

    @rx.event
    @staff_only()
    async def regenerate_codes(self, form_data: dict):
        try:
            codes = await call(
                regenerate_recovery_codes,
                actor=current_viewer(),
                code=self._code(form_data, "regenerate_code"),
                client_address=self.router.session.client_ip,
            )
        except InvalidInput as error:
            return self._failed("regenerate_code", error.fields.get("code", "Enter the code."))
        self.errors = {}
        self.form_key += 1
        self.recovery_codes = codes
        await self._refresh()
        return rx.toast.success("New recovery codes made; the old ones no longer work.")

    @rx.event
    @staff_only()
    async def turn_off(self, form_data: dict):
        try:
            await call(
                disable_two_step,
                actor=current_viewer(),
                code=self._code(form_data, "turn_off_code"),
                client_address=self.router.session.client_ip,
            )
        except InvalidInput as error:
            return self._failed("turn_off_code", error.fields.get("code", "Enter the code."))
        except NotPermitted as error:
            return self._failed("turn_off_code", str(error))
        self.errors = {}
        self.form_key += 1
        self.recovery_codes = []
        await self._refresh()
        return rx.toast.success("Two-step sign-in is off.")

    @rx.event
    @staff_only()
    async def done_with_codes(self):
        self.recovery_codes = []

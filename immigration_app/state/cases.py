"""States behind the case list, the new-case form and the case page."""

from __future__ import annotations

import dataclasses

import reflex as rx

from immigration_app import catalog
from immigration_app.models import Role
from immigration_app.services.cases import (
    CaseRow,
    TimelineEntry,
    case_detail,
    list_cases,
    open_case,
)
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.people import PersonInput
from immigration_app.services.users import active_staff
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.services import call


class DashboardState(rx.State):
    rows: list[CaseRow] = []
    loaded: bool = False

    @rx.event
    @staff_only()
    async def load(self):
        self.rows = await call(list_cases, viewer=current_viewer())
        self.loaded = True


class NewCaseState(rx.State):
    """The form that opens a case. Field errors are keyed by the form field's name."""

    case_types: list[tuple[str, str]] = []
    attorneys: list[tuple[str, str]] = []
    paralegals: list[tuple[str, str]] = []
    errors: dict[str, str] = {}

    @rx.event
    @staff_only()
    async def load(self):
        self.errors = {}
        self.case_types = [(kind.key, kind.title) for kind in catalog.case_types().values()]
        staff = await call(active_staff)
        self.attorneys = _options(staff, Role.ATTORNEY)
        self.paralegals = _options(staff, Role.PARALEGAL)

    @rx.event
    @staff_only()
    async def submit(self, form_data: dict):
        field = {name: str(value) for name, value in form_data.items()}
        try:
            case = await call(
                open_case,
                actor=current_viewer(),
                case_type=field.get("case_type", ""),
                attorney_id=_user_id(field.get("attorney_id", "")),
                paralegal_id=_user_id(field.get("paralegal_id", "")),
                client=PersonInput(
                    family_name=field.get("family_name", ""),
                    given_name=field.get("given_name", ""),
                    middle_name=field.get("middle_name", ""),
                    date_of_birth=field.get("date_of_birth", ""),
                    country_of_citizenship=field.get("country_of_citizenship", ""),
                    a_number=field.get("a_number", ""),
                    email=field.get("email", ""),
                    phone=field.get("phone", ""),
                    preferred_language=field.get("preferred_language", "en"),
                ),
                client_address=self.router.session.client_ip,
            )
        except InvalidInput as error:
            self.errors = error.fields
            return rx.toast.error("Some fields need attention; see the messages below them.")
        self.errors = {}
        return rx.redirect(f"/cases/{case.reference}")


def _options(staff, role: Role) -> list[tuple[str, str]]:
    return [(str(user.id), user.full_name) for user in staff if user.role == role]


def _user_id(raw: str) -> int | None:
    """A chosen staff member's id, or None. The service checks the id's role."""
    return int(raw) if raw.isdigit() else None


_NO_CASE = CaseRow(**{field.name: "" for field in dataclasses.fields(CaseRow)})


class CaseState(rx.State):
    reference: str = ""
    status: str = "loading"  # loading | found | missing
    header: CaseRow = _NO_CASE
    receipt_numbers: list[str] = []
    timeline: list[TimelineEntry] = []

    @rx.event
    @staff_only()
    async def load(self):
        self.status = "loading"
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            detail = await call(case_detail, viewer=current_viewer(), reference=self.reference)
        except NotFound:
            self.status, self.header, self.receipt_numbers, self.timeline = (
                "missing",
                _NO_CASE,
                [],
                [],
            )
            return
        self.status = "found"
        self.header = detail.row
        self.receipt_numbers = list(detail.receipt_numbers)
        self.timeline = list(detail.timeline)

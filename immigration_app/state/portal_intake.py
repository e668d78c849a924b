"""The portal's intake questionnaire: the client's own profile and five-year histories.

A substate of PortalState, so it shares the browser's link; every handler re-checks that
link (`portal_only`) and the services touch only the person it opens. Field errors are kept
as keys of portal_text.toml, so they read in whichever language the client switches to.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import reflex as rx

from immigration_app.services import histories, intake
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.numbers import whole_number
from immigration_app.services.people import PersonInput
from immigration_app.services.portal import PortalAccess
from immigration_app.state.auth import public
from immigration_app.state.forms import form_text
from immigration_app.state.portal import PortalState, portal_only
from immigration_app.state.services import call

PARTS = ("documents", "about")
KINDS = intake.HISTORY_KINDS  # "addresses", "employment"

# The English messages the services give, as keys of portal_text.toml.
_MESSAGE_KEYS = {
    # services.people.validate_person
    "Enter the family name (last name).": "err_family_name",
    "Enter the given name (first name).": "err_given_name",
    "Enter the date of birth as a date.": "err_date",
    "The date of birth cannot be in the future.": "err_future",
    "Check the year of birth.": "err_year",
    "An A-number has 7 to 9 digits, e.g. A012345678.": "err_a_number",
    "This number has 12 digits.": "err_uscis_account",
    "A Social Security number has 9 digits, e.g. 123-45-6789.": "err_ssn",
    "This is not a Social Security number; check the digits.": "err_ssn_invalid",
    "Enter a real date.": "err_date",
    "Check the year.": "err_year",
    # services.histories
    histories.REQUIRED: "err_required",
    histories.TOO_LONG: "err_too_long",
    histories.NOT_A_DATE: "err_date",
    histories.CHECK_YEAR: "err_year",
    histories.IN_THE_FUTURE: "err_future",
    histories.ENDS_BEFORE_START: "err_end_before_start",
    histories.CURRENT_HAS_NO_END: "err_current_has_no_end",
    histories.END_OR_CURRENT: "err_end_or_current",
    histories.ONE_CURRENT_ADDRESS: "err_one_current_address",
    histories.UNIT_TYPE: "err_unit_type",
}
# Fields whose messages vary (the email checker's own words, the offending name quoted).
_FIELD_KEYS = {"email": "err_email", "other_names": "err_other_names"}


def error_keys(fields: dict[str, str]) -> dict[str, str]:
    """InvalidInput's field messages as portal_text keys (a generic one when unknown)."""
    return {
        name: _MESSAGE_KEYS.get(message) or _FIELD_KEYS.get(name, "err_check")
        for name, message in fields.items()
    }


@dataclass(frozen=True)
class HistoryItem:
    row_id: int
    line: str  # the address, or the employer and job
    since: str  # firm's date format
    until: str  # "" while current
    fill: dict[str, str]  # the edit form's values


@dataclass(frozen=True)
class Gap:
    begins: str
    ends: str


def _items(rows: list[intake.HistoryRow]) -> list[HistoryItem]:
    return [
        HistoryItem(row_id=row.id, line=row.text, since=row.since, until=row.until, fill=row.values)
        for row in rows
    ]


def _kind(raw) -> str:
    return raw if raw in KINDS else ""


def _row_id(raw) -> int:
    return whole_number(raw) or 0


class PortalIntakeState(PortalState):
    part: str = "documents"  # which part of the portal the phone shows
    # The questionnaire shows once the client's answers are in: typing into a form that is then
    # redrawn with the stored answers would lose what was typed.
    loaded: bool = False
    profile: dict[str, str] = {}
    profile_errors: dict[str, str] = {}  # field -> portal_text key
    profile_version: int = 0
    saved: str = ""  # the part just saved: "profile", "addresses" or "employment"
    addresses: list[HistoryItem] = []
    jobs: list[HistoryItem] = []
    address_gaps: list[Gap] = []
    job_gaps: list[Gap] = []
    # The row form open: its history ("" for none) and row (0 for a new one).
    editing: str = ""
    editing_row: int = 0
    draft: dict[str, str] = {}
    row_errors: dict[str, str] = {}
    row_version: int = 0
    # A removal waiting for the client to confirm it.
    removing: str = ""
    removing_row: int = 0

    async def _load_history(self, access: PortalAccess, kind: str) -> None:
        part = await call(intake.history_part, access=access, kind=kind)
        items = _items(part.rows)
        gaps = [Gap(begins=begins, ends=ends) for begins, ends in part.gaps]
        if kind == "addresses":
            self.addresses, self.address_gaps = items, gaps
        else:
            self.jobs, self.job_gaps = items, gaps

    async def _load_profile(self, access: PortalAccess) -> None:
        data = await call(intake.intake_profile, access=access)
        profile = {name: str(getattr(data, name)) for name in intake.CLIENT_FIELDS}
        if profile != self.profile:  # redraw the form only when the answers differ
            self.profile = profile
            self.profile_version += 1

    def _close_row(self) -> None:
        self.editing, self.editing_row, self.draft, self.row_errors = "", 0, {}, {}
        self.removing, self.removing_row = "", 0

    @rx.event
    @public
    def forget(self):
        """On opening a link: drop the answers this tab holds (perhaps another person's link
        was opened here before). It only clears, so it needs no link."""
        self.reset()

    @rx.event
    @portal_only
    async def show_part(self, access: PortalAccess, part: str):
        chosen = part if part in PARTS else "documents"
        if chosen != self.part:
            self.part, self.loaded = chosen, False
        self.saved = ""

    @rx.event
    @portal_only
    async def load_intake(self, access: PortalAccess):
        """Everything the questionnaire shows, fresh from the record (on every visit)."""
        self.profile_errors, self.saved = {}, ""
        self._close_row()
        await self._load_profile(access)
        for kind in KINDS:
            await self._load_history(access, kind)
        self.loaded = True

    @rx.event
    @portal_only
    async def save_profile(self, access: PortalAccess, form_data: dict):
        self.saved = ""
        data = PersonInput.from_form(form_text(form_data))
        try:
            await call(
                intake.save_intake_profile,
                access=access,
                data=data,
                client_address=self.router.session.client_ip,
            )
        except InvalidInput as error:
            self.profile_errors = error_keys(error.fields)
            return
        self.profile_errors, self.saved = {}, "profile"
        await self._load_profile(access)

    @rx.event
    @portal_only
    async def start_row(self, access: PortalAccess, kind: str, row_id: int):
        kind, row_id = _kind(kind), _row_id(row_id)
        if not kind:
            return
        rows = self.addresses if kind == "addresses" else self.jobs
        row = next((row for row in rows if row.row_id == row_id), None)
        if row_id and row is None:
            return
        self._close_row()
        self.editing, self.editing_row = kind, row_id
        self.draft = dict(row.fill) if row else {"country": "United States", "current": ""}
        self.saved = ""
        self.row_version += 1

    @rx.event
    @portal_only
    async def cancel_row(self, access: PortalAccess):
        self._close_row()

    @rx.event
    @portal_only
    async def save_row(self, access: PortalAccess, form_data: dict):
        kind = self.editing
        if not kind:
            return
        values = form_text(form_data)
        try:
            await call(
                intake.save_history_row,
                access=access,
                kind=kind,
                row_id=self.editing_row or None,
                values=values,
                client_address=self.router.session.client_ip,
            )
        except InvalidInput as error:
            self.draft, self.row_errors = values, error_keys(error.fields)
            return
        except NotFound:  # removed meanwhile (in another tab): show the list as it is
            self._close_row()
            await self._load_history(access, kind)
            return
        self._close_row()
        self.saved = kind
        await self._load_history(access, kind)

    @rx.event
    @portal_only
    async def ask_remove(self, access: PortalAccess, kind: str, row_id: int):
        self.removing, self.removing_row = _kind(kind), _row_id(row_id)
        self.saved = ""

    @rx.event
    @portal_only
    async def cancel_remove(self, access: PortalAccess):
        self.removing, self.removing_row = "", 0

    @rx.event
    @portal_only
    async def remove_row(self, access: PortalAccess):
        kind, row_id = self.removing, self.removing_row
        if not kind or not row_id:
            return
        with contextlib.suppress(NotFound):  # already gone (another tab): nothing to remove
            await call(
                intake.remove_history_row,
                access=access,
                kind=kind,
                row_id=row_id,
                client_address=self.router.session.client_ip,
            )
        self._close_row()
        self.saved = kind
        await self._load_history(access, kind)

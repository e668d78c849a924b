"""The checks a case passes before review (Forms tab): what the forms and profiles disagree on.

Errors keep a case out of review until fixed; a warning may be acknowledged with a note, which
stays with the case. The findings are read again after every fill or override.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from immigration_app.services.consistency import acknowledge, case_findings
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.cases import CaseState, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

_GONE = "This case is no longer available to you."


@dataclass(frozen=True)
class FindingView:
    code: str
    severity: str  # error or warning
    where: str  # "Form I-130, Part 2, Item 4.a"
    message: str
    fix_label: str
    fix_url: str
    acknowledged: str  # the note, once a warning is acknowledged
    acknowledged_by: str


def _findings(session, *, viewer, reference: str) -> list[FindingView]:
    return [
        FindingView(
            code=finding.code,
            severity=finding.severity,
            where=finding.where,
            message=finding.message,
            fix_label=finding.fix_label,
            fix_url=finding.fix_url,
            acknowledged=finding.acknowledged,
            acknowledged_by=finding.acknowledged_by,
        )
        for finding in case_findings(session, viewer=viewer, reference=reference)
    ]


@opens_with_the_case
class CaseChecksState(rx.State):
    reference: str = ""
    loaded: bool = False
    findings: list[FindingView] = []
    # The warning being acknowledged ("" when the dialog is closed).
    ack_code: str = ""
    ack_message: str = ""
    errors: dict[str, str] = {}
    form_version: int = 0

    @rx.var
    def error_count(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == "error")

    async def _reload(self) -> None:
        try:
            self.findings = await call(_findings, viewer=current_viewer(), reference=self.reference)
        except NotFound:
            self.findings = []
        self.loaded = True

    @rx.event
    @staff_only()
    async def load(self):
        """On opening a case: read the checks only when the link opens the Forms tab."""
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.loaded, self.findings, self.ack_code, self.errors = False, [], "", {}
        if self.router.url.query_parameters.get("tab") == "forms":
            await self._reload()

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        if tab == "forms":
            await self._reload()

    @rx.event
    @staff_only()
    async def open_acknowledge(self, code: str):
        finding = next((found for found in self.findings if found.code == code), None)
        if finding is None or finding.severity != "warning":
            return
        self.ack_code, self.ack_message, self.errors = finding.code, finding.message, {}
        self.form_version += 1

    @rx.event
    @staff_only()
    async def close_acknowledge(self):
        self.ack_code, self.errors = "", {}

    @rx.event
    @staff_only()
    async def acknowledge(self, form_data: dict):
        if not self.ack_code:
            return None
        try:
            await call(
                acknowledge,
                actor=current_viewer(),
                reference=self.reference,
                code=self.ack_code,
                note=form_text(form_data).get("note", "")[:1000],
            )
        except InvalidInput as error:
            self.errors = error.fields
            return None
        except NotFound:
            self.ack_code, self.errors = "", {}
            await self._reload()
            return rx.toast.error(_GONE)
        self.ack_code, self.errors = "", {}
        await self._reload()
        await (await self.get_state(CaseState))._reload()  # the timeline shows it too
        return rx.toast.success("Acknowledged; the note stays with the case.")

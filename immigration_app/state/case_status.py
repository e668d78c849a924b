"""The USCIS case status section of a case's USCIS tab: what USCIS says about each receipt
number, "Check now", a status typed by hand, and the stage move the status suggests.

Nothing is read until the tab opens (or the address opens it: ?tab=uscis).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from immigration_app.services.case_status import check_now, record_status
from immigration_app.services.case_status_views import (
    ReceiptStatusView,
    known_titles,
    status_view,
)
from immigration_app.services.cases import move_case
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.uscis_status import CATEGORIES, StatusUnavailable
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.cases import CaseState, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

TAB = "uscis"
_GONE = "This case is no longer available to you."


@dataclass(frozen=True)
class CheckProblem:
    """Why the last "Check now" of a receipt did not give a status, as USCIS worded it."""

    receipt_number: str
    code: str
    message: str
    detail: str


@opens_with_the_case
class CaseStatusState(rx.State):
    reference: str = ""
    loaded: bool = False
    receipts: list[ReceiptStatusView] = []
    api_configured: bool = False
    setup_help: str = ""
    checking: str = ""  # the receipt being checked, "" when idle
    problems: list[CheckProblem] = []
    errors: dict[str, str] = {}
    form_version: int = 0
    titles: list[str] = known_titles()
    categories: list[tuple[str, str]] = [(c, c.capitalize()) for c in CATEGORIES]

    @rx.var
    def receipt_options(self) -> list[tuple[str, str]]:
        return [(r.receipt_number, r.receipt_number) for r in self.receipts]

    async def _reload(self) -> None:
        try:
            view = await call(status_view, viewer=current_viewer(), reference=self.reference)
        except NotFound:
            self.receipts, self.api_configured, self.setup_help = [], False, ""
        else:
            self.receipts = view.receipts
            self.api_configured, self.setup_help = view.api_configured, view.setup_help
        self.loaded = True

    async def _refresh_case(self) -> None:
        """The header (stage) and the timeline show the change too."""
        await self._reload()
        await (await self.get_state(CaseState))._reload()

    @rx.event
    @staff_only()
    async def load(self):
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.loaded, self.receipts, self.problems, self.errors = False, [], [], {}
        self.checking = ""
        if self.router.url.query_parameters.get("tab") == TAB:
            await self._reload()

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        if tab == TAB:
            await self._reload()

    @rx.event(background=True)
    @staff_only()
    async def check(self, receipt_number: str):
        """Ask USCIS now. A background task: the client may wait its turn under the rate limit."""
        viewer, receipt = current_viewer(), str(receipt_number)[:20]
        async with self:
            if self.checking:
                return None
            self.checking = receipt
            self.problems = [p for p in self.problems if p.receipt_number != receipt]
            reference = self.reference
        problem, toast = None, None
        try:
            done = await call(check_now, actor=viewer, reference=reference, receipt_number=receipt)
        except StatusUnavailable as error:
            problem = CheckProblem(receipt, error.code, error.message, error.detail)
        except InvalidInput as error:
            problem = CheckProblem(receipt, "invalid", " ".join(error.fields.values()), "")
        except NotFound:
            toast = rx.toast.error(_GONE)
        else:
            toast = rx.toast.success(
                f"{receipt}: {done.title}" + (" (changed)." if done.changed else " (no change).")
            )
        async with self:
            self.checking = ""
            if problem is not None:
                self.problems = [*self.problems, problem]
            await self._refresh_case()
        return toast

    @rx.event
    @staff_only()
    async def record(self, form_data: dict):
        field = form_text(form_data)
        try:
            done = await call(
                record_status,
                actor=current_viewer(),
                reference=self.reference,
                receipt_number=field.get("status_receipt_number", ""),
                title=field.get("status_title", "")[:400],
                text=field.get("status_text", "")[:6000],
                category=field.get("status_category", "") or None,
            )
        except InvalidInput as error:
            self.errors = {f"status_{name}": text for name, text in error.fields.items()}
            return None
        except NotFound:
            return rx.toast.error(_GONE)
        self.errors = {}
        self.form_version += 1
        await self._refresh_case()
        return rx.toast.success(f"Status recorded for {done.receipt_number}.")

    @rx.event
    @staff_only()
    async def move_to(self, stage: str):
        """Accept the stage the status suggests: the ordinary move, with its checks."""
        try:
            await call(
                move_case, actor=current_viewer(), reference=self.reference, stage=str(stage)[:64]
            )
        except InvalidInput as error:
            return rx.toast.error(" ".join(error.fields.values()))
        except NotPermitted as error:
            return rx.toast.error(str(error))
        except NotFound:
            return rx.toast.error(_GONE)
        await self._refresh_case()
        return rx.toast.success("Stage changed.")

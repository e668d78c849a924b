"""The "Processing time" section of a case's USCIS tab: each receipt's estimate from USCIS's
published processing times, and where and as what USCIS processes it (staff choose).

Nothing is read until the tab opens, as on the Forms tab.
"""

from __future__ import annotations

import reflex as rx

from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.processing_times import set_receipt_office
from immigration_app.services.processing_views import ReceiptProcessing, case_processing
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.cases import CaseState, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

TAB = "uscis"
_GONE = "This case is no longer available to you."


@opens_with_the_case
class CaseProcessingState(rx.State):
    reference: str = ""
    loaded: bool = False
    receipts: list[ReceiptProcessing] = []
    # The last refused change: which receipt, and why (shown beside that receipt's form).
    error_receipt: str = ""
    error: str = ""

    async def _reload(self) -> None:
        try:
            self.receipts = await call(
                case_processing, viewer=current_viewer(), reference=self.reference
            )
        except NotFound:
            self.receipts = []
        self.loaded = True

    @rx.event
    @staff_only()
    async def load(self):
        """On opening a case: read nothing unless the link opens this tab (?tab=uscis)."""
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.loaded, self.receipts, self.error_receipt, self.error = False, [], "", ""
        if self.router.url.query_parameters.get("tab") == TAB:
            await self._reload()

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        if tab == TAB:
            await self._reload()

    @rx.event
    @staff_only()
    async def save(self, form_data: dict):
        """Set a receipt's published line (office and category) and its received date."""
        values = form_text(form_data)
        number = values.get("receipt_number", "")[:20]
        receipt = next((r for r in self.receipts if r.receipt_number == number), None)
        if receipt is None:
            return None
        chosen = values.get("line", "")[:20]
        line = next((choice for choice in receipt.choices if choice.value == chosen), None)
        if chosen and line is None:
            self.error_receipt, self.error = number, "Choose one of USCIS's published lines."
            return None
        try:
            await call(
                set_receipt_office,
                actor=current_viewer(),
                reference=self.reference,
                receipt_number=number,
                office=line.office if line else "",
                category=line.category if line else "",
                received_on=values.get("received_on", "")[:40],
            )
        except InvalidInput as error:
            self.error_receipt, self.error = number, " ".join(error.fields.values())
            return None
        except NotFound:
            await self._reload()
            return rx.toast.error(_GONE)
        self.error_receipt, self.error = "", ""
        await self._reload()
        await (await self.get_state(CaseState))._reload()
        return rx.toast.success(f"Saved for receipt {number}.")

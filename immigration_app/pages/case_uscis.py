"""The case's USCIS tab: what USCIS says about the case now, how long cases like it take, the
notices it sent, and requests for evidence with the firm's answers."""

from __future__ import annotations

import reflex as rx

from immigration_app.pages.case_notices import notices_section
from immigration_app.pages.case_processing import processing_section
from immigration_app.pages.case_rfe import rfe_section
from immigration_app.pages.case_status import status_section


def uscis_tab() -> rx.Component:
    return rx.vstack(
        status_section(),
        processing_section(),
        notices_section(),
        rfe_section(),
        spacing="5",
        width="100%",
    )

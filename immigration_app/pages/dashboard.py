"""/: the firm's open cases."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.shell import staff_page
from immigration_app.components.tables import data_table
from immigration_app.services.cases import CaseRow
from immigration_app.state.cases import DashboardState

_COLUMNS = (
    "Reference",
    "Client",
    "Case type",
    "Stage",
    "Attorney",
    "Paralegal",
    "Opened",
    "Last activity",
)


def _case_row(row: CaseRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row.reference, href=f"/cases/{row.reference}")),
        rx.table.cell(row.client),
        rx.table.cell(row.case_type),
        rx.table.cell(rx.badge(row.stage, variant="soft")),
        rx.table.cell(row.attorney),
        rx.table.cell(row.paralegal),
        rx.table.cell(row.opened_on),
        rx.table.cell(row.last_activity),
    )


def _empty_state() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("No open cases yet", size="4", as_="h2"),
            rx.text("Open the first case to start collecting a client's information."),
            rx.link(rx.button("Open a new case"), href="/cases/new"),
            spacing="3",
        ),
    )


@staff_page(route="/", title="Cases", on_load=DashboardState.load)
def dashboard() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Open cases", size="7", as_="h1"),
            rx.spacer(),
            rx.link(rx.button("New case", size="3"), href="/cases/new"),
            width="100%",
            align="center",
        ),
        rx.cond(
            ~DashboardState.loaded,
            rx.center(rx.spinner(size="3"), padding="48px", aria_label="Loading cases"),
            rx.cond(
                DashboardState.rows.length() > 0,
                data_table("Open cases", _COLUMNS, rx.foreach(DashboardState.rows, _case_row)),
                _empty_state(),
            ),
        ),
        spacing="5",
        width="100%",
    )

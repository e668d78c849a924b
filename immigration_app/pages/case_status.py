"""A section of the case's USCIS tab (pages/case_uscis.py): what USCIS says about each receipt
number, its history, "Check now", a status typed by hand, and the suggested stage move."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE, field_error, select_field, text_area
from immigration_app.components.tables import VISUALLY_HIDDEN
from immigration_app.services.case_status_views import ReceiptStatusView, StatusEntryView
from immigration_app.state.case_status import CaseStatusState as State
from immigration_app.state.case_status import CheckProblem

_CATEGORY_COLORS = {
    "received": "blue",
    "biometrics": "cyan",
    "evidence": "amber",
    "review": "violet",
    "interview": "indigo",
    "approved": "green",
    "denied": "red",
    "other": "gray",
}
_TITLES_LIST = "uscis-status-titles"


def _category_badge(category) -> rx.Component:
    return rx.badge(
        category,
        color_scheme=rx.match(category, *_CATEGORY_COLORS.items(), "gray"),
        size="2",
    )


def _problem(problem: CheckProblem, receipt: ReceiptStatusView) -> rx.Component:
    return rx.cond(
        problem.receipt_number == receipt.receipt_number,
        rx.callout(
            rx.vstack(
                rx.text(problem.message),
                rx.cond(
                    problem.detail != "",
                    rx.text("USCIS said: ", problem.detail, size="2"),
                ),
                spacing="1",
            ),
            icon="triangle_alert",
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


def _history_row(entry: StatusEntryView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(entry.checked),
        rx.table.cell(
            rx.text(entry.title, weight=rx.cond(entry.changed, "bold", "regular")),
            rx.cond(entry.changed, rx.text("changed", size="1", color_scheme="gray")),
        ),
        rx.table.cell(_category_badge(entry.category)),
        rx.table.cell(entry.modified),
        rx.table.cell(entry.source),
    )


def _history(receipt: ReceiptStatusView) -> rx.Component:
    name = "Status history of " + receipt.receipt_number
    return rx.box(
        rx.table.root(
            rx.el.caption(name, style=VISUALLY_HIDDEN),
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(column)
                        for column in ("Checked", "Status", "Category", "USCIS date", "Source")
                    ]
                )
            ),
            rx.table.body(rx.foreach(receipt.history, _history_row)),
            width="100%",
        ),
        rx.cond(
            receipt.history_total > receipt.history.length(),
            rx.text(
                "Newest ",
                receipt.history.length(),
                " of ",
                receipt.history_total,
                " readings.",
                size="1",
                color_scheme="gray",
            ),
        ),
        width="100%",
        overflow_x="auto",
    )


def _current(receipt: ReceiptStatusView) -> rx.Component:
    current = receipt.current
    return rx.cond(
        receipt.has_status,
        rx.vstack(
            rx.hstack(
                rx.text(current.title, size="4", weight="bold"),
                _category_badge(current.category),
                align="center",
                wrap="wrap",
            ),
            rx.cond(current.text != "", rx.text(current.text, size="2")),
            rx.text(
                "Checked ",
                current.checked,
                " · ",
                current.source,
                rx.cond(current.modified != "", " · USCIS date " + current.modified, ""),
                size="1",
                color_scheme="gray",
            ),
            spacing="1",
            width="100%",
        ),
        rx.text("No status recorded yet.", color_scheme="gray"),
    )


def _receipt(receipt: ReceiptStatusView) -> rx.Component:
    checking_this = State.checking == receipt.receipt_number
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(receipt.receipt_number, size="3", as_="h3"),
                rx.cond(receipt.form != "", rx.text("Form ", receipt.form, size="2")),
                rx.spacer(),
                rx.cond(
                    State.api_configured,
                    rx.button(
                        rx.cond(checking_this, rx.spinner(size="1"), rx.icon("refresh_cw")),
                        rx.cond(checking_this, "Checking…", "Check now"),
                        variant="soft",
                        disabled=State.checking != "",
                        aria_label="Check now: " + receipt.receipt_number,
                        on_click=State.check(receipt.receipt_number),
                    ),
                ),
                align="center",
                width="100%",
            ),
            _current(receipt),
            rx.foreach(State.problems, lambda problem: _problem(problem, receipt)),
            rx.cond(
                receipt.suggested_stage != "",
                rx.callout(
                    rx.hstack(
                        rx.text("This status suggests the stage ", receipt.suggested_stage_title),
                        rx.button(
                            "Move to " + receipt.suggested_stage_title,
                            size="1",
                            on_click=State.move_to(receipt.suggested_stage),
                        ),
                        align="center",
                        wrap="wrap",
                        spacing="3",
                    ),
                    icon="arrow_right",
                    color_scheme="blue",
                    width="100%",
                ),
            ),
            rx.cond(receipt.history.length() > 0, _history(receipt)),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _manual_form() -> rx.Component:
    return rx.card(
        rx.heading("Record a status by hand", size="3", as_="h3", margin_bottom="8px"),
        rx.text(
            "Type what the USCIS website or a notice shows. A new status is added to the "
            "history and the case's timeline, and the attorney and paralegal are emailed.",
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                select_field(
                    "Receipt number",
                    "status_receipt_number",
                    State.receipt_options,
                    errors=State.errors,
                ),
                rx.vstack(
                    rx.el.label("Status title", html_for="status_title", style=LABEL_STYLE),
                    rx.input(
                        id="status_title",
                        name="status_title",
                        list=_TITLES_LIST,
                        placeholder="For example: Case Was Received",
                        aria_describedby="status_title-error",
                        max_length=300,
                        size="3",
                        width="100%",
                    ),
                    rx.el.datalist(
                        rx.foreach(State.titles, lambda title: rx.el.option(value=title)),
                        id=_TITLES_LIST,
                    ),
                    field_error(State.errors, "status_title"),
                    spacing="1",
                    width="100%",
                ),
                text_area("Status text (optional)", "status_text", rows=3, errors=State.errors),
                select_field(
                    "Category",
                    "status_category",
                    State.categories,
                    empty_label="Work it out from the title",
                    errors=State.errors,
                ),
                rx.button("Record status", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=State.record,
            key=State.form_version,
            width="100%",
            margin_top="12px",
        ),
        width="100%",
    )


def status_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("USCIS case status", size="5", as_="h2"),
            rx.cond(
                ~State.loaded,
                rx.center(rx.spinner(size="2"), width="100%"),
                rx.vstack(
                    rx.cond(
                        ~State.api_configured,
                        rx.callout(
                            State.setup_help,
                            icon="info",
                            color_scheme="blue",
                            width="100%",
                        ),
                    ),
                    rx.cond(
                        State.receipts.length() == 0,
                        rx.text(
                            "No receipt numbers on this case yet. When USCIS sends the receipt "
                            "notice, add its number with “Add a receipt number” at the top of "
                            "this page to follow its status here.",
                            color_scheme="gray",
                        ),
                        rx.vstack(
                            rx.foreach(State.receipts, _receipt),
                            _manual_form(),
                            spacing="3",
                            width="100%",
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        role="region",
        aria_label="USCIS case status",
    )

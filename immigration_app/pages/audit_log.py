"""/admin/audit: the firm's audit log, filtered, paged and exportable as CSV."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE, select_field, text_field
from immigration_app.components.shell import staff_page
from immigration_app.components.tables import data_table, pager
from immigration_app.services.audit_log import AuditRow
from immigration_app.state.audit_log import AuditLogState as State

_COLUMNS = ("When", "Who", "Case", "Kind", "Summary", "Client address", "Change")


def _change(row: AuditRow) -> rx.Component:
    return rx.cond(
        (row.before != "") | (row.after != ""),
        rx.el.details(
            rx.el.summary("Before / after"),
            rx.vstack(
                rx.text("Before: ", rx.code(row.before), size="1"),
                rx.text("After: ", rx.code(row.after), size="1"),
                spacing="1",
                max_width="360px",
                style={"wordBreak": "break-all"},
            ),
        ),
        "",
    )


def _row(row: AuditRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.when, white_space="nowrap"),
        rx.table.cell(row.who),
        rx.table.cell(
            rx.cond(
                row.case_reference != "",
                rx.link(row.case_reference, href=f"/cases/{row.case_reference}"),
                "",
            )
        ),
        rx.table.cell(rx.code(row.kind)),
        rx.table.cell(row.summary),
        rx.table.cell(row.client_address),
        rx.table.cell(_change(row)),
    )


def _date_field(label: str, name: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style=LABEL_STYLE),
        rx.input(
            id=name, name=name, type="date", default_value=State.params.get(name, ""), size="3"
        ),
        spacing="1",
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.grid(
                select_field(
                    "User",
                    "user",
                    State.user_options,
                    empty_label="Anyone",
                    default_value=State.params.get("user", ""),
                ),
                text_field("Case reference", "case", default_value=State.params.get("case", "")),
                select_field(
                    "Kind",
                    "kind",
                    State.kind_options,
                    empty_label="Any kind",
                    default_value=State.params.get("kind", ""),
                ),
                _date_field("From", "from"),
                _date_field("To", "to"),
                text_field("Summary contains", "q", default_value=State.params.get("q", "")),
                columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button("Apply filters", type="submit"),
                rx.cond(
                    State.filtered,
                    rx.button(
                        "Clear filters",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=State.clear_filters,
                    ),
                ),
                rx.spacer(),
                # A plain link: the browser downloads the file; the app's router stays out of it.
                rx.el.a("Export CSV", href=State.csv_href, download="audit-log.csv"),
                align="center",
                spacing="3",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.apply_filters,
        key=State.form_key,
        width="100%",
    )


@staff_page(route="/admin/audit", title="Audit log", on_load=State.load)
def audit_log_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Audit log", size="6", as_="h1"),
        rx.text(
            "Every change to a case, every document viewed or downloaded, every export and "
            "sign-in, newest first. Entries cannot be changed or removed. Times are in the "
            "firm's time zone.",
            color_scheme="gray",
        ),
        rx.card(_filters(), width="100%"),
        rx.cond(
            State.total > 0,
            rx.vstack(
                data_table("Audit log", _COLUMNS, rx.foreach(State.rows, _row)),
                pager(
                    rx.fragment(State.total, " entries"),
                    State.page,
                    State.page_count,
                    State.go_to_page,
                ),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                State.loaded,
                rx.text(
                    "No entries match these filters. Widen the dates or clear the filters.",
                    color_scheme="gray",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )

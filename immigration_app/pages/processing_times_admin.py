"""/admin/processing-times: USCIS's published processing times, imported from CSV."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import live_select
from immigration_app.components.shell import staff_page
from immigration_app.components.tables import data_table, pager
from immigration_app.components.upload import file_prompt, upload_panel
from immigration_app.services.processing_views import LineView
from immigration_app.state.processing_times import (
    ACCEPT,
    PAST_DUE_FILTER,
    UPLOAD_ID,
)
from immigration_app.state.processing_times import ProcessingTimesState as State

_COLUMNS = ("Form", "Category", "Office", "Months (80%)", "Published", "Imported")


def _result() -> rx.Component:
    return rx.cond(
        State.result != "",
        rx.cond(
            State.result_ok,
            rx.callout(State.result, icon="check", color_scheme="green", role="status"),
            rx.callout(
                rx.vstack(
                    rx.text(State.result, weight="medium"),
                    rx.el.ul(
                        rx.foreach(State.problems, lambda problem: rx.el.li(problem)),
                        padding_left="18px",
                        margin="0",
                    ),
                    spacing="1",
                ),
                icon="triangle_alert",
                color_scheme="red",
                role="alert",
            ),
        ),
    )


def _upload_panel() -> rx.Component:
    return rx.card(
        rx.el.section(
            rx.vstack(
                rx.heading("Import processing times", size="4", as_="h2"),
                rx.text(
                    "A CSV file with a header row and the columns form, category, office, "
                    "months (the 80th percentile: “10.5” or “10.5 Months”) and publication date "
                    "(MM/DD/YYYY or YYYY-MM-DD), copied from egov.uscis.gov/processing-times. "
                    "A file with any bad row is refused whole; importing a line again updates "
                    "its months.",
                    size="2",
                    color_scheme="gray",
                ),
                upload_panel(
                    UPLOAD_ID,
                    accept=ACCEPT,
                    prompt=file_prompt(UPLOAD_ID, "Choose a CSV file", "or drop it here."),
                    button_label="Import",
                    on_upload=State.upload,
                    on_progress=State.upload_progress,
                    uploading=State.uploading,
                    progress=State.progress,
                    multiple=False,
                ),
                _result(),
                spacing="3",
                width="100%",
            ),
            aria_label="Import processing times",
        ),
        width="100%",
    )


def _past_due() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.text(
                rx.text.strong(State.past_due),
                rx.cond(State.past_due == 1, " open case is", " open cases are"),
                " past the published processing time of a receipt with no decision yet: "
                "each may ask USCIS for a service request.",
            ),
            rx.spacer(),
            rx.link("Show them on the dashboard", href=PAST_DUE_FILTER),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
    )


def _row(line: LineView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(line.form, white_space="nowrap"),
        rx.table.cell(line.category),
        rx.table.cell(line.office),
        rx.table.cell(line.months),
        rx.table.cell(line.published, white_space="nowrap"),
        rx.table.cell(line.imported, white_space="nowrap"),
    )


def _lines() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            live_select(
                "Form",
                "processing-form",
                State.form_options,
                value=State.form,
                on_change=State.filter_form,
                empty_label="All forms",
                compact=True,
            ),
            rx.cond(
                State.newest != "",
                rx.text("Newest publication imported: ", State.newest, size="2"),
            ),
            align="end",
            spacing="4",
            wrap="wrap",
        ),
        data_table("Processing times", _COLUMNS, rx.foreach(State.rows, _row)),
        pager(
            rx.fragment(State.total, rx.cond(State.total == 1, " line", " lines")),
            State.page,
            State.page_count,
            State.go_to_page,
        ),
        spacing="3",
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.callout(
        "No processing times are imported yet. Copy the lines for the forms your cases file "
        "from egov.uscis.gov/processing-times into a spreadsheet, save it as CSV UTF-8 and "
        "import it above; cases then show when they are likely to be decided.",
        icon="info",
    )


@staff_page(route="/admin/processing-times", title="Processing times", on_load=State.load)
def processing_times_admin() -> rx.Component:
    return rx.vstack(
        rx.heading("Processing times", size="7", as_="h1"),
        rx.text(
            "USCIS publishes, each month, the time within which 80% of cases of each form, "
            "category and office were decided. Cases use the newest line for their receipts.",
            color_scheme="gray",
        ),
        rx.cond(
            State.loaded,
            rx.vstack(
                _upload_panel(),
                _past_due(),
                rx.cond(State.forms.length() > 0, _lines(), _empty()),
                spacing="3",
                width="100%",
            ),
            rx.center(
                rx.spinner(size="3"), padding="48px", aria_label="Loading the processing times"
            ),
        ),
        spacing="4",
        width="100%",
    )

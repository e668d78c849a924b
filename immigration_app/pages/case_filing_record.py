"""The Filing tab's last part (pages/case_filing.py has the rest): the filing record, and the
receipt notice USCIS sends back."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE, select_field, text_area, text_field
from immigration_app.components.tables import data_table
from immigration_app.components.upload import file_prompt, upload_panel
from immigration_app.pages.case_filing_review import alert, error_of, external_link, section
from immigration_app.services.filings import FilingView, NoticeView
from immigration_app.state.case_filing import ACCEPT, UPLOAD_ID
from immigration_app.state.case_filing import CaseFilingState as State
from immigration_app.state.uploads import UploadResult

_FILING_COLUMNS = ("Filed on", "Method", "Tracking number", "Filed by", "Recorded by", "Packet")
_NOTICE_COLUMNS = ("Receipt number", "File", "Size", "Added", "Open")


def _record_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Mark as filed", size="3", as_="h3"),
            rx.grid(
                text_field(
                    "Filed on",
                    "filing_filed_on",
                    type="date",
                    errors=State.errors,
                    default_value=State.today,
                ),
                select_field(
                    "Method",
                    "filing_method",
                    State.methods,
                    errors=State.errors,
                    empty_label="Choose how it was sent",
                ),
                text_field("Tracking number", "filing_tracking_number", errors=State.errors),
                select_field(
                    "Filed by",
                    "filing_filed_by_id",
                    State.staff,
                    errors=State.errors,
                    default_value=State.me,
                ),
                text_field(
                    "Receipt number (optional: online filings get one at once)",
                    "filing_receipt_number",
                    errors=State.errors,
                ),
                text_area("Note", "filing_note", errors=State.errors, rows=2),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.button("Save", type="submit", aria_label="Save filing record"),
            error_of("filing_packet"),
            spacing="3",
            width="100%",
        ),
        on_submit=State.record,
        reset_on_submit=False,
        key=State.form_version,
        width="100%",
    )


def _filing_row(filing: FilingView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(filing.filed_on),
        rx.table.cell(filing.method),
        rx.table.cell(filing.tracking_number),
        rx.table.cell(filing.filed_by),
        rx.table.cell(filing.recorded_by),
        rx.table.cell(
            "Version ",
            filing.packet_version,
            rx.cond(filing.note != "", rx.text(filing.note, size="1", color_scheme="gray")),
        ),
    )


def _upload_result(result: UploadResult) -> rx.Component:
    return rx.text(
        rx.cond(result.ok, "✓ ", "✗ "),
        result.name,
        ": ",
        result.message,
        color_scheme=rx.cond(result.ok, "green", "red"),
        size="2",
    )


def _notice_input(label: str, name: str, on_blur) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style=LABEL_STYLE),
        rx.input(id=name, on_blur=on_blur, max_length=40, width="100%"),
        spacing="1",
        width="100%",
    )


def _notice_upload() -> rx.Component:
    return rx.vstack(
        rx.heading("Receipt notice", size="3", as_="h3"),
        rx.text(
            "Add the receipt notice USCIS sent (a PDF or a photo); its receipt number goes on "
            "the case.",
            size="2",
            color_scheme="gray",
        ),
        rx.grid(
            _notice_input(
                "Receipt number on the notice", "notice_receipt_number", State.set_notice_number
            ),
            _notice_input("Form (optional, e.g. I-130)", "notice_form", State.set_notice_form),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
            key=State.form_version,
        ),
        upload_panel(
            UPLOAD_ID,
            accept=ACCEPT,
            limit_mb=State.limit_mb,
            prompt=file_prompt(
                UPLOAD_ID,
                "Choose the notice",
                "or drop it here.",
                rx.text(
                    "PDF or photo, up to ", State.limit_mb, " MB.", size="1", color_scheme="gray"
                ),
            ),
            button_label="Add receipt notice",
            on_upload=State.upload_notice,
            on_progress=State.upload_progress,
            uploading=State.uploading,
            progress=State.progress,
            multiple=False,
        ),
        rx.cond(
            State.results.length() > 0,
            rx.vstack(rx.foreach(State.results, _upload_result), role="status", spacing="1"),
        ),
        rx.cond(State.notice_warning != "", alert(State.notice_warning, "amber")),
        spacing="3",
        width="100%",
    )


def _notice_row(notice: NoticeView) -> rx.Component:
    href = "/api/notices/" + notice.id.to_string()
    return rx.table.row(
        rx.table.row_header_cell(notice.receipt_number),
        rx.table.cell(notice.name, word_break="break-all"),
        rx.table.cell(notice.size, white_space="nowrap"),
        rx.table.cell(notice.added_on, " by ", notice.added_by),
        rx.table.cell(
            rx.hstack(
                external_link(
                    "View", href + "?inline=1", "View " + notice.name + " (opens in a new tab)"
                ),
                rx.link(
                    "Download",
                    href=href,
                    reload_document=True,
                    aria_label="Download " + notice.name,
                ),
                spacing="3",
            )
        ),
    )


def filing_record_section() -> rx.Component:
    return section(
        "Filing record",
        rx.cond(State.can_file, _record_form()),
        rx.cond(State.filing_warning != "", alert(State.filing_warning, "amber")),
        rx.cond(
            State.filings.length() > 0,
            data_table("Filings", _FILING_COLUMNS, rx.foreach(State.filings, _filing_row)),
            rx.text(
                "Not filed yet. Once the packet is approved, record here how it was sent.",
                size="2",
                color_scheme="gray",
            ),
        ),
        _notice_upload(),
        rx.cond(
            State.notices.length() > 0,
            data_table("Receipt notices", _NOTICE_COLUMNS, rx.foreach(State.notices, _notice_row)),
        ),
    )

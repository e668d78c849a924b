"""The dialogs of a case's Documents tab: reject, waive, upload for the client, ask for more.

One of each is on the page, opened for an item by the state (not one per item).
"""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import field_error, select_field, text_area, text_field
from immigration_app.components.upload import file_prompt, upload_panel
from immigration_app.state.documents import ACCEPT, UPLOAD_ID, UploadResult
from immigration_app.state.documents import CaseDocumentsState as State

_CHECK_LABEL = {"display": "flex", "gap": "8px", "alignItems": "center", "fontSize": "14px"}


def _check(label: str, name: str, checked: bool) -> rx.Component:
    return rx.el.label(rx.checkbox(name=name, default_checked=checked), label, style=_CHECK_LABEL)


def _dialog(name: str, title, description: str, *body: rx.Component) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", margin_bottom="12px"),
            *body,
            max_width="640px",
        ),
        open=State.dialog == name,
        on_open_change=State.close_dialog,
    )


def _buttons(submit: str) -> rx.Component:
    return rx.hstack(
        rx.button(submit, type="submit"),
        rx.button("Cancel", type="button", variant="soft", on_click=State.close_dialog),
        spacing="3",
        justify="end",
        width="100%",
    )


def reject_dialog() -> rx.Component:
    return _dialog(
        "reject",
        "Reject: " + State.dialog_item_title,
        "The client is asked to send it again. A standard reason reaches them in their own "
        "language; your own words reach them as written.",
        rx.form(
            rx.vstack(
                select_field(
                    "Reason",
                    "reason",
                    State.reason_options,
                    errors=State.errors,
                    empty_label="Choose a reason",
                ),
                text_area("Other reason, in your own words", "note", rows=3),
                _buttons("Send back to the client"),
                spacing="3",
            ),
            on_submit=State.reject,
            reset_on_submit=False,
            key=State.form_version,
        ),
    )


def accept_dialog() -> rx.Component:
    return _dialog(
        "accept",
        "Accept: " + State.dialog_item_title,
        "This document is valid for a limited time from the day it was issued. Read the date "
        "off the document; the case shows when it runs out.",
        rx.form(
            rx.vstack(
                text_field("Issued on", "issued_on", type="date", errors=State.errors),
                _buttons("Accept"),
                spacing="3",
            ),
            on_submit=State.accept_issued,
            reset_on_submit=False,
            key=State.form_version,
        ),
    )


def waive_dialog() -> rx.Component:
    return _dialog(
        "waive",
        "Waive: " + State.dialog_item_title,
        "The client is no longer asked for it. The reason stays with the case (staff only).",
        rx.form(
            rx.vstack(
                text_area("Why this case does not need it", "reason", errors=State.errors, rows=3),
                _buttons("Waive"),
                spacing="3",
            ),
            on_submit=State.waive,
            reset_on_submit=False,
            key=State.form_version,
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


def upload_dialog() -> rx.Component:
    return _dialog(
        "upload",
        "Upload for the client: " + State.dialog_item_title,
        "A file the client brought or mailed in. Each file becomes the item's next version and "
        "waits for review.",
        rx.vstack(
            upload_panel(
                UPLOAD_ID,
                accept=ACCEPT,
                limit_mb=State.limit_mb,
                prompt=file_prompt(
                    UPLOAD_ID,
                    "Choose files",
                    "or drop them here.",
                    rx.text(
                        "PDF or photo (JPEG, PNG, HEIC), up to ",
                        State.limit_mb,
                        " MB each.",
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                button_label="Upload",
                on_upload=State.upload,
                on_progress=State.upload_progress,
                uploading=State.uploading,
                progress=State.progress,
                show_progress=State.uploading | (State.progress > 0),
            ),
            rx.cond(
                State.results.length() > 0,
                rx.vstack(rx.foreach(State.results, _upload_result), role="status", spacing="1"),
            ),
            rx.button(
                "Close",
                variant="soft",
                on_click=State.close_dialog,
                disabled=State.uploading,
                align_self="end",
            ),
            spacing="3",
            width="100%",
        ),
    )


def ask_dialog() -> rx.Component:
    return _dialog(
        "ask",
        "Ask for another document",
        "It is added to this person's list on this case only; the client sees it in the portal.",
        rx.form(
            rx.vstack(
                rx.grid(
                    select_field("Person", "member_id", State.person_options, errors=State.errors),
                    select_field("Section", "section", State.section_options, errors=State.errors),
                    text_field("Title (English)", "title_en", errors=State.errors),
                    text_field("Title (Spanish)", "title_es", errors=State.errors),
                    text_area("What to send (English)", "explain_en", rows=2),
                    text_area("What to send (Spanish)", "explain_es", rows=2),
                    text_field("Code (e.g. lease-agreement)", "code", errors=State.errors),
                    text_field(
                        "Goes stale after (days; 0 = never)",
                        "expires_after_days",
                        type="number",
                        errors=State.errors,
                        default_value="0",
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.hstack(
                    _check("PDF", "kind_pdf", True),
                    _check("Photo", "kind_photo", True),
                    _check("Required", "required", True),
                    _check("Needs a certified English translation", "translation", False),
                    spacing="4",
                    wrap="wrap",
                ),
                field_error(State.errors, "kinds"),
                text_area(
                    "Why this case needs it (for the timeline)",
                    "reason",
                    errors=State.errors,
                    rows=2,
                ),
                _buttons("Add to the checklist"),
                spacing="3",
                width="100%",
            ),
            on_submit=State.ask_for_document,
            reset_on_submit=False,
            key=State.form_version,
        ),
    )

"""The "Processing time" section of the case's USCIS tab (pages/case_uscis.py): for each receipt
number, how long USCIS says cases like it take, and where and as what it is processed."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE
from immigration_app.services.processing_times import PAST_DUE_TEXT
from immigration_app.services.processing_views import ProcessingChoice, ReceiptProcessing
from immigration_app.state.case_processing import CaseProcessingState as State

_CONTROL_STYLE = {
    "padding": "6px 8px",
    "fontSize": "14px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
}


def _labelled(label: str, control_id, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=control_id, style=LABEL_STYLE), control, spacing="1"
    )


def _choice(choice: ProcessingChoice) -> rx.Component:
    return rx.el.option(choice.label, value=choice.value)


def _form(receipt: ReceiptProcessing) -> rx.Component:
    line_id = "processing-line-" + receipt.receipt_number
    date_id = "processing-received-" + receipt.receipt_number
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="receipt_number", value=receipt.receipt_number),
            _labelled(
                "Processed as (category · office)",
                line_id,
                rx.el.select(
                    rx.el.option("Not set", value=""),
                    rx.foreach(receipt.choices, _choice),
                    id=line_id,
                    name="line",
                    default_value=receipt.chosen,
                    style={**_CONTROL_STYLE, "maxWidth": "520px"},
                ),
            ),
            _labelled(
                "Received by USCIS",
                date_id,
                rx.el.input(
                    id=date_id,
                    name="received_on",
                    type="date",
                    default_value=receipt.received_iso,
                    style=_CONTROL_STYLE,
                ),
            ),
            rx.button(
                "Save",
                type="submit",
                variant="soft",
                aria_label="Save the processing of receipt " + receipt.receipt_number,
            ),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=State.save,
        reset_on_submit=False,
        # Redrawn when what is stored changes (after a save), never when the same data
        # arrives again: an arrival must not wipe what someone is typing.
        key=receipt.receipt_number + "|" + receipt.chosen + "|" + receipt.received_iso,
        width="100%",
    )


def _estimate(receipt: ReceiptProcessing) -> rx.Component:
    return rx.cond(
        receipt.sentence != "",
        rx.vstack(
            rx.text(receipt.sentence, size="3"),
            rx.text(receipt.caveat, size="2", color_scheme="gray"),
            rx.cond(
                receipt.past_due,
                rx.callout(PAST_DUE_TEXT, icon="triangle_alert", color_scheme="red"),
            ),
            spacing="2",
            width="100%",
        ),
        rx.callout(receipt.problem, icon="info", color_scheme="amber"),
    )


def _receipt(receipt: ReceiptProcessing) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(receipt.receipt_number, size="3", as_="h3"),
            rx.cond(receipt.form != "", rx.badge("Form " + receipt.form, variant="soft")),
            rx.cond(
                receipt.likely_by != "",
                rx.badge("Likely by " + receipt.likely_by, variant="soft", color_scheme="blue"),
            ),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        _estimate(receipt),
        _form(receipt),
        rx.cond(
            State.error_receipt == receipt.receipt_number,
            rx.text(State.error, color_scheme="red", size="2", role="alert"),
        ),
        spacing="3",
        width="100%",
        padding_bottom="12px",
        border_bottom="1px solid var(--gray-a4)",
    )


def processing_section() -> rx.Component:
    return rx.card(
        rx.el.section(
            rx.vstack(
                rx.heading("Processing time", size="4", as_="h2"),
                rx.cond(
                    State.loaded,
                    rx.cond(
                        State.receipts.length() > 0,
                        rx.vstack(rx.foreach(State.receipts, _receipt), spacing="4", width="100%"),
                        rx.text(
                            "No receipt number yet: add it above when the receipt notice "
                            "arrives, then its estimate shows here.",
                            color_scheme="gray",
                        ),
                    ),
                    rx.spinner(aria_label="Loading the processing times"),
                ),
                spacing="3",
                width="100%",
            ),
            role="region",
            aria_label="Processing time",
        ),
        width="100%",
    )

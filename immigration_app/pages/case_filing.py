"""The Filing tab of the case workspace: the cover letter and the packet (here), the review
(pages/case_filing_review.py) and the filing record (pages/case_filing_record.py)."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import text_area, text_field
from immigration_app.components.tables import data_table
from immigration_app.pages.case_filing_record import filing_record_section
from immigration_app.pages.case_filing_review import (
    CHECK_LABEL,
    alert,
    error_of,
    review_section,
    section,
)
from immigration_app.services.filing_tab import PlanRow
from immigration_app.services.packets import PacketRow
from immigration_app.state.case_filing import CaseFilingState as State

_PACKET_COLUMNS = ("Version", "Pages", "Size", "Built by", "Built on", "SHA-256", "Open")


# --- the cover letter -----------------------------------------------------------------------------


def _letter_text() -> rx.Component:
    letter = State.letter
    return rx.vstack(
        rx.cond(
            letter.addressee != "",
            rx.text(letter.addressee, white_space="pre-line"),
            rx.text(
                "No addressee yet: edit the letter and write where the packet goes.",
                color_scheme="amber",
            ),
        ),
        rx.text(letter.subject, weight="bold"),
        rx.box(
            rx.text(letter.body, white_space="pre-wrap", size="2"),
            padding="12px",
            border="1px solid var(--gray-a5)",
            border_radius="6px",
            width="100%",
        ),
        rx.text(
            "{enclosures} becomes the numbered list of what the packet holds when it is built.",
            size="1",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.button("Edit letter", variant="soft", on_click=State.open_letter),
            rx.cond(
                letter.edited,
                rx.button(
                    "Back to the firm's template",
                    variant="soft",
                    color_scheme="gray",
                    on_click=State.reset_letter,
                ),
            ),
            rx.cond(
                letter.edited,
                rx.badge("Written for this case", variant="outline"),
                rx.badge("The firm's template", variant="outline", color_scheme="gray"),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
    )


def _letter_form() -> rx.Component:
    letter = State.letter
    return rx.form(
        rx.vstack(
            text_area(
                "Addressee (the lockbox or service center)",
                "letter_addressee",
                errors=State.errors,
                rows=4,
                default_value=letter.addressee,
            ),
            text_field(
                "RE: line", "letter_subject", errors=State.errors, default_value=letter.subject
            ),
            text_area(
                "Letter (keep {enclosures}: it becomes the list of what the packet holds)",
                "letter_body",
                errors=State.errors,
                rows=14,
                default_value=letter.body,
            ),
            rx.el.label(
                rx.checkbox(name="letter_for_case_type"),
                "Use this address for every ",
                State.case_type,
                " case",
                style=CHECK_LABEL,
            ),
            rx.hstack(
                rx.button("Save", type="submit"),
                rx.button("Cancel", type="button", variant="soft", on_click=State.close_letter),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.save_letter,
        reset_on_submit=False,
        key=State.form_version,
        width="100%",
    )


def _letter() -> rx.Component:
    return section("Cover letter", rx.cond(State.editing_letter, _letter_form(), _letter_text()))


# --- the packet -----------------------------------------------------------------------------------


def _plan_row(row: PlanRow) -> rx.Component:
    return rx.el.li(
        rx.text(
            rx.text.strong(row.label), rx.cond(row.title != "", ": " + row.title, ""), size="2"
        ),
        padding_y="2px",
    )


def _packet_row(packet: PacketRow) -> rx.Component:
    version = packet.version.to_string()
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text("Version ", version, weight="medium", white_space="nowrap"),
                rx.text(packet.purpose, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(packet.page_count),
        rx.table.cell(packet.size, white_space="nowrap"),
        rx.table.cell(packet.built_by),
        rx.table.cell(packet.built_on),
        rx.table.cell(
            rx.text(
                packet.sha256[:12],
                "…",
                title=packet.sha256,
                aria_label="SHA-256 " + packet.sha256,
                font_family="monospace",
                size="2",
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.link(
                    "View",
                    href="/api/packets/" + packet.id.to_string() + "?inline=1",
                    is_external=True,
                    rel="noopener noreferrer",
                    aria_label="View packet version " + version + " (opens in a new tab)",
                ),
                rx.link(
                    "Download",
                    href="/api/packets/" + packet.id.to_string(),
                    reload_document=True,
                    aria_label="Download packet version " + version,
                ),
                spacing="3",
            )
        ),
    )


def _build() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button(
                "Build packet",
                loading=State.building,
                disabled=State.building,
                on_click=State.build,
            ),
            rx.text(
                "Puts the letter, the filled forms and the accepted documents into one PDF. "
                "Each build is kept as a new version.",
                size="2",
                color_scheme="gray",
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            State.building,
            rx.vstack(
                rx.text(
                    "Building the packet",
                    rx.cond(
                        State.build_total > 0,
                        ": part "
                        + State.build_done.to_string()
                        + " of "
                        + State.build_total.to_string(),
                        "…",
                    ),
                    size="2",
                    role="status",
                ),
                rx.progress(
                    value=State.build_percent, aria_label="Building the packet", width="100%"
                ),
                spacing="1",
                width="100%",
            ),
        ),
        error_of("build_packet"),
        error_of("build_addressee"),
        spacing="2",
        width="100%",
    )


def _packet() -> rx.Component:
    return section(
        "Packet",
        rx.text("What the packet will hold, in order:", size="2"),
        rx.el.ol(
            rx.foreach(State.plan, _plan_row),
            aria_label="Packet contents",
            margin="0",
            padding_left="24px",
        ),
        rx.cond(
            State.not_filled.length() > 0,
            alert(
                "Not filled yet, so not in the packet: Form "
                + State.not_filled.join(", Form ")
                + ". Fill them on the Forms tab.",
                "amber",
            ),
        ),
        _build(),
        rx.cond(
            State.packets.length() > 0,
            data_table("Packets", _PACKET_COLUMNS, rx.foreach(State.packets, _packet_row)),
            rx.text("No packet has been built yet.", size="2", color_scheme="gray"),
        ),
    )


def _filing() -> rx.Component:
    return rx.vstack(
        _letter(),
        _packet(),
        review_section(),
        filing_record_section(),
        spacing="4",
        width="100%",
    )


def filing_tab() -> rx.Component:
    return rx.cond(
        State.loaded,
        _filing(),
        rx.center(rx.spinner(size="3"), padding="32px", aria_label="Loading the filing tab"),
    )

"""/cases/[ref]: one case, its header and its timeline."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.shell import staff_page
from immigration_app.services.cases import TimelineEntry
from immigration_app.state.cases import CaseState


def _fact(label: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        rx.text(value, size="3"),
        spacing="1",
    )


def _header() -> rx.Component:
    header = CaseState.header
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(header.client, size="7", as_="h1"),
                rx.badge(header.stage, size="2", variant="soft"),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.text(f"{header.case_type}", size="4"),
            rx.grid(
                _fact("Reference", header.reference),
                _fact(
                    "Responsible attorney",
                    rx.cond(header.attorney != "", header.attorney, "Not assigned"),
                ),
                _fact(
                    "Paralegal", rx.cond(header.paralegal != "", header.paralegal, "Not assigned")
                ),
                _fact("Opened", header.opened_on),
                _fact(
                    "Receipt numbers",
                    rx.cond(
                        CaseState.receipt_numbers.length() > 0,
                        CaseState.receipt_numbers.join(", "),
                        "None yet",
                    ),
                ),
                columns=rx.breakpoints(initial="2", md="5"),
                spacing="4",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _timeline_entry(entry: TimelineEntry) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(entry.when, size="2", color_scheme="gray", min_width="150px"),
            rx.vstack(
                rx.text(entry.summary, size="3"),
                rx.text(entry.who, size="1", color_scheme="gray"),
                spacing="0",
            ),
            spacing="4",
        ),
        padding_y="8px",
        border_bottom="1px solid var(--gray-a4)",
        list_style="none",
    )


def _timeline() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Timeline", size="4", as_="h2"),
            rx.el.ul(
                rx.foreach(CaseState.timeline, _timeline_entry),
                aria_label="Case timeline",
                padding="0",
                margin="0",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _not_found() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Case not found", size="5", as_="h1"),
            rx.text(
                "There is no case with this reference that you can open. Check the "
                "reference, or ask the responsible attorney to assign it to you."
            ),
            rx.link("Back to cases", href="/"),
            spacing="3",
        )
    )


@staff_page(route="/cases/[ref]", title="Case", on_load=CaseState.load)
def case() -> rx.Component:
    return rx.match(
        CaseState.status,
        ("found", rx.vstack(_header(), _timeline(), spacing="5", width="100%")),
        ("missing", _not_found()),
        rx.center(rx.spinner(size="3"), padding="48px", aria_label="Loading the case"),
    )

"""The checks before review on a case's Forms tab: findings, and acknowledging a warning."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import text_area
from immigration_app.state.case_checks import CaseChecksState as State
from immigration_app.state.case_checks import FindingView


def _severity(severity) -> rx.Component:
    return rx.cond(
        severity == "error",
        rx.badge("Error", color_scheme="red", variant="solid"),
        rx.badge("Warning", color_scheme="amber", variant="solid"),
    )


def _finding(finding: FindingView) -> rx.Component:
    warning = finding.severity == "warning"
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                _severity(finding.severity),
                rx.text(finding.where, size="2", weight="medium"),
                rx.cond(
                    finding.acknowledged != "",
                    rx.badge("Acknowledged", color_scheme="gray", variant="outline"),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(finding.message, size="2"),
            rx.cond(
                finding.acknowledged != "",
                rx.text(
                    "Acknowledged by ",
                    finding.acknowledged_by,
                    ": ",
                    finding.acknowledged,
                    size="2",
                    color_scheme="gray",
                ),
            ),
            rx.hstack(
                rx.link(finding.fix_label, href=finding.fix_url, size="2"),
                rx.cond(
                    warning & (finding.acknowledged == ""),
                    rx.button(
                        "Acknowledge",
                        size="1",
                        variant="soft",
                        on_click=State.open_acknowledge(finding.code),
                        aria_label="Acknowledge: " + finding.message,
                    ),
                ),
                spacing="4",
                align="center",
            ),
            spacing="1",
            width="100%",
        ),
        list_style="none",
        padding_y="8px",
        border_bottom="1px solid var(--gray-a4)",
    )


def _summary() -> rx.Component:
    return rx.cond(
        State.error_count > 0,
        rx.text(
            State.error_count,
            rx.cond(State.error_count == 1, " error keeps", " errors keep"),
            " this case out of review.",
            color_scheme="red",
            weight="medium",
        ),
        rx.text("No errors: ready for review.", color_scheme="green", weight="medium"),
    )


def _acknowledge_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Acknowledge a warning"),
            rx.dialog.description(State.ack_message, size="2", margin_bottom="12px"),
            rx.form(
                rx.vstack(
                    text_area(
                        "Why this is all right (kept with the case)",
                        "note",
                        errors=State.errors,
                        rows=3,
                    ),
                    rx.hstack(
                        rx.button("Acknowledge", type="submit"),
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            on_click=State.close_acknowledge,
                        ),
                        spacing="3",
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=State.acknowledge,
                reset_on_submit=False,
                key=State.form_version,
            ),
            max_width="560px",
        ),
        open=State.ack_code != "",
        on_open_change=State.close_acknowledge,
    )


def checks_panel() -> rx.Component:
    return rx.card(
        rx.el.section(
            rx.vstack(
                rx.heading("Checks before review", size="4", as_="h3"),
                rx.cond(
                    State.loaded,
                    rx.vstack(
                        _summary(),
                        rx.cond(
                            State.findings.length() > 0,
                            rx.el.ul(
                                rx.foreach(State.findings, _finding),
                                aria_label="Findings",
                                padding="0",
                                margin="0",
                                width="100%",
                            ),
                            rx.text(
                                "The forms agree with the profiles and with each other.",
                                size="2",
                                color_scheme="gray",
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    rx.spinner(aria_label="Running the checks"),
                ),
                _acknowledge_dialog(),
                spacing="3",
                width="100%",
            ),
            aria_label="Checks before review",
        ),
        width="100%",
    )

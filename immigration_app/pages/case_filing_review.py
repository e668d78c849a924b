"""The Filing tab's four-eyes review of the packet (pages/case_filing.py has the tab), and the
pieces the tab's modules share (sections, alerts)."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE, text_field
from immigration_app.services.filing_tab import CheckRow
from immigration_app.state.case_filing import CaseFilingState as State

CHECK_LABEL = {"display": "flex", "gap": "8px", "alignItems": "center", "fontSize": "14px"}
_STATUS_COLORS = (
    ("approved", "green"),
    ("pending", "amber"),
    ("returned", "orange"),
    ("void", "red"),
    ("draft", "blue"),
)


def section(title: str, *children: rx.Component) -> rx.Component:
    """A card of the tab: a region named by its h2 heading."""
    return rx.card(
        rx.el.section(
            rx.vstack(rx.heading(title, size="5", as_="h2"), *children, spacing="3", width="100%"),
            aria_label=title,
        ),
        width="100%",
    )


def alert(text, color: str = "red") -> rx.Component:
    """A message that stopped something (amber: one to look at again)."""
    return rx.callout(
        text, icon="triangle_alert", color_scheme=color, role="alert", width="100%", size="1"
    )


def error_of(key: str) -> rx.Component:
    return rx.cond(State.errors.contains(key), alert(State.errors[key]))


def external_link(text, href, label) -> rx.Component:
    return rx.link(
        text, href=href, is_external=True, rel="noopener noreferrer", aria_label=label, size="2"
    )


# --- the review -----------------------------------------------------------------------------------


def _changes_box(heading: str, color: str, **props) -> rx.Component:
    return rx.callout.root(
        rx.vstack(
            rx.text(heading, weight="bold"),
            rx.el.ul(
                rx.foreach(State.changes, lambda change: rx.el.li(change)),
                margin="0",
                padding_left="20px",
            ),
            spacing="1",
        ),
        color_scheme=color,
        width="100%",
        **props,
    )


def _changes() -> rx.Component:
    """Why the approval is void (red, read out at once), or why the packet is out of date."""
    return rx.cond(
        State.changes.length() > 0,
        rx.cond(
            State.review_state == "void",
            _changes_box(
                "The approval no longer holds. What changed on the case:", "red", role="alert"
            ),
            _changes_box(
                "The case changed since the newest packet was built; build it again before it "
                "is reviewed:",
                "amber",
            ),
        ),
    )


def _submit() -> rx.Component:
    return rx.form(
        rx.hstack(
            text_field("Note for the reviewer (optional)", "submit_note", errors=State.errors),
            rx.button("Submit for review", type="submit"),
            align="end",
            spacing="3",
            width="100%",
        ),
        on_submit=State.submit,
        reset_on_submit=False,
        key=State.form_version,
        width="100%",
    )


def _hint(check: CheckRow) -> rx.Component:
    return rx.cond(
        check.hint != "",
        rx.text(
            rx.cond(check.hint_ok, "✓ ", "⚠ "),
            check.hint,
            size="1",
            color_scheme=rx.cond(check.hint_ok, "green", "amber"),
            padding_left="28px",
        ),
    )


def _check(check: CheckRow) -> rx.Component:
    return rx.el.li(
        rx.cond(
            State.may_decide,
            rx.el.label(
                rx.checkbox(
                    checked=State.ticked.contains(check.key),
                    on_change=lambda checked: State.tick(check.key, checked),
                ),
                check.text,
                style=CHECK_LABEL,
            ),
            rx.text(check.text, size="2", padding_left="28px"),
        ),
        _hint(check),
        list_style="none",
        padding_y="4px",
    )


def _decision() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.el.label(
                "Comments (required to return it)", html_for="review_comments", style=LABEL_STYLE
            ),
            rx.text_area(
                id="review_comments",
                default_value=State.comments,
                on_blur=State.set_comments,
                rows="3",
                width="100%",
                key=State.form_version,
            ),
            spacing="1",
            width="100%",
        ),
        rx.hstack(
            rx.button("Approve", color_scheme="green", on_click=State.approve),
            rx.button(
                "Return to preparer", color_scheme="red", variant="soft", on_click=State.send_back
            ),
            spacing="3",
        ),
        *[error_of(f"review_{key}") for key in ("checks", "comments", "decision")],
        spacing="3",
        width="100%",
    )


def _pending() -> rx.Component:
    pending = State.pending
    version = pending.packet_version.to_string()
    return rx.vstack(
        rx.heading("Waiting for review", size="3", as_="h3"),
        rx.text(
            "Version ",
            version,
            ", submitted by ",
            pending.submitted_by,
            " on ",
            pending.submitted_on,
            ".",
            size="2",
        ),
        rx.cond(pending.note != "", rx.text("Note: ", pending.note, size="2")),
        external_link(
            "View packet version " + version,
            "/api/packets/" + pending.packet_id.to_string() + "?inline=1",
            "View packet version " + version + " under review (opens in a new tab)",
        ),
        rx.text("The checklist, with what the case says about each check:", size="2"),
        rx.el.ul(
            rx.foreach(State.checks, _check),
            aria_label="Review checklist",
            margin="0",
            padding="0",
            width="100%",
        ),
        rx.cond(
            State.may_decide,
            _decision(),
            rx.text(State.why_not_decide, size="2", color_scheme="gray", role="note"),
        ),
        spacing="2",
        width="100%",
    )


def review_section() -> rx.Component:
    return section(
        "Review",
        rx.text(
            State.status,
            role="status",
            weight="medium",
            color_scheme=rx.match(State.review_state, *_STATUS_COLORS, "gray"),
        ),
        _changes(),
        rx.cond(State.can_submit, _submit()),
        error_of("submit_packet"),
        error_of("review_decision"),
        rx.cond(State.pending.id != 0, _pending()),
    )

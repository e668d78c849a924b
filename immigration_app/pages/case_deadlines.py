"""The Deadlines and Messages tabs of the case workspace."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import (
    field_error,
    inline_form,
    live_select,
    select_field,
    text_area,
    text_field,
)
from immigration_app.components.tables import data_table
from immigration_app.services.deadlines import DeadlineView
from immigration_app.services.messages import MessageView
from immigration_app.state.deadlines import CaseDeadlinesState as State


def _days_badge(deadline: DeadlineView) -> rx.Component:
    return rx.cond(
        ~deadline.missable,
        rx.cond(
            deadline.days_left <= 0,
            rx.badge("open now", color_scheme="green"),
            rx.badge(f"opens in {deadline.days_left} days", color_scheme="gray"),
        ),
        _due_badge(deadline),
    )


def _due_badge(deadline: DeadlineView) -> rx.Component:
    return rx.cond(
        deadline.days_left < 0,
        rx.badge(f"{-deadline.days_left} days overdue", color_scheme="red"),
        rx.cond(
            deadline.days_left <= 14,
            rx.badge(f"{deadline.days_left} days left", color_scheme="amber"),
            rx.badge(f"{deadline.days_left} days left", color_scheme="gray"),
        ),
    )


def _closing_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            select_field(
                "Outcome",
                "outcome",
                [("completed", "Met (done in time)"), ("waived", "Waived (no longer needed)")],
            ),
            field_error(State.errors, "closing_outcome"),
            text_area("Note (what was done, or why it is waived)", "closing_note", rows=2),
            field_error(State.errors, "closing_note"),
            rx.hstack(
                rx.button("Close deadline", type="submit"),
                rx.button("Cancel", type="button", variant="soft", on_click=State.cancel_closing),
                spacing="3",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=State.close,
        width="100%",
    )


def _deadline(deadline: DeadlineView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(deadline.title, size="3", as_="h3"),
                rx.spacer(),
                rx.text(deadline.due, weight="bold"),
                rx.cond(deadline.is_open, _days_badge(deadline), rx.badge(deadline.status)),
                align="center",
                width="100%",
            ),
            rx.cond(deadline.when_place != "", rx.text(deadline.when_place, size="2")),
            rx.text(deadline.explanation, size="2", color_scheme="gray"),
            rx.cond(deadline.note != "", rx.text(deadline.note, size="2")),
            rx.cond(
                deadline.basis != "",
                rx.text(
                    deadline.basis,
                    " ",
                    rx.link("Source", href=deadline.source, is_external=True),
                    size="1",
                    color_scheme="gray",
                ),
            ),
            rx.cond(
                deadline.warning != "",
                rx.callout(deadline.warning, icon="triangle_alert", color_scheme="amber", size="1"),
            ),
            rx.cond(deadline.closed != "", rx.text(deadline.closed, size="2")),
            rx.cond(
                deadline.is_open,
                rx.cond(
                    State.closing_id == deadline.id,
                    _closing_form(),
                    rx.button(
                        "Mark met or waived",
                        variant="soft",
                        size="1",
                        on_click=State.start_closing(deadline.id),
                        aria_label=f"Mark met or waived: {deadline.title}",
                    ),
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _add_form() -> rx.Component:
    chosen = State.chosen_trigger
    # The choice of event redraws the form below it, so it sits outside the form.
    return rx.card(
        rx.heading("Add a deadline", size="3", as_="h3", margin_bottom="12px"),
        live_select(
            "What happened",
            "trigger",
            State.trigger_options,
            value=State.trigger,
            on_change=State.choose_trigger,
            empty_label="Nothing: I will type the deadline",
            errors=State.errors,
        ),
        rx.form(
            rx.vstack(
                rx.cond(
                    State.trigger != "",
                    rx.vstack(
                        rx.text("This adds: ", chosen.produces, size="2", color_scheme="gray"),
                        rx.hstack(
                            text_field(
                                f"Date ({chosen.label})",
                                "trigger_on",
                                type="date",
                                errors=State.errors,
                            ),
                            text_field(
                                "Due date printed on the notice (if any)",
                                "printed_on",
                                type="date",
                                errors=State.errors,
                            ),
                            spacing="3",
                            width="100%",
                        ),
                        rx.cond(
                            chosen.mailable,
                            rx.el.label(
                                rx.checkbox(name="mailed"),
                                " The notice was served by mail (adds the mailing days)",
                                style={"display": "flex", "gap": "8px", "alignItems": "center"},
                            ),
                        ),
                        rx.hstack(
                            text_field(
                                "Appointment time (if any)",
                                "starts_at",
                                type="time",
                                errors=State.errors,
                            ),
                            text_field("Place (if any)", "place", errors=State.errors),
                            spacing="3",
                            width="100%",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    rx.hstack(
                        text_field("What is due", "title", errors=State.errors),
                        text_field("Due date", "due_on", type="date", errors=State.errors),
                        spacing="3",
                        width="100%",
                    ),
                ),
                rx.button("Add deadline", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=State.add,
            key=State.form_version,
            width="100%",
            margin_top="12px",
        ),
        width="100%",
    )


def _case_feed() -> rx.Component:
    return rx.cond(
        State.feed_url != "",
        rx.callout(
            rx.vstack(
                rx.text("Calendar link for this case. Copy it now; it is shown only once."),
                rx.hstack(
                    rx.code(State.feed_url, aria_label="Case feed link"),
                    rx.button("Copy link", size="1", on_click=rx.set_clipboard(State.feed_url)),
                    align="center",
                    wrap="wrap",
                ),
            ),
            icon="link",
        ),
        rx.button(
            "Calendar link for this case",
            variant="soft",
            size="1",
            on_click=State.new_case_feed,
        ),
    )


def _client_every(which: str, label: str) -> rx.Component:
    return inline_form(
        rx.el.input(type="hidden", name="which", value=which),
        text_field(
            label,
            which,
            type="number",
            errors=State.errors,
            default_value=State.client_every_days[which].to_string(),
        ),
        action="Save",
        on_submit=State.save_client_every,
        # The stored value is in the key: the field is drawn again with it when it arrives
        # (the tab reads it as it opens), without touching the form beside it.
        key=State.form_version.to_string() + "-" + State.client_every_days[which].to_string(),
    )


def _client_emails() -> rx.Component:
    return rx.vstack(
        _client_every(
            "status_updates",
            "While USCIS has the case, email the client a status note every … days (0 = never)",
        ),
        _client_every(
            "document_reminders",
            "While documents are missing, remind the client every … days (0 = never)",
        ),
        spacing="2",
        width="100%",
    )


def deadlines_tab() -> rx.Component:
    return rx.vstack(
        _add_form(),
        _client_emails(),
        _case_feed(),
        rx.cond(
            State.deadlines.length() > 0,
            rx.el.section(
                rx.vstack(rx.foreach(State.deadlines, _deadline), spacing="3", width="100%"),
                aria_label="Deadlines",
                width="100%",
            ),
            rx.text(
                "No deadlines yet. Record what happened (a notice, an expiry date) above "
                "and the deadlines it starts are computed for you.",
                color_scheme="gray",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _message_row(message: MessageView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(message.created),
        rx.table.cell(message.recipient),
        rx.table.cell(
            rx.el.details(
                rx.el.summary(message.subject), rx.text(message.body, white_space="pre-wrap")
            )
        ),
        rx.table.cell(rx.badge(message.status_word)),
        rx.table.cell(message.detail),
    )


def messages_tab() -> rx.Component:
    return rx.cond(
        State.messages.length() > 0,
        data_table(
            "Messages on this case",
            ("Created", "To", "Subject", "Status", "Detail"),
            rx.foreach(State.messages, _message_row),
        ),
        rx.text(
            "No messages yet. Reminders to staff and clients appear here as they are sent.",
            color_scheme="gray",
        ),
    )

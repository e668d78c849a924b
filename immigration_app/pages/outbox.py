"""/outbox: the record of every message, with its status and why a send failed."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import live_select
from immigration_app.components.shell import staff_page
from immigration_app.components.tables import data_table
from immigration_app.services.messages import MessageView
from immigration_app.state.outbox import OutboxState as State


def _row(message: MessageView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(message.created),
        rx.table.cell(
            rx.cond(
                message.case_reference != "",
                rx.link(message.case_reference, href=f"/cases/{message.case_reference}"),
                "",
            )
        ),
        rx.table.cell(message.recipient),
        rx.table.cell(
            rx.el.details(
                rx.el.summary(message.subject), rx.text(message.body, white_space="pre-wrap")
            )
        ),
        rx.table.cell(rx.badge(message.status_word)),
        rx.table.cell(message.attempts),
        rx.table.cell(
            rx.vstack(
                rx.text(message.detail, size="2"),
                rx.cond(
                    message.status == "failed",
                    rx.button(
                        "Send again",
                        size="1",
                        variant="soft",
                        on_click=State.retry(message.id),
                        aria_label=f"Send again: {message.subject}",
                    ),
                ),
                spacing="1",
            )
        ),
    )


@staff_page(route="/outbox", title="Outbox", on_load=State.load)
def outbox_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Outbox", size="6", as_="h1"),
        rx.text(
            "Every reminder and client message, whether it was sent, and why not. Without a "
            "mail server configured, messages are written as .eml files to the outbox folder.",
            color_scheme="gray",
        ),
        rx.hstack(
            live_select(
                "Status",
                "status",
                State.status_options,
                value=State.status,
                on_change=State.filter_status,
                empty_label="Any status",
                compact=True,
            ),
            rx.el.label(
                rx.checkbox(checked=State.only_mine, on_change=State.show_only_mine),
                " Only reminders to me",
                style={"display": "flex", "gap": "8px", "alignItems": "center"},
            ),
            rx.form(
                rx.hstack(
                    rx.input(name="search", placeholder="Address or subject", aria_label="Search"),
                    rx.button("Search", type="submit", variant="soft"),
                    spacing="2",
                ),
                on_submit=State.find,
            ),
            align="end",
            spacing="4",
        ),
        rx.text(State.total, " messages", size="2", color_scheme="gray"),
        rx.cond(
            State.total > 0,
            data_table(
                "Messages",
                ("Created", "Case", "To", "Subject", "Status", "Attempts", "Detail"),
                rx.foreach(State.messages, _row),
            ),
            rx.text("No messages match.", color_scheme="gray"),
        ),
        rx.cond(
            State.pages > 1,
            rx.hstack(
                rx.button(
                    "Previous",
                    disabled=State.page <= 1,
                    on_click=State.go_to_page(State.page - 1),
                    variant="soft",
                ),
                rx.text("Page ", State.page, " of ", State.pages),
                rx.button(
                    "Next",
                    disabled=State.page >= State.pages,
                    on_click=State.go_to_page(State.page + 1),
                    variant="soft",
                ),
                align="center",
                spacing="3",
            ),
        ),
        spacing="4",
        width="100%",
    )

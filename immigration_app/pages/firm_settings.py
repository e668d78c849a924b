"""/admin/firm: the firm's name, address, time zone and date format."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import select_field, text_field
from immigration_app.components.shell import staff_page
from immigration_app.components.tables import data_table
from immigration_app.services.deadlines import BufferRow
from immigration_app.state.admin import FirmSettingsState


def _form() -> rx.Component:
    state = FirmSettingsState
    return rx.card(
        rx.form(
            rx.vstack(
                text_field("Firm name", "name", errors=state.errors, default_value=state.name),
                text_field("Address", "address", errors=state.errors, default_value=state.address),
                text_field(
                    "Phone (clients see it in messages)",
                    "phone",
                    errors=state.errors,
                    default_value=state.phone,
                ),
                select_field(
                    "Time zone",
                    "time_zone",
                    state.time_zones,
                    errors=state.errors,
                    default_value=state.time_zone,
                ),
                select_field(
                    "Date format",
                    "date_format",
                    state.date_formats,
                    errors=state.errors,
                    default_value=state.date_format,
                ),
                rx.text(
                    "Dates and times everywhere in the app are shown in this zone and format.",
                    size="2",
                    color_scheme="gray",
                ),
                text_field(
                    "Remind staff this many days before a deadline",
                    "staff_reminder_lead_days",
                    errors=state.errors,
                    default_value=state.staff_reminder_lead_days,
                ),
                rx.text(
                    "Comma-separated, e.g. 30, 14, 7, 1. Overdue deadlines are reminded daily. "
                    "Applies to deadlines added from now on.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.button("Save settings", type="submit", size="3"),
                spacing="4",
                width="100%",
            ),
            on_submit=state.save,
            reset_on_submit=False,
            key=state.version,
        ),
        width="100%",
        max_width="640px",
    )


def _buffer_row(row: BufferRow) -> rx.Component:
    return rx.table.row(rx.table.cell(row.title), rx.table.cell(row.days, " days"))


def _buffers() -> rx.Component:
    state = FirmSettingsState
    return rx.card(
        rx.vstack(
            rx.heading("Internal target before deadlines", size="4", as_="h2"),
            rx.text(
                "Each deadline shows an internal target this many days before it is due, so "
                "work is done with time to spare. Applies to deadlines added from now on.",
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.hstack(
                    select_field(
                        "Case type",
                        "case_type",
                        state.case_types,
                        errors=state.errors,
                    ),
                    text_field("Days before", "buffer_days", type="number", errors=state.errors),
                    rx.button("Save buffer", type="submit", variant="soft"),
                    align="end",
                    spacing="3",
                    width="100%",
                ),
                on_submit=state.save_buffer,
                width="100%",
            ),
            data_table(
                "Internal buffers",
                ("Case type", "Target"),
                rx.foreach(state.buffers, _buffer_row),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="640px",
    )


def _sign_in_security() -> rx.Component:
    state = FirmSettingsState
    return rx.card(
        rx.vstack(
            rx.heading("Sign-in security", size="4", as_="h2"),
            rx.el.label(
                rx.hstack(
                    rx.switch(
                        checked=state.require_two_step,
                        on_change=state.update_two_step_rule,
                        aria_label="Require two-step sign-in for all staff",
                    ),
                    rx.text("Require two-step sign-in for all staff", weight="medium"),
                    spacing="3",
                    align="center",
                ),
            ),
            rx.text(
                "Everyone then signs in with their password and a code from an authenticator "
                "app. Staff who have not set it up are asked to at their next sign-in, before "
                "they get in. Active staff without two-step sign-in now: ",
                rx.text.strong(state.staff_without_two_step),
                ".",
                size="2",
                color_scheme="gray",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="640px",
    )


@staff_page(route="/admin/firm", title="Firm settings", on_load=FirmSettingsState.load)
def firm_settings() -> rx.Component:
    return rx.vstack(
        rx.heading("Firm settings", size="7", as_="h1"),
        rx.cond(
            FirmSettingsState.version > 0,
            rx.vstack(_form(), _sign_in_security(), _buffers(), spacing="5", width="100%"),
            rx.center(rx.spinner(size="3"), padding="48px", aria_label="Loading settings"),
        ),
        spacing="5",
        width="100%",
    )

"""The client portal panel of a case's Documents tab: its links, and making a new one."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import field_error, select_field, text_field
from immigration_app.components.tables import data_table
from immigration_app.services.portal import LinkView
from immigration_app.state.documents import CaseDocumentsState as State

_CHECK_LABEL = {"display": "flex", "gap": "8px", "alignItems": "center", "fontSize": "14px"}


def _state_badge(state) -> rx.Component:
    return rx.match(
        state,
        ("active", rx.badge("active", color_scheme="green")),
        ("locked", rx.badge("locked (wrong dates of birth)", color_scheme="red")),
        ("revoked", rx.badge("revoked", color_scheme="gray")),
        ("case_closed", rx.badge("closed with the case", color_scheme="gray")),
        rx.badge("expired", color_scheme="gray"),
    )


def _revoke_button(link: LinkView) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Revoke",
                color_scheme="red",
                variant="soft",
                size="1",
                aria_label="Revoke the portal link of " + link.person,
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Revoke the portal link of " + link.person + "?"),
            rx.alert_dialog.description(
                "It stops working at once, also in a browser that has it open. Make a new link "
                "if they still need the portal."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Revoke link",
                        color_scheme="red",
                        on_click=State.revoke_portal_link(link.id),
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def _link_row(link: LinkView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(link.person),
        rx.table.cell(
            _state_badge(link.state),
            rx.cond(link.asks_birth_date, rx.text("asks for the date of birth", size="1")),
        ),
        rx.table.cell(link.created, rx.text(link.created_by, size="1", color_scheme="gray")),
        rx.table.cell(link.expires),
        rx.table.cell(link.last_used),
        rx.table.cell(
            rx.cond((link.state == "active") | (link.state == "locked"), _revoke_button(link), "")
        ),
    )


def _create_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Create portal link", size="3", as_="h4"),
            rx.hstack(
                select_field("Person", "link_member_id", State.person_options, errors=State.errors),
                rx.box(
                    text_field(
                        "Days it works",
                        "link_days",
                        type="number",
                        errors=State.errors,
                        default_value=State.default_days.to_string(),
                    ),
                    max_width="160px",
                ),
                align="end",
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.el.label(
                    rx.checkbox(name="link_birth_date"),
                    "Also ask for the date of birth",
                    style=_CHECK_LABEL,
                ),
                rx.el.label(
                    rx.checkbox(name="link_email", default_checked=True),
                    "Email it to the client",
                    style=_CHECK_LABEL,
                ),
                spacing="4",
                wrap="wrap",
            ),
            field_error(State.errors, "link_require_date_of_birth"),
            rx.button("Create portal link", type="submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=State.create_portal_link,
        reset_on_submit=False,
        key=State.form_version,
        width="100%",
    )


def portal_panel() -> rx.Component:
    return rx.card(
        rx.el.section(
            rx.vstack(
                rx.heading("Client portal", size="4", as_="h3"),
                rx.text(
                    "A portal link lets one person send their documents from a phone, in "
                    "English or Spanish, without an account.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(
                    State.links.length() > 0,
                    data_table(
                        "Portal links",
                        ("Person", "State", "Created", "Expires", "Last used", ""),
                        rx.foreach(State.links, _link_row),
                    ),
                    rx.text("No portal links yet.", size="2"),
                ),
                _create_form(),
                spacing="3",
                width="100%",
            ),
            aria_label="Client portal",
        ),
        width="100%",
    )


def new_link_dialog() -> rx.Component:
    """The new link's address, shown this once: only its fingerprint is stored."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Portal link for ", State.new_link_person),
            rx.dialog.description(
                "Copy it now: it will not be shown again. Only a fingerprint of it is kept, so "
                "nobody can look it up later; if it is lost, make a new link.",
                size="2",
                margin_bottom="12px",
            ),
            rx.el.label("Portal link", html_for="new-portal-link", style={"fontWeight": 500}),
            rx.hstack(
                rx.input(
                    id="new-portal-link",
                    value=State.new_link_url,
                    read_only=True,
                    width="100%",
                    on_focus=rx.call_script("document.getElementById('new-portal-link').select()"),
                ),
                rx.button(
                    "Copy",
                    on_click=[
                        rx.set_clipboard(State.new_link_url),
                        rx.toast.info("Copied to the clipboard."),
                    ],
                ),
                spacing="2",
                width="100%",
                margin_top="4px",
            ),
            rx.hstack(
                rx.button("Done", variant="soft", on_click=State.close_new_link),
                justify="end",
                margin_top="16px",
            ),
            max_width="640px",
        ),
        open=State.new_link_url != "",
        on_open_change=State.close_new_link,
    )

"""/admin/team: who works at the firm, their roles, and who may sign in."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import select_field, text_field
from immigration_app.components.shell import staff_page
from immigration_app.components.tables import data_table
from immigration_app.services.users import StaffRow
from immigration_app.state.admin import TeamState

_ROLES = [("paralegal", "Paralegal"), ("attorney", "Attorney"), ("admin", "Admin")]


def _role_select(member: StaffRow) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(text, value=value) for value, text in _ROLES],
        value=member.role,
        on_change=lambda role: TeamState.update_role(member.id, role),
        aria_label="Role of " + member.full_name,
        style={"padding": "4px 8px", "fontSize": "14px", "borderRadius": "6px"},
    )


def _deactivate_button(member: StaffRow) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Deactivate", color_scheme="red", variant="soft", size="1"),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Deactivate " + member.full_name + "?"),
            rx.alert_dialog.description(
                "They are signed out everywhere at once and cannot sign in until reactivated. "
                "Their cases and history stay as they are."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Keep access", variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Deactivate account",
                        color_scheme="red",
                        on_click=TeamState.update_access(member.id, False),
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def _reviewer(member: StaffRow) -> rx.Component:
    """Attorneys always review packets; an admin may let anyone else active do so too."""
    return rx.cond(
        member.role == "attorney",
        rx.text("Always (attorney)", size="2", color_scheme="gray"),
        rx.cond(
            member.is_active,
            rx.switch(
                checked=member.is_reviewer,
                on_change=lambda reviewer: TeamState.update_reviewer(member.id, reviewer),
                aria_label="Reviewer: " + member.full_name,
            ),
            rx.text("—", size="2", color_scheme="gray"),
        ),
    )


def _two_step(member: StaffRow) -> rx.Component:
    """Whether they use two-step sign-in; an admin resets it for someone who lost their phone."""
    return rx.cond(
        member.two_step,
        rx.hstack(
            rx.badge("On", color_scheme="green"),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.button(
                        "Reset",
                        variant="soft",
                        color_scheme="orange",
                        size="1",
                        aria_label="Reset two-step sign-in of " + member.full_name,
                    ),
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Reset two-step sign-in of " + member.full_name + "?"),
                    rx.alert_dialog.description(
                        "Do this when they have lost their phone. Their authenticator and "
                        "recovery codes stop working; they sign in with their password and, if "
                        "the firm requires two-step sign-in, set it up again right then."
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(
                            rx.button("Keep it", variant="soft", color_scheme="gray")
                        ),
                        rx.alert_dialog.action(
                            rx.button(
                                "Reset two-step sign-in",
                                color_scheme="orange",
                                on_click=TeamState.reset_member_two_step(member.id),
                            )
                        ),
                        spacing="3",
                        justify="end",
                        margin_top="16px",
                    ),
                ),
            ),
            spacing="2",
            align="center",
        ),
        rx.badge("Off", color_scheme="gray"),
    )


def _member_row(member: StaffRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(member.full_name),
        rx.table.cell(member.email),
        rx.table.cell(_role_select(member)),
        rx.table.cell(_reviewer(member)),
        rx.table.cell(_two_step(member)),
        rx.table.cell(
            rx.cond(
                member.is_active,
                rx.badge("Active", color_scheme="green"),
                rx.badge("Deactivated", color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.cond(
                member.is_active,
                _deactivate_button(member),
                rx.button(
                    "Reactivate",
                    variant="soft",
                    size="1",
                    on_click=TeamState.update_access(member.id, True),
                ),
            )
        ),
        align="center",
    )


def _add_member_form() -> rx.Component:
    errors = TeamState.errors
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add a team member", size="4", as_="h2"),
                rx.grid(
                    text_field("Full name", "full_name", errors=errors, required=True),
                    text_field("Email", "email", type="email", errors=errors, required=True),
                    select_field("Role", "role", _ROLES, errors=errors),
                    text_field(
                        "Temporary password (at least 12 characters)",
                        "password",
                        type="password",
                        errors=errors,
                        required=True,
                        autocomplete="new-password",
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.button("Add team member", type="submit", size="3"),
                spacing="4",
                width="100%",
            ),
            on_submit=TeamState.add_member,
            reset_on_submit=False,
            key=TeamState.form_key,
        ),
        width="100%",
    )


@staff_page(route="/admin/team", title="Team", on_load=TeamState.load)
def team() -> rx.Component:
    return rx.vstack(
        rx.heading("Team", size="7", as_="h1"),
        data_table(
            "Team members",
            ("Name", "Email", "Role", "Reviews packets", "Two-step sign-in", "Status", "Access"),
            rx.foreach(TeamState.staff, _member_row),
        ),
        _add_member_form(),
        spacing="5",
        width="100%",
    )

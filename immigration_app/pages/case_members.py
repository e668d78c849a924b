"""The people on a case, on its Profile tab: the "Add a person" dialog, and on each person's
card their role and the way to take them off the case."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import field_error, live_select
from immigration_app.components.person_picker import person_picker
from immigration_app.services.cases import MemberView
from immigration_app.state.case_members import NEW_PERSON
from immigration_app.state.case_members import CaseMembersState as State
from immigration_app.state.cases import CaseState

_CONTROL_STYLE = {"padding": "6px 8px", "borderRadius": "6px"}


def add_person_dialog() -> rx.Component:
    """The button, and the dialog it opens (opened by the state: a search or a refusal
    redraws the page, and the dialog stays open through it)."""
    return rx.fragment(
        rx.button("Add a person", variant="soft", on_click=State.open_add),
        _dialog(),
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Add a person to the case"),
            rx.dialog.description(
                "They are asked for the documents their role needs (Documents tab). Send them "
                "a portal link there if they should upload them.",
                size="2",
                margin_bottom="12px",
            ),
            rx.vstack(
                live_select(
                    "Their role on the case",
                    "role",
                    CaseState.member_roles,
                    value=State.role,
                    on_change=State.choose_role,
                    empty_label="Choose a role",
                    errors=State.errors,
                ),
                field_error(State.errors, "person"),
                field_error(State.errors, "member"),
                rx.box(person_picker(State, NEW_PERSON), key=State.form_version, width="100%"),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    justify="end",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            max_width="720px",
        ),
        open=State.adding,
        on_open_change=State.close_add,
    )


def _role_form(member: MemberView) -> rx.Component:
    select_id = "role-of-" + member.member_id.to_string()
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="member_id", value=member.member_id),
            rx.el.label("Role", html_for=select_id, style={"fontSize": "14px"}),
            rx.el.select(
                rx.foreach(
                    CaseState.member_roles,
                    lambda option: rx.el.option(option[1], value=option[0]),
                ),
                id=select_id,
                name="role",
                default_value=member.role_key,
                aria_label="Role of " + member.name,
                style=_CONTROL_STYLE,
            ),
            rx.button(
                "Change role",
                type="submit",
                variant="soft",
                size="1",
                aria_label="Change the role of " + member.name,
            ),
            align="center",
            spacing="2",
        ),
        on_submit=State.change_role,
        reset_on_submit=False,
        key=member.role_key + member.member_id.to_string(),
    )


def _remove_button(member: MemberView) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Take off the case",
                color_scheme="red",
                variant="soft",
                size="1",
                aria_label="Take " + member.name + " off the case",
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Take " + member.name + " off the case?"),
            rx.alert_dialog.description(
                "Their profile stays on file. The documents still asked of them are withdrawn "
                "and their unused portal links stop working. Nothing anyone sent is deleted: "
                "someone who uploaded a document or used the portal stays on the case (waive "
                "their items instead). Forms filled before keep their details until filled again."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep them", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Take off the case",
                        color_scheme="red",
                        on_click=State.remove(member.member_id),
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def member_controls(member: MemberView) -> rx.Component:
    """A card's role and removal, with why the last change to them was refused."""
    return rx.vstack(
        rx.hstack(_role_form(member), _remove_button(member), spacing="3", wrap="wrap"),
        rx.cond(
            State.refused_member_id == member.member_id,
            rx.text(State.refusal, color_scheme="red", size="2", role="alert"),
        ),
        spacing="2",
        width="100%",
    )

"""/cases/new: choose the case type, gather its people (found or new), assign, open."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import field_error, live_select, select_field
from immigration_app.components.person_picker import person_picker
from immigration_app.components.shell import staff_page
from immigration_app.state.cases import MemberDraft, NewCaseState


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="4", width="100%"),
        width="100%",
    )


def _chosen(member: MemberDraft, index) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.badge(member.role.replace("_", " "), variant="soft"),
            rx.text(member.label),
            rx.spacer(),
            rx.button(
                "Remove",
                variant="ghost",
                color_scheme="red",
                size="1",
                type="button",
                on_click=NewCaseState.remove_member(index),
                aria_label="Remove " + member.label,
            ),
            align="center",
            width="100%",
        ),
        list_style="none",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
    )


def _people() -> rx.Component:
    return _section(
        "People on the case",
        rx.cond(
            NewCaseState.needed_roles != "",
            rx.text(
                "This type of case needs: ", NewCaseState.needed_roles, ".", color_scheme="gray"
            ),
        ),
        rx.cond(
            NewCaseState.members.length() > 0,
            rx.el.ul(
                rx.foreach(NewCaseState.members, _chosen),
                aria_label="People on the case",
                padding="0",
                margin="0",
                width="100%",
            ),
            rx.text("Nobody added yet.", color_scheme="gray"),
        ),
        field_error(NewCaseState.errors, "members"),
        rx.divider(),
        rx.heading("Add a person", size="3", as_="h3"),
        live_select(
            "Their role on the case",
            "adding_role",
            NewCaseState.roles,
            value=NewCaseState.adding_role,
            on_change=NewCaseState.choose_role,
            empty_label="Choose the case type first",
            errors=NewCaseState.errors,
        ),
        person_picker(NewCaseState),
    )


def _assignees() -> rx.Component:
    return rx.grid(
        select_field(
            "Responsible attorney",
            "attorney_id",
            NewCaseState.attorneys,
            errors=NewCaseState.errors,
            empty_label="Not yet assigned",
        ),
        select_field(
            "Paralegal",
            "paralegal_id",
            NewCaseState.paralegals,
            errors=NewCaseState.errors,
            empty_label="Not yet assigned",
        ),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="4",
        width="100%",
    )


def _assign_and_open() -> rx.Component:
    return rx.form(
        _section(
            "Assign and open",
            rx.cond(
                NewCaseState.may_assign,
                _assignees(),
                rx.vstack(
                    rx.text(
                        "The case will be yours. An attorney or an admin assigns the "
                        "responsible attorney.",
                        color_scheme="gray",
                    ),
                    field_error(NewCaseState.errors, "attorney_id"),
                ),
            ),
            rx.hstack(
                rx.button("Create case", type="submit", size="3"),
                rx.link(rx.button("Cancel", variant="soft", size="3", type="button"), href="/"),
                spacing="3",
            ),
        ),
        on_submit=NewCaseState.create,
        reset_on_submit=False,
        width="100%",
    )


@staff_page(route="/cases/new", title="New case", on_load=NewCaseState.load)
def new_case() -> rx.Component:
    return rx.vstack(
        rx.heading("Open a new case", size="7", as_="h1"),
        _section(
            "Case type",
            live_select(
                "Case type",
                "case_type",
                NewCaseState.case_types,
                value=NewCaseState.case_type,
                on_change=NewCaseState.choose_type,
                empty_label="Choose a case type",
                errors=NewCaseState.errors,
            ),
        ),
        _people(),
        _assign_and_open(),
        spacing="5",
        width="100%",
        max_width="860px",
    )

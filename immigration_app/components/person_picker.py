"""Finding a person on file, or entering a new one, to put on a case.

The wizard and the case workspace both use it, each with its own state; the state offers
`matches`, `searched`, `duplicates`, `errors`, `form_version` and the handlers `find_people`,
`add_existing(person_id, name)`, `add_new` and `add_new_anyway`.
"""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import text_field
from immigration_app.components.profile import profile_fields
from immigration_app.services.people import PersonMatch


def _match(state, match: PersonMatch) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.text(match.name, weight="medium"),
                rx.text(
                    rx.cond(match.date_of_birth != "", "Born " + match.date_of_birth, ""),
                    rx.cond(match.a_number != "", " · " + match.a_number, ""),
                    rx.cond(match.reason != "", " · " + match.reason, ""),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="0",
            ),
            rx.spacer(),
            # id 0: someone on a case this viewer may not open (services.people.likely_duplicates).
            rx.cond(
                match.id > 0,
                rx.button(
                    "Add to case",
                    size="1",
                    type="button",
                    on_click=state.add_existing(match.id, match.name),
                    aria_label="Add " + match.name + " to the case",
                ),
            ),
            align="center",
            width="100%",
        ),
        list_style="none",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
    )


def _find_existing(state) -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.hstack(
                text_field("Name, date of birth (YYYY-MM-DD) or A-number", "person_search"),
                rx.button("Search people", type="submit", variant="soft"),
                align="end",
                spacing="3",
                width="100%",
            ),
            on_submit=state.find_people,
            reset_on_submit=False,
            width="100%",
        ),
        rx.cond(
            state.matches.length() > 0,
            rx.el.ul(
                rx.foreach(state.matches, lambda match: _match(state, match)),
                aria_label="People found",
                padding="0",
                margin="0",
                width="100%",
            ),
            rx.cond(
                state.searched,
                rx.text("Nobody found. Enter them as a new person.", color_scheme="gray"),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _duplicate_warning(state) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("triangle_alert")),
        rx.callout.text(
            rx.vstack(
                rx.text("This may be someone already on file:", weight="medium"),
                rx.el.ul(
                    rx.foreach(state.duplicates, lambda match: _match(state, match)),
                    padding="0",
                    margin="0",
                    width="100%",
                    aria_label="Possible duplicates",
                ),
                rx.button(
                    "Add as a new person anyway",
                    variant="soft",
                    type="button",
                    on_click=state.add_new_anyway,
                ),
                spacing="2",
                width="100%",
            )
        ),
        color_scheme="amber",
        role="alert",
        width="100%",
    )


def _enter_new(state, prefix: str) -> rx.Component:
    return rx.form(
        rx.vstack(
            profile_fields(state.errors, prefix=prefix),
            rx.cond(state.duplicates.length() > 0, _duplicate_warning(state)),
            rx.button("Add new person", type="submit", variant="soft"),
            spacing="4",
            width="100%",
        ),
        on_submit=state.add_new,
        reset_on_submit=False,
        key=state.form_version,
        width="100%",
    )


def person_picker(state, prefix: str = "") -> rx.Component:
    """Two tabs: search the people on file, or enter a new person (their fields named with
    `prefix`, see profile_fields)."""
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Find someone on file", value="find"),
            rx.tabs.trigger("Enter a new person", value="new"),
        ),
        rx.tabs.content(_find_existing(state), value="find", padding_top="12px"),
        rx.tabs.content(_enter_new(state, prefix), value="new", padding_top="12px"),
        default_value="find",
        width="100%",
    )

"""/cases/new: a new client and their case, in one form."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import select_field, text_field
from immigration_app.components.shell import staff_page
from immigration_app.state.cases import NewCaseState

_LANGUAGES = [("en", "English"), ("es", "Spanish (Español)")]


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="4", width="100%"),
        width="100%",
    )


def _two(*children: rx.Component) -> rx.Component:
    return rx.grid(
        *children, columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%"
    )


@staff_page(route="/cases/new", title="New case", on_load=NewCaseState.load)
def new_case() -> rx.Component:
    errors = NewCaseState.errors
    return rx.form(
        rx.vstack(
            rx.heading("Open a new case", size="7", as_="h1"),
            _section(
                "Case",
                select_field(
                    "Case type",
                    "case_type",
                    NewCaseState.case_types,
                    errors=errors,
                    empty_label="Choose a case type",
                ),
                _two(
                    select_field(
                        "Responsible attorney",
                        "attorney_id",
                        NewCaseState.attorneys,
                        errors=errors,
                        empty_label="Not yet assigned",
                    ),
                    select_field(
                        "Paralegal",
                        "paralegal_id",
                        NewCaseState.paralegals,
                        errors=errors,
                        empty_label="Not yet assigned",
                    ),
                ),
            ),
            _section(
                "Client",
                _two(
                    text_field(
                        "Family name (last name)", "family_name", errors=errors, required=True
                    ),
                    text_field(
                        "Given name (first name)", "given_name", errors=errors, required=True
                    ),
                ),
                _two(
                    text_field("Middle name", "middle_name", errors=errors),
                    text_field("Date of birth", "date_of_birth", type="date", errors=errors),
                ),
                _two(
                    text_field("Email", "email", type="email", errors=errors),
                    text_field("Phone", "phone", type="tel", errors=errors),
                ),
                _two(
                    text_field("A-number", "a_number", errors=errors),
                    text_field("Country of citizenship", "country_of_citizenship", errors=errors),
                ),
                select_field("Preferred language", "preferred_language", _LANGUAGES, errors=errors),
            ),
            rx.hstack(
                rx.button("Create case", type="submit", size="3"),
                rx.link(rx.button("Cancel", variant="soft", size="3", type="button"), href="/"),
                spacing="3",
            ),
            spacing="5",
            width="100%",
            max_width="800px",
        ),
        on_submit=NewCaseState.submit,
        reset_on_submit=False,
    )

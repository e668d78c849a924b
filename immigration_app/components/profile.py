"""The profile form: the same fields wherever a person is entered or edited."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from immigration_app.components.fields import select_field, text_area, text_field

LANGUAGES = [("en", "English"), ("es", "Spanish (Español)")]
SEXES = [("male", "Male"), ("female", "Female")]


def _pair(*children: rx.Component) -> rx.Component:
    return rx.grid(
        *children, columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%"
    )


def profile_fields(errors: Var, values: Var | None = None, prefix: str = "") -> rx.Component:
    """Profile inputs named `prefix` + PersonInput's fields; `values` (a dict var) pre-fills
    them. A second profile form on a page needs its own prefix: Reflex reads a form's fields
    by their ids, and two inputs with one id would read as one."""

    def field(label: str, name: str, **kwargs) -> rx.Component:
        default = values[name] if values is not None else None
        return text_field(label, prefix + name, errors=errors, default_value=default, **kwargs)

    language_default = values["preferred_language"] if values is not None else None
    return rx.vstack(
        _pair(
            field("Family name (last name)", "family_name", required=True),
            field("Given name (first name)", "given_name", required=True),
        ),
        _pair(
            field("Middle name", "middle_name"),
            field("Date of birth", "date_of_birth", type="date"),
        ),
        _pair(
            select_field(
                "Sex (as the forms ask it)",
                prefix + "sex",
                SEXES,
                errors=errors,
                empty_label="Not known yet",
                default_value=values["sex"] if values is not None else None,
            ),
            field("City of birth", "city_of_birth"),
        ),
        _pair(
            field("Country of birth", "country_of_birth"),
            field("Country of citizenship", "country_of_citizenship"),
        ),
        _pair(
            field("A-number", "a_number"),
            field("USCIS online account number", "uscis_online_account_number"),
        ),
        _pair(
            rx.vstack(
                field("Social Security number", "ssn"),
                # A stored number comes masked (services.people.mask_ssn), never whole.
                rx.text(
                    "Only the last 4 digits are shown. Type all 9 to change it; clear it to "
                    "remove it.",
                    size="1",
                    color_scheme="gray",
                )
                if values is not None
                else rx.fragment(),
                spacing="1",
                width="100%",
            ),
            field("Phone", "phone", type="tel"),
        ),
        _pair(
            field("Email", "email", type="email"),
            select_field(
                "Preferred language",
                prefix + "preferred_language",
                LANGUAGES,
                errors=errors,
                default_value=language_default,
            ),
        ),
        _pair(
            field("Last arrival in the US", "last_arrival_date", type="date"),
            field("I-94 admit until", "i94_admit_until", type="date"),
        ),
        text_area(
            "Other names used (maiden names, aliases): one per line, family name, given names",
            prefix + "other_names",
            errors=errors,
            rows=2,
            default_value=values["other_names"] if values is not None else None,
        ),
        spacing="4",
        width="100%",
    )

"""The portal's "About you" part: the client's profile and five-year histories, phone first.

Three cards, each with its own Save: About you, Where you have lived, Where you have worked.
Every control has a visible label; errors and the saved note read in the client's language.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from immigration_app.state.portal import PortalState
from immigration_app.state.portal_intake import Gap, HistoryItem, PortalIntakeState

S = PortalIntakeState
T = PortalState.t
_LABEL = {"fontWeight": 500, "fontSize": "16px"}
_SELECT = {
    "width": "100%",
    "padding": "10px",
    "fontSize": "16px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
}
_BIG_TAB = {"flex": "1", "min_height": "52px", "font_size": "17px"}  # a thumb's target
_SEXES = (("", "f_sex_unknown"), ("male", "f_sex_male"), ("female", "f_sex_female"))
_UNIT_TYPES = (("", "unit_none"), ("Apt.", "unit_apt"), ("Ste.", "unit_ste"), ("Flr.", "unit_flr"))


def _error(errors: Var, name: str, ident: str) -> rx.Component:
    return rx.cond(
        errors.contains(name),
        rx.text(T[errors[name]], id=f"{ident}-error", color_scheme="red", size="2", role="alert"),
    )


def _labelled(label, ident: str, control: rx.Component, errors: Var, name: str, help_text=None):
    return rx.vstack(
        rx.el.label(label, html_for=ident, style=_LABEL),
        rx.text(help_text, size="2", color_scheme="gray")
        if help_text is not None
        else rx.fragment(),
        control,
        _error(errors, name, ident),
        spacing="1",
        width="100%",
    )


def _input(
    form: str,
    name: str,
    label_key: str,
    values: Var,
    errors: Var,
    type: str = "text",
    autocomplete: str = "off",
    help_key: str = "",
) -> rx.Component:
    ident = f"{form}-{name}"
    control = rx.input(
        id=ident,
        name=name,
        type=type,
        default_value=values[name],
        auto_complete=autocomplete,
        aria_describedby=f"{ident}-error",
        size="3",
        width="100%",
    )
    help_text = T[help_key] if help_key else None
    return _labelled(T[label_key], ident, control, errors, name, help_text=help_text)


def _pair(*children: rx.Component) -> rx.Component:
    return rx.grid(
        *children, columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"
    )


def _card(title_key: str, *children) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(T[title_key], size="5", as_="h2"), *children, spacing="3"),
        width="100%",
        role="region",
        aria_label=T[title_key],
    )


def _saved(part: str) -> rx.Component:
    return rx.cond(
        S.saved == part,
        rx.callout(T["saved"], icon="circle_check", color_scheme="green", role="status"),
    )


# --- About you -------------------------------------------------------------------------------


def _profile_form() -> rx.Component:
    values, errors = S.profile, S.profile_errors

    def field(name: str, label_key: str, **kwargs) -> rx.Component:
        return _input("me", name, label_key, values, errors, **kwargs)

    return rx.form(
        rx.vstack(
            rx.cond(
                errors.length() > 0,
                rx.callout(T["fix_answers"], icon="triangle_alert", color_scheme="red"),
            ),
            _pair(
                field("family_name", "f_family_name", autocomplete="family-name"),
                field("given_name", "f_given_name", autocomplete="given-name"),
            ),
            _pair(
                field("middle_name", "f_middle_name", autocomplete="additional-name"),
                field("date_of_birth", "birth_date", type="date", autocomplete="bday"),
            ),
            _labelled(
                T["f_other_names"],
                "me-other_names",
                rx.text_area(
                    id="me-other_names",
                    name="other_names",
                    default_value=values["other_names"],
                    aria_describedby="me-other_names-error",
                    rows="2",
                    size="3",
                    width="100%",
                ),
                errors,
                "other_names",
                help_text=T["f_other_names_help"],
            ),
            _labelled(
                T["f_sex"],
                "me-sex",
                rx.el.select(
                    *[rx.el.option(T[key], value=value) for value, key in _SEXES],
                    id="me-sex",
                    name="sex",
                    default_value=values["sex"],
                    aria_describedby="me-sex-error",
                    style=_SELECT,
                ),
                errors,
                "sex",
            ),
            _pair(
                field("city_of_birth", "f_city_of_birth"),
                field("country_of_birth", "f_country_of_birth"),
            ),
            field("country_of_citizenship", "f_country_of_citizenship"),
            _pair(
                field("a_number", "f_a_number"),
                field("uscis_online_account_number", "f_uscis_account"),
            ),
            field("ssn", "f_ssn", help_key="f_ssn_help"),
            _pair(
                field("phone", "f_phone", type="tel", autocomplete="tel"),
                field("email", "f_email", type="email", autocomplete="email"),
            ),
            _pair(
                field("last_arrival_date", "f_last_arrival", type="date"),
                field("i94_admit_until", "f_i94_until", type="date"),
            ),
            rx.button(T["save"], type="submit", size="4", width="100%"),
            _saved("profile"),
            spacing="4",
            width="100%",
        ),
        on_submit=S.save_profile,
        reset_on_submit=False,
        key=S.profile_version,
        width="100%",
    )


# --- the histories ---------------------------------------------------------------------------


def _row_form(kind: str) -> rx.Component:
    values, errors = S.draft, S.row_errors
    form = "lived" if kind == "addresses" else "worked"

    def field(name: str, label_key: str, **kwargs) -> rx.Component:
        return _input(form, name, label_key, values, errors, **kwargs)

    if kind == "addresses":
        unit = f"{form}-unit_type"
        fields = [
            field("street", "f_street", autocomplete="address-line1"),
            _pair(
                _labelled(
                    T["f_unit_type"],
                    unit,
                    rx.el.select(
                        *[rx.el.option(T[key], value=value) for value, key in _UNIT_TYPES],
                        id=unit,
                        name="unit_type",
                        default_value=values["unit_type"],
                        aria_describedby=f"{unit}-error",
                        style=_SELECT,
                    ),
                    errors,
                    "unit_type",
                ),
                field("unit_number", "f_unit_number"),
            ),
            _pair(field("city", "f_city"), field("state", "f_state")),
            _pair(field("postal_code", "f_postal_code"), field("province", "f_province")),
            field("country", "f_country"),
        ]
        current_key = "f_lives_here"
    else:
        fields = [
            field("employer", "f_employer", autocomplete="organization"),
            field("occupation", "f_occupation", autocomplete="organization-title"),
            field("street", "f_street"),
            _pair(field("city", "f_city"), field("state", "f_state")),
            _pair(field("postal_code", "f_postal_code"), field("country", "f_country")),
        ]
        current_key = "f_works_here"
    current = f"{form}-current"
    return rx.form(
        rx.vstack(
            rx.heading(
                rx.cond(
                    S.editing_row == 0,
                    T["add_address" if kind == "addresses" else "add_job"],
                    T["edit_address" if kind == "addresses" else "edit_job"],
                ),
                size="4",
                as_="h3",
            ),
            rx.cond(
                errors.length() > 0,
                rx.callout(T["fix_answers"], icon="triangle_alert", color_scheme="red"),
            ),
            *fields,
            field("from_date", "f_from", type="date"),
            rx.hstack(
                rx.el.input(
                    type="checkbox",
                    id=current,
                    name="current",
                    default_checked=values["current"] == "on",
                    style={"width": "24px", "height": "24px"},
                ),
                rx.el.label(T[current_key], html_for=current, style=_LABEL),
                align="center",
                spacing="2",
            ),
            field("to_date", "f_until", type="date"),
            rx.button(T["save"], type="submit", size="4", width="100%"),
            rx.button(
                T["close_form"],
                type="button",
                size="3",
                width="100%",
                variant="soft",
                on_click=S.cancel_row,
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save_row,
        reset_on_submit=False,
        key=S.row_version,
        width="100%",
    )


def _row(kind: str, item: HistoryItem) -> rx.Component:
    confirming = (S.removing == kind) & (S.removing_row == item.row_id)
    return rx.el.li(
        rx.vstack(
            rx.text(item.line, size="3", weight="medium"),
            rx.text(
                item.since, " - ", rx.cond(item.until != "", item.until, T["until_now"]), size="2"
            ),
            rx.cond(
                confirming,
                rx.vstack(
                    rx.text(T["remove_confirm"], size="3", role="alert"),
                    rx.hstack(
                        rx.button(
                            T["remove_yes"], size="3", color_scheme="red", on_click=S.remove_row
                        ),
                        rx.button(T["keep"], size="3", variant="soft", on_click=S.cancel_remove),
                        spacing="3",
                        wrap="wrap",
                    ),
                    spacing="2",
                ),
                rx.hstack(
                    rx.button(
                        T["edit"],
                        size="3",
                        variant="soft",
                        aria_label=T["edit"] + ": " + item.line,
                        on_click=S.start_row(kind, item.row_id),
                    ),
                    rx.button(
                        T["remove"],
                        size="3",
                        variant="soft",
                        color_scheme="red",
                        aria_label=T["remove"] + ": " + item.line,
                        on_click=S.ask_remove(kind, item.row_id),
                    ),
                    spacing="3",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        padding_y="10px",
        border_bottom="1px solid var(--gray-a4)",
        list_style="none",
    )


def _gap(sentence_key: str, gap: Gap) -> rx.Component:
    return rx.callout(
        T[sentence_key].replace("{start}", gap.begins).replace("{end}", gap.ends),
        icon="calendar",
        color_scheme="amber",
    )


def _history(kind: str) -> rx.Component:
    lived = kind == "addresses"
    items, gaps = (S.addresses, S.address_gaps) if lived else (S.jobs, S.job_gaps)
    return _card(
        "lived_title" if lived else "worked_title",
        rx.text(T["lived_intro" if lived else "worked_intro"], size="3"),
        rx.cond(
            items.length() > 0,
            rx.el.ul(
                rx.foreach(items, lambda item: _row(kind, item)),
                aria_label=T["lived_title" if lived else "worked_title"],
                padding="0",
                margin="0",
                width="100%",
            ),
            rx.text(T["no_addresses" if lived else "no_jobs"], color_scheme="gray"),
        ),
        rx.cond(
            gaps.length() > 0,
            rx.vstack(
                rx.foreach(gaps, lambda gap: _gap("gap_lived" if lived else "gap_worked", gap)),
                spacing="2",
                width="100%",
            ),
            rx.callout(T["five_years_done"], icon="circle_check", color_scheme="green"),
        ),
        _saved(kind),
        rx.cond(
            S.editing == kind,
            _row_form(kind),
            rx.button(
                rx.icon("plus"),
                T["add_address" if lived else "add_job"],
                size="4",
                width="100%",
                variant="outline",
                on_click=S.start_row(kind, 0),
            ),
        ),
    )


def intake_section() -> rx.Component:
    """The whole questionnaire; it reloads the client's answers each time it is shown."""
    return rx.vstack(
        rx.cond(
            S.loaded,
            rx.vstack(
                rx.text(T["about_you_intro"], size="3"),
                _card("about_you", _profile_form()),
                _history("addresses"),
                _history("employment"),
                spacing="4",
                width="100%",
            ),
            rx.text(T["loading"]),
        ),
        width="100%",
        on_mount=S.load_intake,
    )


def portal_parts(documents: rx.Component) -> rx.Component:
    """The phone shows one part at a time: the client's documents, or About you."""
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger(T["your_documents"], value="documents", **_BIG_TAB),
            rx.tabs.trigger(T["about_you"], value="about", **_BIG_TAB),
            aria_label=T["parts_label"],
            size="2",
            width="100%",
        ),
        rx.tabs.content(documents, value="documents", padding_top="16px"),
        rx.tabs.content(intake_section(), value="about", padding_top="16px"),
        value=S.part,
        on_change=S.show_part,
        width="100%",
    )

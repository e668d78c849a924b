"""The Histories section under each person on a case's Profile tab.

Five lists (addresses, jobs, marriages, parents, entries to the US), each with its Add button,
Edit and Remove on every row, its row dialog and its removal question. A dialog is part of
its list but opens only for the person and history the state says.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from immigration_app.components.fields import select_field, text_field
from immigration_app.services.cases import MemberView
from immigration_app.services.histories import HOW_MARRIAGES_END, KINDS, RELATIONSHIPS, UNIT_TYPES
from immigration_app.state.profile_histories import FIELD_PREFIX, HistoryItem
from immigration_app.state.profile_histories import CaseHistoriesState as State

_TITLES = {
    "addresses": "Addresses (last five years)",
    "employment": "Employment (last five years)",
    "marriages": "Marriages",
    "parents": "Parents",
    "entries": "Entries to the US",
}
_ABOUT = {
    "addresses": "Where the person has lived. The forms ask the last five years, without gaps.",
    "employment": "Jobs, and time without one. The forms ask the last five years, without gaps.",
    "marriages": "Every marriage, current and past: the forms ask about each spouse.",
    "parents": "The person's parents, as the forms ask about them.",
    "entries": "Each entry into the United States, from the I-94 record and the passport.",
}
_CHECK_LABEL = {"display": "flex", "gap": "8px", "alignItems": "center", "fontSize": "14px"}


def _pair(*children: rx.Component) -> rx.Component:
    return rx.grid(
        *children, columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"
    )


def _text(label: str, name: str, type: str = "text") -> rx.Component:
    return text_field(
        label,
        FIELD_PREFIX + name,
        type=type,
        errors=State.errors,
        default_value=State.draft[name],
    )


def _date(label: str, name: str) -> rx.Component:
    return _text(label, name, type="date")


def _choice(label: str, name: str, options, empty_label: str) -> rx.Component:
    return select_field(
        label,
        FIELD_PREFIX + name,
        [(value, value.capitalize()) for value in options if value],
        errors=State.errors,
        empty_label=empty_label,
        default_value=State.draft[name],
    )


def _current(label: str) -> rx.Component:
    """The box that stands for an empty end date: the person is still there."""
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=FIELD_PREFIX + "current",
            default_checked=State.draft["current"] == "on",
            style={"width": "18px", "height": "18px"},
        ),
        label,
        style=_CHECK_LABEL,
    )


def _address_fields() -> list[rx.Component]:
    return [
        _text("Street and number", "street"),
        _pair(
            _choice("Unit type", "unit_type", UNIT_TYPES, "None"),
            _text("Unit number", "unit_number"),
        ),
        _pair(_text("City or town", "city"), _text("State", "state")),
        _pair(
            _text("ZIP or postal code", "postal_code"),
            _text("Province (outside the US)", "province"),
        ),
        _text("Country", "country"),
        _pair(_date("From", "from_date"), _date("To", "to_date")),
        _current("Lives here now (leave To empty)"),
    ]


def _job_fields() -> list[rx.Component]:
    return [
        _pair(
            _text("Employer (or unemployed, student)", "employer"),
            _text("Occupation", "occupation"),
        ),
        _text("Street and number", "street"),
        _pair(_text("City or town", "city"), _text("State or province", "state")),
        _pair(_text("ZIP or postal code", "postal_code"), _text("Country", "country")),
        _pair(_date("From", "from_date"), _date("To", "to_date")),
        _current("Works here now (leave To empty)"),
    ]


def _marriage_fields() -> list[rx.Component]:
    return [
        _pair(
            _text("Spouse's family name", "spouse_family_name"),
            _text("Spouse's given name", "spouse_given_name"),
        ),
        _pair(
            _text("Spouse's middle name", "spouse_middle_name"),
            _date("Spouse's date of birth", "spouse_date_of_birth"),
        ),
        _pair(
            _date("Date of marriage", "date_of_marriage"),
            _text("Place of marriage (City, State/Province, Country)", "place_of_marriage"),
        ),
        _pair(
            _date("Date the marriage ended", "date_ended"),
            _choice("How it ended", "how_ended", HOW_MARRIAGES_END, "It has not ended"),
        ),
    ]


def _parent_fields() -> list[rx.Component]:
    return [
        _choice("Relationship", "relationship", RELATIONSHIPS, "Choose"),
        _pair(_text("Family name", "family_name"), _text("Given name", "given_name")),
        _pair(_text("Middle name", "middle_name"), _date("Date of birth", "date_of_birth")),
        _pair(
            _text("City of birth", "city_of_birth"), _text("Country of birth", "country_of_birth")
        ),
        _pair(
            _text("City of residence", "city_of_residence"),
            _text("Country of residence", "country_of_residence"),
        ),
    ]


def _entry_fields() -> list[rx.Component]:
    return [
        _pair(
            _date("Arrival date", "arrival_date"),
            _text("Port of entry (City, ST)", "port_of_entry"),
        ),
        _pair(
            _text("I-94 number", "i94_number"),
            _text("Status at entry (e.g. B-2, F-1, EWI)", "status_at_entry"),
        ),
        _pair(
            _date("Admitted until", "authorized_stay_until"),
            _text("Passport number", "passport_number"),
        ),
        _date("Departure date (empty while still in the US)", "departure_date"),
    ]


_FIELDS: dict[str, Callable[[], list[rx.Component]]] = {
    "addresses": _address_fields,
    "employment": _job_fields,
    "marriages": _marriage_fields,
    "parents": _parent_fields,
    "entries": _entry_fields,
}


def _row_dialog(member: MemberView, kind: str) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(State.dialog_title),
            rx.dialog.description(_ABOUT[kind], size="2", margin_bottom="12px"),
            rx.form(
                rx.vstack(
                    rx.cond(
                        State.errors.length() > 0,
                        rx.callout(
                            "Check the fields marked below.",
                            icon="triangle_alert",
                            color_scheme="red",
                            size="1",
                        ),
                    ),
                    *_FIELDS[kind](),
                    rx.hstack(
                        rx.button("Save", type="submit"),
                        rx.button(
                            "Cancel", type="button", variant="soft", on_click=State.close_dialog
                        ),
                        spacing="3",
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=State.save_row,
                reset_on_submit=False,
                key=State.form_version,
            ),
            max_width="640px",
        ),
        open=(State.dialog_kind == kind) & (State.dialog_person_id == member.person_id),
        on_open_change=State.close_dialog,
    )


def _remove_question(member: MemberView, kind: str) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(f"Remove this {KINDS[kind].noun}?"),
            rx.alert_dialog.description(
                State.removing_text,
                ". The case's timeline keeps what it said.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                rx.button("Remove", color_scheme="red", on_click=State.remove_row),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
        open=(State.removing_kind == kind) & (State.removing_person_id == member.person_id),
        on_open_change=State.cancel_remove,
    )


def _row(member: MemberView, kind: str, item: HistoryItem) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.text(item.text, size="2"),
                rx.cond(item.period != "", rx.text(item.period, size="1", color_scheme="gray")),
                spacing="0",
            ),
            rx.spacer(),
            rx.button(
                "Edit",
                size="1",
                variant="soft",
                aria_label="Edit: " + item.text,
                on_click=State.open_edit(member.person_id, kind, item.row_id),
            ),
            rx.button(
                "Remove",
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label="Remove: " + item.text,
                on_click=State.ask_remove(member.person_id, kind, item.row_id),
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        list_style="none",
        padding_y="4px",
        border_bottom="1px solid var(--gray-a3)",
    )


def _history(member: MemberView, kind: str, badge: rx.Component) -> rx.Component:
    key = member.person_id.to_string() + ":" + kind
    rows, gaps = State.lists[key], State.gaps[key]
    title = _TITLES[kind]
    a_noun = KINDS[kind].a_noun
    return rx.el.section(
        rx.hstack(rx.heading(title, size="2", as_="h5"), badge, spacing="2", align="center"),
        rx.cond(
            State.lists.contains(key),
            rx.vstack(
                rx.cond(
                    rows.length() > 0,
                    rx.el.ul(
                        rx.foreach(rows, lambda item: _row(member, kind, item)),
                        aria_label=title + " of " + member.name,
                        padding="0",
                        margin="0",
                        width="100%",
                    ),
                    rx.text("None entered yet.", size="2", color_scheme="gray"),
                ),
                rx.foreach(
                    gaps,
                    lambda gap: rx.callout(
                        gap, icon="triangle_alert", color_scheme="amber", size="1", width="100%"
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            rx.text("Loading…", size="2", color_scheme="gray"),
        ),
        rx.button(
            rx.icon("plus", size=14),
            f"Add {a_noun}",
            size="1",
            variant="outline",
            aria_label=f"Add {a_noun} for " + member.name,
            on_click=State.open_add(member.person_id, kind),
        ),
        _row_dialog(member, kind),
        _remove_question(member, kind),
        aria_label=title + " of " + member.name,
        style={"display": "flex", "flexDirection": "column", "gap": "8px", "width": "100%"},
    )


def member_histories(
    member: MemberView, from_client: Callable[[str], rx.Component]
) -> rx.Component:
    """A person's histories; `from_client(kind)` marks one the client answered in the portal."""
    return rx.vstack(
        rx.heading("Histories", size="3", as_="h4"),
        rx.grid(
            *[
                _history(
                    member,
                    kind,
                    from_client(kind) if kind in ("addresses", "employment") else rx.fragment(),
                )
                for kind in KINDS
            ],
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="5",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )

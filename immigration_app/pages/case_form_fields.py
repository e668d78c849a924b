"""One form's fields on a case's Forms tab: where each value comes from, and the overrides staff
type over the profile's value."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE, field_error, search_field
from immigration_app.components.form_parts import part_item
from immigration_app.components.tables import data_table, pager
from immigration_app.services.form_filling import FieldView
from immigration_app.state.case_forms import CaseFormsState as State

_COLUMNS = ("Part / item", "Field", "Profile key", "From the profile", "Override", "Actions")
_SELECT = {
    "width": "100%",
    "padding": "8px",
    "fontSize": "16px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
}


def _override(field: FieldView) -> rx.Component:
    return rx.cond(
        field.override.is_not_none(),
        rx.vstack(
            rx.text(rx.cond(field.override != "", field.override, "(empty)"), weight="medium"),
            rx.text(
                "replaced ",
                rx.cond(field.replaced != "", field.replaced, "nothing"),
                " · ",
                field.set_by,
                ", ",
                field.set_on,
                size="1",
                color_scheme="gray",
            ),
            spacing="1",
        ),
        rx.text("—", color_scheme="gray"),
    )


def _field_row(field: FieldView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(part_item(field.part, field.item)),
        rx.table.row_header_cell(
            rx.text(field.label, size="2", title=field.label),
            rx.code(field.short_name, variant="ghost", size="1"),
            min_width="280px",
        ),
        rx.table.cell(rx.cond(field.key != "", rx.code(field.key, variant="soft"), "—")),
        rx.table.cell(field.profile_value),
        rx.table.cell(_override(field)),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Override",
                    size="1",
                    variant="soft",
                    on_click=State.open_override(field.name),
                    aria_label="Override " + field.short_name,
                ),
                rx.cond(
                    field.override.is_not_none(),
                    rx.button(
                        "Clear override",
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=State.undo_override(field.name),
                        aria_label="Clear override of " + field.short_name,
                    ),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def _pager() -> rx.Component:
    return pager(
        rx.fragment(State.matching, " fields"), State.page, State.page_count, State.go_to_page
    )


def _value_control(field: FieldView) -> rx.Component:
    """What staff type: a choice for a checkbox or a list, else text."""
    current = rx.cond(field.override.is_not_none(), field.override.to(str), field.profile_value)
    common = {"id": "value", "name": "value", "aria_describedby": "value-error"}
    yes_no = rx.el.select(
        rx.el.option("checked", value="checked"),
        rx.el.option("not checked", value="not checked"),
        default_value=rx.cond(current == "checked", "checked", "not checked"),
        style=_SELECT,
        **common,
    )
    return rx.match(
        field.kind,
        ("checkbox", yes_no),
        ("radio", yes_no),
        (
            "choice",
            rx.el.select(
                rx.foreach(
                    field.options,
                    lambda option: rx.el.option(
                        rx.cond(option != "", option, "(empty)"), value=option
                    ),
                ),
                default_value=current,
                style=_SELECT,
                **common,
            ),
        ),
        rx.text_area(default_value=current, rows="2", width="100%", **common),
    )


def _override_dialog() -> rx.Component:
    field = State.editing
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Override ", field.short_name),
            rx.dialog.description(field.label, size="2", margin_bottom="8px"),
            rx.text(
                "From the profile: ",
                rx.cond(field.profile_value != "", field.profile_value, "nothing"),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    rx.el.label("Value on this case's form", html_for="value", style=LABEL_STYLE),
                    _value_control(field),
                    field_error(State.errors, "value"),
                    field_error(State.errors, "field"),
                    rx.hstack(
                        rx.button("Save override", type="submit"),
                        rx.button(
                            "Cancel", type="button", variant="soft", on_click=State.close_override
                        ),
                        spacing="3",
                        justify="end",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=State.save_override,
                reset_on_submit=False,
                key=State.form_version,
            ),
            max_width="560px",
        ),
        open=field.name != "",
        on_open_change=State.close_override,
    )


def _fields() -> rx.Component:
    return rx.vstack(
        search_field(
            "Search fields",
            "fields-search",
            value=State.query,
            on_change=State.search_fields,
            placeholder="Label, name, key or value",
        ),
        rx.cond(
            State.matching > 0,
            rx.fragment(
                data_table(
                    "Fields of Form " + State.panel_form,
                    _COLUMNS,
                    rx.foreach(State.fields, _field_row),
                ),
                _pager(),
            ),
            rx.text("No field matches. Try fewer words.", color_scheme="gray"),
        ),
        spacing="3",
        width="100%",
    )


def fields_panel() -> rx.Component:
    return rx.cond(
        State.panel_form != "",
        rx.card(
            rx.el.section(
                rx.vstack(
                    rx.hstack(
                        rx.vstack(
                            rx.heading("Fields of Form ", State.panel_form, size="4", as_="h3"),
                            rx.text(State.panel_title, size="2", color_scheme="gray"),
                            spacing="1",
                        ),
                        rx.spacer(),
                        rx.button("Close fields", variant="soft", on_click=State.close_fields),
                        align="center",
                        width="100%",
                    ),
                    rx.text(
                        "An override is typed for this case only; the form shows it from the "
                        "next fill on.",
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.cond(
                        State.panel_error != "",
                        rx.callout(State.panel_error, icon="triangle_alert", color_scheme="red"),
                        _fields(),
                    ),
                    _override_dialog(),
                    spacing="3",
                    width="100%",
                ),
                aria_label="Fields of Form " + State.panel_form,
            ),
            width="100%",
        ),
    )

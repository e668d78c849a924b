"""The dialog of the field-map editor: the profile key (from a list), when a box is checked,
and what is written when the value is empty."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE, field_error
from immigration_app.components.form_parts import part_item, status_badge
from immigration_app.state.form_map import FormMapState as State

_INPUT = {
    "width": "100%",
    "padding": "8px",
    "fontSize": "16px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
}
KEYS_LIST = "profile-keys"


def _text_input(label: str, name: str, default_value, **props) -> rx.Component:
    """A native input (it can offer a datalist), labelled, with its error beside it."""
    return rx.vstack(
        rx.el.label(label, html_for=name, style=LABEL_STYLE),
        rx.el.input(
            id=name,
            name=name,
            default_value=default_value,
            auto_complete="off",
            aria_describedby=f"{name}-error",
            style=_INPUT,
            **props,
        ),
        field_error(State.errors, name),
        spacing="1",
        width="100%",
    )


def edit_dialog() -> rx.Component:
    row = State.editing
    checkbox = (row.kind == "checkbox") | (row.kind == "radio")
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Field ", row.short_name),
            rx.dialog.description(row.label, size="2", margin_bottom="8px"),
            rx.hstack(
                part_item(row.part, row.item),
                rx.badge(row.kind, variant="outline"),
                status_badge(row.status),
                spacing="2",
                align="center",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    _text_input(
                        "Profile key",
                        "key",
                        row.key,
                        list=KEYS_LIST,
                        placeholder="e.g. applicant.family_name",
                    ),
                    rx.el.datalist(
                        rx.foreach(State.key_choices, lambda key: rx.el.option(value=key)),
                        id=KEYS_LIST,
                    ),
                    rx.cond(
                        checkbox,
                        rx.vstack(
                            _text_input(
                                "Checked when the value is", "when", row.when, placeholder="male"
                            ),
                            rx.text(
                                "This box's on-states in the PDF: ",
                                row.on_states.join(", "),
                                size="1",
                                color_scheme="gray",
                            ),
                            spacing="1",
                            width="100%",
                        ),
                    ),
                    _text_input("Write when empty (e.g. N/A)", "blank", row.blank, max_length=20),
                    rx.hstack(
                        rx.button("Save", type="submit"),
                        rx.button(
                            "Unmap",
                            type="button",
                            variant="soft",
                            color_scheme="amber",
                            on_click=State.unmap_field,
                        ),
                        rx.cond(
                            row.edited,
                            rx.button(
                                "Back to standard",
                                type="button",
                                variant="soft",
                                on_click=State.reset_field,
                            ),
                        ),
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=State.close_field,
                        ),
                        spacing="3",
                        justify="end",
                        wrap="wrap",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=State.save_field,
                reset_on_submit=False,
                key=State.form_version,
            ),
            max_width="640px",
        ),
        open=row.name != "",
        on_open_change=State.close_field,
    )

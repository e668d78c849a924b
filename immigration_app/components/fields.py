"""Form fields with a visible label and their error message beside them."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

_SELECT_STYLE = {
    "width": "100%",
    "padding": "8px",
    "fontSize": "16px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
}


def field_error(errors: Var, name: str) -> rx.Component:
    return rx.cond(
        errors.contains(name),
        rx.text(errors[name], id=f"{name}-error", color_scheme="red", size="2", role="alert"),
    )


LABEL_STYLE = {"fontWeight": 500, "fontSize": "14px"}


def _labelled(label: str, name: str, control: rx.Component, errors: Var | None) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style=LABEL_STYLE),
        control,
        field_error(errors, name) if errors is not None else rx.fragment(),
        spacing="1",
        width="100%",
    )


def text_field(
    label: str,
    name: str,
    *,
    errors: Var | None = None,
    type: str = "text",
    required: bool = False,
    autocomplete: str = "off",
    default_value: Var | str | None = None,
) -> rx.Component:
    control = rx.input(
        id=name,
        name=name,
        type=type,
        default_value=default_value,
        required=required,
        auto_complete=autocomplete,
        aria_describedby=f"{name}-error",
        size="3",
        width="100%",
    )
    return _labelled(label, name, control, errors)


def select_field(
    label: str,
    name: str,
    options: Var | list[tuple[str, str]],
    *,
    errors: Var | None = None,
    empty_label: str | None = None,
    default_value: Var | str | None = None,
) -> rx.Component:
    """A native <select>, accessible and the phone's own picker on mobile.

    `options` is a list of (value, text) pairs, fixed or from a state var.
    """
    if isinstance(options, Var):
        choices = rx.foreach(options, lambda option: rx.el.option(option[1], value=option[0]))
    else:
        choices = rx.fragment(*[rx.el.option(text, value=value) for value, text in options])
    control = rx.el.select(
        rx.el.option(empty_label, value="") if empty_label is not None else rx.fragment(),
        choices,
        id=name,
        name=name,
        default_value=default_value,
        aria_describedby=f"{name}-error",
        style=_SELECT_STYLE,
    )
    return _labelled(label, name, control, errors)


def text_area(
    label: str,
    name: str,
    *,
    errors: Var | None = None,
    rows: int = 4,
    default_value: Var | str | None = None,
) -> rx.Component:
    control = rx.text_area(
        id=name,
        name=name,
        rows=str(rows),
        default_value=default_value,
        aria_describedby=f"{name}-error",
        width="100%",
    )
    return _labelled(label, name, control, errors)


def live_select(
    label: str,
    name: str,
    options: Var,
    *,
    value: Var,
    on_change,
    empty_label: str,
    errors: Var | None = None,
    compact: bool = False,
) -> rx.Component:
    """A native <select> whose every change goes straight to the server (filters, choices).

    `options` is a state var of (value, text) pairs; `compact` suits a row of filters.
    """
    style = {**_SELECT_STYLE, "fontSize": "14px", "padding": "6px 8px", "width": "auto"}
    control = rx.el.select(
        rx.el.option(empty_label, value=""),
        rx.foreach(options, lambda option: rx.el.option(option[1], value=option[0])),
        id=name,
        value=value,
        on_change=on_change,
        aria_describedby=f"{name}-error",
        style=style if compact else _SELECT_STYLE,
    )
    return _labelled(label, name, control, errors)


def inline_form(*fields: rx.Component, action: str, on_submit, key=None) -> rx.Component:
    """A one-line form: its fields side by side, then the submit button.

    Typed values stay on an error; pass `key` (a state counter bumped on success) to clear them.
    """
    return rx.form(
        rx.hstack(
            *fields,
            rx.button(action, type="submit", variant="soft"),
            align="end",
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        key=key,
        width="100%",
    )


def search_field(label: str, name: str, *, value: Var, on_change, placeholder: str) -> rx.Component:
    """A labelled search box that filters a list on the server as the user types."""
    return rx.vstack(
        rx.el.label(label, html_for=name, style=LABEL_STYLE),
        rx.input(
            id=name,
            type="search",
            value=value,
            on_change=on_change,
            debounce_timeout=300,
            placeholder=placeholder,
            max_length=100,
            width="320px",
        ),
        spacing="1",
    )

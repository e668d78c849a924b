"""/admin/checklists: the documents each member of a case type is asked for, as the firm wants."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from immigration_app.components.fields import live_select, select_field, text_area, text_field
from immigration_app.components.shell import staff_page
from immigration_app.services.checklists import TemplateRow
from immigration_app.state.checklists import ChecklistsState as State
from immigration_app.state.checklists import RoleGroup

NEW_CASES_ONLY = "Changes apply to cases opened from now on; open cases keep their checklist."
_CHECK_LABEL = {"display": "flex", "gap": "8px", "alignItems": "center", "fontSize": "14px"}


def _check(label: str, name: str, checked: Var | bool) -> rx.Component:
    return rx.el.label(rx.checkbox(name=name, default_checked=checked), label, style=_CHECK_LABEL)


def _editor(row: TemplateRow | None) -> rx.Component:
    """The item form: empty for a new item, filled in with `row` to reword one."""

    def value(name: str, empty=""):
        return getattr(row, name) if row is not None else empty

    days = row.expires_after_days.to_string() if row is not None else "0"
    return rx.form(
        rx.vstack(
            rx.grid(
                text_field("Code", "code", errors=State.errors, default_value=value("code")),
                select_field(
                    "Section",
                    "section",
                    State.sections,
                    errors=State.errors,
                    default_value=value("section", "identity"),
                ),
                text_field(
                    "Title (English)",
                    "title_en",
                    errors=State.errors,
                    default_value=value("title_en"),
                ),
                text_field(
                    "Title (Spanish)",
                    "title_es",
                    errors=State.errors,
                    default_value=value("title_es"),
                ),
                text_area(
                    "What to send (English, the client reads it)",
                    "explain_en",
                    errors=State.errors,
                    rows=3,
                    default_value=value("explain_en"),
                ),
                text_area(
                    "What to send (Spanish)",
                    "explain_es",
                    errors=State.errors,
                    rows=3,
                    default_value=value("explain_es"),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
            ),
            rx.el.fieldset(
                rx.el.legend("Accepted uploads", style={"fontWeight": 500, "fontSize": "14px"}),
                rx.hstack(
                    _check(
                        "PDF", "kind_pdf", row.kinds.contains("pdf") if row is not None else True
                    ),
                    _check(
                        "Photo",
                        "kind_photo",
                        row.kinds.contains("photo") if row is not None else True,
                    ),
                    spacing="4",
                ),
                rx.cond(
                    State.errors.contains("kinds"),
                    rx.text(State.errors["kinds"], color_scheme="red", size="2", role="alert"),
                ),
                style={"border": "none", "padding": 0, "margin": 0},
            ),
            rx.hstack(
                _check("Required", "required", value("required", True)),
                _check(
                    "Needs a certified English translation",
                    "translation",
                    value("translation", False),
                ),
                spacing="4",
                wrap="wrap",
            ),
            rx.box(
                text_field(
                    "Goes stale after (days; 0 = never)",
                    "expires_after_days",
                    type="number",
                    errors=State.errors,
                    default_value=days,
                ),
                max_width="280px",
            ),
            rx.hstack(
                rx.button("Save item", type="submit"),
                rx.button("Cancel", type="button", variant="soft", on_click=State.cancel),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.save_item,
        reset_on_submit=False,
        key=State.version,
        width="100%",
    )


def _remove_button(row: TemplateRow) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Remove",
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label="Remove " + row.code + " (" + row.role + ")",
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Remove " + row.title_en + "?"),
            rx.alert_dialog.description(
                "New cases of this type will not ask for it. Open cases keep it on their checklist."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Remove item",
                        color_scheme="red",
                        on_click=State.remove_item(row.role, row.code),
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def _item_view(row: TemplateRow) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row.title_en, weight="medium"),
            rx.code(row.code, variant="soft"),
            rx.badge(State.section_titles[row.section], variant="soft"),
            rx.badge(row.kinds, variant="outline", color_scheme="gray"),
            rx.cond(
                row.required,
                rx.badge("required", color_scheme="indigo"),
                rx.badge("optional", color_scheme="gray"),
            ),
            rx.cond(row.translation, rx.badge("certified translation", color_scheme="amber")),
            rx.cond(
                row.expires_after_days > 0,
                rx.badge("stale after ", row.expires_after_days, " days", color_scheme="orange"),
            ),
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.text("ES: ", row.title_es, size="2"),
        rx.text(row.explain_en, size="2", color_scheme="gray"),
        rx.text(row.explain_es, size="2", color_scheme="gray", lang="es"),
        rx.hstack(
            rx.button(
                "Edit",
                size="1",
                variant="soft",
                on_click=State.start_edit(row.role, row.code),
                aria_label="Edit " + row.code + " (" + row.role + ")",
            ),
            _remove_button(row),
            spacing="3",
        ),
        spacing="1",
        width="100%",
    )


def _item(row: TemplateRow) -> rx.Component:
    return rx.box(
        rx.cond(
            State.editing == row.role + "/" + row.code,
            _editor(row),
            _item_view(row),
        ),
        role="listitem",
        aria_label=row.title_en,
        padding="12px 0",
        border_top="1px solid var(--gray-a4)",
        width="100%",
    )


def _group(group: RoleGroup) -> rx.Component:
    return rx.el.section(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(group.title, size="4", as_="h2"),
                    rx.badge(group.rows.length(), " items", variant="soft"),
                    rx.spacer(),
                    rx.button(
                        "Add an item",
                        size="2",
                        variant="soft",
                        on_click=State.start_add(group.role),
                        aria_label="Add an item for " + group.title,
                    ),
                    align="center",
                    width="100%",
                ),
                rx.cond(
                    State.adding == group.role,
                    rx.box(
                        rx.heading("New item for ", group.title, size="3", as_="h3"),
                        _editor(None),
                        padding="12px",
                        border_radius="8px",
                        background="var(--gray-a2)",
                        width="100%",
                    ),
                ),
                rx.cond(
                    group.rows.length() > 0,
                    rx.el.div(
                        rx.foreach(group.rows, _item),
                        role="list",
                        aria_label="Items for " + group.title,
                        style={"width": "100%"},
                    ),
                    rx.text(
                        "Nothing is asked of this person yet. Add an item if cases need one.",
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        aria_label=group.title,
        style={"width": "100%"},
    )


def _reset_button() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Back to the standard list", variant="soft")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Go back to the standard list?"),
            rx.alert_dialog.description(
                "Every change your firm made to the ",
                State.case_type_title,
                " checklist is dropped, for every member role. Cases opened from now on get "
                "the standard list; open cases keep their checklist.",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Keep our list", variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Use the standard list", color_scheme="red", on_click=State.reset_list
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def _chooser() -> rx.Component:
    return rx.hstack(
        rx.box(
            live_select(
                "Case type",
                "checklist-case-type",
                State.case_types,
                value=State.case_type,
                on_change=State.choose_type,
                empty_label="Choose a case type",
            ),
            min_width="320px",
        ),
        rx.cond(
            State.edited,
            rx.badge("Edited by your firm", color_scheme="amber", size="2"),
            rx.badge("Standard list", variant="soft", size="2"),
        ),
        rx.spacer(),
        rx.cond(State.edited, _reset_button()),
        align="end",
        spacing="4",
        width="100%",
        wrap="wrap",
    )


@staff_page(route="/admin/checklists", title="Checklists", on_load=State.load)
def checklists_admin() -> rx.Component:
    return rx.vstack(
        rx.heading("Checklists", size="7", as_="h1"),
        rx.text(
            "The documents each person on a case is asked for, by case type. Clients see the "
            "titles and explanations in their language.",
            color_scheme="gray",
        ),
        rx.callout(NEW_CASES_ONLY, icon="info", size="1"),
        rx.cond(
            State.loaded,
            rx.vstack(
                _chooser(),
                rx.foreach(State.groups, _group),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="48px", aria_label="Loading checklists"),
        ),
        spacing="4",
        width="100%",
    )

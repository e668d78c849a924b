"""/admin/forms/[template_id]: which profile value fills each field of a form."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE, search_field
from immigration_app.components.form_parts import part_item, status_badge
from immigration_app.components.shell import staff_page
from immigration_app.components.tables import data_table, pager
from immigration_app.pages.form_map_dialog import edit_dialog
from immigration_app.services.form_mapping import MapRow
from immigration_app.state.form_map import FormMapState as State

_COLUMNS = ("Field", "Printed label", "Part / item", "Kind", "Status", "Profile key", "Actions")
_SELECT = {
    "padding": "6px 8px",
    "fontSize": "14px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
}


def _row(row: MapRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.code(row.short_name, variant="ghost")),
        rx.table.cell(rx.text(row.label, size="2", title=row.label), min_width="320px"),
        rx.table.cell(part_item(row.part, row.item)),
        rx.table.cell(row.kind),
        rx.table.cell(
            rx.vstack(
                status_badge(row.status),
                rx.cond(row.edited, rx.badge("Changed by your firm", variant="outline")),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.cond(
                row.key != "",
                rx.vstack(
                    rx.code(row.key, variant="soft"),
                    rx.cond(row.when != "", rx.text("checked when ", row.when, size="1")),
                    rx.cond(row.blank != "", rx.text("empty: ", row.blank, size="1")),
                    spacing="1",
                ),
                rx.text("—", color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.cond(
                row.status != "fixed",
                rx.button(
                    "Edit",
                    size="1",
                    variant="soft",
                    on_click=State.open_field(row.name),
                    aria_label="Edit " + row.short_name,
                ),
            )
        ),
    )


def _count(label: str, key: str) -> rx.Component:
    return rx.badge(
        label, " ", rx.cond(State.counts.contains(key), State.counts[key], 0), variant="soft"
    )


def _filters() -> rx.Component:
    return rx.hstack(
        search_field(
            "Search fields",
            "map-search",
            value=State.query,
            on_change=State.search,
            placeholder="Name, printed label or profile key",
        ),
        rx.vstack(
            rx.el.label("Show", html_for="map-status", style=LABEL_STYLE),
            rx.el.select(
                rx.el.option("All", value=""),
                rx.el.option("Unmapped", value="unmapped"),
                rx.el.option("Mapped", value="mapped"),
                rx.el.option("Left to staff", value="staff"),
                id="map-status",
                value=State.status_filter,
                on_change=State.filter_status,
                style=_SELECT,
            ),
            spacing="1",
        ),
        rx.hstack(
            _count("All", "all"),
            _count("Mapped", "mapped"),
            _count("Left to staff", "staff"),
            _count("Unmapped", "unmapped"),
            _count("Not fillable", "fixed"),
            spacing="2",
            wrap="wrap",
            aria_label="Fields per status",
        ),
        align="end",
        spacing="4",
        wrap="wrap",
        width="100%",
    )


def _pager() -> rx.Component:
    return pager(
        rx.fragment(State.matching, " fields"), State.page, State.page_count, State.go_to_page
    )


def _editor() -> rx.Component:
    return rx.vstack(
        rx.link("← Form library", href="/admin/forms"),
        rx.heading(
            "Field map: Form ", State.form_number, ", edition ", State.edition, size="7", as_="h1"
        ),
        rx.text(State.title, color_scheme="gray"),
        rx.callout(
            "A change applies to every fill from now on; forms filled before keep their values "
            "until they are filled again.",
            icon="info",
            size="1",
        ),
        _filters(),
        rx.cond(
            State.matching > 0,
            rx.fragment(
                data_table(
                    "Fields of Form " + State.form_number,
                    _COLUMNS,
                    rx.foreach(State.rows, _row),
                ),
                _pager(),
            ),
            rx.text(
                "No field matches. Try fewer words, or show every status.", color_scheme="gray"
            ),
        ),
        edit_dialog(),
        spacing="4",
        width="100%",
    )


def _missing() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Form not found", size="5", as_="h1"),
            rx.text("This edition is no longer in the library."),
            rx.link("Back to the form library", href="/admin/forms"),
            spacing="3",
        )
    )


@staff_page(route="/admin/forms/[template_id]", title="Field map", on_load=State.load)
def form_map_editor() -> rx.Component:
    return rx.match(
        State.status,
        ("found", _editor()),
        ("missing", _missing()),
        rx.center(rx.spinner(size="3"), padding="48px", aria_label="Loading the field map"),
    )

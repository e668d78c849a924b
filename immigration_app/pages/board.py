"""/board: a column per stage, a card per open case; drag a card or use its "Move to" menu."""

from __future__ import annotations

import reflex as rx

from immigration_app import catalog
from immigration_app.components.dnd import drag_area
from immigration_app.components.fields import inline_form, live_select, select_field, text_field
from immigration_app.components.shell import staff_page
from immigration_app.components.tables import data_table
from immigration_app.services.board import Card, Column
from immigration_app.services.board_stats import AgingRow
from immigration_app.services.stages import StageSettingRow
from immigration_app.state.board import BoardState as State

REFRESH_MS = 8000  # colleagues' moves appear within this, without a reload


def _deadline_badge(card: Card) -> rx.Component:
    return rx.cond(
        card.has_deadline,
        rx.cond(
            card.deadline_days < 0,
            rx.badge(f"{-card.deadline_days}d overdue", color_scheme="red"),
            rx.cond(
                card.deadline_days <= 14,
                rx.badge(f"due in {card.deadline_days}d", color_scheme="amber"),
                rx.badge(f"due in {card.deadline_days}d", color_scheme="gray"),
            ),
        ),
    )


def _missing_badge(card: Card) -> rx.Component:
    return rx.cond(
        card.missing_docs > 0,
        rx.badge(
            card.missing_docs.to_string()
            + rx.cond(card.missing_docs == 1, " doc missing", " docs missing"),
            color_scheme="orange",
            variant="soft",
        ),
    )


def _move_menu(card: Card) -> rx.Component:
    return rx.el.select(
        rx.el.option("Move to…", value=""),
        rx.foreach(State.stage_options, lambda stage: rx.el.option(stage[1], value=stage[0])),
        value="",
        on_change=lambda stage: State.move_to(card.reference, stage),
        aria_label="Move " + card.reference + " to",
        style={"fontSize": "12px", "padding": "2px 4px", "maxWidth": "100%"},
    )


def _card(card: Card) -> rx.Component:
    return drag_area(
        rx.card(
            rx.vstack(
                rx.link(card.client, href="/cases/" + card.reference, weight="medium", size="2"),
                rx.text(card.case_type, size="1", color_scheme="gray"),
                rx.hstack(
                    rx.avatar(fallback=card.initials, size="1", radius="full", title=card.assignee),
                    rx.text(card.days_in_stage, "d in stage", size="1"),
                    _deadline_badge(card),
                    _missing_badge(card),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                _move_menu(card),
                spacing="1",
                width="100%",
            ),
            size="1",
            width="100%",
        ),
        draggable=True,
        on_drag_start=State.start_drag(card.reference),
        role="listitem",
        aria_label=card.client + " (" + card.reference + ")",
        style={"cursor": "grab"},
    )


def _column(column: Column) -> rx.Component:
    return drag_area(
        rx.vstack(
            rx.hstack(
                rx.heading(column.title, size="3", as_="h2"),
                rx.badge(column.total, variant="soft", aria_label="Cases in " + column.title),
                align="center",
                justify="between",
                width="100%",
            ),
            _column_figures(column),
            rx.el.div(
                rx.foreach(column.cards, _card),
                role="list",
                style={"display": "flex", "flexDirection": "column", "gap": "8px"},
            ),
            rx.cond(
                column.total > column.cards.length(),
                rx.button(
                    "Show more",
                    variant="ghost",
                    size="1",
                    on_click=State.show_more(column.stage),
                ),
            ),
            spacing="2",
            width="100%",
        ),
        on_drag_over=rx.prevent_default,
        on_drop=State.drop_on(column.stage),
        role="region",
        aria_label=column.title,
        style={
            "minWidth": "240px",
            "width": "240px",
            "flexShrink": "0",
            "padding": "8px",
            "borderRadius": "8px",
            "background": rx.cond(column.bottleneck, "var(--red-3)", "var(--gray-3)"),
            "outline": rx.cond(column.bottleneck, "2px solid var(--red-8)", "none"),
            "minHeight": "200px",
        },
    )


def _column_figures(column: Column) -> rx.Component:
    return rx.vstack(
        rx.cond(
            column.median_days != "",
            rx.text(
                "Median ",
                column.median_days,
                "d, 90% within ",
                column.p90_days,
                "d in stage",
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            (column.sla_days != "") | (column.wip_limit != ""),
            rx.text(
                rx.cond(column.sla_days != "", "SLA " + column.sla_days + "d ", ""),
                rx.cond(column.wip_limit != "", "WIP limit " + column.wip_limit, ""),
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            column.bottleneck,
            rx.callout(
                "Bottleneck: " + column.reason, icon="triangle_alert", color_scheme="red", size="1"
            ),
        ),
        spacing="1",
        width="100%",
    )


def _filter(label: str, name: str, options, empty: str) -> rx.Component:
    return live_select(
        label,
        name,
        options,
        value=getattr(State, name),
        on_change=lambda value: State.filter_by(name, value),
        empty_label=empty,
        compact=True,
    )


def _filters() -> rx.Component:
    return rx.flex(
        _filter("Assignee", "assignee", State.staff_options, "Anyone"),
        _filter("Attorney", "attorney", State.attorney_options, "Any attorney"),
        _filter("Case type", "case_type", State.type_options, "Any type"),
        rx.el.label(
            rx.checkbox(checked=State.only_overdue, on_change=State.show_only_overdue),
            " Only overdue",
            style={"display": "flex", "gap": "8px", "alignItems": "center"},
        ),
        gap="12px",
        align="end",
        wrap="wrap",
        width="100%",
    )


STAGE_COLOURS = ("indigo", "cyan", "teal", "amber", "orange", "crimson", "purple", "grass")


def _flow_chart() -> rx.Component:
    return rx.el.section(
        rx.heading("Cumulative flow, last 90 days", size="4", as_="h2"),
        rx.recharts.area_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.x_axis(data_key="day"),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            *[
                rx.recharts.area(
                    data_key=stage.key,
                    name=State.stage_names[stage.key],
                    stack_id="stages",
                    stroke=f"var(--{colour}-9)",
                    fill=f"var(--{colour}-7)",
                )
                for stage, colour in zip(catalog.stages(), STAGE_COLOURS, strict=False)
            ],
            data=State.flow,
            height=300,
            width="100%",
        ),
        aria_label="Cumulative flow",
        width="100%",
    )


def _throughput_chart() -> rx.Component:
    return rx.el.section(
        rx.heading("Weekly throughput", size="4", as_="h2"),
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.x_axis(data_key="week"),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            rx.recharts.bar(data_key="Filed", fill="var(--indigo-9)"),
            rx.recharts.bar(data_key="Decision", fill="var(--grass-9)"),
            data=State.throughput,
            height=240,
            width="100%",
        ),
        aria_label="Weekly throughput",
        width="100%",
    )


def _aging_row(row: AgingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.reference, href="/cases/" + row.reference)),
        rx.table.cell(row.client),
        rx.table.cell(row.stage_title),
        rx.table.cell(row.days_in_stage, " days"),
    )


def _limit_row(row: StageSettingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.position),
        rx.table.cell(row.title),
        rx.table.cell(rx.cond(row.sla_days != "", row.sla_days + " days", "—")),
        rx.table.cell(rx.cond(row.wip_limit != "", row.wip_limit, "—")),
        rx.table.cell(rx.cond(row.skipped_by != "", row.skipped_by, "—")),
    )


def _name_form() -> rx.Component:
    return inline_form(
        select_field("Stage to rename", "name_stage", State.stage_options, errors=State.errors),
        text_field("New name (empty: the default)", "title", errors=State.errors),
        text_field("Column (1 = first)", "position", type="number", errors=State.errors),
        action="Save stage",
        on_submit=State.save_name,
    )


def _skip_form() -> rx.Component:
    return inline_form(
        select_field("Cases of type", "skip_case_type", State.type_options, errors=State.errors),
        select_field("Rule", "skip_rule", [("skip", "skips"), ("keep", "goes through")]),
        select_field("This stage", "skip_stage", State.stage_options, errors=State.errors),
        action="Save rule",
        on_submit=State.save_skip,
    )


def _stage_settings() -> rx.Component:
    return rx.el.section(
        rx.vstack(
            rx.heading("Stages: names, order, limits and skips (admins)", size="4", as_="h2"),
            _name_form(),
            _limits_form(),
            _skip_form(),
            data_table(
                "Stage settings",
                ("Column", "Stage", "SLA", "WIP limit", "Skipped by"),
                rx.foreach(State.limits, _limit_row),
            ),
            spacing="3",
            width="100%",
        ),
        aria_label="Stage settings",
        width="100%",
    )


def _limits_form() -> rx.Component:
    return rx.card(
        inline_form(
            select_field("Stage to limit", "stage", State.stage_options, errors=State.errors),
            text_field("SLA (days)", "sla_days", type="number", errors=State.errors),
            text_field("WIP limit", "wip_limit", type="number", errors=State.errors),
            action="Save limits",
            on_submit=State.save_limit,
        ),
        rx.text(
            "A column is flagged when its median days in stage exceed the SLA, or it holds more "
            "cases than its WIP limit. Leave a field empty for no limit.",
            size="2",
            color_scheme="gray",
        ),
        width="100%",
    )


@staff_page(route="/board", title="Board", on_load=State.load)
def board() -> rx.Component:
    return rx.vstack(
        rx.heading("Board", size="6", as_="h1"),
        _filters(),
        rx.box(
            rx.hstack(rx.foreach(State.columns, _column), align="start", spacing="3"),
            overflow_x="auto",
            width="100%",
            padding_bottom="8px",
        ),
        rx.moment(interval=REFRESH_MS, on_change=State.refresh, display="none"),
        rx.cond(State.is_admin, _stage_settings()),
        rx.grid(
            _flow_chart(),
            _throughput_chart(),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        rx.cond(
            State.aging.length() > 0,
            rx.vstack(
                rx.heading("Longest in their stage", size="4", as_="h2"),
                data_table(
                    "Longest in their stage",
                    ("Case", "Client", "Stage", "In stage"),
                    rx.foreach(State.aging, _aging_row),
                ),
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )

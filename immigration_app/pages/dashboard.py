"""/: every open case (or the closed ones, when asked), searchable and filterable, with my
work and the team's workload."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import live_select
from immigration_app.components.shell import staff_page
from immigration_app.components.tables import VISUALLY_HIDDEN, data_table, pager
from immigration_app.services.case_list import CaseRow, WorkItem
from immigration_app.services.documents import QueueRow
from immigration_app.state.auth import AuthState
from immigration_app.state.dashboard import DashboardState

_COLUMNS = (
    ("reference", "Reference"),
    ("client", "Client"),
    ("case_type", "Case type"),
    ("stage", "Stage"),
    ("attorney", "Attorney"),
    ("paralegal", "Paralegal"),
    ("next_deadline", "Next deadline"),
    ("receipt_number", "Receipt number"),
    ("last_activity", "Last activity"),
    ("missing_docs", "Missing docs"),
)


_HINTS = {"missing_docs": "Required documents still needed from the client, or sent back"}


def _param(name: str):
    params = DashboardState.params
    return rx.cond(params.contains(name), params[name], "")


def _filter_select(label: str, name: str, options, empty: str) -> rx.Component:
    return live_select(
        label,
        f"filter-{name}",
        options,
        value=_param(name),
        on_change=lambda value: DashboardState.set_filter(name, value),
        empty_label=empty,
        compact=True,
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.el.label(
                "Search", html_for="filter-q", style={"fontSize": "13px", "fontWeight": 500}
            ),
            rx.input(
                id="filter-q",
                type="search",
                placeholder="Name, reference, A-number or receipt number",
                value=_param("q"),
                on_change=lambda value: DashboardState.set_filter("q", value),
                debounce_timeout=350,
                width="320px",
                max_length=200,
            ),
            spacing="1",
        ),
        _filter_select("Stage", "stage", DashboardState.stage_options, "All stages"),
        _filter_select("Case type", "type", DashboardState.type_options, "All case types"),
        _filter_select("Assignee", "assignee", DashboardState.assignees, "Anyone"),
        _filter_select("Show", "show", DashboardState.show_options, "All open cases"),
        rx.cond(
            DashboardState.filtered,
            rx.button("Clear filters", variant="soft", on_click=DashboardState.clear_filters),
        ),
        gap="12px",
        wrap="wrap",
        align="end",
        width="100%",
    )


def _sort_header(key: str, label: str) -> rx.Component:
    sorted_here = _param("sort") == key
    if key == "last_activity":
        sorted_here = (_param("sort") == "") | sorted_here
    ascending = _param("dir") == "asc"
    return rx.table.column_header_cell(
        rx.button(
            label,
            rx.cond(sorted_here, rx.cond(ascending, " ↑", " ↓"), ""),
            variant="ghost",
            size="1",
            on_click=DashboardState.sort_by(key),
            aria_label=f"Sort by {label.lower()}",
            **({"title": _HINTS[key]} if key in _HINTS else {}),
            style={"fontWeight": 600, "whiteSpace": "nowrap"},
        ),
        aria_sort=rx.cond(sorted_here, rx.cond(ascending, "ascending", "descending"), "none"),
    )


def _deadline_cell(row: CaseRow) -> rx.Component:
    return rx.table.cell(
        rx.cond(
            row.next_deadline != "",
            rx.vstack(
                rx.text(row.next_deadline, size="2"),
                rx.text(
                    row.days_left,
                    size="1",
                    weight=rx.cond(row.overdue, "bold", "regular"),
                    color_scheme=rx.cond(row.overdue, "red", "gray"),
                ),
                spacing="0",
            ),
            rx.text("None", size="2", color_scheme="gray"),
        ),
    )


def _case_row(row: CaseRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row.reference, href=f"/cases/{row.reference}")),
        rx.table.cell(row.client),
        rx.table.cell(row.case_type),
        rx.table.cell(rx.badge(row.stage, variant="soft")),
        rx.table.cell(row.attorney),
        rx.table.cell(row.paralegal),
        _deadline_cell(row),
        rx.table.cell(row.receipt_number, style={"fontFamily": "monospace"}),
        rx.table.cell(row.last_activity),
        rx.table.cell(
            rx.cond(
                row.missing_docs > 0,
                rx.badge(row.missing_docs, color_scheme="amber", variant="soft"),
                rx.text("0", size="2", color_scheme="gray"),
            )
        ),
    )


def _list_title():
    return rx.cond(DashboardState.showing_closed, "Closed cases", "Open cases")


def _case_table() -> rx.Component:
    return rx.card(
        rx.table.root(
            rx.el.caption(_list_title(), style=VISUALLY_HIDDEN),
            rx.table.header(
                rx.table.row(
                    *[_sort_header(key, label) for key, label in _COLUMNS],
                )
            ),
            rx.table.body(rx.foreach(DashboardState.rows, _case_row)),
            width="100%",
            size="1",
        ),
        width="100%",
        overflow_x="auto",
    )


def _pager() -> rx.Component:
    return pager(
        rx.fragment(DashboardState.total, rx.cond(DashboardState.total == 1, " case", " cases")),
        DashboardState.page,
        DashboardState.page_count,
        DashboardState.go_to_page,
    )


def _empty() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.cond(
                DashboardState.filtered,
                rx.fragment(
                    rx.heading("No cases match", size="4", as_="h2"),
                    rx.text("Try fewer words, or clear the filters."),
                    rx.button("Clear filters", on_click=DashboardState.clear_filters),
                ),
                rx.fragment(
                    rx.heading("No open cases yet", size="4", as_="h2"),
                    rx.text("Open the first case to start collecting a client's information."),
                    rx.link(rx.button("Open a new case"), href="/cases/new"),
                ),
            ),
            spacing="3",
        ),
        width="100%",
    )


def _work_item(item: WorkItem) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.text(
                    item.count,
                    size="7",
                    weight="bold",
                    color_scheme=rx.cond(item.urgent, "red", "gray"),
                ),
                rx.text(item.label, size="2"),
                rx.cond(item.detail != "", rx.text(item.detail, size="1", color_scheme="gray")),
                spacing="1",
            ),
            width="100%",
        ),
        href=item.href,
        underline="none",
        aria_label=item.label
        + ": "
        + item.count.to_string()
        + rx.cond(item.detail, " " + item.detail, ""),
    )


def _my_work() -> rx.Component:
    return rx.el.section(
        rx.heading("My work", size="4", as_="h2", margin_bottom="8px"),
        rx.grid(
            rx.foreach(DashboardState.work, _work_item),
            columns=rx.breakpoints(initial="2", sm="3", md="5"),
            spacing="3",
            width="100%",
        ),
        aria_label="My work",
        width="100%",
    )


def _review_row(row: QueueRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(row.reference, href="/cases/" + row.reference + "?tab=documents")
        ),
        rx.table.cell(row.person),
        rx.table.cell(row.title),
        rx.table.cell(row.files),
        rx.table.cell(
            row.waiting_since,
            rx.text(
                rx.cond(
                    row.waiting_days == 0,
                    "today",
                    row.waiting_days.to_string() + rx.cond(row.waiting_days == 1, " day", " days"),
                ),
                size="1",
                color_scheme=rx.cond(row.waiting_days > 2, "red", "gray"),
            ),
        ),
    )


def _documents_to_review() -> rx.Component:
    return rx.cond(
        DashboardState.to_review.length() > 0,
        rx.el.section(
            rx.heading("Documents to review", size="4", as_="h2", margin_bottom="8px"),
            data_table(
                "Documents to review",
                ("Case", "Person", "Document", "Files", "Waiting since"),
                rx.foreach(DashboardState.to_review, _review_row),
            ),
            aria_label="Documents to review",
            width="100%",
        ),
    )


def _workload_chart() -> rx.Component:
    return rx.el.section(
        rx.card(
            rx.heading("Workload", size="4", as_="h2"),
            rx.text(
                "Open cases and deadlines in the next 7 days, per person",
                # A paralegal's figures count only the cases a paralegal may open.
                rx.cond(
                    AuthState.viewer_role == "paralegal",
                    ", on the cases you can see (yours and unassigned ones).",
                    ".",
                ),
                size="2",
                color_scheme="gray",
            ),
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
                rx.recharts.x_axis(data_key="name"),
                rx.recharts.y_axis(allow_decimals=False),
                rx.recharts.graphing_tooltip(),
                rx.recharts.legend(),
                rx.recharts.bar(data_key="open_cases", name="Open cases", fill="var(--indigo-9)"),
                rx.recharts.bar(
                    data_key="deadlines_this_week",
                    name="Deadlines this week",
                    fill="var(--amber-9)",
                ),
                data=DashboardState.workload,
                height=260,
                width="100%",
            ),
            width="100%",
        ),
        aria_label="Workload per person",
        width="100%",
    )


@staff_page(route="/", title="Cases", on_load=DashboardState.load)
def dashboard() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(_list_title(), size="7", as_="h1"),
            rx.spacer(),
            rx.button(
                "Export CSV",
                variant="soft",
                size="3",
                on_click=rx.download(url=DashboardState.csv_href, filename="cases.csv"),
            ),
            rx.link(rx.button("New case", size="3"), href="/cases/new"),
            width="100%",
            align="center",
            spacing="3",
        ),
        rx.cond(
            DashboardState.loaded,
            rx.vstack(
                _my_work(),
                _documents_to_review(),
                _filters(),
                rx.cond(DashboardState.total > 0, rx.fragment(_case_table(), _pager()), _empty()),
                _workload_chart(),
                spacing="5",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="48px", aria_label="Loading cases"),
        ),
        spacing="5",
        width="100%",
    )

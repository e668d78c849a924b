"""The dashboard: the case list as the URL describes it, my work, and workload."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import urlencode

import reflex as rx

from immigration_app import catalog
from immigration_app.models import Role
from immigration_app.services.case_list import (
    SHOW_FILTERS,
    SORT_COLUMNS,
    CaseQuery,
    CaseRow,
    WorkItem,
    my_work,
    search_cases,
    workload,
)
from immigration_app.services.documents import QueueRow, review_queue
from immigration_app.services.numbers import MAX_PAGE, whole_number
from immigration_app.services.stages import stage_options
from immigration_app.services.users import active_staff
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.services import call, side_by_side

_FILTER_PARAMS = {"q", "stage", "type", "assignee", "mine", "show"}
REVIEW_ROWS = 10  # the dashboard shows the oldest uploads waiting; the case has the rest


def _panels(session, *, viewer):
    """What the page shows beside the list, in one transaction: it does not depend on the
    list's filters, so only opening the page reads it."""
    return (
        my_work(session, viewer=viewer),
        workload(session, viewer=viewer),
        active_staff(session),
        stage_options(session),
        review_queue(session, viewer=viewer, limit=REVIEW_ROWS),
    )


class DashboardState(rx.State):
    # The view, as URL parameters; every control reads from here.
    params: dict[str, str] = {}
    rows: list[CaseRow] = []
    total: int = 0
    page: int = 1
    page_count: int = 1
    work: list[WorkItem] = []
    to_review: list[QueueRow] = []  # uploads waiting for staff review, oldest first
    workload: list[dict[str, str | int]] = []  # the chart takes plain rows
    assignees: list[tuple[str, str]] = []
    loaded: bool = False

    stage_options: list[tuple[str, str]] = []  # the firm's names and order
    type_options: list[tuple[str, str]] = [
        (kind.key, kind.title) for kind in catalog.case_types().values()
    ]
    show_options: list[tuple[str, str]] = list(SHOW_FILTERS.items())

    @rx.var
    def csv_href(self) -> str:
        query = {key: value for key, value in self.params.items() if key != "page"}
        return "/api/cases.csv" + (f"?{urlencode(query)}" if query else "")

    @rx.var
    def showing_closed(self) -> bool:
        return self.params.get("show") == "closed"

    @rx.var
    def filtered(self) -> bool:
        return bool(_FILTER_PARAMS & set(self.params))

    async def _show(self, query: CaseQuery):
        """The list as `query` asks; filtering, sorting and paging read nothing else."""
        page = await call(search_cases, viewer=current_viewer(), query=query)
        shown = query.changed(page=page.page)
        self.params = shown.to_params()
        self.rows, self.total = page.rows, page.total
        self.page, self.page_count = page.page, page.page_count
        self.loaded = True
        # Keep the address bar in step, so the view can be bookmarked and shared.
        return rx.call_script(f"window.history.replaceState(null, '', {json.dumps(shown.url())})")

    async def _show_panels(self) -> None:
        work, load, staff, stages, to_review = await call(_panels, viewer=current_viewer())
        self.work = work
        self.to_review = to_review
        self.stage_options = stages
        self.workload = [dataclasses.asdict(entry) for entry in load]
        self.assignees = [
            (str(user.id), user.full_name)
            for user in staff
            if user.role in (Role.ATTORNEY, Role.PARALEGAL)
        ]

    def _query(self) -> CaseQuery:
        return CaseQuery.from_params(self.params)

    @rx.event
    @staff_only()
    async def load(self):
        _, shown = await side_by_side(
            self._show_panels(),
            self._show(CaseQuery.from_params(self.router.url.query_parameters)),
        )
        return shown

    @rx.event
    @staff_only()
    async def set_filter(self, name: str, value: str):
        """Change one filter (an unknown name or value is ignored) and go back to page 1."""
        if str(name) not in _FILTER_PARAMS:
            return
        params = {key: val for key, val in self.params.items() if key not in (name, "page")}
        if str(value):
            params[name] = str(value)
        return await self._show(CaseQuery.from_params(params))

    @rx.event
    @staff_only()
    async def sort_by(self, column: str):
        """Sort by a column; choosing the same column again reverses the order."""
        if column not in SORT_COLUMNS:
            return
        query = self._query()
        descending = not query.descending if query.sort == column else False
        return await self._show(query.changed(sort=column, descending=descending))

    @rx.event
    @staff_only()
    async def go_to_page(self, page: int):
        return await self._show(self._query().changed(page=whole_number(page, most=MAX_PAGE) or 1))

    @rx.event
    @staff_only()
    async def clear_filters(self):
        return await self._show(CaseQuery())

"""The audit log page: every event, filtered as the URL says, for admins only."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx

from immigration_app.models import Role
from immigration_app.services.audit_log import (
    AuditQuery,
    AuditRow,
    audit_actors,
    audit_entries,
    audit_kinds,
)
from immigration_app.services.numbers import MAX_PAGE, whole_number
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

_FORM_FIELDS = ("user", "case", "kind", "from", "to", "q")


def _read_audit_log(session, *, viewer, query):
    """The page's reads, in one transaction."""
    return (
        audit_entries(session, viewer=viewer, query=query),
        audit_kinds(session, viewer=viewer),
        audit_actors(session, viewer=viewer),
    )


class AuditLogState(rx.State):
    # The view, as URL parameters; the form and the export link read from here.
    params: dict[str, str] = {}
    rows: list[AuditRow] = []
    total: int = 0
    page: int = 1
    page_count: int = 1
    kind_options: list[tuple[str, str]] = []
    user_options: list[tuple[str, str]] = []
    form_key: int = 0  # bumped on each view, so the form shows the view's values
    loaded: bool = False

    @rx.var
    def csv_href(self) -> str:
        query = {key: value for key, value in self.params.items() if key != "page"}
        return "/api/audit.csv" + (f"?{urlencode(query)}" if query else "")

    @rx.var
    def filtered(self) -> bool:
        return bool(set(_FORM_FIELDS) & set(self.params))

    async def _show(self, query: AuditQuery):
        page, kinds, actors = await call(_read_audit_log, viewer=current_viewer(), query=query)
        shown = query.changed(page=page.page)
        self.params = shown.to_params()
        self.rows, self.total = page.rows, page.total
        self.page, self.page_count = page.page, page.page_count
        self.kind_options = [(kind, kind.replace("_", " ")) for kind in kinds]
        self.user_options = [(str(user_id), name) for user_id, name in actors]
        self.form_key += 1
        self.loaded = True
        # Keep the address bar in step, so the view can be bookmarked and shared.
        return rx.call_script(f"window.history.replaceState(null, '', {json.dumps(shown.url())})")

    @rx.event
    @staff_only(Role.ADMIN)
    async def load(self):
        return await self._show(AuditQuery.from_params(self.router.url.query_parameters))

    @rx.event
    @staff_only(Role.ADMIN)
    async def apply_filters(self, form_data: dict):
        """Show the events the form describes, from page 1 (bad values narrow nothing)."""
        fields = form_text(form_data if isinstance(form_data, dict) else {})
        return await self._show(
            AuditQuery.from_params({name: fields.get(name, "")[:300] for name in _FORM_FIELDS})
        )

    @rx.event
    @staff_only(Role.ADMIN)
    async def go_to_page(self, page: int):
        query = AuditQuery.from_params(self.params)
        return await self._show(query.changed(page=whole_number(page, most=MAX_PAGE) or 1))

    @rx.event
    @staff_only(Role.ADMIN)
    async def clear_filters(self):
        return await self._show(AuditQuery())

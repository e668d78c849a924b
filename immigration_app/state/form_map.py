"""/admin/forms/[template_id]: which profile value fills each field of one form (admins only).

The catalog maps the common forms; an admin maps what it leaves open, changes a line, or goes
back to the standard line. A change applies to every fill from then on. A form has up to ~800
fields: they stay on the server, and the page gets one filtered page of them at a time.
"""

from __future__ import annotations

from collections import Counter

import reflex as rx

from immigration_app.models import Role
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.form_library import get_template
from immigration_app.services.form_mapping import (
    MapRow,
    effective_map,
    key_choices,
    map_rows,
    reset_field_rule,
    save_field_rule,
)
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.cases import chosen_id
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

PAGE_SIZE = 50
STATUSES = ("unmapped", "mapped", "staff")
_NO_ROW = MapRow(
    name="",
    short_name="",
    label="",
    kind="",
    part="",
    item="",
    key="",
    when="",
    blank="",
    status="",
    edited=False,
    on_states=[],
)


def _editor_view(session, *, actor, template_id: int):
    """The page's reads, in one transaction (map_rows checks the actor is an admin)."""
    rows = map_rows(session, actor=actor, template_id=template_id)
    template = get_template(session, template_id)
    keys = key_choices(effective_map(session, template.form_number))
    return template, rows, keys


def matches(row: MapRow, words: list[str]) -> bool:
    """Whether every word is in the field's name, printed label or profile key."""
    text = f"{row.name} {row.label} {row.key}".lower()
    return all(word in text for word in words)


class FormMapState(rx.State):
    template_id: int = 0
    status: str = "loading"  # loading | found | missing
    form_number: str = ""
    edition: str = ""
    title: str = ""
    _rows: list[MapRow] = []
    rows: list[MapRow] = []  # the page of fields shown
    counts: dict[str, int] = {}  # fields per status, and "all"
    query: str = ""
    status_filter: str = ""  # "" for every status, else one of STATUSES
    page: int = 1
    page_count: int = 1
    matching: int = 0
    key_choices: list[str] = []
    editing: MapRow = _NO_ROW  # the field whose dialog is open
    errors: dict[str, str] = {}
    form_version: int = 0

    def _show(self) -> None:
        """The page of rows the search and filter leave, the page number kept in range."""
        words = self.query.lower().split()
        kept = [
            row
            for row in self._rows
            if (not self.status_filter or row.status == self.status_filter) and matches(row, words)
        ]
        self.matching = len(kept)
        self.page_count = max(1, -(-len(kept) // PAGE_SIZE))
        self.page = min(max(1, self.page), self.page_count)
        start = (self.page - 1) * PAGE_SIZE
        self.rows = kept[start : start + PAGE_SIZE]

    async def _reload(self) -> None:
        try:
            template, rows, keys = await call(
                _editor_view, actor=current_viewer(), template_id=self.template_id
            )
        except NotFound:
            self.status, self._rows, self.rows, self.counts = "missing", [], [], {}
            return
        self.status = "found"
        self.form_number, self.edition, self.title = (
            template.form_number,
            template.edition,
            template.title,
        )
        self._rows, self.key_choices = rows, keys
        self.counts = {"all": len(rows), **Counter(row.status for row in rows)}
        self._show()

    @rx.event
    @staff_only(Role.ADMIN)
    async def load(self):
        raw = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.template_id = chosen_id(raw) or 0
        self.status, self.query, self.status_filter, self.page = "loading", "", "", 1
        self._close()
        await self._reload()

    @rx.event
    @staff_only(Role.ADMIN)
    async def search(self, text: str):
        self.query, self.page = str(text)[:100], 1
        self._show()

    @rx.event
    @staff_only(Role.ADMIN)
    async def filter_status(self, status: str):
        self.status_filter = status if status in STATUSES else ""
        self.page = 1
        self._show()

    @rx.event
    @staff_only(Role.ADMIN)
    async def go_to_page(self, page: int):
        self.page = chosen_id(page) or 1
        self._show()

    def _close(self) -> None:
        self.editing, self.errors = _NO_ROW, {}

    @rx.event
    @staff_only(Role.ADMIN)
    async def open_field(self, name: str):
        row = next((row for row in self._rows if row.name == name), None)
        if row is None or row.status == "fixed":
            return
        self.editing, self.errors = row, {}
        self.form_version += 1

    @rx.event
    @staff_only(Role.ADMIN)
    async def close_field(self):
        self._close()

    async def _change(self, service, success: str, **kwargs):
        """Change the open field's line; a message stays beside the control it is about."""
        if not self.editing.name:
            return None
        try:
            await call(
                service,
                actor=current_viewer(),
                template_id=self.template_id,
                field_name=self.editing.name,
                **kwargs,
            )
        except InvalidInput as error:
            self.errors = error.fields
            return None
        except NotFound:
            self._close()
            await self._reload()
            return rx.toast.error("This form is no longer in the library.")
        self._close()
        await self._reload()
        return rx.toast.success(success)

    @rx.event
    @staff_only(Role.ADMIN)
    async def save_field(self, form_data: dict):
        field = form_text(form_data)
        key = field.get("key", "").strip()[:120]
        return await self._change(
            save_field_rule,
            f"Saved: {self.editing.short_name} is filled from {key}."
            if key
            else f"Saved: {self.editing.short_name} is left unmapped.",
            key=key,
            when=field.get("when", "")[:60],
            blank=field.get("blank", "")[:20],
        )

    @rx.event
    @staff_only(Role.ADMIN)
    async def unmap_field(self):
        return await self._change(
            save_field_rule,
            f"Saved: {self.editing.short_name} is left unmapped; staff type it per case.",
            key="",
        )

    @rx.event
    @staff_only(Role.ADMIN)
    async def reset_field(self):
        return await self._change(
            reset_field_rule, f"{self.editing.short_name} is back to the standard map."
        )

"""/admin/checklists: the firm's evidence checklist per case type, member role by member role.

Only admins load or change anything; every handler checks on the server. A change applies to
cases opened afterwards: open cases keep the items (and the wording) they were given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

import reflex as rx

from immigration_app import catalog
from immigration_app.catalog.checklists import KINDS, checklist_sections
from immigration_app.models import Role
from immigration_app.services.checklists import (
    ItemText,
    TemplateRow,
    remove_type_item,
    reset_type_checklist,
    save_type_item,
    type_checklist_is_edited,
    type_checklist_rows,
)
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.numbers import whole_number
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

_CHECKED = ("on", "true")
_EXPLAIN_LIMIT = 2000


@dataclass(frozen=True)
class RoleGroup:
    """One member role's items (a wrapper, so the page can foreach over groups, then rows)."""

    role: str
    title: str
    rows: list[TemplateRow]


def _role_title(role: str) -> str:
    return role.replace("_", " ").capitalize()


def _editor_view(session, *, actor, case_type: str) -> tuple[bool, list[TemplateRow]]:
    """The page's reads, in one transaction."""
    return (
        type_checklist_is_edited(session, actor=actor, case_type=case_type),
        type_checklist_rows(session, actor=actor, case_type=case_type),
    )


def item_text(form_data: dict) -> ItemText:
    """What the item form sent, as the service's ItemText (checked by the service)."""
    field = form_text(form_data)
    days = field.get("expires_after_days", "").strip()
    expires = whole_number(days) if days else 0
    return ItemText(
        code=field.get("code", "").strip().lower()[:64],
        section=field.get("section", "")[:32],
        title_en=field.get("title_en", "")[:200],
        title_es=field.get("title_es", "")[:200],
        explain_en=field.get("explain_en", "")[:_EXPLAIN_LIMIT],
        explain_es=field.get("explain_es", "")[:_EXPLAIN_LIMIT],
        kinds=tuple(kind for kind in KINDS if field.get(f"kind_{kind}", "") in _CHECKED),
        translation=field.get("translation", "") in _CHECKED,
        required=field.get("required", "") in _CHECKED,
        # Empty means "never stale"; anything but whole days gets the service's message.
        expires_after_days=-1 if expires is None else expires,
    )


class ChecklistsState(rx.State):
    case_types: list[tuple[str, str]] = [
        (key, kind.title) for key, kind in catalog.case_types().items()
    ]
    sections: list[tuple[str, str]] = [
        (key, section.title_en) for key, section in checklist_sections().items()
    ]
    section_titles: dict[str, str] = {
        key: section.title_en for key, section in checklist_sections().items()
    }
    case_type: str = ""
    edited: bool = False  # the firm's own list, not the catalog's
    groups: list[RoleGroup] = []
    # At most one form is open: a new item for a role, or an existing item ("role/code").
    adding: str = ""
    editing: str = ""
    errors: dict[str, str] = {}
    version: int = 0  # bumped to redraw the forms with fresh defaults
    loaded: bool = False

    @rx.var
    def case_type_title(self) -> str:
        return dict(self.case_types).get(self.case_type, "")

    async def _reload(self) -> None:
        if self.case_type not in catalog.case_types():
            self.case_type = next(iter(catalog.case_types()))
        edited, rows = await call(_editor_view, actor=current_viewer(), case_type=self.case_type)
        roles = catalog.case_types()[self.case_type].all_roles
        self.edited = edited
        self.groups = [
            RoleGroup(
                role=role,
                title=_role_title(role),
                rows=[row for row in rows if row.role == role],
            )
            for role in roles
        ]
        self.version += 1
        self.loaded = True

    def _close_forms(self) -> None:
        self.adding, self.editing, self.errors = "", "", {}

    def _address(self):
        """Keep the case type in the address bar, so a reload or a shared link shows it."""
        url = f"/admin/checklists?{urlencode({'type': self.case_type})}"
        return rx.call_script(f"window.history.replaceState(null, '', {json.dumps(url)})")

    @rx.event
    @staff_only(Role.ADMIN)
    async def load(self):
        wanted = self.router.url.query_parameters.get("type", "")
        if wanted in catalog.case_types():
            self.case_type = wanted
        elif self.case_type not in catalog.case_types():
            self.case_type = next(iter(catalog.case_types()))
        self._close_forms()
        await self._reload()
        return self._address()

    @rx.event
    @staff_only(Role.ADMIN)
    async def choose_type(self, case_type: str):
        if str(case_type) not in catalog.case_types():
            return None
        self.case_type = str(case_type)
        self._close_forms()
        await self._reload()
        return self._address()

    @rx.event
    @staff_only(Role.ADMIN)
    async def start_add(self, role: str):
        self._close_forms()
        self.adding = str(role)[:32]
        self.version += 1

    @rx.event
    @staff_only(Role.ADMIN)
    async def start_edit(self, role: str, code: str):
        self._close_forms()
        self.editing = f"{str(role)[:32]}/{str(code)[:64]}"
        self.version += 1

    @rx.event
    @staff_only(Role.ADMIN)
    async def cancel(self):
        self._close_forms()

    @rx.event
    @staff_only(Role.ADMIN)
    async def save_item(self, form_data: dict):
        if self.editing:
            role, _, replaces = self.editing.partition("/")
        elif self.adding:
            role, replaces = self.adding, ""
        else:
            return rx.toast.error("Choose an item to edit, or add one.")
        text = item_text(form_data)
        try:
            await call(
                save_type_item,
                actor=current_viewer(),
                case_type=self.case_type,
                role=role,
                text=text,
                replaces_code=replaces,
            )
        except InvalidInput as error:
            if set(error.fields) <= {"role"}:
                self._close_forms()
                return rx.toast.error(" ".join(error.fields.values()))
            self.errors = error.fields
            return None
        except NotFound:
            self._close_forms()
            await self._reload()
            return rx.toast.error("That item is no longer on this list.")
        self._close_forms()
        await self._reload()
        return rx.toast.success(
            f"Saved {text.title_en.strip()}. Cases opened from now on get it; "
            "open cases keep their checklist."
        )

    @rx.event
    @staff_only(Role.ADMIN)
    async def remove_item(self, role: str, code: str):
        try:
            await call(
                remove_type_item,
                actor=current_viewer(),
                case_type=self.case_type,
                role=str(role)[:32],
                code=str(code)[:64],
            )
        except (InvalidInput, NotFound):
            await self._reload()
            return rx.toast.error("That item is no longer on this list.")
        self._close_forms()
        await self._reload()
        return rx.toast.success("Removed. Open cases keep it; new cases will not ask for it.")

    @rx.event
    @staff_only(Role.ADMIN)
    async def reset_list(self):
        await call(reset_type_checklist, actor=current_viewer(), case_type=self.case_type)
        self._close_forms()
        await self._reload()
        return rx.toast.success("Back to the standard list for cases opened from now on.")

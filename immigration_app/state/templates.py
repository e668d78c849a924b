"""/admin/messages: the firm's wording of every reminder and client message, en and es."""

from __future__ import annotations

import reflex as rx

from immigration_app.models import Role
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.messages import (
    TemplateView,
    reset_template,
    save_template,
    template_views,
)
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.forms import form_text
from immigration_app.state.services import call


class TemplatesState(rx.State):
    templates: list[TemplateView] = []
    editing: str = ""  # "key/language" of the template being edited
    errors: dict[str, str] = {}
    version: int = 0

    async def _reload(self) -> None:
        self.templates = await call(template_views)
        self.version += 1

    @rx.event
    @staff_only(Role.ADMIN)
    async def load(self):
        self.editing, self.errors = "", {}
        await self._reload()

    @rx.event
    @staff_only(Role.ADMIN)
    async def edit(self, which: str):
        self.editing, self.errors = str(which)[:60], {}

    @rx.event
    @staff_only(Role.ADMIN)
    async def cancel(self):
        self.editing, self.errors = "", {}

    def _which(self) -> tuple[str, str]:
        key, _, language = self.editing.partition("/")
        return key, language

    @rx.event
    @staff_only(Role.ADMIN)
    async def save(self, form_data: dict):
        key, language = self._which()
        try:
            await call(
                save_template,
                actor=current_viewer(),
                key=key,
                language=language,
                subject=form_text(form_data).get("subject", ""),
                body=form_text(form_data).get("body", ""),
            )
        except InvalidInput as error:
            self.errors = error.fields
            return None
        except NotFound:
            return rx.toast.error("Choose a template from the list.")
        self.editing, self.errors = "", {}
        await self._reload()
        return rx.toast.success("Template saved; new messages use it.")

    @rx.event
    @staff_only(Role.ADMIN)
    async def restore_default(self, which: str):
        key, _, language = str(which).partition("/")
        await call(reset_template, actor=current_viewer(), key=key[:40], language=language[:2])
        self.editing = ""
        await self._reload()
        return rx.toast.success("Back to the default wording.")

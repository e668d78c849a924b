"""The Forms tab of a case: its USCIS forms filled from the profiles, and the values staff type
over the profile's for one form (overrides).

Each fill keeps a new version; the checks before review (state/case_checks.py) are read again
after every fill or override. A form has up to ~800 fields: they stay on the server, and the
page gets one filtered page of them at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.form_filling import (
    CaseFormRow,
    FieldView,
    case_forms,
    clear_override,
    fill_form,
    form_fields,
    set_override,
)
from immigration_app.services.viewer import Viewer
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.case_checks import CaseChecksState
from immigration_app.state.cases import CaseState, chosen_id, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

PAGE_SIZE = 50
_GONE = "This case is no longer available to you."
_NO_FIELD = FieldView(
    name="",
    short_name="",
    label="",
    part="",
    item="",
    kind="",
    key="",
    profile_value="",
    override=None,
    replaced="",
    set_by="",
    set_on="",
    options=[],
)


@dataclass(frozen=True)
class FillResult:
    form_number: str
    ok: bool
    message: str


async def fill_one(viewer: Viewer, reference: str, form_number: str) -> FillResult:
    """Fill one form of the case; what happened, in words for staff."""
    try:
        filled = await call(fill_form, actor=viewer, reference=reference, form_number=form_number)
    except InvalidInput as error:
        return FillResult(form_number, False, " ".join(error.fields.values()))
    except NotFound:
        return FillResult(form_number, False, _GONE)
    continued = (
        f"; {filled.continued} answer(s) did not fit and are on the continuation page"
        if filled.continued
        else ""
    )
    return FillResult(form_number, True, f"Filled as version {filled.version}{continued}.")


def matches(field: FieldView, words: list[str]) -> bool:
    """Whether every word is in the field's label, name, key or either value."""
    text = " ".join(
        (field.label, field.name, field.key, field.profile_value, field.override or "")
    ).lower()
    return all(word in text for word in words)


@opens_with_the_case
class CaseFormsState(rx.State):
    reference: str = ""
    loaded: bool = False
    forms: list[CaseFormRow] = []
    filling: str = ""  # the form being filled, "all" for Fill all, "" when idle
    results: list[FillResult] = []
    # The fields panel of one form ("" when closed): one page of its fields.
    panel_form: str = ""
    panel_title: str = ""
    panel_error: str = ""
    _fields: list[FieldView] = []
    fields: list[FieldView] = []
    query: str = ""
    page: int = 1
    page_count: int = 1
    matching: int = 0
    # The field whose override dialog is open.
    editing: FieldView = _NO_FIELD
    errors: dict[str, str] = {}
    form_version: int = 0

    @rx.var
    def fillable_count(self) -> int:
        return sum(1 for form in self.forms if form.in_library)

    def _show(self) -> None:
        """The page of fields the search leaves, the page number kept in range."""
        words = self.query.lower().split()
        kept = [field for field in self._fields if matches(field, words)]
        self.matching = len(kept)
        self.page_count = max(1, -(-len(kept) // PAGE_SIZE))
        self.page = min(max(1, self.page), self.page_count)
        start = (self.page - 1) * PAGE_SIZE
        self.fields = kept[start : start + PAGE_SIZE]

    async def _reload(self) -> bool:
        """Read the forms (and the open panel) again; False when the case is out of sight."""
        try:
            self.forms = await call(case_forms, viewer=current_viewer(), reference=self.reference)
        except NotFound:
            self.forms, self.panel_form, self._fields, self.fields = [], "", [], []
            self.loaded = True
            return False
        if self.panel_form:
            await self._read_fields()
        self.loaded = True
        return True

    async def _read_fields(self) -> None:
        try:
            self._fields = await call(
                form_fields,
                viewer=current_viewer(),
                reference=self.reference,
                form_number=self.panel_form,
            )
            self.panel_error = ""
        except InvalidInput as error:  # the form is not in the library (any more)
            self._fields, self.panel_error = [], " ".join(error.fields.values())
        except NotFound:
            self._fields = []
        self._show()

    async def _refresh_case(self) -> None:
        """The checks, the header and the timeline show the change too."""
        await self._reload()
        await (await self.get_state(CaseChecksState))._reload()
        await (await self.get_state(CaseState))._reload()

    def _open_panel(self, form_number: str) -> bool:
        form = next((form for form in self.forms if form.form_number == form_number), None)
        if form is None:
            return False
        self.panel_form, self.panel_title = form.form_number, form.title
        self.panel_error, self._fields, self.query, self.page = "", [], "", 1
        self.editing, self.errors = _NO_FIELD, {}
        return True

    @rx.event
    @staff_only()
    async def load(self):
        """On opening a case: read nothing unless the link opens this tab (a finding's link
        opens it on one form: ?tab=forms&form=I-130)."""
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.loaded, self.forms, self.results, self.filling = False, [], [], ""
        self.panel_form, self._fields, self.fields = "", [], []
        self.editing, self.errors = _NO_FIELD, {}
        query = self.router.url.query_parameters
        opened = query.get("tab") == "forms" and await self._reload()
        if opened and self._open_panel(query.get("form", "")):
            await self._read_fields()

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        if tab == "forms":
            await self._reload()

    async def _fill(self, which: str, numbers: list[str] | None = None) -> None:
        """Fill `numbers` (every form in the library when None) one after the other, showing
        each result as it comes. A background task: a fill takes a second or more, and the
        page stays live meanwhile."""
        viewer = current_viewer()
        async with self:
            if self.filling:
                return
            self.filling, self.results = which, []
            reference = self.reference
            # Only the forms of this case's type, as the tab lists them.
            in_library = [form.form_number for form in self.forms if form.in_library]
            listed = [form.form_number for form in self.forms]
            numbers = in_library if numbers is None else [n for n in numbers if n in listed]
        results = []
        try:
            for number in numbers:
                results.append(await fill_one(viewer, reference, number))
                async with self:
                    self.results = list(results)
        finally:
            async with self:
                self.filling = ""
                await self._refresh_case()

    @rx.event(background=True)
    @staff_only()
    async def fill(self, form_number: str):
        number = str(form_number)[:20]
        await self._fill(number, [number])

    @rx.event(background=True)
    @staff_only()
    async def fill_all(self):
        await self._fill("all")

    @rx.event
    @staff_only()
    async def open_fields(self, form_number: str):
        if self._open_panel(str(form_number)):
            await self._read_fields()

    @rx.event
    @staff_only()
    async def close_fields(self):
        self.panel_form, self._fields, self.fields, self.panel_error = "", [], [], ""

    @rx.event
    @staff_only()
    async def search_fields(self, text: str):
        self.query, self.page = str(text)[:100], 1
        self._show()

    @rx.event
    @staff_only()
    async def go_to_page(self, page: int):
        self.page = chosen_id(page) or 1
        self._show()

    @rx.event
    @staff_only()
    async def open_override(self, name: str):
        field = next((field for field in self._fields if field.name == name), None)
        if field is None:
            return
        self.editing, self.errors = field, {}
        self.form_version += 1

    @rx.event
    @staff_only()
    async def close_override(self):
        self.editing, self.errors = _NO_FIELD, {}

    async def _change(self, service, success: str, **kwargs):
        """Change one field of the open form; a message stays beside its control."""
        try:
            await call(
                service,
                actor=current_viewer(),
                reference=self.reference,
                form_number=self.panel_form,
                **kwargs,
            )
        except InvalidInput as error:
            if self.editing.name:
                self.errors = error.fields
                return None
            return rx.toast.error(" ".join(error.fields.values()))
        except NotFound:
            self.editing, self.errors = _NO_FIELD, {}
            await self._reload()
            return rx.toast.error(_GONE)
        self.editing, self.errors = _NO_FIELD, {}
        self.form_version += 1
        await self._refresh_case()
        return rx.toast.success(success)

    @rx.event
    @staff_only()
    async def save_override(self, form_data: dict):
        if not self.editing.name:
            return None
        return await self._change(
            set_override,
            f"Override saved; fill Form {self.panel_form} again to use it.",
            field_name=self.editing.name,
            value=form_text(form_data).get("value", "")[:2001],
        )

    @rx.event
    @staff_only()
    async def undo_override(self, name: str):
        return await self._change(
            clear_override,
            f"Back to the profile's value; fill Form {self.panel_form} again to use it.",
            field_name=str(name)[:300],
        )

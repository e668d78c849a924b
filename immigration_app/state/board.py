"""/board: the columns, moves by drag and drop or menu, filters, and the flow figures."""

from __future__ import annotations

import reflex as rx

from immigration_app import catalog
from immigration_app.models import Role
from immigration_app.services.board import CARDS_PER_PAGE, BoardFilters, Column, board
from immigration_app.services.board_stats import AgingRow
from immigration_app.services.cases import move_case
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.stages import (
    StageSettingRow,
    rename_stage,
    set_stage_limit,
    set_stage_skipped,
    stage_options,
    stage_setting_rows,
)
from immigration_app.services.users import active_staff
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.forms import form_text
from immigration_app.state.services import call


class BoardState(rx.State):
    columns: list[Column] = []
    flow: list[dict[str, int | str]] = []
    throughput: list[dict[str, int | str]] = []
    aging: list[AgingRow] = []
    assignee: str = ""
    attorney: str = ""
    case_type: str = ""
    only_overdue: bool = False
    # How many cards each column shows (its "show more" adds a page).
    shown: dict[str, int] = {}
    # The card being dragged, set when the drag starts.
    dragging: str = ""
    staff_options: list[tuple[str, str]] = []
    attorney_options: list[tuple[str, str]] = []
    type_options: list[tuple[str, str]] = [
        (kind.key, kind.title) for kind in catalog.case_types().values()
    ]
    stage_options: list[tuple[str, str]] = []  # the firm's names and order
    limits: list[StageSettingRow] = []
    is_admin: bool = False
    errors: dict[str, str] = {}

    @rx.var
    def stage_names(self) -> dict[str, str]:
        return dict(self.stage_options)

    def _filters(self) -> BoardFilters:
        return BoardFilters(
            assignee=self.assignee,
            attorney=self.attorney,
            case_type=self.case_type,
            only_overdue=self.only_overdue,
        )

    async def _reload_stages(self) -> None:
        self.stage_options = await call(stage_options)
        self.limits = await call(stage_setting_rows)
        await self._reload()

    async def _reload(self) -> None:
        found = await call(
            board, viewer=current_viewer(), filters=self._filters(), shown=self.shown
        )
        self.columns, self.flow = found.columns, found.flow
        self.throughput, self.aging = found.throughput, found.aging

    @rx.event
    @staff_only()
    async def load(self):
        viewer = current_viewer()
        self.is_admin = viewer.role == Role.ADMIN
        staff = await call(active_staff)
        self.staff_options = [(str(user.id), user.full_name) for user in staff]
        self.attorney_options = [
            (str(user.id), user.full_name) for user in staff if user.role == Role.ATTORNEY
        ]
        self.shown, self.dragging, self.errors = {}, "", {}
        await self._reload_stages()

    @rx.event
    @staff_only()
    async def refresh(self):
        """Every few seconds: colleagues' moves appear without a reload."""
        await self._reload()

    @rx.event
    @staff_only()
    async def filter_by(self, name: str, value: str):
        value = str(value)[:64]
        if name == "assignee":
            self.assignee = value
        elif name == "attorney":
            self.attorney = value
        elif name == "case_type":
            self.case_type = value
        self.shown = {}
        await self._reload()

    @rx.event
    @staff_only()
    async def show_only_overdue(self, checked: bool):
        self.only_overdue, self.shown = bool(checked), {}
        await self._reload()

    @rx.event
    @staff_only()
    async def show_more(self, stage: str):
        stage = str(stage)[:64]
        self.shown = {**self.shown, stage: self.shown.get(stage, CARDS_PER_PAGE) + CARDS_PER_PAGE}
        await self._reload()

    @rx.event
    @staff_only()
    async def start_drag(self, reference: str):
        self.dragging = str(reference)[:20]

    @rx.event
    @staff_only()
    async def drop_on(self, stage: str):
        reference, self.dragging = self.dragging, ""
        if reference:
            return await self._move(reference, stage)
        return None

    @rx.event
    @staff_only()
    async def move_to(self, reference: str, stage: str):
        return await self._move(str(reference)[:20], stage)

    async def _move(self, reference: str, stage: str):
        """Ask the server to move; a refusal says why, and the card stays where it was."""
        try:
            await call(move_case, actor=current_viewer(), reference=reference, stage=str(stage))
        except InvalidInput as error:
            await self._reload()
            return rx.toast.error(f"{reference} not moved: {' '.join(error.fields.values())}")
        except (NotFound, NotPermitted):
            await self._reload()
            return rx.toast.error(f"{reference} is not a case you can move.")
        await self._reload()
        return rx.toast.success(
            f"{reference} moved to {dict(self.stage_options).get(str(stage), stage)}."
        )

    @rx.event
    @staff_only(Role.ADMIN)
    async def save_limit(self, form_data: dict):
        field = form_text(form_data)
        try:
            await call(
                set_stage_limit,
                actor=current_viewer(),
                stage=field.get("stage", ""),
                sla_days=field.get("sla_days", ""),
                wip_limit=field.get("wip_limit", ""),
            )
        except InvalidInput as error:
            self.errors = error.fields
            return None
        self.errors = {}
        await self._reload_stages()
        return rx.toast.success("Stage limits saved.")

    @rx.event
    @staff_only(Role.ADMIN)
    async def save_skip(self, form_data: dict):
        field = form_text(form_data)
        try:
            await call(
                set_stage_skipped,
                actor=current_viewer(),
                stage=field.get("skip_stage", ""),
                case_type=field.get("skip_case_type", ""),
                skipped=field.get("skip_rule", "") == "skip",
            )
        except InvalidInput as error:
            self.errors = {f"skip_{name}": text for name, text in error.fields.items()}
            return None
        self.errors = {}
        await self._reload_stages()
        return rx.toast.success("Saved: moves into that stage follow the new rule.")

    @rx.event
    @staff_only(Role.ADMIN)
    async def save_name(self, form_data: dict):
        field = form_text(form_data)
        try:
            await call(
                rename_stage,
                actor=current_viewer(),
                stage=field.get("name_stage", ""),
                title=field.get("title", ""),
                position=field.get("position", ""),
            )
        except InvalidInput as error:
            self.errors = {
                f"name_{key}" if key == "stage" else key: text for key, text in error.fields.items()
            }
            return None
        self.errors = {}
        await self._reload_stages()
        return rx.toast.success("Stage saved; every list and the board use the new name and order.")

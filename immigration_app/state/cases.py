"""States behind the case workspace and the new-case wizard."""

from __future__ import annotations

import dataclasses

import reflex as rx

from immigration_app import catalog
from immigration_app.models import Role
from immigration_app.services.case_closing import close_case, reopen_case
from immigration_app.services.cases import (
    CLOSING_OUTCOMES,
    TIMELINE_MOST,
    TIMELINE_PAGE,
    CaseHeader,
    MemberInput,
    MemberView,
    NoteView,
    TimelineEntry,
    add_note,
    assign_case,
    can_assign,
    case_timeline,
    case_workspace,
    edit_member_profile,
    move_case,
    open_case,
    role_choices,
    set_priority_date,
)
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.filings import add_receipt as add_checked_receipt
from immigration_app.services.numbers import whole_number
from immigration_app.services.people import (
    PersonInput,
    PersonMatch,
    likely_duplicates,
    search_people,
)
from immigration_app.services.stages import stage_options
from immigration_app.services.users import active_staff
from immigration_app.state.auth import current_viewer, staff_only
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

_NO_CASE = CaseHeader(**{field.name: "" for field in dataclasses.fields(CaseHeader)})


def _options(staff, role: Role) -> list[tuple[str, str]]:
    return [(str(user.id), user.full_name) for user in staff if user.role == role]


def chosen_id(raw) -> int | None:
    """The id a browser sent for a choice (a colleague, a person), or None for anything else.

    Services check that the id is one the user may choose."""
    return whole_number(raw)


CASE_TABS = (
    "profile",
    "timeline",
    "notes",
    "documents",
    "forms",
    "deadlines",
    "messages",
    "uscis",
    "filing",
)


# The states of the case page's tabs. Each resets (and, when shown, reads) as the case opens,
# inside CaseState.load: one event for the page rather than one per tab, each queued behind
# every other browser's events.
_TAB_STATES: list[type[rx.State]] = []


def opens_with_the_case(state_class: type[rx.State]) -> type[rx.State]:
    """Register a tab's state, whose `load` then runs when a case page opens."""
    _TAB_STATES.append(state_class)
    return state_class


def _workspace_and_choices(session, *, viewer, reference: str, event_kind: str, event_limit: int):
    """The case page's header, people, timeline and notes, with the stages and the staff to
    choose from (staff only for those who may assign), in one transaction."""
    workspace = case_workspace(session, viewer=viewer, reference=reference)
    timeline = case_timeline(
        session, viewer=viewer, reference=reference, event_kind=event_kind, limit=event_limit
    )
    staff = active_staff(session) if can_assign(viewer) else []
    return workspace, timeline, stage_options(session), staff


class CaseState(rx.State):
    tab: str = "profile"
    """/cases/[ref]: the workspace of one case."""

    reference: str = ""
    status: str = "loading"  # loading | found | missing
    header: CaseHeader = _NO_CASE
    members: list[MemberView] = []
    member_roles: list[tuple[str, str]] = []  # the roles of the case's type
    timeline: list[TimelineEntry] = []
    timeline_has_older: bool = False
    # How many of the newest events the timeline shows; "Show older events" raises it.
    timeline_limit: int = TIMELINE_PAGE

    @rx.var
    def timeline_at_most(self) -> bool:
        return self.timeline_limit >= TIMELINE_MOST

    event_kinds: list[str] = []
    timeline_kind: str = ""
    notes: list[NoteView] = []
    may_assign: bool = False
    attorneys: list[tuple[str, str]] = []
    paralegals: list[tuple[str, str]] = []
    stages: list[tuple[str, str]] = []  # the firm's names and order
    # The "Close case" / "Reopen case" dialog shown ("" for none).
    closing_dialog: str = ""
    outcome_options: list[tuple[str, str]] = list(CLOSING_OUTCOMES.items())
    editing_person_id: int = 0
    edit_profile: dict[str, str] = {}
    errors: dict[str, str] = {}
    form_version: int = 0  # bumped to redraw forms empty (or with fresh defaults)

    async def _reload(self) -> None:
        viewer = current_viewer()
        try:
            workspace, timeline, self.stages, staff = await call(
                _workspace_and_choices,
                viewer=viewer,
                reference=self.reference,
                event_kind=self.timeline_kind,
                event_limit=self.timeline_limit,
            )
        except NotFound:
            self.status, self.header, self.members, self.timeline, self.notes = (
                "missing",
                _NO_CASE,
                [],
                [],
                [],
            )
            return
        self.status = "found"
        self.header = workspace.header
        self.members = list(workspace.members)
        self.member_roles = list(workspace.roles)
        self.timeline, self.timeline_has_older = list(timeline.entries), timeline.has_older
        self.event_kinds = list(workspace.event_kinds)
        self.notes = list(workspace.notes)
        self.may_assign = can_assign(viewer)
        self.attorneys = _options(staff, Role.ATTORNEY)
        self.paralegals = _options(staff, Role.PARALEGAL)

    @rx.event
    @staff_only()
    async def load(self):
        """Open the case page: the header and timeline, then every tab's state, in this one
        event (a tab reads its data only when it is the one shown)."""
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.timeline_kind, self.editing_person_id, self.errors = "", 0, {}
        self.closing_dialog = ""
        self.timeline_limit = TIMELINE_PAGE
        # A link may open a tab: /cases/2026-0042?tab=documents from the review queue.
        wanted = self.router.url.query_parameters.get("tab", "")
        self.tab = wanted if wanted in CASE_TABS else "profile"
        await self._reload()
        # One after the other, not side by side: a tab's load fetches other states, and run
        # at once under Redis they redrew the USCIS tab's forms while staff typed (a browser
        # test failed one run in three). Only the shown tab reads anything, so little is lost.
        for tab_state in _TAB_STATES:
            await tab_state.event_handlers["load"].fn(await self.get_state(tab_state))

    @rx.event
    @staff_only()
    async def choose_tab(self, tab: str):
        self.tab = tab if tab in CASE_TABS else "profile"

    @rx.event
    @staff_only()
    async def filter_timeline(self, kind: str):
        self.timeline_kind, self.timeline_limit = str(kind)[:64], TIMELINE_PAGE
        await self._reload_timeline()

    @rx.event
    @staff_only()
    async def show_older_events(self):
        self.timeline_limit = min(self.timeline_limit + TIMELINE_PAGE, TIMELINE_MOST)
        await self._reload_timeline()

    async def _reload_timeline(self) -> None:
        """Only the timeline: the events of the kind chosen, as many as asked for."""
        try:
            timeline = await call(
                case_timeline,
                viewer=current_viewer(),
                reference=self.reference,
                event_kind=self.timeline_kind,
                limit=self.timeline_limit,
            )
        except NotFound:
            await self._reload()  # the case is gone from this viewer: the page says so
            return
        self.timeline, self.timeline_has_older = list(timeline.entries), timeline.has_older

    async def _change(self, service, success: str, *, warns: bool = False, **kwargs):
        """Run a change to this case; field errors stay beside their fields. With `warns`, the
        service returns a warning to show after the success ("" when none)."""
        try:
            done = await call(service, actor=current_viewer(), reference=self.reference, **kwargs)
        except InvalidInput as error:
            self.errors = error.fields
            return None
        except NotPermitted as error:
            return rx.toast.error(str(error))
        except NotFound:
            await self._reload()
            return rx.toast.error("This case is no longer available to you.")
        self.errors = {}
        self.form_version += 1
        await self._reload()
        if warns and done:
            return [rx.toast.success(success), rx.toast.warning(done, duration=15_000)]
        return rx.toast.success(success)

    @rx.event
    @staff_only(Role.ADMIN, Role.ATTORNEY)
    async def assign(self, form_data: dict):
        field = form_text(form_data)
        return await self._change(
            assign_case,
            "Assignment saved.",
            attorney_id=chosen_id(field.get("attorney_id", "")),
            paralegal_id=chosen_id(field.get("paralegal_id", "")),
        )

    @rx.event
    @staff_only(Role.ADMIN, Role.ATTORNEY)
    async def open_closing_dialog(self, which: str):
        self.closing_dialog = "reopen" if which == "reopen" else "close"
        self.errors = {}
        self.form_version += 1

    @rx.event
    @staff_only()
    async def set_closing_dialog(self, open_: bool):
        """The dialog's own close button, Escape or a click outside."""
        if not open_:
            self.closing_dialog, self.errors = "", {}

    @rx.event
    @staff_only(Role.ADMIN, Role.ATTORNEY)
    async def close(self, form_data: dict):
        field = form_text(form_data)
        done = await self._change(
            close_case,
            "Case closed.",
            outcome=field.get("outcome", ""),
            note=field.get("closing_note", "")[:2000],
            waive_open_deadlines=field.get("waive_deadlines", "") in ("on", "true"),
        )
        if not self.errors:
            self.closing_dialog = ""
        return done

    @rx.event
    @staff_only(Role.ADMIN, Role.ATTORNEY)
    async def reopen(self, form_data: dict):
        done = await self._change(
            reopen_case,
            "Case reopened.",
            reason=form_text(form_data).get("reopen_reason", "")[:2000],
        )
        if not self.errors:
            self.closing_dialog = ""
        return done

    @rx.event
    @staff_only()
    async def move(self, form_data: dict):
        stage = form_text(form_data).get("stage", "")
        return await self._change(move_case, "Stage changed.", stage=stage)

    @rx.event
    @staff_only()
    async def add_receipt(self, form_data: dict):
        field = form_text(form_data)
        # The number is kept even when it looks unusual: staff see why, and check it again.
        return await self._change(
            add_checked_receipt,
            "Receipt number added.",
            warns=True,
            number=field.get("receipt_number", "")[:40],
            form=field.get("receipt_form", "")[:16],
        )

    @rx.event
    @staff_only()
    async def save_priority_date(self, form_data: dict):
        typed = form_text(form_data).get("priority_date", "")
        return await self._change(set_priority_date, "Priority date saved.", typed=typed)

    @rx.event
    @staff_only()
    async def add_case_note(self, form_data: dict):
        return await self._change(
            add_note, "Note added.", body=form_text(form_data).get("note", "")
        )

    @rx.event
    @staff_only()
    async def start_editing(self, person_id: int):
        member = next((m for m in self.members if m.person_id == chosen_id(person_id)), None)
        if member is None:
            return
        self.editing_person_id, self.edit_profile = member.person_id, dict(member.profile)
        self.errors = {}
        self.form_version += 1

    @rx.event
    @staff_only()
    async def cancel_editing(self):
        self.editing_person_id, self.errors = 0, {}

    @rx.event
    @staff_only()
    async def save_profile(self, form_data: dict):
        person_id = self.editing_person_id
        if not person_id:
            return
        try:
            changed = await call(
                edit_member_profile,
                actor=current_viewer(),
                reference=self.reference,
                person_id=person_id,
                data=PersonInput.from_form(form_text(form_data)),
                client_address=self.router.session.client_ip,
            )
        except InvalidInput as error:
            self.errors = error.fields
            return
        except NotFound:
            self.editing_person_id = 0
            await self._reload()
            return rx.toast.error("This person is no longer on the case.")
        self.editing_person_id, self.errors = 0, {}
        await self._reload()
        return rx.toast.success(
            f"Saved: {', '.join(changed)}." if changed else "No changes to save."
        )


@dataclasses.dataclass(frozen=True)
class MemberDraft:
    """Someone chosen for the case being opened, not yet saved."""

    role: str
    label: str
    person_id: int = 0  # an existing person; 0 for a new one
    new_person: dict[str, str] = dataclasses.field(default_factory=dict)


class NewCaseState(rx.State):
    """/cases/new: choose the type, gather the people (found or new), assign, open."""

    case_types: list[tuple[str, str]] = []
    attorneys: list[tuple[str, str]] = []
    paralegals: list[tuple[str, str]] = []
    case_type: str = ""
    roles: list[tuple[str, str]] = []
    needed_roles: str = ""
    adding_role: str = ""
    members: list[MemberDraft] = []
    matches: list[PersonMatch] = []
    searched: bool = False
    duplicates: list[PersonMatch] = []
    pending_new: dict[str, str] = {}
    errors: dict[str, str] = {}
    form_version: int = 0
    may_assign: bool = False  # attorneys and admins choose who works the case

    @rx.event
    @staff_only()
    async def load(self):
        self.case_types = [(kind.key, kind.title) for kind in catalog.case_types().values()]
        staff = await call(active_staff)
        self.attorneys = _options(staff, Role.ATTORNEY)
        self.paralegals = _options(staff, Role.PARALEGAL)
        self.may_assign = can_assign(current_viewer())
        self.case_type, self.roles, self.needed_roles, self.adding_role = "", [], "", ""
        self.members, self.matches, self.searched, self.duplicates = [], [], False, []
        self.pending_new, self.errors = {}, {}
        self.form_version += 1

    @rx.event
    @staff_only()
    async def choose_type(self, key: str):
        kind = catalog.case_types().get(str(key))
        self.case_type = kind.key if kind else ""
        self.roles = list(role_choices(self.case_type))
        self.needed_roles = ", ".join(role.replace("_", " ") for role in kind.roles) if kind else ""
        self.adding_role = kind.role_to_add(self._taken_roles()) if kind else ""
        self.errors = {}

    @rx.event
    @staff_only()
    async def choose_role(self, role: str):
        if str(role) in {key for key, _ in self.roles}:
            self.adding_role = str(role)

    @rx.event
    @staff_only()
    async def find_people(self, form_data: dict):
        text = form_text(form_data).get("person_search", "")
        self.matches = await call(search_people, viewer=current_viewer(), text=text)
        self.searched = True

    def _add(self, draft: MemberDraft) -> None:
        self.members = [*self.members, draft]
        self.matches, self.searched, self.duplicates, self.pending_new = [], False, [], {}
        self.errors = {}
        self.form_version += 1
        if kind := catalog.case_types().get(self.case_type):
            self.adding_role = kind.role_to_add(self._taken_roles())

    def _taken_roles(self) -> set[str]:
        return {member.role for member in self.members}

    @rx.event
    @staff_only()
    async def add_existing(self, person_id: int, label: str):
        if not self.adding_role:
            self.errors = {"members": "Choose the case type first."}
            return
        pid = chosen_id(person_id)
        if pid is None or any(member.person_id == pid for member in self.members):
            return
        self._add(MemberDraft(role=self.adding_role, label=str(label)[:200], person_id=pid))

    @rx.event
    @staff_only()
    async def add_new(self, form_data: dict):
        if not self.adding_role:
            self.errors = {"members": "Choose the case type first."}
            return
        data = PersonInput.from_form(form_text(form_data))
        try:
            duplicates = await call(likely_duplicates, viewer=current_viewer(), data=data)
        except InvalidInput as error:
            self.errors = error.fields
            return
        if duplicates:
            self.duplicates, self.pending_new, self.errors = (
                duplicates,
                dataclasses.asdict(data),
                {},
            )
            return
        self._add_new_person(data)

    def _add_new_person(self, data: PersonInput) -> None:
        label = f"{data.given_name} {data.family_name} (new)"
        self._add(
            MemberDraft(role=self.adding_role, label=label, new_person=dataclasses.asdict(data))
        )

    @rx.event
    @staff_only()
    async def add_new_anyway(self):
        """The staff member has looked at the likely duplicates: this is someone else."""
        if self.pending_new:
            self._add_new_person(PersonInput(**self.pending_new))

    @rx.event
    @staff_only()
    async def remove_member(self, index: int):
        position = whole_number(index)
        self.members = [member for at, member in enumerate(self.members) if at != position]

    @rx.event
    @staff_only()
    async def create(self, form_data: dict):
        field = form_text(form_data)
        members = [
            MemberInput(
                role=member.role,
                person_id=member.person_id or None,
                new_person=PersonInput(**member.new_person) if member.new_person else None,
            )
            for member in self.members
        ]
        try:
            case = await call(
                open_case,
                actor=current_viewer(),
                case_type=self.case_type,
                members=members,
                attorney_id=chosen_id(field.get("attorney_id", "")),
                paralegal_id=chosen_id(field.get("paralegal_id", "")),
                client_address=self.router.session.client_ip,
            )
        except InvalidInput as error:
            self.errors = error.fields
            return rx.toast.error("The case was not opened yet: see the messages on the page.")
        return rx.redirect(f"/cases/{case.reference}")

"""The Filing tab of a case: the cover letter, the packet and its build, the four-eyes review,
and the filing record with USCIS's receipt notice.

Nothing is read until the tab opens (or the address opens it: ?tab=filing). The packet is built
in a worker thread by a background task that copies its progress into the page. Who may decide
on a review is the service's rule: the page only hides the buttons, the handlers ask again.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from immigration_app.services import storage
from immigration_app.services.cover_letter import LetterText, reset_case_letter, save_case_letter
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.filing_tab import CheckRow, PendingReview, PlanRow, filing_tab
from immigration_app.services.filings import (
    FilingInput,
    FilingView,
    NoticeView,
    attach_receipt_notice,
    record_filing,
)
from immigration_app.services.firm import firm_clock
from immigration_app.services.packets import PacketRow, build_packet
from immigration_app.services.reviews import decide_review, submit_for_review
from immigration_app.settings import get_settings
from immigration_app.state.auth import current_viewer, public, staff_only
from immigration_app.state.cases import CaseState, chosen_id, opens_with_the_case
from immigration_app.state.forms import form_text
from immigration_app.state.services import call
from immigration_app.state.uploads import UploadResult, percent_sent, receive_into

TAB = "filing"
UPLOAD_ID = "receipt_notice_upload"
ACCEPT = {"application/pdf": [".pdf"], "image/*": []}
_GONE = "This case is no longer available to you."
_CHECKED = ("on", "true")
# The fields each form shows a message beside; anything else goes to the form's general message.
_LETTER = ("addressee", "subject", "body")
_FILING = ("filed_on", "method", "tracking_number", "receipt_number", "filed_by_id", "note")
_NO_LETTER = LetterText("", "", "", edited=False)
_NO_PENDING = PendingReview(0, 0, 0, "", "", "")


class _Progress:
    """What the build's worker thread reports; the background task polls it."""

    def __init__(self) -> None:
        self.done, self.total = 0, 0

    def update(self, done: int, total: int) -> None:
        self.done, self.total = done, total


def _read_tab(session, *, viewer, reference: str):
    """The tab and the firm's today (the filing date's default), in one transaction."""
    return filing_tab(session, viewer=viewer, reference=reference), firm_clock(session).today()


def _messages(prefix: str, fields: dict[str, str], known: tuple[str, ...], general: str):
    """A service's messages under the page's keys: `prefix` + field, or the form's general key."""
    errors: dict[str, str] = {}
    for name, text in fields.items():
        key = prefix + (name if name in known else general)
        errors[key] = f"{errors[key]} {text}" if key in errors else text
    return errors


@opens_with_the_case
class CaseFilingState(rx.State):
    reference: str = ""
    loaded: bool = False
    case_type: str = ""
    letter: LetterText = _NO_LETTER
    plan: list[PlanRow] = []
    not_filled: list[str] = []
    packets: list[PacketRow] = []
    review_state: str = "none"  # approval.STATES
    status: str = ""
    changes: list[str] = []
    latest_packet_id: int = 0
    can_submit: bool = False
    pending: PendingReview = _NO_PENDING
    may_decide: bool = False
    why_not_decide: str = ""
    checks: list[CheckRow] = []
    can_file: bool = False
    methods: list[tuple[str, str]] = []
    staff: list[tuple[str, str]] = []
    filings: list[FilingView] = []
    notices: list[NoticeView] = []
    today: str = ""  # ISO, the filing date's default
    me: str = ""  # the signed-in user's id, the "filed by" default
    # Editing the letter; the reviewer's ticks and comments; messages under "<form>_<field>".
    editing_letter: bool = False
    ticked: list[str] = []
    comments: str = ""
    errors: dict[str, str] = {}
    form_version: int = 0
    building: bool = False
    build_done: int = 0
    build_total: int = 0
    filing_warning: str = ""
    # The receipt notice upload: its typed number and form, kept as the fields lose focus.
    notice_number: str = ""
    notice_form: str = ""
    uploading: bool = False
    progress: int = 0
    results: list[UploadResult] = []
    notice_warning: str = ""
    limit_mb: int = 25

    @rx.var
    def build_percent(self) -> int:
        return 100 * self.build_done // self.build_total if self.build_total else 0

    async def _reload(self) -> bool:
        """Read the tab again; False when the case is out of sight."""
        viewer = current_viewer()
        try:
            tab, today = await call(_read_tab, viewer=viewer, reference=self.reference)
        except NotFound:
            self._forget()
            self.loaded = True
            return False
        self.case_type, self.letter = tab.case_type, tab.letter
        self.plan, self.not_filled, self.packets = tab.plan, tab.not_filled, tab.packets
        self.review_state, self.status, self.changes = tab.state, tab.status, tab.changes
        self.latest_packet_id, self.can_submit = tab.latest_packet_id or 0, tab.can_submit
        if (tab.pending.id if tab.pending else 0) != self.pending.id:
            self.ticked, self.comments = [], ""  # a new review starts unticked
        self.pending = tab.pending or _NO_PENDING
        self.may_decide, self.why_not_decide = tab.may_decide, tab.why_not_decide
        self.checks, self.can_file = tab.checks, tab.can_file
        self.methods = [(choice.value, choice.label) for choice in tab.methods]
        self.staff = [(choice.value, choice.label) for choice in tab.staff]
        self.filings, self.notices = tab.filings, tab.notices
        self.today, self.me = today.isoformat(), str(viewer.id)
        self.loaded = True
        return True

    def _forget(self) -> None:
        self.letter, self.plan, self.not_filled, self.packets = _NO_LETTER, [], [], []
        self.review_state, self.status, self.changes = "none", "", []
        self.latest_packet_id, self.can_submit, self.pending = 0, False, _NO_PENDING
        self.may_decide, self.why_not_decide, self.checks, self.can_file = False, "", [], False
        self.filings, self.notices, self.ticked, self.comments = [], [], [], ""

    async def _refresh_case(self) -> None:
        """The header (its stage) and the timeline show the change too."""
        await self._reload()
        await (await self.get_state(CaseState))._reload()

    @rx.event
    @staff_only()
    async def load(self):
        self.reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.loaded, self.editing_letter, self.errors, self.results = False, False, {}, []
        self.filing_warning, self.notice_warning, self.building = "", "", False
        self.notice_number, self.notice_form, self.progress = "", "", 0
        self.limit_mb = get_settings().upload_limit_mb
        self._forget()
        if self.router.url.query_parameters.get("tab") == TAB:
            await self._reload()

    @rx.event
    @staff_only()
    async def show_tab(self, tab: str):
        if tab == TAB:
            await self._reload()

    async def _act(self, service, success: str, *, prefix: str, known=(), general="", **kwargs):
        """Run a change to this case; its messages go beside the form's fields."""
        try:
            done = await call(service, actor=current_viewer(), reference=self.reference, **kwargs)
        except InvalidInput as error:
            self.errors = _messages(prefix, error.fields, known, general)
            return None, None
        except NotPermitted as error:
            self.errors = {f"{prefix}{general}": str(error)}
            await self._reload()
            return None, None
        except NotFound as error:
            self.errors = {}
            return None, rx.toast.error(str(error) if await self._reload() else _GONE)
        self.errors = {}
        self.form_version += 1
        await self._refresh_case()
        return done, rx.toast.success(success)

    # --- the cover letter ----------------------------------------------------------------------

    @rx.event
    @staff_only()
    async def open_letter(self):
        self.editing_letter, self.errors = True, {}
        self.form_version += 1

    @rx.event
    @staff_only()
    async def close_letter(self):
        self.editing_letter, self.errors = False, {}

    @rx.event
    @staff_only()
    async def save_letter(self, form_data: dict):
        field = form_text(form_data)
        done, toast = await self._act(
            save_case_letter,
            "Cover letter saved.",
            prefix="letter_",
            known=_LETTER,
            general="body",
            addressee=field.get("letter_addressee", "")[:1001],
            subject=field.get("letter_subject", "")[:601],
            body=field.get("letter_body", "")[:40_001],
            for_case_type=field.get("letter_for_case_type", "") in _CHECKED,
        )
        if done is not None:
            self.editing_letter = False
        return toast

    @rx.event
    @staff_only()
    async def reset_letter(self):
        _, toast = await self._act(
            reset_case_letter, "Back to the firm's template.", prefix="letter_", general="body"
        )
        self.editing_letter = False
        return toast

    # --- the packet ----------------------------------------------------------------------------

    @rx.event(background=True)
    @staff_only()
    async def build(self):
        """Build the filing packet in a worker thread; the progress bar follows it."""
        viewer = current_viewer()
        async with self:
            if self.building:
                return None
            reference = self.reference
            self.building, self.build_done, self.build_total, self.errors = True, 0, 0, {}
        reported = _Progress()
        task = asyncio.create_task(
            asyncio.to_thread(
                build_packet, actor=viewer, reference=reference, progress=reported.update
            )
        )
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=0.3)
                async with self:
                    self.build_done, self.build_total = reported.done, reported.total
            built = task.result()
        except InvalidInput as error:
            async with self:
                self.errors = _messages("build_", error.fields, ("addressee",), "packet")
            return None
        except NotFound:
            async with self:
                await self._reload()
            return rx.toast.error(_GONE)
        finally:
            async with self:
                self.building = False
        async with self:
            self.form_version += 1
            await self._refresh_case()
        return rx.toast.success(f"Packet version {built.version} built: {built.page_count} pages.")

    # --- the review ----------------------------------------------------------------------------

    @rx.event
    @staff_only()
    async def submit(self, form_data: dict):
        if not self.latest_packet_id:
            return None
        _, toast = await self._act(
            submit_for_review,
            "Submitted: a second reviewer decides on it.",
            prefix="submit_",
            known=("note",),
            general="packet",
            packet_id=self.latest_packet_id,
            note=form_text(form_data).get("submit_note", "")[:2001],
        )
        return toast

    @rx.event
    @staff_only()
    async def tick(self, key: str, checked: bool):
        keys = [check.key for check in self.checks]
        if key not in keys:
            return
        wanted = (set(self.ticked) - {key}) | ({key} if checked is True else set())
        self.ticked = [known for known in keys if known in wanted]

    @rx.event
    @staff_only()
    async def set_comments(self, text: str):
        self.comments = str(text)[:2001]

    async def _decide(self, approve: bool, success: str):
        if not self.pending.id:
            return None
        done, toast = await self._act(
            decide_review,
            success,
            prefix="review_",
            known=("checks", "comments"),
            general="decision",
            review_id=self.pending.id,
            approve=approve,
            comments=self.comments,
            checks=list(self.ticked),
        )
        if done is not None:
            self.ticked, self.comments = [], ""
        return toast

    @rx.event
    @staff_only()
    async def approve(self):
        return await self._decide(True, "Approved: the case is ready to file.")

    @rx.event
    @staff_only()
    async def send_back(self):
        return await self._decide(False, "Returned to the preparer with your comments.")

    # --- the filing record ---------------------------------------------------------------------

    @rx.event
    @staff_only()
    async def record(self, form_data: dict):
        field = {name: text[:2001] for name, text in form_text(form_data).items()}
        filed_by = field.get("filing_filed_by_id", "")
        data = FilingInput(
            filed_on=field.get("filing_filed_on", "")[:20],
            method=field.get("filing_method", "")[:20],
            tracking_number=field.get("filing_tracking_number", "")[:200],
            # Not a colleague's id: the service says to choose one (it checks every id).
            filed_by_id=(chosen_id(filed_by) or -1) if filed_by else None,
            receipt_number=field.get("filing_receipt_number", "")[:40],
            note=field.get("filing_note", ""),
        )
        self.filing_warning = ""
        done, toast = await self._act(
            record_filing,
            "Recorded as filed.",
            prefix="filing_",
            known=_FILING,
            general="packet",
            data=data,
        )
        if done is not None:
            self.filing_warning = done.warning
        return toast

    @rx.event
    @staff_only()
    async def set_notice_number(self, text: str):
        self.notice_number = str(text)[:40]

    @rx.event
    @staff_only()
    async def set_notice_form(self, text: str):
        self.notice_form = str(text)[:16]

    @rx.event
    @public  # it only moves this tab's own progress bar
    def upload_progress(self, progress: dict):
        self.progress = percent_sent(progress)

    @rx.event(background=True)
    @staff_only()
    async def upload_notice(self, chunks: rx.UploadChunkIterator):
        viewer = current_viewer()
        async with self:
            reference, number, form = self.reference, self.notice_number, self.notice_form
            self.uploading, self.results, self.notice_warning, self.errors = True, [], "", {}
        warnings: list[str] = []

        async def store(staged: storage.StagedFile) -> None:
            warning = await call(
                attach_receipt_notice,
                actor=viewer,
                reference=reference,
                staged=staged,
                receipt_number=number,
                form=form,
            )
            if warning:
                warnings.append(warning)

        try:
            results, cut_short = await receive_into(
                chunks,
                limit_mb=get_settings().upload_limit_mb,
                store=store,
                kept="Kept; its receipt number is on the case.",
                gone=_GONE,
            )
        finally:
            async with self:
                self.uploading = False
        async with self:
            self.results = results
            self.notice_warning = " ".join(dict.fromkeys(warnings))
            if any(result.ok for result in self.results):
                self.notice_number, self.notice_form = "", ""
                self.form_version += 1
            await self._refresh_case()
        return None if cut_short else rx.clear_selected_files(UPLOAD_ID)

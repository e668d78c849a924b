"""The portal's "Send us a letter from USCIS": the client uploads a notice they received.

A substate of PortalState, so it shares the browser's link, re-checked on every handler. The
letter becomes a notice on the case (services/case_notices.py), marked "from client" for staff.
"""

from __future__ import annotations

import reflex as rx

from immigration_app import catalog
from immigration_app.services import storage
from immigration_app.services.case_notices import add_portal_notice
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.portal import PortalAccess, PortalRefused, check_link
from immigration_app.settings import get_settings
from immigration_app.state.auth import public
from immigration_app.state.portal import PortalState, UploadResult, checks_link, portal_only
from immigration_app.state.services import call
from immigration_app.state.uploads import percent_sent, receive_files

LETTER_UPLOAD_ID = "portal_letter_upload"


class PortalLetterState(PortalState):
    letter_open: bool = False
    letter_sending: bool = False
    letter_progress: int = 0
    letter_results: list[UploadResult] = []

    @rx.event
    @public
    def forget_letter(self):
        self.letter_open, self.letter_sending = False, False
        self.letter_progress, self.letter_results = 0, []

    @rx.event
    @portal_only
    async def open_letter(self, access: PortalAccess):
        self.letter_open, self.letter_progress, self.letter_results = True, 0, []

    @rx.event
    @public
    def close_letter(self):
        self.letter_open, self.letter_progress, self.letter_results = False, 0, []
        return rx.clear_selected_files(LETTER_UPLOAD_ID)

    @rx.event
    @public  # it only moves this screen's own progress bar
    def letter_upload_progress(self, progress: dict):
        self.letter_progress = percent_sent(progress)

    @rx.event(background=True)
    @checks_link
    async def upload_letter(self, chunks: rx.UploadChunkIterator):
        async with self:
            link_id = self._link_id
            self.letter_sending, self.letter_results = True, []
        try:
            access = await call(check_link, link_id=link_id)
        except PortalRefused as refused:
            async with self:
                self.letter_sending = False
                self._refuse(refused.code, "link_unavailable")
            return None

        async def keep(staged: storage.StagedFile) -> None:
            try:
                await call(add_portal_notice, access=access, staged=staged)
            except (InvalidInput, NotFound, PortalRefused) as error:
                raise storage.UploadRefused("letter_unreadable", str(error)) from error

        try:
            outcomes, cut_short = await receive_files(
                chunks, limit_bytes=get_settings().upload_limit_mb * 1024 * 1024, keep=keep
            )
        finally:
            async with self:
                self.letter_sending = False
        async with self:
            words = catalog.portal_text()[self.language]
            self.letter_results = [
                UploadResult(
                    name=outcome.name,
                    ok=not outcome.refused,
                    message=words["letter_received"]
                    if not outcome.refused
                    else words.get(outcome.refused, words["letter_unreadable"]).replace(
                        "{limit}", str(self.limit_mb)
                    ),
                )
                for outcome in outcomes
            ]
        return None if cut_short else rx.clear_selected_files(LETTER_UPLOAD_ID)

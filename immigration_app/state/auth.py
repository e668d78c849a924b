"""Who is signed in, and the one decorator that guards every event handler.

Reflex lets any browser call any handler with any arguments, so hiding a button
protects nothing: each handler is wrapped in `staff_only(...)` (or marked
`public`), and the signed-in user is looked up from the session cookie on every
call. Tests enumerate the app's handlers and fail on any that is neither.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import time
from collections.abc import Callable
from urllib.parse import quote

import reflex as rx
from reflex.istate.proxy import StateProxy

from immigration_app.models import Role
from immigration_app.services.auth import (
    SESSION_COOKIE,
    SecondStepNeeded,
    SignedIn,
    SignInRefused,
    sign_in,
    sign_out,
    viewer_for_token,
)
from immigration_app.services.two_step_sign_in import (
    START_AGAIN,
    finish_enrolment_at_sign_in,
    finish_sign_in,
    start_enrolment_at_sign_in,
)
from immigration_app.services.viewer import Viewer
from immigration_app.settings import get_settings
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

_viewer: contextvars.ContextVar[Viewer] = contextvars.ContextVar("viewer")

STAFF = (Role.ADMIN, Role.ATTORNEY, Role.PARALEGAL)
# How long a correct password waits for its second step before it must be entered again.
PENDING_SIGN_IN_SECONDS = 5 * 60


def current_viewer() -> Viewer:
    """The staff member the current guarded handler runs for."""
    return _viewer.get()


def public(handler: Callable) -> Callable:
    """Mark a handler that anyone may call (signing in, say)."""
    handler.allowed_roles = ()
    return handler


def staff_only(*roles: Role) -> Callable[[Callable], Callable]:
    """Run the handler only for a signed-in staff member with one of `roles` (default: any)."""
    allowed = roles or STAFF

    def decorate(handler: Callable) -> Callable:
        if inspect.isgeneratorfunction(handler) or inspect.isasyncgenfunction(handler):
            raise TypeError(f"{handler.__qualname__}: guarded handlers must return, not yield")

        @functools.wraps(handler)
        async def guarded(self: rx.State, *args, **kwargs):
            # A guarded handler called from inside another (the case page opening its tabs)
            # serves the same browser in the same event: the session was looked up just now.
            # The role is checked again all the same.
            viewer = _viewer.get(None) or await _signed_in(self)
            if viewer is None:
                return rx.redirect(f"/login?next={quote(self.router.url.path or '/')}")
            if viewer.role not in allowed:
                return [rx.toast.error("Your role does not allow this."), rx.redirect("/")]
            token = _viewer.set(viewer)
            try:
                result = handler(self, *args, **kwargs)
                return await result if inspect.isawaitable(result) else result
            finally:
                _viewer.reset(token)

        guarded.allowed_roles = allowed
        return guarded

    return decorate


async def _signed_in(state: rx.State) -> Viewer | None:
    """The staff member of the caller's session cookie, or None.

    A background handler (a streamed upload) gets a proxy of its state that reaches other
    states only inside `async with`, so the look-up happens there.
    """
    if isinstance(state, StateProxy):
        async with state:
            return await (await state.get_state(AuthState))._resolve_viewer()
    return await (await state.get_state(AuthState))._resolve_viewer()


def _safe_next(target: str) -> str:
    """Only same-site paths: `next` must not send anyone to another site."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


class AuthState(rx.State):
    session_token: str = rx.Cookie(
        "",
        name=SESSION_COOKIE,
        same_site="strict",
        secure=get_settings().secure_cookies,
        max_age=int(get_settings().session_max_days * 86400),
    )
    viewer_name: str = ""
    viewer_role: str = ""
    sign_in_error: str = ""
    # Which part of the sign-in page shows: "password", "code" (the authenticator's code),
    # "enrol" (the firm requires two-step: set it up now) or "recovery_codes" (shown once).
    sign_in_step: str = "password"
    enrol_secret: str = ""
    enrol_qr: str = ""
    new_recovery_codes: list[str] = []
    # The account whose password was right, and until when (epoch seconds) it may give its
    # second step. Backend-only: the browser cannot name an account to finish signing in as.
    _pending_user_id: int = 0
    _pending_until: float = 0.0

    async def _resolve_viewer(self) -> Viewer | None:
        """Look the cookie's session up in the database; a revoked or idle one is gone."""
        viewer = await call(viewer_for_token, token=self.session_token)
        self.viewer_name = viewer.full_name if viewer else ""
        self.viewer_role = viewer.role.value if viewer else ""
        return viewer

    def _reset_sign_in(self, error: str = "") -> None:
        self._pending_user_id = 0
        self._pending_until = 0.0
        self.sign_in_step = "password"
        self.enrol_secret = ""
        self.enrol_qr = ""
        self.sign_in_error = error

    def _pending_user(self) -> int | None:
        """The account waiting for its second step, unless it waited too long."""
        if self._pending_user_id and time.time() < self._pending_until:
            return self._pending_user_id
        if self._pending_user_id or self.sign_in_step != "password":
            self._reset_sign_in(START_AGAIN)
        return None

    def _signed_in(self, outcome: SignedIn) -> None:
        self._reset_sign_in()
        self.session_token = outcome.token
        self.viewer_name = outcome.viewer.full_name
        self.viewer_role = outcome.viewer.role.value

    def _next_page(self):
        return rx.redirect(_safe_next(self.router.url.query_parameters.get("next", "/")))

    @rx.event
    @public
    async def redirect_if_signed_in(self):
        if await self._resolve_viewer() is not None:
            return rx.redirect("/")
        self._reset_sign_in()
        self.new_recovery_codes = []

    @rx.event
    @public
    async def submit_sign_in(self, form_data: dict):
        self._reset_sign_in()
        outcome = await call(
            sign_in,
            email=form_text(form_data).get("email", ""),
            password=form_text(form_data).get("password", ""),
            client_address=self.router.session.client_ip,
            user_agent=self.router.headers.user_agent,
        )
        if isinstance(outcome, SignInRefused):
            self.sign_in_error = outcome.message
            return None
        if isinstance(outcome, SecondStepNeeded):
            return await self._ask_for_second_step(outcome)
        self._signed_in(outcome)
        return self._next_page()

    async def _ask_for_second_step(self, needed: SecondStepNeeded) -> None:
        self._pending_user_id = needed.user_id
        self._pending_until = time.time() + PENDING_SIGN_IN_SECONDS
        if not needed.enrol:
            self.sign_in_step = "code"
            return
        enrolment = await call(start_enrolment_at_sign_in, user_id=needed.user_id)
        if isinstance(enrolment, SignInRefused):
            self._reset_sign_in(enrolment.message)
            return
        self.enrol_secret = enrolment.secret
        self.enrol_qr = enrolment.qr_data_uri
        self.sign_in_step = "enrol"

    @rx.event
    @public
    async def submit_sign_in_code(self, form_data: dict):
        """The second step: the authenticator's code, or a recovery code."""
        user_id = self._pending_user()
        if user_id is None or self.sign_in_step != "code":
            return None
        self.sign_in_error = ""
        outcome = await call(
            finish_sign_in,
            user_id=user_id,
            code=form_text(form_data).get("code", "")[:64],
            client_address=self.router.session.client_ip,
            user_agent=self.router.headers.user_agent,
        )
        if isinstance(outcome, SignInRefused):
            self.sign_in_error = outcome.message
            if outcome.message == START_AGAIN:
                self._reset_sign_in(START_AGAIN)
            return None
        self._signed_in(outcome)
        return self._next_page()

    @rx.event
    @public
    async def submit_enrolment_code(self, form_data: dict):
        """Setting two-step up during sign-in: the app's first code turns it on and signs in."""
        user_id = self._pending_user()
        if user_id is None or self.sign_in_step != "enrol":
            return
        self.sign_in_error = ""
        outcome = await call(
            finish_enrolment_at_sign_in,
            user_id=user_id,
            code=form_text(form_data).get("code", "")[:64],
            client_address=self.router.session.client_ip,
            user_agent=self.router.headers.user_agent,
        )
        if isinstance(outcome, SignInRefused):
            self.sign_in_error = outcome.message
            if outcome.message == START_AGAIN:
                self._reset_sign_in(START_AGAIN)
            return
        self._signed_in(outcome.signed_in)
        self.new_recovery_codes = outcome.recovery_codes
        self.sign_in_step = "recovery_codes"

    @rx.event
    @public
    async def continue_after_recovery_codes(self):
        """Leave the page that showed the recovery codes; only a signed-in browser gets further."""
        self.new_recovery_codes = []
        self.sign_in_step = "password"
        return self._next_page() if self.session_token else None

    @rx.event
    @public
    async def cancel_sign_in(self):
        self._reset_sign_in()

    @rx.event
    @public
    async def submit_sign_out(self):
        if self.session_token:
            await call(sign_out, token=self.session_token)
        self.session_token = ""
        self.viewer_name = ""
        self.viewer_role = ""
        self._reset_sign_in()
        self.new_recovery_codes = []
        return rx.redirect("/login")

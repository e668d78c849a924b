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
from collections.abc import Callable
from urllib.parse import quote

import reflex as rx
from reflex.istate.proxy import StateProxy

from immigration_app.models import Role
from immigration_app.services.auth import (
    SESSION_COOKIE,
    SignInRefused,
    sign_in,
    sign_out,
    viewer_for_token,
)
from immigration_app.services.viewer import Viewer
from immigration_app.settings import get_settings
from immigration_app.state.forms import form_text
from immigration_app.state.services import call

_viewer: contextvars.ContextVar[Viewer] = contextvars.ContextVar("viewer")

STAFF = (Role.ADMIN, Role.ATTORNEY, Role.PARALEGAL)


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
            viewer = await _signed_in(self)
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

    async def _resolve_viewer(self) -> Viewer | None:
        """Look the cookie's session up in the database; a revoked or idle one is gone."""
        viewer = await call(viewer_for_token, token=self.session_token)
        self.viewer_name = viewer.full_name if viewer else ""
        self.viewer_role = viewer.role.value if viewer else ""
        return viewer

    @rx.event
    @public
    async def redirect_if_signed_in(self):
        if await self._resolve_viewer() is not None:
            return rx.redirect("/")
        self.sign_in_error = ""

    @rx.event
    @public
    async def submit_sign_in(self, form_data: dict):
        self.sign_in_error = ""
        outcome = await call(
            sign_in,
            email=form_text(form_data).get("email", ""),
            password=form_text(form_data).get("password", ""),
            client_address=self.router.session.client_ip,
            user_agent=self.router.headers.user_agent,
        )
        if isinstance(outcome, SignInRefused):
            self.sign_in_error = outcome.message
            return
        self.session_token = outcome.token
        self.viewer_name = outcome.viewer.full_name
        self.viewer_role = outcome.viewer.role.value
        return rx.redirect(_safe_next(self.router.url.query_parameters.get("next", "/")))

    @rx.event
    @public
    async def submit_sign_out(self):
        if self.session_token:
            await call(sign_out, token=self.session_token)
        self.session_token = ""
        self.viewer_name = ""
        self.viewer_role = ""
        return rx.redirect("/login")

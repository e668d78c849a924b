"""Reflex states exercised without a browser: a state tree as one browser tab would have."""

from __future__ import annotations

import pytest
import reflex as rx

import immigration_app.immigration_app  # noqa: F401  (registers every page and state)
from immigration_app.services.auth import sign_in
from immigration_app.services.db import session_scope
from immigration_app.services.viewer import Viewer
from immigration_app.state.auth import AuthState
from immigration_app.state.services import call
from tests.factories import PASSWORD, make_user


class Tab:
    """One browser tab's state tree, with a helper to reach any state in it."""

    def __init__(self) -> None:
        self.root = rx.State(_reflex_internal_init=True)

    def state(self, state_class: type[rx.State]) -> rx.State:
        return self.root.get_substate(state_class.get_full_name().split(".")[1:])


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def tab() -> Tab:
    return Tab()


def redirect_target(event) -> str | None:
    """Where an event returned by a handler sends the browser, if it is a redirect."""
    if event is None or not event.handler.fn.__qualname__.endswith("_redirect"):
        return None
    return dict((name._js_expr, value._var_value) for name, value in event.args)["path"]


def app_states(base: type[rx.State] = rx.State):
    """Every state class the app defines (Reflex's own internal states excluded)."""
    for state in base.get_substates():
        if state.__module__.startswith("immigration_app."):
            yield state
        yield from app_states(state)


async def sign_in_as(tab: Tab, role: str) -> Viewer:
    """Sign a new user of `role` in, and give this tab their session cookie."""
    with session_scope() as session:
        user = make_user(session, role=role)
    outcome = await call(sign_in, email=user.email, password=PASSWORD)
    tab.state(AuthState).session_token = outcome.token
    return outcome.viewer

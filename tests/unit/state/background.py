"""Running a background event handler in a test, without the app's state manager."""

from __future__ import annotations

from types import MethodType

import reflex as rx


class Held:
    """Stands in for Reflex's StateProxy around `state`: `async with` holds no lock (a test
    has one tab and no other events), and the state's methods run with the proxy as `self`,
    as they do in the app."""

    def __init__(self, state: rx.State) -> None:
        object.__setattr__(self, "_held", state)

    def __getattr__(self, name: str):
        value = getattr(self._held, name)
        if isinstance(value, MethodType) and value.__self__ is self._held:
            return MethodType(value.__func__, self)
        return value

    def __setattr__(self, name: str, value) -> None:
        setattr(self._held, name, value)

    async def __aenter__(self) -> Held:
        return self

    async def __aexit__(self, *exc_info) -> None:
        return None


async def run_background(state: rx.State, handler_name: str, *args):
    """Call a background handler of `state` as Reflex would, with the stand-in proxy."""
    handler = type(state).event_handlers[handler_name]
    return await handler.fn(Held(state), *args)

"""The one way a state calls a service: in a worker thread, inside its own transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from immigration_app.services.db import session_scope

T = TypeVar("T")


async def call(service: Callable[..., T], /, **kwargs: Any) -> T:
    """Run `service(session, **kwargs)` off the event loop and commit what it wrote."""

    def run() -> T:
        with session_scope() as session:
            return service(session, **kwargs)

    return await asyncio.to_thread(run)


async def side_by_side(*reads: Awaitable[Any]) -> list[Any]:
    """Await several reads at once and return their results in order. Under load each waits
    in the worker queue once, not behind the others too; all have ended when this returns,
    and the first failure is then raised."""
    outcomes = await asyncio.gather(*reads, return_exceptions=True)
    if failures := [outcome for outcome in outcomes if isinstance(outcome, BaseException)]:
        raise failures[0]
    return outcomes

"""The one way a state calls a service: in a worker thread, inside its own transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from immigration_app.services.db import session_scope

T = TypeVar("T")


async def call(service: Callable[..., T], /, **kwargs: Any) -> T:
    """Run `service(session, **kwargs)` off the event loop and commit what it wrote."""

    def run() -> T:
        with session_scope() as session:
            return service(session, **kwargs)

    return await asyncio.to_thread(run)

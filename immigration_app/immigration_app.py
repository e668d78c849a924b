"""Builds the Reflex app: pages (registered on import), API routes and the scheduler."""

import asyncio
import contextlib

import reflex as rx

import immigration_app.pages  # noqa: F401  (registers the pages)
from immigration_app.api.headers import security_headers
from immigration_app.api.routes import api
from immigration_app.services.scheduler import start_scheduler
from immigration_app.settings import get_settings


@contextlib.asynccontextmanager
async def scheduler_lifespan():
    if not get_settings().scheduler_enabled:
        yield
        return
    scheduler = await asyncio.to_thread(start_scheduler)
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)


# The routes go in front of Reflex's own; the headers wrap everything, pages and files included.
app = rx.App(api_transformer=[api, security_headers])
app.register_lifespan_task(scheduler_lifespan)

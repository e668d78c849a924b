"""Builds the Reflex app: pages (registered on import), API routes and the scheduler."""

import asyncio
import contextlib
import gc

import reflex as rx

import immigration_app.pages  # noqa: F401  (registers the pages)
from immigration_app.api.headers import security_headers
from immigration_app.api.routes import api
from immigration_app.components.routing import add_pages
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


# Collect young garbage every 20,000 allocations, not 700, and the older generations far less
# often. Reflex freezes the heap it starts with before forking the workers; what is left is
# each event's short-lived objects, and with the default thresholds they set off a full
# collection about every second under load: 40-80 ms in which no open page gets an answer
# (bench.load, 100 staff at work; figures in the README).
gc.set_threshold(20_000, 20, 100)

# The routes go in front of Reflex's own; the headers wrap everything, pages and files included.
app = rx.App(api_transformer=[api, security_headers])
add_pages(app)
app.register_lifespan_task(scheduler_lifespan)

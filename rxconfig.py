"""Reflex configuration. Every value comes from the app's settings (the environment)."""

import reflex as rx
from reflex.plugins import SitemapPlugin

from immigration_app.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="immigration_app",
    db_url=settings.database_url,
    # Only the app's own pages may open its websocket (Reflex passes this to Socket.IO too).
    cors_allowed_origins=settings.allowed_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    default_color_mode="light",
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium")),
    ],
    disable_plugins=[SitemapPlugin],
)

"""Reflex configuration. Every value comes from the app's settings (the environment)."""

import reflex as rx
from reflex.plugins import SitemapPlugin

from immigration_app.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="immigration_app",
    db_url=settings.database_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    default_color_mode="light",
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium")),
    ],
    disable_plugins=[SitemapPlugin],
)

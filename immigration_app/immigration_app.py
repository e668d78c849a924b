"""Builds the Reflex app. Pages register themselves when the pages package is imported."""

import reflex as rx

import immigration_app.pages  # noqa: F401  (registers the pages)

app = rx.App()

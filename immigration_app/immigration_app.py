"""Builds the Reflex app. Pages register themselves when the pages package is imported."""

import reflex as rx

import immigration_app.pages  # noqa: F401  (registers the pages)
from immigration_app.api.routes import api

app = rx.App(api_transformer=api)

"""Reflex pages: layout only. Importing this package registers every page."""

from immigration_app.pages import (
    calendar,
    case,
    dashboard,
    firm_settings,
    login,
    message_templates,
    new_case,
    outbox,
    team,
)

__all__ = [
    "calendar",
    "case",
    "dashboard",
    "firm_settings",
    "login",
    "message_templates",
    "new_case",
    "outbox",
    "team",
]

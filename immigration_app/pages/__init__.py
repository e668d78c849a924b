"""Reflex pages: layout only. Importing this package registers every page."""

from immigration_app.pages import (
    board,
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
    "board",
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

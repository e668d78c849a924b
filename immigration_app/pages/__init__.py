"""Reflex pages: layout only. Importing this package registers every page."""

from immigration_app.pages import (
    audit_log,
    board,
    calendar,
    case,
    checklists_admin,
    dashboard,
    firm_settings,
    form_map_editor,
    forms_admin,
    login,
    message_templates,
    new_case,
    outbox,
    portal,
    processing_times_admin,
    team,
)

__all__ = [
    "audit_log",
    "board",
    "calendar",
    "case",
    "checklists_admin",
    "dashboard",
    "firm_settings",
    "form_map_editor",
    "forms_admin",
    "login",
    "message_templates",
    "new_case",
    "outbox",
    "portal",
    "processing_times_admin",
    "team",
]

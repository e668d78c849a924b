"""Reflex pages: layout only. Importing this package registers every page."""

from immigration_app.pages import case, dashboard, firm_settings, login, new_case, team

__all__ = ["case", "dashboard", "firm_settings", "login", "new_case", "team"]

"""Reflex pages: layout only. Importing this package registers every page."""

from immigration_app.pages import case, dashboard, login, new_case

__all__ = ["case", "dashboard", "login", "new_case"]

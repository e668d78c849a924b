"""Errors that services raise for people to read."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input a person can correct. `fields` maps a field name to its message."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in fields.items()))
        self.fields = fields


class NotPermitted(PermissionError):
    """The signed-in user may not do this."""


class NotFound(LookupError):
    """No such record, or none this user may see (the two are not told apart)."""

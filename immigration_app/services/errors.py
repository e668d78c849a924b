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


def over_column_limits(model, values: dict[str, object]) -> dict[str, str]:
    """A message for each text value longer than its column of `model` holds.

    PostgreSQL refuses such a value outright and SQLite keeps it whole, so without this check
    the same long entry is a crash on one database and a silent success on the other.
    """
    columns = model.__table__.columns
    problems = {}
    for name, value in values.items():
        limit = getattr(columns[name].type, "length", None) if name in columns else None
        if isinstance(value, str) and limit and len(value) > limit:
            problems[name] = f"Keep this to {limit} characters or fewer."
    return problems

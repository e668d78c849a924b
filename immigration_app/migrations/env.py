"""Alembic environment: the tables are SQLModel's metadata, the URL is the app's setting."""

from alembic import context
from sqlmodel import SQLModel

import immigration_app.models  # noqa: F401  (registers every table)
from immigration_app.models.types import UtcDateTime
from immigration_app.services.db import get_engine

connection = context.config.attributes.get("connection")


def render_item(type_, obj, autogen_context):
    """Render the app's column types as plain SQL types: migrations never import app code."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # SQLite alters tables by copying them; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    with get_engine().connect() as new_connection:
        run(new_connection)
        new_connection.commit()

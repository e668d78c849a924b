"""The committed migrations build exactly the tables the models declare."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from reflex import model as reflex_model
from sqlmodel import SQLModel

from immigration_app.services.db import get_engine

REPOSITORY = Path(__file__).resolve().parents[2]


def test_the_migrations_build_exactly_what_the_models_declare():
    with get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_reflex_run_finds_no_schema_change_to_make(monkeypatch):
    # `reflex run` makes this comparison at start and logs an error on any difference.
    monkeypatch.chdir(REPOSITORY)  # where it looks for alembic.ini
    with get_engine().connect() as connection:
        assert not reflex_model.alembic_autogenerate(connection, write_migration_scripts=False)

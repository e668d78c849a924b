"""Bringing the database schema up to date with the committed migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from immigration_app.services.db import engine_for
from immigration_app.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def current_revision(url: str) -> str | None:
    with engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate_to_head() -> bool:
    """Bring the schema up to the newest migration; True when it was not there already."""
    url = get_settings().database_url
    before = current_revision(url)
    command.upgrade(alembic_config(), "head")
    return current_revision(url) != before


def write_migration(message: str) -> None:
    """Autogenerate a revision from the difference between the tables and the database."""
    command.revision(alembic_config(), message=message, autogenerate=True)

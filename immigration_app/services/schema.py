"""Bringing the database schema up to date with the committed migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate_to_head() -> None:
    command.upgrade(alembic_config(), "head")


def write_migration(message: str) -> None:
    """Autogenerate a revision from the difference between the tables and the database."""
    command.revision(alembic_config(), message=message, autogenerate=True)

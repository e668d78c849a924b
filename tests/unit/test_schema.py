"""The committed migrations build exactly the tables the models declare."""

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from reflex import model as reflex_model
from sqlmodel import SQLModel

from immigration_app.services.db import get_engine
from immigration_app.services.people import sort_name
from immigration_app.services.schema import alembic_config

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


def test_the_sort_name_migration_fills_the_names_already_stored(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'before.db'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
        connection.execute(
            sa.text(
                "INSERT INTO person (family_name, given_name, middle_name, sex, city_of_birth, "
                "country_of_birth, country_of_citizenship, a_number, uscis_online_account_number, "
                "ssn, phone, email, preferred_language, created_at, updated_at) VALUES "
                "(:family, 'Ana  María', '', '', '', '', '', '', '', '', '', '', 'es', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"family": "Ávila Gómez"},
        )
        command.upgrade(config, "0010")
        stored = connection.execute(sa.text("SELECT sort_name FROM person")).scalar_one()
    assert stored == sort_name("Ávila Gómez", "Ana  María") == "avila gomez ana maria"

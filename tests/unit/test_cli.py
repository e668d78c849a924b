"""The immigration-app command, run as an operator would (prompts answered on stdin)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select
from typer.testing import CliRunner

from immigration_app.cli import app
from immigration_app.models import User
from immigration_app.services.db import engine_for, session_scope
from immigration_app.settings import get_settings
from tests.conftest import data_dir_for, database_url_for

runner = CliRunner()


def test_create_user_asks_for_name_and_password_and_creates_the_account():
    result = runner.invoke(
        app,
        ["create-user", "--email", "Lee@Firm.example", "--role", "attorney"],
        input="Lee Park\nlong enough secret\nlong enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created attorney lee@firm.example" in result.output
    with session_scope() as session:
        user = session.exec(select(User)).one()
        assert (user.email, user.full_name, user.role) == (
            "lee@firm.example",
            "Lee Park",
            "attorney",
        )


def test_create_user_with_bad_input_says_what_is_wrong_and_creates_nothing():
    result = runner.invoke(
        app,
        ["create-user", "--email", "not-an-email", "--role", "boss"],
        input="Lee Park\nshort\nshort\n",
    )
    assert result.exit_code == 2
    assert "password: Use at least 12 characters." in result.output
    assert "role: Choose admin, attorney or paralegal." in result.output
    assert "email:" in result.output
    with session_scope() as session:
        assert session.exec(select(User)).first() is None


def test_seed_demo_prints_sign_ins_once_and_if_empty_is_quiet_afterwards():
    first = runner.invoke(app, ["seed-demo"])
    assert first.exit_code == 0
    assert "paralegal@demo-firm.example" in first.output
    assert "Client portal (demo): http" in first.output
    assert runner.invoke(app, ["seed-demo", "--if-empty"]).exit_code == 0
    again = runner.invoke(app, ["seed-demo"])
    assert again.exit_code == 1
    assert "already has users" in again.output


def test_migrate_is_safe_to_run_again():
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0
    assert "up to date" in result.output


@pytest.fixture
def fresh_install(monkeypatch) -> Iterator[str]:
    """A new DATA_DIR and a database nobody migrated (a new SQLite file or PostgreSQL schema)."""
    url = database_url_for("cli_fresh")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(data_dir_for("cli_fresh")))
    get_settings.cache_clear()
    yield url
    engine_for(url).dispose()
    get_settings.cache_clear()
    if url.startswith("postgresql"):
        with engine_for(url).begin() as connection:
            connection.execute(sa.text("DROP SCHEMA cli_fresh CASCADE"))
        engine_for(url).dispose()
    else:
        Path(sa.engine.make_url(url).database).unlink()


def test_create_user_on_a_fresh_database_migrates_it_first(fresh_install):
    assert "app_user" not in sa.inspect(engine_for(fresh_install)).get_table_names()
    result = runner.invoke(
        app,
        ["create-user", "--email", "lee@firm.example", "--role", "admin"],
        input="Lee Park\nlong enough secret\nlong enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Database schema brought up to date.")
    assert "Created admin lee@firm.example" in result.output
    with session_scope() as session:
        assert session.exec(select(User.email)).all() == ["lee@firm.example"]
    # Already current: nothing is said about the schema.
    again = runner.invoke(app, ["seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert again.output == ""


def test_with_seed_demo_off_make_runs_first_start_adds_no_demo_and_says_how_to_begin(monkeypatch):
    monkeypatch.setenv("SEED_DEMO", "0")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["seed-demo", "--if-empty"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0
    assert "no demo firm was added" in result.output
    assert "immigration-app create-user --role admin" in result.output
    with session_scope() as session:
        assert session.exec(select(User)).first() is None

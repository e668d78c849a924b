"""The immigration-app command, run as an operator would (prompts answered on stdin)."""

from sqlmodel import select
from typer.testing import CliRunner

from immigration_app.cli import app
from immigration_app.models import User
from immigration_app.services.db import session_scope

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

"""The `immigration-app` command: database and account chores for whoever runs the server."""

from __future__ import annotations

import typer

from immigration_app.services.db import session_scope
from immigration_app.services.demo import has_staff, seed_demo
from immigration_app.services.errors import InvalidInput
from immigration_app.services.schema import migrate_to_head, write_migration
from immigration_app.services.sweep import sweep as run_sweep
from immigration_app.services.users import create_user as create_user_account

app = typer.Typer(no_args_is_help=True, help="Immigration case management: server chores.")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    migrate_to_head()
    typer.echo("Database is up to date.")


@app.command("create-user")
def create_user(
    email: str = typer.Option(..., help="Sign-in email address."),
    role: str = typer.Option(..., help="admin, attorney or paralegal."),
    full_name: str = typer.Option(
        ..., "--name", prompt="Full name", help="Name shown to colleagues."
    ),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="At least 12 characters."
    ),
) -> None:
    """Add a staff account."""
    try:
        with session_scope() as session:
            user = create_user_account(
                session, email=email, full_name=full_name, role=role, password=password, actor=None
            )
    except InvalidInput as error:
        for field, message in error.fields.items():
            typer.secho(f"{field}: {message}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"Created {user.role} {user.email}.")


@app.command("seed-demo")
def seed_demo_firm(
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when users already exist."),
) -> None:
    """Add a demo firm with staff and cases, and print its sign-ins."""
    with session_scope() as session:
        if has_staff(session):
            if if_empty:
                return
            typer.secho("This database already has users; nothing was added.", err=True)
            raise typer.Exit(code=1)
        firm = seed_demo(session)
    typer.echo("Demo firm created. Sign in at the app with:")
    for sign_in in firm.sign_ins:
        typer.echo(f"  {sign_in.role:<10} {sign_in.email:<32} {sign_in.password}")
    # The link's token is kept only as a hash: this is the one time it can be shown.
    typer.echo(f"Client portal (demo): {firm.portal_url}")


@app.command()
def sweep() -> None:
    """Send due reminders and queued mail once (the app also does this every minute)."""
    typer.echo(str(run_sweep()))


@app.command("make-migration", hidden=True)
def make_migration(message: str) -> None:
    """(Developers) autogenerate a migration from model changes."""
    write_migration(message)


if __name__ == "__main__":
    app()

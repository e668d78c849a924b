"""The `immigration-app` command: database and account chores for whoever runs the server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from immigration_app.services.backup import BackupError, create_backup, restore_backup
from immigration_app.services.db import session_scope
from immigration_app.services.demo import has_staff, seed_demo
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.schema import migrate_to_head, write_migration
from immigration_app.services.storage import human_size
from immigration_app.services.sweep import sweep as run_sweep
from immigration_app.services.two_step import reset_two_step_by_operator
from immigration_app.services.users import create_user as create_user_account
from immigration_app.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="Immigration case management: server chores.")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    migrate_to_head()
    typer.echo("Database is up to date.")


def _bring_schema_up_to_date() -> None:
    """Commands that use the tables first migrate, so a fresh DATA_DIR works without a separate
    `migrate` (and an admin is not asked for a password only to see a missing-table error)."""
    if migrate_to_head():
        typer.echo("Database schema brought up to date.", err=True)


@app.command("create-user")
def create_user(
    email: str = typer.Option(..., help="Sign-in email address."),
    role: str = typer.Option(..., help="admin, attorney or paralegal."),
    full_name: str | None = typer.Option(
        None, "--name", help="Name shown to colleagues (asked when not given)."
    ),
) -> None:
    """Add a staff account."""
    _bring_schema_up_to_date()
    # Asked here, not by the options, so that they come after the schema is ready. The
    # password is only ever asked for: on the command line it would stay in the shell's history.
    full_name = full_name or typer.prompt("Full name")
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
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


@app.command("reset-two-step")
def reset_two_step(
    email: str = typer.Option(..., help="Sign-in email address of the account."),
) -> None:
    """Turn off an account's two-step sign-in (its phone and recovery codes are lost)."""
    _bring_schema_up_to_date()
    try:
        with session_scope() as session:
            user = reset_two_step_by_operator(session, email=email)
    except NotFound:
        typer.secho(f"No account with the email {email}.", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    except InvalidInput as error:
        typer.secho(error.fields["email"], fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"Two-step sign-in of {user.email} is off; they sign in with their password.")


FIRST_ADMIN_HINT = (
    "SEED_DEMO is off, so no demo firm was added. Add the first admin with:\n"
    "  immigration-app create-user --role admin --email you@your-firm.example"
)


@app.command("seed-demo")
def seed_demo_firm(
    if_empty: bool = typer.Option(
        False,
        "--if-empty",
        help="Do nothing when users already exist or SEED_DEMO is off (what `make run` does).",
    ),
) -> None:
    """Add a demo firm with staff and cases, and print its sign-ins."""
    _bring_schema_up_to_date()
    with session_scope() as session:
        if has_staff(session):
            if if_empty:
                return
            typer.secho("This database already has users; nothing was added.", err=True)
            raise typer.Exit(code=1)
        if if_empty and not get_settings().seed_demo:
            typer.echo(FIRST_ADMIN_HINT)
            return
        firm = seed_demo(session)
    typer.echo("Demo firm created. Sign in at the app with:")
    for sign_in in firm.sign_ins:
        typer.echo(f"  {sign_in.role:<10} {sign_in.email:<32} {sign_in.password}")
    # The link's token is kept only as a hash: this is the one time it can be shown.
    typer.echo(f"Client portal (demo): {firm.portal_url}")


@app.command()
def sweep() -> None:
    """Send due reminders and queued mail once (the app also does this every minute)."""
    _bring_schema_up_to_date()
    typer.echo(str(run_sweep()))


KEY_WARNING = (
    "WARNING: this archive holds the document key. Anyone who has the archive can open every "
    "client document in it. Keep it encrypted and locked away, apart from the usual backups."
)


@app.command()
def backup(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The archive (.tar or .tar.gz), or a folder for it. Default: a dated .tar here.",
        ),
    ] = None,
    include_key: bool = typer.Option(
        False,
        "--include-key",
        help="Also archive the document key (the archive then opens every document).",
    ),
) -> None:
    """Write one archive: a database snapshot, the encrypted documents and a manifest with
    checksums. Safe while the app runs."""
    if include_key:
        typer.secho(KEY_WARNING, fg=typer.colors.RED, bold=True, err=True)
    try:
        result = create_backup(output=output, include_key=include_key)
    except BackupError as error:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Backup written to {result.path}")
    typer.echo(
        f"  {result.database_kind} database snapshot, {result.documents} document file(s), "
        f"{human_size(result.size_bytes)}"
    )
    if include_key:
        typer.secho(KEY_WARNING, fg=typer.colors.RED, bold=True, err=True)
    else:
        typer.echo(
            "  The document key is not in it: keep DOCUMENT_KEY or DATA_DIR/document.key backed "
            "up separately, or these documents cannot be restored."
        )


@app.command()
def restore(
    archive: Annotated[
        Path, typer.Argument(help="An archive written by `immigration-app backup`.")
    ],
) -> None:
    """Restore an archive into an empty DATA_DIR and an empty database, after checking every
    checksum; then migrate and check that each document the database names opens."""
    try:
        result = restore_backup(archive=archive)
    except BackupError as error:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from None
    typer.echo(
        f"Restored the {result.database_kind} database (revision {result.archived_revision} -> "
        f"{result.revision}) and {result.documents} document file(s)"
        + (", with the document key." if result.key_restored else ".")
    )
    if result.problems:
        typer.secho(
            f"{len(result.problems)} of {result.blobs_checked} documents the database names "
            "are missing or do not open:",
            fg=typer.colors.RED,
            err=True,
        )
        for problem in result.problems:
            typer.secho(f"  {problem}", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"All {result.blobs_checked} documents the database names are present and open.")


@app.command("make-migration", hidden=True)
def make_migration(message: str) -> None:
    """(Developers) autogenerate a migration from model changes."""
    write_migration(message)


if __name__ == "__main__":
    app()

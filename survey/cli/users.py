"""`flask users ...`: manage moderator and admin accounts from the shell."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from survey import vocab
from survey.accounts import users
from survey.errors import SurveyError

group = AppGroup("users", help="Moderator and admin accounts.")


def _run(action, *args):
    try:
        return action(*args)
    except SurveyError as exc:
        raise click.ClickException(exc.message) from None


@group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(vocab.ROLES), default=vocab.MODERATOR, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def create(email, role, password_stdin):
    """Create an account; asks for the password unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _run(users.create_user, email, password, role)
    click.echo(f"created {user.role} {user.email} (id {user.id})")


@group.command("list")
def list_accounts():
    """Every account with its role and whether it is active."""
    for user in users.list_users():
        state = "active" if user.active else "disabled"
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{state}")


@group.command("disable")
@click.argument("email")
def disable(email):
    """Stop an account from logging in and revoke its API tokens."""
    user = _run(users.set_active, email, False)
    click.echo(f"disabled {user.email}")


@group.command("enable")
@click.argument("email")
def enable(email):
    """Let a disabled account log in again."""
    user = _run(users.set_active, email, True)
    click.echo(f"enabled {user.email}")


@group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(vocab.ROLES))
def set_role(email, role):
    """Make an account a moderator or an admin."""
    user = _run(users.set_role, email, role)
    click.echo(f"{user.email} is now {user.role}")


@group.command("tokens")
@click.argument("email")
def tokens(email):
    """The account's API tokens: id, created, last used, and revoked or live."""
    for token in _run(users.list_tokens, email):
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
        state = f"revoked {token.revoked_at.isoformat(timespec='minutes')}" if token.revoked_at else "live"
        click.echo(f"{token.id}\tcreated {token.created_at.isoformat(timespec='minutes')}\tused {used}\t{state}")


@group.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke one API token by the id that `users tokens` shows."""
    token = _run(users.revoke_token_by_id, token_id)
    click.echo(f"revoked token {token.id}")


def init_app(app: Flask) -> None:
    app.cli.add_command(group)

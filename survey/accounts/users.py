"""Moderator accounts: create, list, change role, disable and enable."""

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from survey import vocab
from survey.accounts.auth import hash_password, normal_email
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import ApiToken, User, utcnow

MIN_PASSWORD_LENGTH = 10


def _check_role(role: str) -> None:
    if role not in vocab.ROLES:
        raise Invalid(f"Role must be one of: {', '.join(vocab.ROLES)}.", errors={"role": ["Unknown role."]})


def create_user(email: str, password: str, role: str = vocab.MODERATOR) -> User:
    """A new active account; 409 if the email is taken."""
    email = normal_email(email)
    _check_role(role)
    if "@" not in email or len(email) > 254:
        raise Invalid("That is not an email address.", errors={"email": ["Not an email address."]})
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", errors={"password": ["Too short."]})
    user = User(email=email, password_hash=hash_password(password), role=role, active=True)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"An account for {email} already exists.") from None
    return user


def user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normal_email(email)))
    if user is None:
        raise NotFound(f"No account for {normal_email(email)}.")
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))


def set_role(email: str, role: str) -> User:
    _check_role(role)
    user = user_by_email(email)
    user.role = role
    db.session.commit()
    return user


def set_active(email: str, active: bool) -> User:
    """Disable (which also revokes every API token) or enable an account."""
    user = user_by_email(email)
    user.active = active
    if not active:
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    db.session.commit()
    return user


def list_tokens(email: str) -> list[ApiToken]:
    """The account's API tokens, newest first, live or not (only hashes are stored)."""
    user = user_by_email(email)
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token_by_id(token_id: int) -> ApiToken:
    """Revoke one token by its id (from list_tokens); revoking a revoked token changes nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"No API token with id {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token

"""Sign-in for scripts: exchange email and password for an API token, and revoke it."""

from flask import request
from flask_smorest import Blueprint

from survey.accounts.auth import (
    authenticate,
    authorize,
    issue_token,
    login_limit,
    require_role,
    revoke_token,
    token_limit,
)
from survey.errors import Invalid
from survey.schemas.accounts import ActorOut, LoginIn, TokenOut

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Moderator sign-in")


@blp.route("/token", methods=["POST"])
@login_limit
@token_limit
@blp.arguments(LoginIn)
@blp.response(201, TokenOut)
@blp.alt_response(401, description="Wrong email or password, or a disabled account.")
@blp.alt_response(429, description="Too many failed logins, or tokens issued, for this client; see Retry-After.")
def create_token(credentials):
    """A new API token (shown once): send it as 'Authorization: Bearer <token>'."""
    user = authenticate(credentials["email"], credentials["password"])
    return {"token": issue_token(user), "user": user}


@blp.route("/token", methods=["DELETE"])
@require_role()
@blp.response(204)
def delete_token():
    """Revoke the token this request is sent with."""
    header = request.headers.get("Authorization", "")
    if authorize().via != "token":
        raise Invalid("Send the token to revoke as 'Authorization: Bearer <token>'.")
    revoke_token(header.partition(" ")[2].strip())


@blp.route("/me", methods=["GET"])
@require_role()
@blp.response(200, ActorOut)
def whoami():
    """Who this token or session belongs to."""
    return authorize()

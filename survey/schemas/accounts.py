"""Schemas of moderators' sign-in: the login in, the account, the token and the signed-in actor out."""

from marshmallow import Schema, fields, validate

from survey.schemas.dumping import Out
from survey.vocab import ROLES


class LoginIn(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1000))


class UserOut(Out):
    """A moderator's account (a models.User)."""

    id = fields.Integer()
    email = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    created_at = fields.DateTime()


class TokenOut(Out):
    token = fields.String(metadata={"description": "Shown once: send it as 'Authorization: Bearer <token>'."})
    user = fields.Nested(UserOut)


class ActorOut(Out):
    """Who a request comes from (an accounts.auth.Actor)."""

    id = fields.Integer()
    email = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
    via = fields.String(validate=validate.OneOf(("session", "token")))

"""The HTTP API: thin flask-smorest blueprints over the rule modules."""
from survey.api import intake
from survey.api import public
from survey.extensions import api


def init_app(app) -> None:
    api.init_app(app)
    api.register_blueprint(intake.blp)
    api.register_blueprint(public.blp)
    from survey.api import auth, moderation

    api.register_blueprint(auth.blp)
    api.register_blueprint(moderation.blp)
    moderation.document_security(api)

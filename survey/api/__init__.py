"""The HTTP API: thin flask-smorest blueprints over the rule modules."""
from survey.api import intake
from survey.api import public
from survey.extensions import api


def init_app(app) -> None:
    api.init_app(app)
    api.register_blueprint(intake.blp)
    api.register_blueprint(public.blp)

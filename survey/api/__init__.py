"""The HTTP API: thin flask-smorest blueprints over the rule modules."""
from survey.api import intake
from survey.api import public
from survey.extensions import api


def init_app(app) -> None:
    from survey.schemas import ErrorOut

    from flask_smorest.spec.plugins import integerconverter2paramschema

    from survey.api.spec_form import MultipartFormPlugin
    from survey.database import DatabaseId

    api.ERROR_SCHEMA = ErrorOut  # documents our extra error members, so clients can validate them
    api.register_converter(DatabaseId, integerconverter2paramschema)
    api.init_app(app, spec_kwargs={"extra_plugins": [MultipartFormPlugin()]})
    api.register_blueprint(intake.blp)
    api.register_blueprint(public.blp)
    from survey.api import auth, moderation

    api.register_blueprint(auth.blp)
    api.register_blueprint(moderation.blp)
    moderation.document_security(api)

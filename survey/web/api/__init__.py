"""The HTTP API: thin flask-smorest blueprints over the rule modules."""
from survey.web.api import sightings
from survey.web.api import cameras
from survey.extensions import api


def init_app(app) -> None:
    from survey.schemas.intake import ErrorOut

    from flask_smorest.spec.plugins import integerconverter2paramschema

    from survey.web.api.spec_form import MultipartFormPlugin
    from survey.database import DatabaseId

    api.ERROR_SCHEMA = ErrorOut  # documents our extra error members, so clients can validate them
    api.register_converter(DatabaseId, integerconverter2paramschema)
    api.init_app(app, spec_kwargs={"extra_plugins": [MultipartFormPlugin()]})
    api.register_blueprint(sightings.blp)
    api.register_blueprint(cameras.blp)
    from survey.web.api import auth, review

    api.register_blueprint(auth.blp)
    api.register_blueprint(review.blp)
    review.document_security(api)

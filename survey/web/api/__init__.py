"""The HTTP API: thin flask-smorest blueprints over the rule modules."""

from survey.extensions import api
from survey.web.api import areas, blur, cameras, findings, sightings, signs, vocab


def init_app(app) -> None:
    from flask_smorest.spec.plugins import integerconverter2paramschema

    from survey.schemas.common import ErrorOut
    from survey.web.api.spec_form import MultipartFormPlugin
    from survey.web.converters import DatabaseId

    api.ERROR_SCHEMA = ErrorOut  # documents our extra error members, so clients can validate them
    api.register_converter(DatabaseId, integerconverter2paramschema)
    api.init_app(app, spec_kwargs={"extra_plugins": [MultipartFormPlugin()]})
    api.register_blueprint(sightings.blp)
    api.register_blueprint(cameras.blp)
    api.register_blueprint(vocab.blp)
    from survey.web.api import auth, review

    api.register_blueprint(auth.blp)
    api.register_blueprint(review.blp)
    api.register_blueprint(areas.blp)
    api.register_blueprint(signs.blp)
    api.register_blueprint(signs.moderation)
    api.register_blueprint(findings.blp)
    api.register_blueprint(blur.blp)
    review.document_security(api)

"""Extension objects, created here and bound to the app in create_app()."""

from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from survey.errors.handlers import http_error
from survey.privacy import client_key

# Explicit constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SurveyApi(Api):
    """flask-smorest's Api, answering HTTP errors in our one shape.

    Api.init_app registers handle_http_exception for every HTTPException, and so does
    survey.errors.handlers; Flask keeps whichever comes last. Both are `http_error`, so the order of
    the two init_app calls does not matter. flask-smorest's own body would lack our members
    (code_name, retry_after) and keep webargs' errors by location.
    """

    def handle_http_exception(self, error):
        return http_error(error)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = SurveyApi()
limiter = Limiter(key_func=client_key)

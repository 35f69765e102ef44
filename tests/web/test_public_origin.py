"""Links and hosts: in production the app will not build links from a request's Host header alone;
TRUSTED_HOSTS makes Flask refuse a Host it does not know; make run and the tests need neither."""

import pytest

import config
from survey import create_app
from tests import conftest


def test_the_environment_names_trusted_hosts_and_production():
    settings = config.from_environment({"TRUSTED_HOSTS": " cameras.example.org, .example.net ,", "SECRET_KEY": "s"})
    assert settings["TRUSTED_HOSTS"] == ["cameras.example.org", ".example.net"]
    assert settings["PRODUCTION"] is False
    plain = config.from_environment({"SECRET_KEY": "s", "SURVEY_PRODUCTION": "1"})
    assert plain["TRUSTED_HOSTS"] is None and plain["PRODUCTION"] is True
    assert config.from_environment({"SECRET_KEY": "s", "SURVEY_PRODUCTION": "0"})["PRODUCTION"] is False


BARE = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "origin", "PUBLIC_URL": "", "TRUSTED_HOSTS": None}


def test_production_without_a_public_url_or_trusted_hosts_does_not_start():
    with pytest.raises(RuntimeError, match="neither PUBLIC_URL nor TRUSTED_HOSTS"):
        create_app(BARE | {"PRODUCTION": True})
    assert create_app(BARE | {"PRODUCTION": True, "PUBLIC_URL": "https://cameras.example.org/"})
    assert create_app(BARE | {"PRODUCTION": True, "TRUSTED_HOSTS": ["cameras.example.org"]})
    assert create_app(BARE | {"PRODUCTION": True, "TESTING": True})  # the test suite's own apps


def test_make_run_starts_without_either():
    app = create_app(BARE)  # as `flask --app wsgi run` builds it: not production
    assert app.test_client().get("/ogcapi").status_code == 200


def test_gunicorn_without_the_flag_warns():
    with pytest.warns(UserWarning, match="SURVEY_PRODUCTION=1"):
        config.check_public_origin(BARE, environ={"SERVER_SOFTWARE": "gunicorn/27.0.1"})


def test_an_unknown_host_is_refused_and_a_trusted_one_makes_the_links(database_url, tmp_path):
    settings = conftest.test_config(database_url, tmp_path / "photos") | {"TRUSTED_HOSTS": ["cameras.example.org"]}
    client = create_app(settings).test_client()
    refused = client.get("/ogcapi/collections", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and refused.mimetype == "application/json"
    assert refused.json["code"] == 400 and "not trusted" in refused.json["message"]
    served = client.get("/ogcapi/collections", headers={"Host": "cameras.example.org"})
    assert served.status_code == 200
    hrefs = [link["href"] for link in served.json["links"]]
    assert hrefs and all(h.startswith("http://cameras.example.org/ogcapi/") for h in hrefs)

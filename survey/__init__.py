"""cctv-survey: volunteers map public-space surveillance cameras.

The rooms, top to bottom (imports only go down; `lint-imports` checks it):

    web/        thin Flask blueprints: api/ (JSON), ogcapi, console, capture page, public map, findings, media
    cli/        flask commands: users, export, storage check, backup and restore, findings
    schemas/    marshmallow schemas at the edges, in and out
    findings/   what the survey found: counts, signage shares, by street; an operator's evidence pack
    intake/     a volunteer's sighting (a camera or a sign) arrives: checks, idempotency, plausibility
    review/     moderators' decisions, camera merges, the queue, bulk actions, the audit trail
    publish/    the confirmed cameras for anyone: filters, columns, downloads, OSM, OGC API
    areas/      survey areas, their streets from OSM data, walks, coverage
    accounts/   moderator accounts, sessions and tokens; volunteers' receipts
    photos/     bytes in, values out: EXIF, image checks and copies, scrubbing (no Flask, no database)
    storage/    the only code that touches photo files: writes, consistency check, backup
    nearby      confirmed cameras around a point, most likely the one a sighting shows first
    signage     a camera's signage measured from the approved signs and walks around it
    models, database, extensions   the tables, transactions and the shared Flask extensions
    likelihood  how likely a camera is the one a sighting shows (plain values in, a score out)
    geo, vocab, errors, privacy    geometry, every enumeration, the error family, salted hashes

Read create_app first, then models, then one feature package and its views.
"""

from collections.abc import Mapping

from flask import Flask

import config as settings


def create_app(overrides: Mapping | None = None) -> Flask:
    """Build the app: settings, extensions, routes, error handlers, CLI."""
    app = Flask(__name__, static_folder=None)
    app.config.update(settings.from_environment())
    app.config.update(_api_settings())
    if overrides:
        app.config.update(overrides)
    settings.check_public_origin(app.config)
    _trust_proxies(app)
    _init_extensions(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from the headers of TRUSTED_PROXIES proxies, and no others."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    if (hops := app.config["TRUSTED_PROXIES"]) > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _api_settings() -> dict:
    return {
        "API_TITLE": "cctv-survey",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def _init_extensions(app: Flask) -> None:
    from survey import cli, database
    from survey.errors import handlers
    from survey.extensions import db, limiter, migrate
    from survey.web import api, assets, capture, converters, cors, ratelimits, security

    converters.init_app(app)  # before any route is added, so every <int:...> is a DatabaseId
    database.init_app(app)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"), render_item=database.render_item)
    limiter.init_app(app)
    api.init_app(app)
    app.register_blueprint(assets.blp)
    app.register_blueprint(capture.blp)
    from survey.web import basemap

    app.register_blueprint(basemap.blp)
    handlers.init_app(app, ratelimits.seconds_until_free)
    security.init_app(app)
    cors.init_app(app)
    cli.init_app(app)
    from survey.web import console, findings, media, ogcapi, public_map

    app.register_blueprint(media.blp)
    app.register_blueprint(findings.blp)
    app.register_blueprint(ogcapi.blp)
    public_map.init_app(app)
    app.register_blueprint(console.blp)

"""The moderator console: server-rendered pages over the same rules as the API."""

from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from marshmallow import ValidationError

from survey import vocab
from survey.accounts import auth
from survey.errors import Unauthorized
from survey.models import ATTRIBUTE_NAMES
from survey.review import decisions, work_queue
from survey.schemas.review import QueueQuery
from survey.schemas.review_out import AuditEventOut, QueueOut, SightingItemOut

blp = Blueprint("console", __name__, url_prefix="/console")

# The attributes a moderator picks from a vocabulary (the template reads its terms from `vocab`); the rest are free text.
CLOSED_ATTRIBUTES = ("camera_type", "mount", "surveillance_type", "zone", "signage")
COMPASS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]  # a camera's direction in words, by 45° sector
FILTER_ARGS = ("status", "sort", "kind", "has_warning", "bbox", "min_age_hours", "max_age_hours", "likely_repeat")


@blp.app_context_processor
def _template_helpers():
    return {"csrf_token": auth.csrf_token}


def _queue_filters() -> tuple[dict, dict]:
    """The queue filters from the page's query string (bad values fall back to the defaults)."""
    raw = {name: request.args[name] for name in (*FILTER_ARGS, "cursor") if request.args.get(name)}
    try:
        return QueueQuery().load(raw), raw
    except ValidationError:
        return QueueQuery().load({}), {}


@blp.route("")
@auth.require_role()
def queue_page():
    """The queue beside the selected sighting: photo, map, attributes, candidates and actions."""
    filters, raw = _queue_filters()
    page = QueueOut().dump(work_queue.list_queue(filters))  # the page reads the API's shapes
    selected = request.args.get("id", type=int) or (page["items"][0]["id"] if page["items"] else None)
    item = SightingItemOut().dump(decisions.sighting_for_moderator(selected)) if selected else None
    keep = {k: v for k, v in raw.items() if k in FILTER_ARGS}
    return render_template(
        "console/queue.html",
        page=page,
        item=item,
        filters=filters,
        keep=keep,
        history=AuditEventOut(many=True).dump(decisions.history(selected) if selected else []),
        actor=auth.current_actor(),
        attribute_names=ATTRIBUTE_NAMES,
        closed_attributes=CLOSED_ATTRIBUTES,
        compass=COMPASS,
        bulk=set(filters["status"]) <= set(vocab.OPEN_SIGHTING_STATUSES),  # only open sightings can be decided
        query_string=urlencode(keep),
        next_page=urlencode(keep | {"cursor": page["next_cursor"]}),
        tile_url=current_app.config["TILE_URL"],
        tile_attribution=current_app.config["TILE_ATTRIBUTION"],
    )


def _safe_next(target: str | None) -> str:
    """Only redirect within the console, never to another site, and never with a control character (CR/LF)."""
    if target and target.startswith("/console") and not target.startswith("//") and target.isprintable():
        return target
    return url_for("console.queue_page")


@blp.route("/login", methods=["GET"])
def login_form():
    return render_template("console/login.html", next=_safe_next(request.args.get("next")), error=None)


@blp.route("/login", methods=["POST"])
@auth.login_limit
def login():
    """Check the form's CSRF token and the password, then start a fresh session."""
    auth.check_csrf()
    target = _safe_next(request.form.get("next"))
    try:
        user = auth.authenticate(request.form.get("email", ""), request.form.get("password", ""))
    except Unauthorized as exc:
        return render_template("console/login.html", next=target, error=exc.message), 401
    auth.login_session(user)
    return redirect(target)


@blp.route("/logout", methods=["POST"])
def logout():
    auth.check_csrf()
    auth.logout_session()
    return redirect(url_for("console.login_form"))


@blp.errorhandler(Unauthorized)
def _to_login(exc):
    """Pages send people without a session to the login form."""
    return redirect(url_for("console.login_form", next=request.full_path.rstrip("?")))

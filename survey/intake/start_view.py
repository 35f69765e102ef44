"""Where the capture page's map opens when the phone has no fix: never the whole world."""

from datetime import date

from flask import current_app
from sqlalchemy import select

from survey.extensions import db
from survey.models import SurveyArea


def map_centre(today: date | None = None) -> tuple[float, float] | None:
    """A running survey area's centre, else any area's, else the configured DEFAULT_MAP_CENTRE."""
    today = today or date.today()
    query = select(SurveyArea).where(SurveyArea.centre_lat.is_not(None)).order_by(SurveyArea.created_at.desc())
    areas = db.session.scalars(query).all()
    db.session.rollback()  # a read: hold no transaction while the page renders
    running = [a for a in areas if (a.start_date or date.min) <= today <= (a.end_date or date.max)]
    for area in running or areas:
        return area.centre_lat, area.centre_lon
    return current_app.config.get("DEFAULT_MAP_CENTRE")

"""The public findings page at /findings: the figures as server-made SVG charts, each beside its table."""

from flask import Blueprint, current_app, render_template, request

from survey.findings.page import findings_page
from survey.schemas.findings import FindingsQuery
from survey.schemas.publish import load_query

blp = Blueprint("findings_page", __name__)


@blp.get("/findings")
def findings():
    """The page for the filters in the query string; a bad filter is the downloads' 400."""
    page = findings_page(load_query(request.args, FindingsQuery()))
    config = current_app.config
    return render_template(
        "public/findings.html",
        title="Findings",
        data_license=config["DATA_LICENSE"],
        data_attribution=config["DATA_ATTRIBUTION"],
        **page,
    )

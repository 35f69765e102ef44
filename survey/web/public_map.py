"""The public map at /map: confirmed cameras on Leaflet, clustered, with photos, filters and downloads."""

from flask import Blueprint, current_app, render_template

blp = Blueprint("public_map", __name__)


@blp.get("/map")
def map_page():
    """The map page. Its script loads /api/v1/cameras.geojson; settings travel in data- attributes."""
    config = current_app.config
    return render_template(
        "public/map.html",
        title="Surveillance cameras map",
        tile_url=config["TILE_URL"],
        tile_attribution=config["TILE_ATTRIBUTION"],
        data_license=config["DATA_LICENSE"],
        data_attribution=config["DATA_ATTRIBUTION"],
    )

"""The public map's viewport queries and answers: clusters or cameras for one box at one zoom, and the
signs of one box."""

import json

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from survey import vocab
from survey.geo import parse_bbox
from survey.publish.filters import CameraFilter
from survey.publish.map_data import (
    CAMERAS_KIND,
    CLUSTERS,
    MAX_SIGNS,
    MAX_ZOOM,
    SIGNS_KIND,
    MapData,
    MapView,
    SignsData,
    SignsView,
    check_view,
)
from survey.publish.signs import SignFilter
from survey.schemas.publish import CameraQuery, _Parsed
from survey.schemas.signs import SignQuery


def _constant(value: str) -> fields.Constant:
    return fields.Constant(value, metadata={"type": "string", "enum": [value]})  # typed in the OpenAPI document


BBOX = "minLon,minLat,maxLon,maxLat; minLon > maxLon crosses the antimeridian"


def fits_a_screen(data: dict) -> None:
    """A 400 on bbox when the box needs more grid cells at the asked zoom than any screen shows."""
    if "bbox" in data and "zoom" in data:
        try:
            check_view(data["bbox"], data["zoom"])
        except ValueError as exc:
            raise ValidationError(str(exc), field_name="bbox") from None


class MapQuery(CameraQuery):
    """bbox and zoom (both required), the shared camera filters, and the signage filters; loads into a MapView."""

    class Meta:
        unknown = RAISE  # the map page is the client: a misspelt filter should say so, not show everything

    bbox = _Parsed(parse_bbox, required=True, metadata={"description": BBOX})
    zoom = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_ZOOM))
    signage = fields.String(validate=validate.OneOf(vocab.SIGNAGE), metadata={"description": "the volunteer's answer"})
    signage_class = fields.String(
        validate=validate.OneOf(vocab.SIGNAGE_CLASSES), metadata={"description": "measured from the approved signs"}
    )

    @validates_schema
    def _fits_a_screen(self, data, **kwargs):
        fits_a_screen(data)

    def make_result(self, data: dict) -> MapView:
        own = {name: data.pop(name) for name in ("bbox", "zoom", "signage", "signage_class") if name in data}
        return MapView(filter=CameraFilter(bbox=own["bbox"], **data), **own)


class SignsMapQuery(SignQuery):
    """The box (required), the zoom (for clusters past 1,500 signs) and the sign filters (operator, status,
    updated_since); loads into a SignsView."""

    class Meta:
        unknown = RAISE

    bbox = _Parsed(parse_bbox, required=True, metadata={"description": BBOX})
    zoom = fields.Integer(
        validate=validate.Range(min=0, max=MAX_ZOOM),
        metadata={"description": f"The map's zoom: past {MAX_SIGNS:,} signs in view, clusters on the cameras' grid"},
    )

    @validates_schema
    def _fits_a_screen(self, data, **kwargs):
        fits_a_screen(data)

    @post_load
    def _result(self, data, **kwargs):  # replaces SignQuery's: the zoom is the view's, not a filter
        zoom = data.pop("zoom", None)
        return SignsView(SignFilter(**data), zoom)


class SignPointOut(Schema):
    type = _constant("Point")
    coordinates = fields.List(fields.Float(), metadata={"description": "[lon, lat]"})


class ClusterOut(Schema):
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    count = fields.Integer(required=True)


class MapDataOut(Schema):
    """The answer; `features` holds GeoJSON Point Features: cameras (their public fields) or clusters."""

    type = _constant("FeatureCollection")
    kind = fields.String(validate=validate.OneOf((CLUSTERS, CAMERAS_KIND)))
    zoom = fields.Integer()
    cell_degrees = fields.Float(metadata={"description": "the side of a cluster's grid cell"})
    total = fields.Integer(metadata={"description": "cameras in the view"})
    capped = fields.Boolean(metadata={"description": "true when the view holds too many cameras to list"})
    message = fields.String(allow_none=True)
    # For the OpenAPI document only: dump_map splices the features in as text, MapData has no such member.
    features = fields.List(
        fields.Dict(), dump_only=True, metadata={"description": "GeoJSON Point Features: cameras or clusters"}
    )


class SignPropertiesOut(Schema):
    """A sign's public properties, as signs.geojson publishes them (publish.signs.SIGN_PROPERTIES)."""

    operator = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    has_contact = fields.Boolean(allow_none=True)
    camera_id = fields.Integer(allow_none=True, metadata={"description": "The public camera it is fixed to."})
    status = fields.String(validate=validate.OneOf(vocab.PUBLIC_CAMERA_STATUSES))
    first_seen = fields.String(allow_none=True, metadata={"format": "date"})
    last_confirmed = fields.String(allow_none=True, metadata={"format": "date"})
    sightings_count = fields.Integer()
    photo_url = fields.String(allow_none=True)
    thumbnail_url = fields.String(allow_none=True)
    url = fields.String()


class SignFeatureOut(Schema):
    type = _constant("Feature")
    id = fields.Integer()
    geometry = fields.Nested(SignPointOut)
    properties = fields.Nested(SignPropertiesOut)


class SignsMapOut(Schema):
    """The signs of one box (a map_data.SignsData)."""

    type = _constant("FeatureCollection")
    kind = fields.String(validate=validate.OneOf((SIGNS_KIND, CLUSTERS)))
    total = fields.Integer(
        allow_none=True, metadata={"description": "signs in the view; null when capped and asked without a zoom"}
    )
    capped = fields.Boolean(metadata={"description": f"true when the view holds more than {MAX_SIGNS} signs"})
    message = fields.String(allow_none=True)
    features = fields.List(
        fields.Nested(SignFeatureOut),
        metadata={
            "description": "The signs; when kind is clusters, Point Features whose properties are {lat, lon, count}"
        },
    )


# Made once: building a marshmallow schema costs more than dumping one small answer with it.
_SIGNS_OUT, _SIGNS_HEAD, _CLUSTERS_OUT = SignsMapOut(), SignsMapOut(exclude=("features",)), ClusterOut(many=True)
_MAP_OUT = MapDataOut()


def dump_signs(data: SignsData) -> dict:
    """The signs layer's answer: the signs, or their clusters as Point Features, as dump_map gives cameras'."""
    if data.kind != CLUSTERS:
        return _SIGNS_OUT.dump(data)
    return _SIGNS_HEAD.dump(data) | {"features": [_cluster_feature(c) for c in _CLUSTERS_OUT.dump(data.clusters)]}


def _cluster_feature(cluster: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [cluster["lon"], cluster["lat"]]},
            "properties": cluster}  # fmt: skip


def dump_map(data: MapData) -> str:
    """The answer as JSON text. Camera features arrive as text from the database and are spliced in
    as they are: dumping a thousand of them field by field would cost more than the query."""
    head = json.dumps(_MAP_OUT.dump(data), separators=(",", ":"))
    clusters = [json.dumps(_cluster_feature(c), separators=(",", ":")) for c in _CLUSTERS_OUT.dump(data.clusters)]
    return head[:-1] + ',"features":[' + ",".join(clusters or data.cameras) + "]}"

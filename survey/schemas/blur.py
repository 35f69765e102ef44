"""The blur tool's shapes: a moderator's boxes in, a photo's blur out."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from survey.photos.blur import MAX_BOXES

FRACTION = validate.Range(min=0, max=1)
# The length too, since Python's $ lets a trailing newline through; ^...$ is what the spec's pattern reads.
SHA256 = [
    validate.Length(equal=64),
    validate.Regexp("^[0-9a-f]{64}$", error="64 lowercase hex digits, as GET gives it."),
]
_EDGE = {"validate": FRACTION, "metadata": {"description": "A fraction of the photo's width or height (0..1)."}}


class BlurBoxIn(Schema):
    """A region to blur, in fractions of the photo: (x1, y1) top left, (x2, y2) bottom right."""

    x1 = fields.Float(required=True, **_EDGE)
    y1 = fields.Float(required=True, **_EDGE)
    x2 = fields.Float(required=True, **_EDGE)
    y2 = fields.Float(required=True, **_EDGE)

    @validates_schema
    def positive_size(self, data, **kwargs):
        if data["x2"] <= data["x1"] or data["y2"] <= data["y1"]:
            raise ValidationError("A box needs x2 > x1 and y2 > y1.", field_name="x2")


class BlurIn(Schema):
    """Every region the public copies should blur, replacing the detector's; or the whole photo."""

    boxes = fields.List(
        fields.Nested(BlurBoxIn),
        required=True,
        validate=validate.Length(max=MAX_BOXES),
        metadata={"description": f"At most {MAX_BOXES}; more is a whole-photo blur."},
    )
    whole = fields.Boolean(load_default=False, metadata={"description": "Blur all of the photo."})
    display_sha256 = fields.String(
        validate=SHA256,
        metadata={
            "description": "The display_sha256 you saw (GET); 409 if the public copies were rebuilt since."
            " Omit to act on the latest, as with `version` elsewhere."
        },
    )


class BlurBoxOut(Schema):
    x1 = fields.Float()
    y1 = fields.Float()
    x2 = fields.Float()
    y2 = fields.Float()
    score = fields.Float(metadata={"description": "The detector's confidence; 1 for a moderator's box."})
    source = fields.String(metadata={"description": "detector or moderator"})
    kind = fields.String(metadata={"description": "face or plate (the detector's), or moderator"})


class PhotoBlurOut(Schema):
    photo_id = fields.Integer()
    state = fields.String(metadata={"description": "pending (not yet detected), detected or reviewed"})
    model = fields.String(allow_none=True)
    threshold = fields.Float(allow_none=True)
    whole = fields.Boolean()
    boxes = fields.List(fields.Nested(BlurBoxOut))
    reviewed_at = fields.DateTime(allow_none=True)
    display_sha256 = fields.String(
        metadata={"description": "Changes whenever the public copies are rebuilt; send it back with a PUT."}
    )

"""The vocabularies as GET /api/v1/vocab serves them: each a list of {value, label} terms, in order."""

from marshmallow import Schema, fields

from survey import vocab


class TermOut(Schema):
    value = fields.String(required=True, metadata={"description": "What the API sends and accepts."})
    label = fields.String(required=True, metadata={"description": "What a page shows for it."})


VocabOut = Schema.from_dict(
    {name: fields.List(fields.Nested(TermOut), required=True) for name in vocab.VOCABULARIES},
    name="VocabOut",
)

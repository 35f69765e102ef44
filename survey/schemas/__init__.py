"""Marshmallow schemas at the edges, in and out; Out schemas (schemas.dumping) dump rows and dataclasses."""

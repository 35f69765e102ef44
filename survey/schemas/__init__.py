"""Marshmallow schemas at the edges, in and out."""

"""Survey areas: a boundary, its streets (from OpenStreetMap data), the walks along them, and coverage.

shapes     pure geometry on GeoJSON coordinates: checks, boxes, point in polygon, lengths, nearest street
osm        reading ways from .osm/.osm.pbf (pyosmium) or GeoJSON: values out, no database
streets    areas and their streets: create an area, import streets idempotently
completion how much of a street its walks cover, and since which day all of it (streets.last_walked)
walks      a volunteer's walk in, a moderator's undo, each keeping its street's last_walked; states
coverage   the area's coverage and cameras by street; the public street layer
"""

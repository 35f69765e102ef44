"""The confirmed cameras for anyone: filters, columns, downloads, OSM, OGC API."""

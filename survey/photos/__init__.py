"""Photo bytes in, values out: EXIF, image checks and copies, metadata scrubbing. No Flask, no database."""

"""The only code that touches photo files: writes, consistency check, backup and restore."""

"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""

import gc

from survey import create_app

app = create_app()
# What start-up built (modules, the app, its schemas: about 220,000 objects) lives as long as the
# worker; frozen, the collector stops walking it on every full collection during requests.
gc.freeze()

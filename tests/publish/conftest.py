"""Fixtures shared by the publishing tests."""

import pytest
from flask import request


@pytest.fixture
def request_log(app):
    """Every path and query the server was asked for."""
    seen = []
    app.before_request(lambda: seen.append(request.full_path))
    return seen

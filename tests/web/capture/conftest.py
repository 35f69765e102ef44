"""The capture page's browser fixtures, shared with tests/web/test_capture_page.py."""

from tests.web.test_capture_page import phone  # noqa: F401  (a fixture, used by name)

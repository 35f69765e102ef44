"""Who may send how much: uploads are limited per address and, separately, per device.

The address limit (UPLOAD_RATE_LIMIT, keyed on the day's hash of the IP) stops floods; the
device limit (DEVICE_UPLOAD_RATE_LIMIT, keyed on the day's hash of the form's device_id) keeps
one phone from using up what a shared address (a campus, a mobile carrier's NAT) allows
everyone. A request without device_id is held to the address limit alone. Neither key is
the plain value, and both change every day. A breach is answered by survey.errors.handlers,
which asks seconds_until_free for its Retry-After.
"""

import math
import time

from flask import current_app, request

from survey.extensions import limiter
from survey.privacy import daily_hash


def upload_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


def device_upload_limit() -> str:
    return current_app.config["DEVICE_UPLOAD_RATE_LIMIT"]


def device_key() -> str:
    return "device:" + daily_hash("device:" + (request.form.get("device_id") or ""))


def without_device() -> bool:
    return not request.form.get("device_id")


def seconds_until_free() -> int:
    """Seconds until the breached window frees a request: 1 to the window's length.

    Flask-Limiter's reset_at adds a second to the window's end, which would ask a client
    to wait 61 s on a one-minute limit; the window's own reset time and length bound it.
    """
    current = limiter.current_limit
    if current is None:
        return 60
    wait = math.ceil(current.window.reset_time - time.time())
    return min(max(1, wait), current.limit.get_expiry())

"""The submission rate ceiling at the web edge: one per-survey bucket for the JSON API and the
HTML form (the bucket itself, without Flask, is ``services/rate_limit.py``)."""

from __future__ import annotations

import math
import time

from flask import current_app

from survey_service.http_errors import abort
from survey_service.services.rate_limit import take


def wait_seconds(key: str) -> float:
    """0 when a submission to ``key`` may go ahead now, else the seconds until one may."""
    per_minute = current_app.config.get("SURVEY_RATE_LIMIT_PER_MINUTE") or 0
    if per_minute <= 0:
        return 0.0
    app_id = id(current_app._get_current_object())  # type: ignore[attr-defined]
    return take(app_id, key, per_minute, time.monotonic())


def retry_after(wait: float) -> dict[str, str]:
    return {"Retry-After": str(math.ceil(wait))}


def check_rate(key: str) -> None:
    """Answer 429 with ``Retry-After`` when the survey's ceiling is reached."""
    wait = wait_seconds(key)
    if wait > 0:
        abort(
            429,
            message="This survey is receiving too many responses right now; try again shortly.",
            headers=retry_after(wait),
        )

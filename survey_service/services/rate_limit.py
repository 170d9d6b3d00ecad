"""A per-survey ceiling on submissions, without cookies or IP addresses.

A token bucket per survey and worker process: ``SURVEY_RATE_LIMIT_PER_MINUTE`` submissions a
minute on average, bursts up to the same number. Above it: 429 with ``Retry-After``. It
protects a survey from a flood (a script hammering one link), not from a patient adversary;
it stores nothing about who sent what.
"""

from __future__ import annotations

import math
import threading
import time

from flask import current_app

from survey_service.api import abort

_lock = threading.Lock()
_buckets: dict[tuple[int, str], tuple[float, float]] = {}


def check_rate(key: str) -> None:
    per_minute = current_app.config.get("SURVEY_RATE_LIMIT_PER_MINUTE") or 0
    if per_minute <= 0:
        return
    app_id = id(current_app._get_current_object())  # type: ignore[attr-defined]
    wait = take(app_id, key, per_minute, time.monotonic())
    if wait > 0:
        abort(
            429,
            message="This survey is receiving too many responses right now; try again shortly.",
            headers={"Retry-After": str(math.ceil(wait))},
        )


def take(app_id: int, key: str, per_minute: float, now: float) -> float:
    """Take a token; return 0 when allowed, else the seconds until one is free."""
    rate = per_minute / 60.0
    with _lock:
        tokens, last = _buckets.get((app_id, key), (per_minute, now))
        tokens = min(per_minute, tokens + (now - last) * rate)
        if tokens >= 1:
            _buckets[(app_id, key)] = (tokens - 1, now)
            return 0.0
        _buckets[(app_id, key)] = (tokens, now)
        return (1 - tokens) / rate

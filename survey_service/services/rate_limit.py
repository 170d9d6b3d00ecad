"""A per-survey ceiling on submissions, without cookies or IP addresses.

A token bucket per survey and worker process: ``SURVEY_RATE_LIMIT_PER_MINUTE`` submissions a
minute on average, bursts up to the same number (the web edge, ``throttle.py``, answers 429
with ``Retry-After`` above it). It protects a survey from a flood (a script hammering one
link), not from a patient adversary; it stores nothing about who sent what.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_buckets: dict[tuple[int, str], tuple[float, float]] = {}


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

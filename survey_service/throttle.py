"""The limits at the web edge: per client on every public request, per survey on accepted
submissions, and the form's openings counted once per client and day.

The counting itself, without Flask, is ``services/rate_limit.py``; this module reads the
settings and the client (``client_address.py``) and answers 429 with ``Retry-After``:

* ``SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE``: public requests (form views and posts, JSON
  submissions, withdrawals, public survey reads) from one client a minute;
* ``SURVEY_RATE_LIMIT_PER_MINUTE``: accepted submissions to one survey a minute.

Both are shared by all the worker processes of the service; 0 turns one off. Should the
shared file be unusable (a full or read-only folder), requests go through uncounted and the
log says why: the limits guard the service, they must not take it down.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app, request

from survey_service.client_address import client_key
from survey_service.http_errors import abort
from survey_service.services import rate_limit
from survey_service.services.shared_counters import SharedCounters, segment_name

log = logging.getLogger(__name__)

_EXTENSION = "survey_shared_counters"
T = TypeVar("T")


def shared_counters(app: Flask | None = None) -> SharedCounters:
    """The app's counters (opened in each process on first use)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    counters = app.extensions.get(_EXTENSION)
    if counters is None:
        secret = app.config["SURVEY_SECRET_KEY"]
        name = segment_name(database_url=app.config["SURVEY_DATABASE_URL"], secret=secret)
        folder = app.config.get("SURVEY_COUNTERS_DIR")
        counters = SharedCounters(
            name, rate_limit.SHAPES, secret=secret, folder=Path(folder) if folder else None
        )
        app.extensions[_EXTENSION] = counters
    return counters


def _counted(count: Callable[[SharedCounters], T], *, otherwise: T) -> T:
    """``count`` on the app's counters, or ``otherwise`` when the file cannot be used."""
    try:
        return count(shared_counters())
    except OSError as exc:  # names the file, never the client
        log.error("The limits' shared counters cannot be used, nothing is limited: %s", exc)
        return otherwise


def retry_after(wait: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(wait)))}


def _per_minute(setting: str) -> int:
    return int(current_app.config.get(setting) or 0)


def client_wait() -> float:
    """Count this request against its client; 0, or the seconds it must wait (uncounted)."""
    per_minute = _per_minute("SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE")
    # A browser's CORS preflight before a custom front end's POST costs nothing to answer.
    if per_minute <= 0 or request.method == "OPTIONS":
        return 0.0
    key = client_key()
    return _counted(
        lambda counters: rate_limit.take_request(
            counters, key, per_minute=per_minute, now=time.time()
        ),
        otherwise=0.0,
    )


def check_client() -> None:
    """Count this request against its client; answer 429 (JSON) above the limit."""
    _refuse_for(client_wait(), "Too many requests from your network just now")


def _refuse_for(wait: float, why: str) -> None:
    """Answer 429 (JSON) with ``Retry-After`` while there are ``wait`` seconds to wait."""
    if wait > 0:
        abort(429, message=f"{why}; try again shortly.", headers=retry_after(wait))


def survey_wait(public_id: str) -> float:
    """0 when the survey may accept a submission now, else the seconds until it may."""
    per_minute = _per_minute("SURVEY_RATE_LIMIT_PER_MINUTE")
    if per_minute <= 0:
        return 0.0
    return _counted(
        lambda counters: rate_limit.survey_wait(
            counters, public_id, per_minute=per_minute, now=time.time()
        ),
        otherwise=0.0,
    )


def check_survey(public_id: str) -> None:
    """Answer 429 (JSON) with ``Retry-After`` when the survey's ceiling is reached."""
    _refuse_for(survey_wait(public_id), "This survey is receiving too many responses right now")


def count_accepted(public_id: str) -> None:
    """Count a stored submission against the survey's ceiling."""
    if _per_minute("SURVEY_RATE_LIMIT_PER_MINUTE") > 0:
        _counted(
            lambda counters: rate_limit.count_accepted(counters, public_id, now=time.time()),
            otherwise=None,
        )


def first_opening(public_id: str) -> bool:
    """True the first time today this client opens the survey's form."""
    key = client_key()
    return _counted(
        lambda counters: rate_limit.first_opening(counters, public_id, key, now=time.time()),
        otherwise=True,
    )

"""API keys at the door: checking the ``Authorization`` header, and the role decorator.

The prefix of a key finds its row; only a sha256 of the secret is stored
(``services/keys.py``), and it is compared in constant time, so neither the database nor the
timing of a failed attempt tells what a key is. A revoked or expired key is refused exactly
like an unknown one.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from sqlalchemy import select

from survey_service.db import db
from survey_service.http_errors import abort
from survey_service.models import ApiKey
from survey_service.services.access import Principal
from survey_service.services.keys import KEY_PREFIX, hash_secret, working

_DUMMY_HASH = hashlib.sha256(b"no such key").hexdigest()


def authenticate(header: str | None) -> Principal | None:
    """The principal of an ``Authorization: Bearer`` header, or None if it is not valid."""
    if not header or not header.startswith("Bearer "):
        return None
    parts = header[len("Bearer ") :].strip().removeprefix(KEY_PREFIX).split("_", 1)
    if len(parts) != 2:
        return None
    prefix, secret = parts
    # A revoked or expired key is found no more than an unknown one, and refused alike.
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix, working()))
    # Compare even when no key has this prefix, so a miss takes as long as a wrong secret.
    stored = key.secret_hash if key is not None else _DUMMY_HASH
    if not hmac.compare_digest(stored, hash_secret(secret)) or key is None:
        return None
    return Principal(key.id, key.role, key.municipality_number, f"key:{prefix} ({key.name})")


def current_principal() -> Principal | None:
    principal: Principal | None = g.get("principal")
    return principal


def require_roles(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """401 without a valid key, 403 when its role is not one of ``roles``."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = authenticate(request.headers.get("Authorization"))
            if principal is None:
                abort(
                    401,
                    message="A valid API key is required: send 'Authorization: Bearer <key>'.",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if principal.role not in roles:
                abort(
                    403,
                    message=f"This key's role ({principal.role}) may not do this; "
                    f"allowed roles: {', '.join(roles)}.",
                )
            g.principal = principal
            return func(*args, **kwargs)

        return wrapper

    return decorator

"""API keys: how they look, how they are checked, and the role decorator.

A key is ``svk_<prefix>_<secret>``. The prefix finds the row; only a sha256 of the secret is
stored, and it is compared in constant time, so neither the database nor the timing of a
failed attempt tells what a key is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import g, request
from sqlalchemy import select

from survey_service.api import abort
from survey_service.db import db
from survey_service.models import ApiKey

KEY_PREFIX = "svk_"
_DUMMY_HASH = hashlib.sha256(b"no such key").hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's role and, for a municipality key, its municipality."""

    key_id: int
    role: str
    municipality_number: str | None
    label: str

    def may_see_municipality(self, number: str) -> bool:
        return self.role != "municipality" or self.municipality_number == number


def new_key() -> tuple[str, str, str]:
    """A fresh key: (the full key to show once, its prefix, the hash to store)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}{prefix}_{secret}", prefix, hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def authenticate(header: str | None) -> Principal | None:
    """The principal of an ``Authorization: Bearer`` header, or None if it is not valid."""
    if not header or not header.startswith("Bearer "):
        return None
    parts = header[len("Bearer ") :].strip().removeprefix(KEY_PREFIX).split("_", 1)
    if len(parts) != 2:
        return None
    prefix, secret = parts
    key = db.session.scalar(
        select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
    )
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

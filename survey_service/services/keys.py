"""API keys: how they look, and making them.

A key is ``svk_<prefix>_<secret>``. The prefix finds the row; only a sha256 of the secret is
stored, so the database never holds a usable key.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from survey_service.models import ApiKey, Municipality
from survey_service.models.key import ROLES
from survey_service.services import audit
from survey_service.services.errors import Invalid

KEY_PREFIX = "svk_"


class KeyRefused(Invalid):
    """A key cannot be made as asked; the message says why and what to do."""


def new_key() -> tuple[str, str, str]:
    """A fresh key: (the full key to show once, its prefix, the hash to store)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}{prefix}_{secret}", prefix, hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session, *, role: str, municipality: str | None, name: str, actor: str
) -> tuple[ApiKey, str]:
    """Store a new key and return it with its one-time plain text."""
    if role not in ROLES:
        raise KeyRefused(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    if role == "municipality":
        if not municipality:
            raise KeyRefused("a municipality key needs --municipality NNNN (a kommunenummer)")
        if session.get(Municipality, municipality) is None:
            raise KeyRefused(
                f"no municipality {municipality!r}; run 'survey-service init' first, and give "
                "the 4-digit kommunenummer, e.g. 0301"
            )
    elif municipality:
        raise KeyRefused(f"only a municipality key is bound to a municipality, not a {role} key")
    plain, prefix, secret_hash = new_key()
    key = ApiKey(
        prefix=prefix,
        secret_hash=secret_hash,
        role=role,
        municipality_number=municipality,
        name=name,
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        actor,
        "key.create",
        f"key:{prefix}",
        role=role,
        municipality=municipality,
        name=name,
    )
    return key, plain

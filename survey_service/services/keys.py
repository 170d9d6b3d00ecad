"""API keys: how they look, and creating, listing and revoking them.

A key is ``svk_<prefix>_<secret>``. The prefix finds the row; only a sha256 of the secret is
stored, so the database never holds a usable key, and the plain key is shown once, when it is
created: listing shows the prefix and what the key may do, never the secret or its hash.

A key works until it is revoked or its expiry (if it has one) passes; ``auth.py`` refuses a
revoked or expired key exactly like an unknown one. Revoking is idempotent: revoking a key
that is revoked already changes nothing (the first revocation's time stays, and no second
audit entry is written). Creating and revoking are audited (``key.create``, ``key.revoke``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from survey_service.models import ApiKey, Municipality
from survey_service.models._types import utcnow
from survey_service.models.key import ROLES
from survey_service.services import audit
from survey_service.services.errors import Invalid, NotFound

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


def prefix_of(text: str) -> str:
    """The prefix named by ``text``: a prefix as it is, or the prefix of a full key (the part
    after ``svk_`` and before the next ``_``)."""
    return text.strip().removeprefix(KEY_PREFIX).split("_", 1)[0]


def working(now: datetime | None = None) -> ColumnElement[bool]:
    """The condition on ``ApiKey`` rows that still work: not revoked, and not expired."""
    now = now or utcnow()
    return and_(
        ApiKey.revoked_at.is_(None),
        or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now),
    )


def create_key(
    session: Session,
    *,
    role: str,
    municipality: str | None,
    name: str,
    actor: str,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Store a new key and return it with its one-time plain text.

    ``expires_at`` (an aware datetime in the future, or None for no expiry) is when the key
    stops working.
    """
    if role not in ROLES:
        raise KeyRefused(
            f"unknown role {role!r}; choose one of: {', '.join(ROLES)}",
            {"role": [f"one of: {', '.join(ROLES)}"]},
        )
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise KeyRefused(
                "give the expiry with a time zone, e.g. 2027-01-01T00:00:00+00:00",
                {"expires_at": ["a date and time with a time zone"]},
            )
        if expires_at <= utcnow():
            raise KeyRefused(
                f"the expiry {expires_at.isoformat()} has passed; give a date in the future",
                {"expires_at": ["must be in the future"]},
            )
    if role == "municipality":
        if not municipality:
            raise KeyRefused(
                "a municipality key needs --municipality NNNN (a kommunenummer)",
                {"municipality": ["required for a municipality key"]},
            )
        if session.get(Municipality, municipality) is None:
            raise KeyRefused(
                f"no municipality {municipality!r}; run 'survey-service init' first, and give "
                "the 4-digit kommunenummer, e.g. 0301",
                {"municipality": ["no municipality has this number"]},
            )
    elif municipality:
        raise KeyRefused(
            f"only a municipality key is bound to a municipality, not a {role} key",
            {"municipality": [f"leave it out for a {role} key"]},
        )
    plain, prefix, secret_hash = new_key()
    key = ApiKey(
        prefix=prefix,
        secret_hash=secret_hash,
        role=role,
        municipality_number=municipality,
        name=name,
        expires_at=expires_at,
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
        expires_at=expires_at.isoformat() if expires_at is not None else None,
    )
    return key, plain


@dataclass(frozen=True)
class KeySummary:
    """What may be shown about a key after it was created: never its secret or hash."""

    prefix: str
    role: str
    municipality: str | None
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    state: str  # "active", "expired" or "revoked"


def summary(key: ApiKey, now: datetime | None = None) -> KeySummary:
    now = now or utcnow()
    if key.revoked_at is not None:
        state = "revoked"
    elif key.expires_at is not None and key.expires_at <= now:
        state = "expired"
    else:
        state = "active"
    return KeySummary(
        prefix=key.prefix,
        role=key.role,
        municipality=key.municipality_number,
        name=key.name,
        created_at=key.created_at,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
        state=state,
    )


def list_keys(session: Session) -> list[KeySummary]:
    """Every key, oldest first, revoked and expired ones too."""
    now = utcnow()
    keys = session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id))
    return [summary(key, now) for key in keys]


def revoke_key(session: Session, prefix: str, *, actor: str) -> KeySummary:
    """Revoke the key with ``prefix``; it stops working at once.

    Idempotent: a key revoked already stays as it is (its first revocation time, no second
    audit entry). An unknown prefix raises NotFound.
    """
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise NotFound(
            f"no key has the prefix {prefix!r}; the prefix is the part after 'svk_' and "
            "before the next '_' (list the keys to see them)"
        )
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
        audit.record(session, actor, "key.revoke", f"key:{prefix}", role=key.role, name=key.name)
    return summary(key)

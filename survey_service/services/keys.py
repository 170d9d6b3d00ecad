"""Creating and revoking API keys."""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey_service.auth import new_key
from survey_service.models import ApiKey, Municipality
from survey_service.models.key import ROLES
from survey_service.services import audit


class KeyError_(ValueError):
    """A key cannot be made as asked; the message says why and what to do."""


def create_key(
    session: Session, *, role: str, municipality: str | None, name: str, actor: str
) -> tuple[ApiKey, str]:
    """Store a new key and return it with its one-time plain text."""
    if role not in ROLES:
        raise KeyError_(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    if role == "municipality":
        if not municipality:
            raise KeyError_("a municipality key needs --municipality NNNN (a kommunenummer)")
        if session.get(Municipality, municipality) is None:
            raise KeyError_(
                f"no municipality {municipality!r}; run 'survey-service init' first, and give "
                "the 4-digit kommunenummer, e.g. 0301"
            )
    elif municipality:
        raise KeyError_(f"only a municipality key is bound to a municipality, not a {role} key")
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

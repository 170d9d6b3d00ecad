"""Writing the audit log. The caller's transaction carries the entry with the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from survey_service.models import AuditEntry


def record(
    session: Session, actor: str, action: str, target: str = "", **details: Any
) -> AuditEntry:
    entry = AuditEntry(actor=actor, action=action, target=target, details=details)
    session.add(entry)
    return entry

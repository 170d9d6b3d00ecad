"""Invitation tokens: made in bulk, stored as hashes, each usable once."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from survey_service.models import Invitation, Survey
from survey_service.models._types import utcnow
from survey_service.services import audit
from survey_service.services.submission import new_tokens, token_hash


def create_invitations(session: Session, survey: Survey, count: int, *, actor: str) -> list[str]:
    tokens = new_tokens(count)
    now = utcnow()
    session.execute(
        insert(Invitation),
        [{"survey_id": survey.id, "token_hash": token_hash(t), "created_at": now} for t in tokens],
    )
    audit.record(session, actor, "invitations.create", f"survey:{survey.id}", count=count)
    return tokens

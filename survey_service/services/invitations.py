"""Invitation tokens: made in bulk, stored as hashes, each usable once, never linkable.

Whoever holds the invitation list (the municipality mailed it) and can read the database
later (a backup, a replica, a DBA) must not be able to tell which response a token admitted.
On PostgreSQL every row carries the transaction that last wrote it (``xmin``) and its place in
the table (``ctid``), so any per-token write made while storing a response joins the two. So:

- spending a token writes nothing to its invitation row: the row is never touched after it
  is made, and its ``xmin``, ``ctid`` and ``id`` tell only the order the invitations were made;
- what is spent is one bit per invitation in the survey's :class:`InvitationLedger` row, a set
  with no order and no times;
- every submission to a survey that has invitations rewrites that row, token or not, so the
  row's own ``xmin`` names only the survey's latest response, never a token.

See docs/privacy.md for the threat model.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from survey_service.database import insert_ignoring_duplicates
from survey_service.models import Invitation, InvitationLedger, Survey
from survey_service.models._types import utcnow
from survey_service.services import audit
from survey_service.services.errors import Conflict, InvitationInvalid, InvitationUsed

INVALID = "This invitation link is not valid for this survey."
USED = "This invitation has been used already; each can answer once."
CLOSED = "This survey is closed; invitations can no longer be used."


def token_hash(token: str) -> str:
    return hashlib.sha256(f"invitation:{token}".encode()).hexdigest()


def new_tokens(count: int) -> list[str]:
    """Invitation tokens: 192 random bits each, URL-safe."""
    return [secrets.token_urlsafe(24) for _ in range(count)]


def create_invitations(session: Session, survey: Survey, count: int, *, actor: str) -> list[str]:
    """Make ``count`` tokens (returned once, stored as hashes), numbered in the ledger.

    A closed survey takes no more responses, so it gets no more invitations: :class:`Conflict`.
    """
    if survey.status == "closed":
        raise Conflict(CLOSED)
    ledger = _locked_ledger(session, survey.id)
    first = ledger.issued
    ledger.issued = first + count
    ledger.spent = ledger.spent + bytes((first + count + 7) // 8 - len(ledger.spent))
    tokens = new_tokens(count)
    now = utcnow()
    session.execute(
        insert(Invitation),
        [
            {"survey_id": survey.id, "token_hash": token_hash(t), "number": first + i}
            | {"created_at": now}
            for i, t in enumerate(tokens)
        ],
    )
    audit.record(session, actor, "invitations.create", f"survey:{survey.id}", count=count)
    return tokens


def ensure_unused(session: Session, survey: Survey, token: str) -> None:
    """Raise :class:`InvitationInvalid` or :class:`InvitationUsed` unless ``token`` may still
    answer ``survey`` (read only: for showing the form)."""
    number = _number(session, survey, token)
    if number is None:
        raise InvitationInvalid(INVALID)
    ledger = session.get(InvitationLedger, survey.id)
    if ledger is not None and _is_set(ledger.spent, number):
        raise InvitationUsed(USED)


def record_submission(session: Session, survey: Survey, token: str | None) -> None:
    """Spend ``token`` (if given) in the caller's transaction; with no token, still rewrite
    the ledger if the survey has one (see the module docstring).

    Of two transactions spending one token, the ledger row's lock lets one win: the other
    sees the bit set and raises :class:`InvitationUsed`.
    """
    if token is None:
        if survey.has_ledger is False:  # known from the survey's own read: no row to rewrite
            return
        # Lock and rewrite the row (if the survey has one) without changing it.
        session.connection().execute(_REWRITE_LEDGER, {"ledger_of": survey.id})
        return
    number = _number(session, survey, token)
    if number is None:
        raise InvitationInvalid(INVALID)
    ledger = session.scalar(
        select(InvitationLedger)
        .where(InvitationLedger.survey_id == survey.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert ledger is not None  # made with the survey's first invitation
    if _is_set(ledger.spent, number):
        raise InvitationUsed(USED)
    spent = bytearray(ledger.spent)
    spent[number // 8] |= 1 << (number % 8)
    ledger.spent = bytes(spent)
    ledger.used += 1
    session.flush()


#: Lock and rewrite the survey's ledger row unchanged (built once: every submission runs it).
_REWRITE_LEDGER = (
    update(InvitationLedger)
    .where(InvitationLedger.survey_id == bindparam("ledger_of"))
    .values(used=InvitationLedger.used)
)


def used_count(session: Session, survey: Survey) -> tuple[int, int]:
    """``(created, used)`` invitations of the survey."""
    ledger = session.get(InvitationLedger, survey.id)
    return (0, 0) if ledger is None else (ledger.issued, ledger.used)


def _number(session: Session, survey: Survey, token: str) -> int | None:
    return session.scalar(
        select(Invitation.number).where(
            Invitation.token_hash == token_hash(token), Invitation.survey_id == survey.id
        )
    )


def _is_set(bitmap: bytes, number: int) -> bool:
    return number // 8 < len(bitmap) and bool(bitmap[number // 8] >> (number % 8) & 1)


def _locked_ledger(session: Session, survey_id: int) -> InvitationLedger:
    """The survey's ledger row, locked for the rest of the transaction (made if missing)."""
    values = {"survey_id": survey_id, "issued": 0, "used": 0, "spent": b""}
    insert_ignoring_duplicates(session, InvitationLedger, values)
    ledger = session.scalar(
        select(InvitationLedger)
        .where(InvitationLedger.survey_id == survey_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert ledger is not None
    return ledger

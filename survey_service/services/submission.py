"""A response arrives: validate it, store it once, and fold it into the survey's aggregates.

The whole response is stored in one transaction or not at all. A retry with the same
``submission_id`` returns the first receipt and stores nothing new: the database's unique
constraint on (survey, submission hash) decides which of two simultaneous submissions wins.
An invitation token is spent in the same transaction, as one bit of the survey's ledger
(``services/invitations.py``): the response keeps no trace of it, and nothing written links
the two. Once enough responses have arrived or left since the survey's scores were last
published (``min_n``, more in a large survey: ``snapshots.due``), the same transaction
publishes a new snapshot (``snapshots.publish_if_due``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_service.instruments import (
    PREFER_NOT_TO_SAY,
    AnswerError,
    Instrument,
    score_response,
    validate_answers,
    validate_respondent,
)
from survey_service.models import Response, Survey
from survey_service.services import invitations, organisers, score_store, snapshots
from survey_service.services.collecting import accepting_responses
from survey_service.services.errors import (
    AnswersInvalid,
    InvitationRequired,
    SurveyNotOpen,
    WithdrawalClosed,
)
from survey_service.services.instrument_catalog import as_instrument


@dataclass(frozen=True)
class Receipt:
    code: str
    created: bool  # False: a retry of a submission that was stored before


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def receipt_code(secret: str, survey: Survey, submission_id: str) -> str:
    """The receipt is derived, not stored: HMAC of the submission with the server's secret.

    80 bits in base32, grouped for reading aloud: ``ABCD-EFGH-IJKL-MNOP``.
    """
    digest = hmac.new(
        secret.encode(), f"receipt:{survey.public_id}:{submission_id}".encode(), hashlib.sha256
    ).digest()
    raw = base64.b32encode(digest[:10]).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


#: Characters a receipt cannot hold (base32 has no 0, 1 or 8) read as the letters they are
#: mistaken for when a code is copied by hand.
_CONFUSABLE = str.maketrans({"0": "O", "1": "I", "8": "B"})


def normalise_receipt(code: str) -> str:
    """A receipt as typed -> as issued: any case, spaces, hyphens or none, full-width
    characters, and 0/1/8 for O/I/B."""
    folded = unicodedata.normalize("NFKC", code).upper().translate(_CONFUSABLE)
    cleaned = "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def attributes_asked(survey: Survey, instrument: Instrument) -> dict[str, Any]:
    """The respondent attributes this survey asks for: the instrument's and the survey's own."""
    asked: dict[str, Any] = {req.attribute: None for req in instrument.respondent_attributes}
    asked.update(survey.respondent_attributes or {})
    return asked


def area_options(survey: Survey) -> list[str] | None:
    area = (survey.respondent_attributes or {}).get("area") or {}
    options = area.get("options") if isinstance(area, Mapping) else None
    return list(options) if options else None


def submit(
    session: Session,
    survey: Survey,
    payload: Mapping[str, Any],
    *,
    secret: str,
    min_n: int,
    today: date | None = None,
    check_open: bool = True,
) -> Receipt:
    """Store one response (see the module docstring for the rules); ``min_n`` is the number of
    changes that makes a new snapshot of the scores due."""
    submission_id = str(payload["submission_id"])
    submission_hash = sha256(submission_id)
    receipt = receipt_code(secret, survey, submission_id)

    try:
        if check_open:
            ensure_open(survey)
        instrument = as_instrument(survey.instrument_version)
        answers, respondent = validated(survey, instrument, payload)
        token = payload.get("token")
        if survey.access == "invitation" and not token:
            raise InvitationRequired(INVITATION_ONLY)
    except (SurveyNotOpen, AnswersInvalid, InvitationRequired):
        # A retry of a submission stored before gets its receipt, whatever changed since
        # (the survey closed, the instrument's rules): only a refusal pays for this look.
        if _already_stored(session, survey.id, submission_hash):
            return Receipt(receipt, created=False)
        raise
    language = payload.get("language") or survey.default_language

    scores = score_response(instrument, answers)
    attributes = {name: respondent.get(name) for name in score_store.ATTRIBUTES}
    day = today or datetime.now(UTC).date()
    row = {
        "survey_id": survey.id,
        "submission_hash": submission_hash,
        "receipt_hash": sha256(receipt),
        "language": language,
        "submitted_on": day,
        "answers": answers,
        "scores": {"dimensions": scores.dimension_scores, "indices": scores.index_scores},
        **attributes,
    }
    try:
        # The unique constraint on (survey, submission hash) decides: no look beforehand.
        with session.begin_nested():
            session.connection().execute(_INSERT_RESPONSE, row)
    except IntegrityError:
        # The same submission_id was stored before, or won a moment ago in another
        # request: answer as a retry.
        if _already_stored(session, survey.id, submission_hash):
            return Receipt(receipt, created=False)
        raise
    invitations.record_submission(session, survey, token or None)
    score_store.fold(session, survey.id, instrument, scores, attributes, answers=answers)
    snapshots.publish_if_due(session, survey, min_n=min_n, today=day)
    return Receipt(receipt, created=True)


#: Built once: every submission runs it (the values come as parameters).
_INSERT_RESPONSE = insert(Response)


def validated(
    survey: Survey, instrument: Instrument, payload: Mapping[str, Any]
) -> tuple[dict[str, object], dict[str, str]]:
    """The answers and respondent attributes as they will be stored, or AnswersInvalid."""
    respondent = {k: v for k, v in (payload.get("respondent") or {}).items() if v is not None}
    errors: dict[str, list[str]] = {}
    chosen = None
    if survey.is_organised:
        # Which participating municipality: the survey's question, not the instrument's.
        chosen = respondent.pop(organisers.ATTRIBUTE, None)
        refused = organisers.choice_problem(survey, chosen)
        if refused is not None:
            errors[f"respondent.{organisers.ATTRIBUTE}"] = [refused]
    asked = attributes_asked(survey, instrument)
    answers: dict[str, object] = {}
    attributes: dict[str, str] = {}
    try:
        answers = validate_answers(
            instrument,
            payload.get("answers") or {},
            respondent=respondent,
            audience=survey.audience,
            areas=area_options(survey),
            asked=asked,
        )
        # The attributes as stored: normalised (free text in NFC, invisible characters gone).
        attributes = validate_respondent(
            instrument, respondent, areas=area_options(survey), asked=asked
        )
    except AnswerError as exc:
        for problem in exc.problems:
            errors.setdefault(problem.path, []).append(problem.message)
    if errors:
        raise AnswersInvalid("Some answers are not valid.", errors)
    if not answers and all(value == PREFER_NOT_TO_SAY for value in attributes.values()):
        # An empty questionnaire would count as a respondent and say nothing. Answering only
        # the required questions is enough, though, also when they ask who one is (the role
        # in a cooperation survey): the form promises that the others may be skipped.
        raise AnswersInvalid(
            "Some answers are not valid.",
            {"answers": ["Answer at least one question before sending."]},
        )
    if chosen is not None:
        attributes[organisers.ATTRIBUTE] = str(chosen)
    return answers, attributes


WITHDRAWAL_CLOSED = (
    "The survey has closed and its results are published without names; the answers can no "
    "longer be withdrawn."
)


def withdrawable(session: Session, code: str) -> bool:
    """Whether the receipt's answers can be withdrawn now (asked before the respondent
    confirms): False when no response has this receipt, ``WithdrawalClosed`` when its survey
    has stopped collecting. Changes nothing."""
    return _withdrawable_response(session, code) is not None


def _withdrawable_response(session: Session, code: str) -> Response | None:
    response = session.scalar(
        select(Response).where(Response.receipt_hash == sha256(normalise_receipt(code)))
    )
    if response is None:
        return None
    survey = session.get(Survey, response.survey_id)
    assert survey is not None
    if not accepting_responses(survey):
        raise WithdrawalClosed(WITHDRAWAL_CLOSED)
    return response


def withdraw(session: Session, code: str, *, min_n: int, today: date | None = None) -> bool:
    """Delete the response behind a receipt and take it out of the aggregates (and, once
    ``min_n`` changes have gathered, out of the published snapshot). Only while the survey
    collects: then its final figures hold the answers for good (``WithdrawalClosed``)."""
    response = _withdrawable_response(session, code)
    if response is None:
        return False
    survey = session.get(Survey, response.survey_id)
    assert survey is not None
    instrument = as_instrument(survey.instrument_version)
    scores = score_response(instrument, response.answers)
    score_store.fold(
        session,
        survey.id,
        instrument,
        scores,
        score_store.attributes_of(response),
        answers=response.answers,
        sign=-1,
    )
    session.delete(response)
    session.flush()
    day = today or datetime.now(UTC).date()
    snapshots.publish_if_due(session, survey, min_n=min_n, today=day)
    return True


def _already_stored(session: Session, survey_id: int, submission_hash: str) -> bool:
    return (
        session.scalar(
            select(Response.id).where(
                Response.survey_id == survey_id, Response.submission_hash == submission_hash
            )
        )
        is not None
    )


INVITATION_ONLY = "This survey is by invitation only: use the link from your invitation."


def ensure_open(survey: Survey) -> None:
    """Raise :class:`SurveyNotOpen` (with the reason) unless the survey accepts responses."""
    if accepting_responses(survey):
        return
    if survey.status == "draft":
        raise SurveyNotOpen("This survey has not opened yet.", "draft")
    if survey.status == "closed":
        raise SurveyNotOpen("This survey is closed and no longer accepts responses.", "closed")
    raise SurveyNotOpen(
        "This survey is not accepting responses at this time (outside its opening period).",
        "outside_period",
    )


def ensure_admitted(session: Session, survey: Survey, token: str | None) -> None:
    """Before anyone spends time on the form: raise what a submission would, about the
    survey being open and the invitation (read only; the token is spent on submission)."""
    ensure_open(survey)
    if survey.access != "invitation":
        return
    if not token:
        raise InvitationRequired(INVITATION_ONLY)
    invitations.ensure_unused(session, survey, token)

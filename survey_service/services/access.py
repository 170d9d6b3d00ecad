"""Who is calling, and which surveys they may see.

A :class:`Principal` is made by the web layer from an API key; services take it as a plain
value. A municipality key sees its own municipality's surveys in full, and of a survey an
organiser runs (``organisers``) in which its municipality takes part only the description
and its own part of the results (:func:`get_participating`). A survey it may not see looks
exactly like one that does not exist, so ids of other municipalities cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from survey_service.models import Survey, SurveyParticipant


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's role and, for a municipality key, its municipality."""

    key_id: int
    role: str
    municipality_number: str | None
    label: str

    def may_see_municipality(self, number: str) -> bool:
        return self.role != "municipality" or self.municipality_number == number

    @property
    def municipality_scope(self) -> str | None:
        """The only municipality whose surveys this caller may see, or None for all."""
        return self.municipality_number if self.role == "municipality" else None


def visible_surveys(principal: Principal) -> Select[Survey]:
    """Surveys this caller may see in full: a municipality key only its own municipality's."""
    statement = select(Survey)
    if principal.municipality_scope is not None:
        statement = statement.where(Survey.municipality_number == principal.municipality_scope)
    return statement


def get_visible(session: Session, principal: Principal, survey_id: int) -> Survey | None:
    """The survey, or None when it does not exist *or* the caller may not see it in full
    (the same 404 either way)."""
    return session.scalar(visible_surveys(principal).where(Survey.id == survey_id))


def listed_surveys(principal: Principal) -> Select[Survey]:
    """Surveys this caller may list and read the description of: those it sees in full and,
    for a municipality key, the organisers' surveys its municipality takes part in."""
    scope = principal.municipality_scope
    if scope is None:
        return select(Survey)
    taking_part = select(SurveyParticipant.survey_id).where(
        SurveyParticipant.municipality_number == scope
    )
    return select(Survey).where(
        or_(Survey.municipality_number == scope, Survey.id.in_(taking_part))
    )


def get_listed(session: Session, principal: Principal, survey_id: int) -> Survey | None:
    """The survey if the caller may read its description (:func:`listed_surveys`), else
    None."""
    return session.scalar(listed_surveys(principal).where(Survey.id == survey_id))


def participating_surveys(principal: Principal, municipality: str) -> Select[Survey]:
    """The organisers' surveys in which ``municipality`` takes part, if the caller may read
    that municipality's part (every role but a municipality key, which may read its own);
    else none."""
    taking_part = select(SurveyParticipant.survey_id).where(
        SurveyParticipant.municipality_number == municipality
    )
    statement = select(Survey).where(Survey.organiser_kind.is_not(None), Survey.id.in_(taking_part))
    if not principal.may_see_municipality(municipality):
        statement = statement.where(false())
    return statement


def get_participating(
    session: Session, principal: Principal, survey_id: int, municipality: str
) -> Survey | None:
    """The survey of :func:`participating_surveys` with this id, else None (without asking
    the database when ``municipality`` cannot be a kommunenummer)."""
    if len(municipality) != 4 or not municipality.isdigit():
        return None
    return session.scalar(
        participating_surveys(principal, municipality).where(Survey.id == survey_id)
    )

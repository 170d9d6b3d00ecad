"""Who is calling, and which surveys they may see.

A :class:`Principal` is made by the web layer from an API key; services take it as a plain
value. A municipality key sees only its own municipality's surveys, and a survey it may not
see looks exactly like one that does not exist, so ids of other municipalities cannot be
probed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from survey_service.models import Survey


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
    """Surveys this caller may see: a municipality key only its own municipality's."""
    statement = select(Survey)
    if principal.municipality_scope is not None:
        statement = statement.where(Survey.municipality_number == principal.municipality_scope)
    return statement


def get_visible(session: Session, principal: Principal, survey_id: int) -> Survey | None:
    """The survey, or None when it does not exist *or* the caller may not see it (the same
    404 either way)."""
    return session.scalar(visible_surveys(principal).where(Survey.id == survey_id))

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_service.database import Base, JSONType
from survey_service.instruments import AUDIENCES, LANGUAGES
from survey_service.models._types import UTCDateTime, one_of, utcnow
from survey_service.models.instrument import InstrumentVersion
from survey_service.models.municipality import Municipality


class SurveyStatus(StrEnum):
    """A survey's life: ``draft -> open -> closed``."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class AccessKind(StrEnum):
    """Who may answer: anyone with the link, or only holders of an invitation token."""

    OPEN = "open"
    INVITATION = "invitation"


SURVEY_STATUSES: tuple[str, ...] = tuple(status.value for status in SurveyStatus)
ACCESS_KINDS: tuple[str, ...] = tuple(kind.value for kind in AccessKind)


class Survey(Base):
    """One municipality running one instrument version for one audience over a period."""

    __tablename__ = "survey"
    __table_args__ = (
        one_of("status", SURVEY_STATUSES),
        one_of("access", ACCESS_KINDS),
        one_of("audience", AUDIENCES),
        one_of("default_language", LANGUAGES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The id respondents see in links: random, so survey ids cannot be enumerated.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    municipality_number: Mapped[str] = mapped_column(
        ForeignKey("municipality.number", ondelete="RESTRICT"), index=True
    )
    instrument_version_id: Mapped[int] = mapped_column(
        ForeignKey("instrument_version.id", ondelete="RESTRICT"), index=True
    )
    audience: Mapped[str] = mapped_column(String(32))
    # In the default language; ``titles`` holds it in other languages (language -> title).
    title: Mapped[str] = mapped_column(String(200))
    titles: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    access: Mapped[str] = mapped_column(String(16), default=AccessKind.OPEN.value)
    default_language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), default=SurveyStatus.DRAFT.value, index=True)
    # The wave the survey belongs to, e.g. "2026"; filters and exports group by it.
    period: Mapped[str] = mapped_column(String(16), index=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    population_size: Mapped[int | None] = mapped_column(Integer)
    baseline_survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey.id", ondelete="SET NULL")
    )
    # dimension or index key -> target on the 0-100 scale
    targets: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Origins allowed to frame the form (Content-Security-Policy frame-ancestors).
    embed_origins: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Respondent attributes the form asks for (role, age_band, gender, area) and their options.
    respondent_attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Population margins for weighting: attribute -> {category: count}.
    population_margins: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    municipality: Mapped[Municipality] = relationship()
    instrument_version: Mapped[InstrumentVersion] = relationship()
    baseline_survey: Mapped[Survey | None] = relationship(remote_side=[id])


class Invitation(Base):
    """A single-use invitation token, stored only as a hash.

    Using it writes nothing to this row: whether it is spent is one bit of the survey's
    :class:`InvitationLedger`, so neither a column, a system column (PostgreSQL's ``xmin``,
    ``ctid``) nor the row order can tie an invitation to the response it admitted.
    """

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("token_hash"), UniqueConstraint("survey_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    # The invitation's place in its survey's ledger (0, 1, 2, ... in order of creation).
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InvitationLedger(Base):
    """Which of a survey's invitations are spent, as a set with no order and no times.

    ``spent`` is a bitmap over the invitations' ``number``. Every submission to a survey
    that has invitations rewrites this one row (with or without a token), so its ``xmin``
    only ever names the survey's latest response, which the response table tells anyway.
    """

    __tablename__ = "invitation_ledger"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    issued: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[int] = mapped_column(Integer, default=0)
    spent: Mapped[bytes] = mapped_column(LargeBinary, default=b"")

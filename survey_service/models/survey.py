from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

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


class OrganiserKind(StrEnum):
    """Who runs a survey that no single municipality runs: the network of the programme
    *Saman om ein betre kommune*, KS, or a county."""

    NETWORK = "network"
    KS = "ks"
    COUNTY = "county"


SURVEY_STATUSES: tuple[str, ...] = tuple(status.value for status in SurveyStatus)
ACCESS_KINDS: tuple[str, ...] = tuple(kind.value for kind in AccessKind)
ORGANISER_KINDS: tuple[str, ...] = tuple(kind.value for kind in OrganiserKind)


class Survey(Base):
    """One instrument version run for one audience over a period: by one municipality, or by
    an organiser (the network, KS, a county) for the municipalities that take part, whose
    respondents say which of them they come from."""

    __tablename__ = "survey"
    __table_args__ = (
        one_of("status", SURVEY_STATUSES),
        one_of("access", ACCESS_KINDS),
        one_of("audience", AUDIENCES),
        one_of("default_language", LANGUAGES),
        one_of("organiser_kind", ORGANISER_KINDS),
        # Run by a municipality or by an organiser: exactly one of the two.
        CheckConstraint("(municipality_number IS NULL) <> (organiser_kind IS NULL)", name="run_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The id respondents see in links: random, so survey ids cannot be enumerated.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    # The municipality that runs the survey; null when an organiser runs it.
    municipality_number: Mapped[str | None] = mapped_column(
        ForeignKey("municipality.number", ondelete="RESTRICT"), index=True
    )
    # The organiser that runs it instead (``OrganiserKind``), its county number for a county,
    # and its name as shown; all null for a municipality's own survey.
    organiser_kind: Mapped[str | None] = mapped_column(String(16))
    organiser_county: Mapped[str | None] = mapped_column(String(2))
    organiser_name: Mapped[str | None] = mapped_column(String(200))
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

    municipality: Mapped[Municipality | None] = relationship()
    instrument_version: Mapped[InstrumentVersion] = relationship()
    baseline_survey: Mapped[Survey | None] = relationship(remote_side=[id])
    participant_rows: Mapped[list[SurveyParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="SurveyParticipant.municipality_number"
    )
    #: Whether the survey has an invitation ledger, where the query that loaded it asked
    #: (``with_expression``, as a submission's does); None where it did not.
    has_ledger: Mapped[bool | None] = query_expression()

    @property
    def is_organised(self) -> bool:
        """Whether an organiser, not a municipality, runs the survey."""
        return self.organiser_kind is not None

    @property
    def participants(self) -> list[str]:
        """The numbers of the municipalities taking part in an organiser's survey, in order."""
        return [row.municipality_number for row in self.participant_rows]


class SurveyParticipant(Base):
    """A municipality taking part in an organiser's survey: its respondents choose it on the
    form, and its key sees the survey and its own part of the results."""

    __tablename__ = "survey_participant"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_number: Mapped[str] = mapped_column(
        ForeignKey("municipality.number", ondelete="RESTRICT"), primary_key=True, index=True
    )


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

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_service.database import Base, JSONType
from survey_service.models._types import UTCDateTime, utcnow


class InstrumentRecord(Base):
    """An instrument (questionnaire and scoring rules) under a stable key."""

    __tablename__ = "instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[InstrumentVersion]] = relationship(
        back_populates="instrument", order_by="InstrumentVersion.id"
    )


class InstrumentVersion(Base):
    """One published, immutable version of an instrument: its whole definition and hash."""

    __tablename__ = "instrument_version"
    __table_args__ = (UniqueConstraint("instrument_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="RESTRICT"))
    version: Mapped[str] = mapped_column(String(32))
    # Semantic version as a sortable tuple, so "newest" is numeric, not lexical.
    version_major: Mapped[int]
    version_minor: Mapped[int]
    version_patch: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    instrument: Mapped[InstrumentRecord] = relationship(back_populates="versions")

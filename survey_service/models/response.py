from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from survey_service.database import Base, JSONType
from survey_service.instruments import LANGUAGES
from survey_service.models._types import one_of

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit id.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Response(Base):
    """One respondent's completed questionnaire: one row, answers and person scores as JSON.

    Nothing here identifies a person or a request: no token, no IP address, no user agent,
    and the submission date only to the day.
    """

    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("survey_id", "submission_hash"),
        UniqueConstraint("receipt_hash"),
        one_of("language", LANGUAGES),
        # The responses no snapshot holds yet, found without visiting the survey's others
        # (every snapshot marks them: ``snapshots.publish_if_due``).
        Index(
            "ix_response_unpublished",
            "survey_id",
            postgresql_where=text("NOT published"),
            sqlite_where=text("NOT published"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    # sha256 of the client's submission_id: a retry finds the first response.
    submission_hash: Mapped[str] = mapped_column(String(64))
    # sha256 of the receipt code that lets the respondent withdraw the response.
    receipt_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    submitted_on: Mapped[date] = mapped_column(Date)
    # Optional respondent attributes, as columns: exports and breakdowns filter on them.
    role: Mapped[str | None] = mapped_column(String(32))
    age_band: Mapped[str | None] = mapped_column(String(32))
    gender: Mapped[str | None] = mapped_column(String(32))
    area: Mapped[str | None] = mapped_column(String(64))
    # In an organiser's survey: the participating municipality the respondent comes from.
    municipality: Mapped[str | None] = mapped_column(String(4))
    # link_id -> value ("dont_know" for don't know; absent or null when not answered).
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # The person's scores as computed at submission: {"dimensions": {...}, "indices": {...}}.
    scores: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Held by the published figures: set by the first snapshot that holds the response, with
    # all the others it holds, so it tells no more about arrival than the snapshot's own n.
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

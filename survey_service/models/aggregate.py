from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from survey_service.database import Base, JSONType


class ScoreAggregate(Base):
    """Additive sufficient statistics of one survey's responses in one weighting cell.

    Each submission adds its person scores to one of several *stripes* of its cell, picked at
    random, so concurrent submissions to a popular survey do not queue on one row's lock;
    reading merges the stripes. ``stats`` holds, per measure, ``[n, Σy, Σy²]`` and, per
    dimension, the item sums and cross-products that Cronbach's α needs (see
    ``services/score_store.py``).
    """

    __tablename__ = "score_aggregate"
    __table_args__ = (UniqueConstraint("survey_id", "cell", "stripe"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    # The respondent's attribute combination, e.g. "age_band=30_44;gender=female" ("" for none);
    # values are percent-encoded, so no value can add a ";" or "=" of its own.
    cell: Mapped[str] = mapped_column(String(300))
    stripe: Mapped[int] = mapped_column(SmallInteger)
    n: Mapped[int] = mapped_column(Integer, default=0)
    # Arrivals plus withdrawals ever folded into this row: only ever grows. Its sum over a
    # survey's rows tells when enough has changed to publish a new snapshot.
    changes: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class ScoreSnapshot(Base):
    """The survey's aggregates as last published: the only figures any reader is shown.

    A new snapshot replaces this row only once at least ``SURVEY_MIN_N`` responses have
    arrived or been withdrawn since it was taken, and each figure in it moves on only with
    that many changes of its own, so no two figures ever published for a survey differ by
    fewer respondents than that (``services/snapshots.py``).
    """

    __tablename__ = "score_snapshot"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    # 1 for the first snapshot, then one more each time it advances.
    seq: Mapped[int] = mapped_column(Integer)
    # The survey's change count (sum of ScoreAggregate.changes) the snapshot was taken at.
    changes: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    taken_on: Mapped[date] = mapped_column(Date)
    # The survey's population margins when it was taken: its figures are weighted by these.
    margins: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # [[cell, n, stats], ...]: one entry per cell, merged over the stripes.
    cells: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # Taken when the survey stopped collecting, from exactly its published responses: what
    # its export releases. Never replaced.
    final: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class FormCounter(Base):
    """How many times a survey's form was opened, per day: the "started" of fieldwork."""

    __tablename__ = "form_counter"
    __table_args__ = (UniqueConstraint("survey_id", "day", "stripe"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    day: Mapped[str] = mapped_column(String(10))
    stripe: Mapped[int] = mapped_column(SmallInteger)
    opened: Mapped[int] = mapped_column(Integer, default=0)

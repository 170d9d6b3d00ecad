from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from survey_service.database import Base, JSONType


class BreakdownSnapshot(Base):
    """The published state of a survey's breakdowns (scores by role, age band, ...).

    Made at the first read after the survey stopped collecting, from the score snapshot then
    published, and kept from then on (``services/breakdown_disclosure.py``, rule 5).
    """

    __tablename__ = "breakdown_snapshot"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    # The score snapshot (its seq, date and respondents) the state's cells are from.
    based_on: Mapped[int] = mapped_column(Integer)
    taken_on: Mapped[date] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)
    # SURVEY_MIN_N when the groups shown were chosen.
    min_n: Mapped[int] = mapped_column(Integer)
    # [[breakdown, group], ...] shown.
    shown: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # The cells and margins of score snapshot ``based_on`` once the score snapshot has moved
    # on; null while it is the score snapshot's own.
    cells: Mapped[list[Any] | None] = mapped_column(JSONType, nullable=True)
    margins: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)


class BreakdownStep(Base):
    """What changed from one score snapshot of a survey to the next, until its breakdowns
    are published: per figure, the cells that changed and by how many, and which of the
    survey's own figures that snapshot published. The survey's totals read during fieldwork
    are combined with the breakdowns when they are first published, so they are audited
    together (``services/breakdown_history.py``)."""

    __tablename__ = "breakdown_step"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    # The score snapshot the step ends at.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    # {figure: {cell: changes}}
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # The figures whose survey total the snapshot published.
    published: Mapped[list[Any]] = mapped_column(JSONType, default=list)

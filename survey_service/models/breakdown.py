from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from survey_service.database import Base, JSONType


class BreakdownSnapshot(Base):
    """The published state of a survey's breakdowns (scores by role, age band, ...).

    Made at the first read after the survey stopped collecting, from the score snapshot then
    published; it moves on to a newer score snapshot only when every group ever shown moved
    by none or by at least ``SURVEY_MIN_N`` of its own respondents, and keeps its state
    otherwise (``services/breakdown_disclosure.py``, rule 5).
    """

    __tablename__ = "breakdown_snapshot"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    # 1 for the first state, then one more each time it moves on.
    seq: Mapped[int] = mapped_column(Integer)
    # The score snapshot (its seq, date and respondents) the state's cells are from.
    based_on: Mapped[int] = mapped_column(Integer)
    taken_on: Mapped[date] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)
    # SURVEY_MIN_N when the groups shown were chosen.
    min_n: Mapped[int] = mapped_column(Integer)
    # [[breakdown, group], ...] shown in this state, and every group ever shown.
    shown: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    ever: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # The cells and margins of score snapshot ``based_on`` once the score snapshot has moved
    # on without the breakdowns; null while it is the score snapshot's own.
    cells: Mapped[list[Any] | None] = mapped_column(JSONType, nullable=True)
    margins: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)

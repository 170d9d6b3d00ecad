from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from survey_service.database import Base


class Municipality(Base):
    """A Norwegian municipality (kommune) of the 2024 set, keyed by its kommunenummer."""

    __tablename__ = "municipality"

    number: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    county_number: Mapped[str] = mapped_column(String(2), index=True)
    county: Mapped[str] = mapped_column(String(100))
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    # The municipality's official written standard: "nb", "nn" or None (neutral).
    written_standard: Mapped[str | None] = mapped_column(String(2))

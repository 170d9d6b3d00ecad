"""Loading the reference data shipped with the package: the 357 municipalities of 2024."""

from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.models import Municipality

_STANDARDS = {"Bokmål": "nb", "Nynorsk": "nn"}


def read_municipalities() -> list[dict[str, object]]:
    """The municipalities of the 2024 set (SSB classification 131), population 1 Jan 2024."""
    text = (
        resources.files("survey_service.data")
        .joinpath("municipalities_2024.csv")
        .read_text(encoding="utf-8")
    )
    rows = []
    for row in csv.DictReader(text.splitlines()):
        rows.append(
            {
                "number": row["kommunenummer"],
                "name": row["name"],
                "county_number": row["fylkesnummer"],
                "county": row["fylke"],
                "population": int(row["population"]) if row["population"] else None,
                "population_year": int(row["population_year"]) if row["population_year"] else None,
                "written_standard": _STANDARDS.get(row["maalform"]),
            }
        )
    return rows


def load_municipalities(session: Session) -> int:
    """Insert or update every municipality; returns how many were added."""
    existing = {m.number: m for m in session.scalars(select(Municipality))}
    added = 0
    for row in read_municipalities():
        current = existing.get(str(row["number"]))
        if current is None:
            session.add(Municipality(**row))
            added += 1
        else:
            for field, value in row.items():
                setattr(current, field, value)
    return added

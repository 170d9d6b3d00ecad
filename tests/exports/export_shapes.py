"""What the export tests share: the formats, the quasi-identifier columns, a cooperation
survey in Bergen."""

from __future__ import annotations

from typing import Any

from helpers import open_survey

FORMATS = ("csv", "jsonl", "parquet", "sav")
# The columns that describe a respondent or where and when they answered.
QI_COLUMNS = [
    "municipality",
    "county_number",
    "period",
    "audience",
    "language",
    "week",
    "role",
    "age_band",
    "gender",
    "area",
]


def cooperation_survey(client: Any, key: str, **fields: Any) -> dict[str, Any]:
    """An open partssamarbeid survey of Bergen's employees, 2026."""
    return open_survey(
        client,
        key,
        instrument="partssamarbeid",
        audience="employees",
        municipality="4601",
        period="2026",
        **fields,
    )

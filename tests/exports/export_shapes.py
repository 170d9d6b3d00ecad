"""What the export tests share: the formats, the quasi-identifier columns, reading an export
back with each format's own reader, a cooperation survey in Bergen."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat

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


def read_export(
    fmt: str, data: bytes, tmp_path: Any, *, as_text: bool = True, user_missing: bool = True
) -> pd.DataFrame:
    """An export read back with its own reader: CSV cells as text (``as_text``) or as pandas
    reads numbers; SPSS with its declared missing values as values (``user_missing``) or as
    missing, as SPSS leaves them out of means. Categorical SPSS columns come back as numbers."""
    if fmt == "csv":
        if as_text:
            return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        return pd.read_csv(io.BytesIO(data))
    if fmt == "jsonl":
        return pd.read_json(io.BytesIO(data), lines=True, dtype=False)
    if fmt == "parquet":
        return pq.read_table(io.BytesIO(data)).to_pandas()
    path = tmp_path / f"export-{fmt}.sav"
    path.write_bytes(data)
    return pyreadstat.read_sav(str(path), user_missing=user_missing)[0]


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

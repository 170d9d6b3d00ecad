"""Parquet on PostgreSQL is written from the CSV that ``COPY … (FORMAT csv)`` writes, parsed
by Arrow (``formats.parquet.encode_parquet_csv``). It must be the file the generic encoder
writes from the same rows as Python values: missing stays missing, an empty string stays
an empty string, and text that looks like a missing marker to other readers stays text."""

from __future__ import annotations

import io
from typing import Any

import pyarrow.parquet as pq

from survey_service.instruments import bundled
from survey_service.services.exports.columns import Column, Layout
from survey_service.services.exports.formats.parquet import encode_parquet, encode_parquet_csv
from survey_service.services.exports.layout import layout

TEXTS = ["NA", "NULL", "null", "", None, "a,b", 'say "hi"', "two\nlines", "N/A", "nan"]


def value(column: Column, row: int) -> Any:
    """Some value of ``column`` for row ``row`` (every kind, missing included)."""
    if row % 7 == 3:
        return None
    if column.kind == "integer":
        return row % 5
    if column.kind == "number":
        return [0.1, 62.5, 1e-05, 1e16, 100.0][row % 5]
    return TEXTS[row % len(TEXTS)]


def copy_csv(values: list[Any]) -> bytes:
    """One row as PostgreSQL's COPY (FORMAT csv) writes it."""
    fields = []
    for v in values:
        if v is None:
            fields.append("")
        elif isinstance(v, str):
            quoted = v == "" or any(c in v for c in ',"\r\n')
            fields.append('"' + v.replace('"', '""') + '"' if quoted else v)
        else:
            fields.append(repr(v) if isinstance(v, float) else str(v))
    return (",".join(fields) + "\n").encode()


def test_parquet_from_copy_csv_is_the_generic_encoders_file():
    columns: Layout = layout(bundled("omdommetrappen"), dont_know_code=False)
    rows = [
        [number + 1] + [value(c, number + i) for i, c in enumerate(columns.columns[1:])]
        for number in range(23)
    ]
    generic = pq.read_table(io.BytesIO(b"".join(encode_parquet(columns, rows))))
    groups = [b"".join(copy_csv(row[1:]) for row in rows[:10]), copy_csv(rows[10][1:])]
    groups.append(b"".join(copy_csv(row[1:]) for row in rows[11:]))
    parsed = pq.read_table(io.BytesIO(b"".join(encode_parquet_csv(columns, groups))))
    assert parsed.schema.equals(generic.schema, check_metadata=True)
    assert parsed.to_pylist() == generic.to_pylist()
    texts = {v for row in parsed.to_pylist() for v in row.values() if isinstance(v, str)}
    assert {"NA", "NULL", "", "two\nlines"} <= texts

"""Parquet via pyarrow: typed columns, categoricals dictionary-encoded, one row group per
batch written as it fills (``ParquetWriter`` into a sink drained after every row group).

Each field carries its label in the chosen language (field metadata ``label``), and the
schema carries the codebook's columns as JSON (``survey_service.columns``), so value labels
and missing codes travel with the file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from survey_service.services.exports.columns import Column, Layout
from survey_service.services.exports.formats.sink import DrainSink

ROW_GROUP = 10_000
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def _type(column: Column) -> pa.DataType:
    if column.kind == "integer":
        return pa.int64() if column.name == "row_id" else pa.int16()
    if column.kind == "number":
        return pa.float64()
    if column.group == "text":
        return pa.string()
    return _DICTIONARY


def schema(layout: Layout, *, lang: str = "nb") -> pa.Schema:
    from survey_service.services.exports.codebook import column_entry

    fields = [
        pa.field(c.name, _type(c), metadata={"label": c.label[lang], "description": c.description})
        for c in layout.columns
    ]
    metadata = {
        "survey_service.instrument": f"{layout.instrument.key} {layout.instrument.version}",
        "survey_service.columns": json.dumps(
            [column_entry(c) for c in layout.columns], ensure_ascii=False
        ),
    }
    return pa.schema(fields, metadata=metadata)


def _batch(target: pa.Schema, columns: list[list[Any]]) -> pa.RecordBatch:
    arrays = []
    for field, values in zip(target, columns, strict=True):
        if pa.types.is_dictionary(field.type):
            arrays.append(pa.array(values, pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(values, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=target)


def encode_parquet_csv(
    layout: Layout, row_groups: Iterable[bytes], *, lang: str = "nb"
) -> Iterator[bytes]:
    """Like :func:`encode_parquet`, from row groups given as CSV (as PostgreSQL's ``COPY …
    (FORMAT csv)`` writes them: no header, an empty field for missing, ``""`` for an empty
    string) of every column but the first, ``row_id``, which numbers the rows from 1.
    Arrow parses each group into typed columns, so no value passes through Python."""
    target = schema(layout, lang=lang)
    if target.field(0).name != "row_id":
        raise ValueError("the rows are numbered in their first column")
    fields = list(target)[1:]
    names = [f.name for f in fields]
    read = pa_csv.ConvertOptions(
        column_types={f.name: _read_type(f.type) for f in fields},
        # Only an empty field is missing: Arrow would read "NA" or "null" as missing too.
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    sink = DrainSink()
    writer = pq.ParquetWriter(sink, target, compression="zstd")
    written = 0
    try:
        yield sink.drain()  # the magic bytes: the response starts at once
        for data in row_groups:
            if not data:
                continue
            table = pa_csv.read_csv(
                io.BytesIO(data),
                read_options=pa_csv.ReadOptions(column_names=names),
                parse_options=pa_csv.ParseOptions(newlines_in_values=True),
                convert_options=read,
            )
            row_id = pa.array(range(written + 1, written + 1 + table.num_rows), pa.int64())
            arrays = [row_id] + [
                column.combine_chunks().dictionary_encode()
                if pa.types.is_dictionary(field.type)
                else column.combine_chunks()
                for field, column in zip(fields, table.columns, strict=True)
            ]
            writer.write_batch(
                pa.RecordBatch.from_arrays(arrays, schema=target), row_group_size=table.num_rows
            )
            written += table.num_rows
            yield sink.drain()
    finally:
        writer.close()
    yield sink.drain()


def _read_type(stored: pa.DataType) -> pa.DataType:
    """The type a column is parsed as: a dictionary column as plain strings, encoded after."""
    return pa.string() if pa.types.is_dictionary(stored) else stored


def encode_parquet(
    layout: Layout, rows: Iterable[list[Any]], *, lang: str = "nb", row_group: int = ROW_GROUP
) -> Iterator[bytes]:
    target = schema(layout, lang=lang)
    sink = DrainSink()
    writer = pq.ParquetWriter(sink, target, compression="zstd")
    try:
        yield sink.drain()  # the magic bytes: the response starts at once
        columns: list[list[Any]] = [[] for _ in layout.columns]
        pending = 0
        for row in rows:
            for values, value in zip(columns, row, strict=True):
                values.append(value)
            pending += 1
            if pending >= row_group:
                writer.write_batch(_batch(target, columns), row_group_size=row_group)
                yield sink.drain()
                columns = [[] for _ in layout.columns]
                pending = 0
        if pending:
            writer.write_batch(_batch(target, columns), row_group_size=row_group)
    finally:
        writer.close()
    yield sink.drain()

"""Parquet via pyarrow: typed columns, categoricals dictionary-encoded, one row group per
batch written as it fills (``ParquetWriter`` into a sink drained after every row group).

Each field carries its label in the chosen language (field metadata ``label``), and the
schema carries the codebook's columns as JSON (``survey_service.columns``), so value labels
and missing codes travel with the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa
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


def encode_parquet_batches(
    layout: Layout, batches: Iterable[Sequence[Sequence[Any]]], *, lang: str = "nb"
) -> Iterator[bytes]:
    """Like :func:`encode_parquet`, from batches of rows (each one row group), turned into
    Arrow arrays column by column rather than value by value."""
    target = schema(layout, lang=lang)
    sink = DrainSink()
    writer = pq.ParquetWriter(sink, target, compression="zstd")
    try:
        yield sink.drain()  # the magic bytes: the response starts at once
        for rows in batches:
            if rows:
                columns = [list(values) for values in zip(*rows, strict=True)]
                writer.write_batch(_batch(target, columns), row_group_size=len(rows))
                yield sink.drain()
    finally:
        writer.close()
    yield sink.drain()


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

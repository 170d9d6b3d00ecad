"""Encoders: each turns the export's rows (lists in column order) into chunks of bytes, lazily.

Every encoder yields its first chunk (the header) before it asks for the first row, and never
holds more than one batch of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from survey_service.services.exports.columns import Layout
from survey_service.services.exports.formats.archive import bundle
from survey_service.services.exports.formats.csv import encode_csv
from survey_service.services.exports.formats.jsonl import encode_jsonl
from survey_service.services.exports.formats.parquet import encode_parquet, encode_parquet_csv
from survey_service.services.exports.formats.sav import encode_sav


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    mimetype: str


FORMATS = {
    "csv": Format("csv", "csv", "text/csv"),
    "jsonl": Format("jsonl", "jsonl", "application/jsonl"),
    "parquet": Format("parquet", "parquet", "application/vnd.apache.parquet"),
    "sav": Format("sav", "sav", "application/x-spss-sav"),
}


def encode(
    name: str,
    layout: Layout,
    rows: Iterable[list[Any]],
    *,
    lang: str = "nb",
    bom: bool = False,
    file_label: str = "",
) -> Iterator[bytes]:
    """``rows`` in format ``name`` (one of :data:`FORMATS`); ``lang`` is the language of the
    labels (Parquet, SPSS), ``bom`` a UTF-8 byte-order mark (CSV), ``file_label`` the SPSS
    file label."""
    if name == "csv":
        return encode_csv(layout, rows, bom=bom)
    if name == "jsonl":
        return encode_jsonl(layout, rows)
    if name == "parquet":
        return encode_parquet(layout, rows, lang=lang)
    if name == "sav":
        return encode_sav(layout, rows, lang=lang, file_label=file_label)
    raise ValueError(f"unknown export format {name!r}")


__all__ = [
    "FORMATS",
    "Format",
    "bundle",
    "encode",
    "encode_csv",
    "encode_jsonl",
    "encode_parquet",
    "encode_parquet_csv",
    "encode_sav",
]

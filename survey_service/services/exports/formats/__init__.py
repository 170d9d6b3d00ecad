"""Encoders: each turns the export's rows (lists in column order) into chunks of bytes, lazily.

Every encoder yields its first chunk (the header) before it asks for the first row, and never
holds more than one batch of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey_service.services.exports.formats.archive import bundle
from survey_service.services.exports.formats.csv import encode_csv
from survey_service.services.exports.formats.jsonl import encode_jsonl
from survey_service.services.exports.formats.parquet import encode_parquet
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

__all__ = [
    "FORMATS",
    "Format",
    "bundle",
    "encode_csv",
    "encode_jsonl",
    "encode_parquet",
    "encode_sav",
]

"""SPSS system files (.sav), written as a stream.

pyreadstat can only write a whole DataFrame; this writer emits the dictionary first and then
the cases as they come, so memory stays flat. The layout follows the documented system file
format (PSPP's "System File Format" chapter):

- record type 1, the header, with the case count -1 ("unknown", accepted by SPSS, PSPP and
  ReadStat, which read cases to the end of the file) and compression 0;
- type 2 per variable: numeric (F) or string (A, up to 255 bytes, continuation records for
  every further 8 bytes), its variable label and up to three discrete missing values;
- type 3 + 4 value labels (numeric variables);
- type 7 subtype 3 and 4 (machine integer and floating point info: IEEE, little-endian,
  code page 65001), subtype 11 (measurement level, width, alignment), subtype 13 (long
  variable names), subtype 20 (character encoding "UTF-8");
- type 999, then the cases uncompressed: 8-byte doubles, strings space-padded to 8 bytes.

Categorical columns are written as their SPSS numbers (``Category.sav_value``) with value
labels; "don't know" (-1) is declared a user-missing value.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from survey_service.services.exports.columns import Column, Layout

BATCH = 500
SYSMIS = -sys.float_info.max
HIGHEST = sys.float_info.max
LOWEST = struct.unpack("<d", bytes.fromhex("feffffffffffefff"))[0]
MAX_STRING = 255
MAX_VALUE_LABEL = 120
MAX_VARIABLE_LABEL = 255
_FORMAT_F, _FORMAT_A = 5, 1
_MEASURES = {"nominal": 1, "ordinal": 2, "scale": 3}


def _truncate(text: str, limit: int) -> bytes:
    """UTF-8 bytes of ``text``, cut to at most ``limit`` bytes at a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return data
    return data[:limit].decode("utf-8", errors="ignore").encode("utf-8")


def _pad(data: bytes, multiple: int, fill: bytes = b" ") -> bytes:
    return data + fill * (-len(data) % multiple)


@dataclass(frozen=True)
class _Variable:
    column: Column
    short_name: str
    width: int  # 0: numeric; 1..255: string bytes

    @property
    def segments(self) -> int:
        return 1 if self.width == 0 else (self.width + 7) // 8

    def format_spec(self) -> int:
        if self.width == 0:
            decimals = 2 if self.column.kind == "number" else 0
            return (_FORMAT_F << 16) | (8 << 8) | decimals
        return (_FORMAT_A << 16) | (self.width << 8)


def _variables(layout: Layout) -> list[_Variable]:
    variables = []
    for index, column in enumerate(layout.columns, start=1):
        width = 0 if column.kind in ("integer", "number", "category") else column.width
        variables.append(_Variable(column, f"V{index}", min(max(width, 0), MAX_STRING)))
    return variables


def _header(variables: list[_Variable], label: str) -> bytes:
    now = datetime.now(UTC)
    return struct.pack(
        "<4s60siiiiid9s8s64s3s",
        b"$FL2",
        _pad(b"@(#) SPSS DATA FILE survey-service", 60)[:60],
        2,  # layout code
        sum(v.segments for v in variables),  # 8-byte units per case
        0,  # uncompressed
        0,  # no weight variable
        -1,  # number of cases: unknown when the header is written
        100.0,  # compression bias
        now.strftime("%d %b %y").encode("ascii"),
        now.strftime("%H:%M:%S").encode("ascii"),
        _pad(_truncate(label, 64), 64)[:64],
        b"\0\0\0",
    )


def _variable_record(variable: _Variable, lang: str) -> bytes:
    column = variable.column
    label = _truncate(column.label[lang], MAX_VARIABLE_LABEL)
    missing = [float(m.value) for m in column.missing][:3] if variable.width == 0 else []
    spec = variable.format_spec()
    out = struct.pack(
        "<iiiiii8s",
        2,
        variable.width,
        1,
        len(missing),
        spec,
        spec,
        _pad(variable.short_name.encode("ascii"), 8),
    )
    out += struct.pack("<i", len(label)) + _pad(label, 4, b" ")
    out += b"".join(struct.pack("<d", value) for value in missing)
    for _ in range(variable.segments - 1):
        out += struct.pack("<iiiiii8s", 2, -1, 0, 0, 0, 0, b" " * 8)
    return out


def _value_labels(variable: _Variable, dictionary_index: int, lang: str) -> bytes:
    column = variable.column
    labelled = [(c.sav_value, c.label[lang]) for c in (*column.categories, *column.missing)]
    if variable.width != 0 or not labelled:
        return b""
    out = struct.pack("<ii", 3, len(labelled))
    for value, text in labelled:
        data = _truncate(text, MAX_VALUE_LABEL)
        # the value's 8 bytes, then a length byte and the label, padded to 8 bytes together
        out += struct.pack("<d", float(value)) + _pad(bytes([len(data)]) + data, 8)
    out += struct.pack("<iii", 4, 1, dictionary_index)
    return out


def _extension(subtype: int, size: int, data: bytes) -> bytes:
    return struct.pack("<iiii", 7, subtype, size, len(data) // size) + data


def dictionary(layout: Layout, *, lang: str = "nb", file_label: str = "") -> bytes:
    """Everything before the first case."""
    variables = _variables(layout)
    out = [_header(variables, file_label)]
    out += [_variable_record(v, lang) for v in variables]
    index = 1
    for variable in variables:
        out.append(_value_labels(variable, index, lang))
        index += variable.segments
    out.append(_extension(3, 4, struct.pack("<8i", 1, 0, 0, -1, 1, 1, 2, 65001)))
    out.append(_extension(4, 8, struct.pack("<ddd", SYSMIS, HIGHEST, LOWEST)))
    display = b"".join(
        struct.pack(
            "<iii",
            _MEASURES[v.column.measure] if v.width == 0 else 1,
            min(max(v.width, 8), 40),
            0 if v.width else 1,
        )
        for v in variables
    )
    out.append(_extension(11, 4, display))
    names = "\t".join(f"{v.short_name}={v.column.name}" for v in variables).encode("utf-8")
    out.append(_extension(13, 1, names))
    out.append(_extension(20, 1, b"UTF-8"))
    out.append(struct.pack("<ii", 999, 0))
    return b"".join(out)


def _encoder(variable: _Variable) -> Any:
    column = variable.column
    if variable.width:
        width = variable.segments * 8

        def string(value: Any) -> bytes:
            data = b"" if value is None else _truncate(str(value), variable.width)
            return data + b" " * (width - len(data))

        return string
    if column.kind == "category":
        codes = {c.value: float(c.sav_value) for c in column.categories}

        def category(value: Any) -> bytes:
            return struct.pack("<d", codes.get(value, SYSMIS) if value is not None else SYSMIS)

        return category

    def number(value: Any) -> bytes:
        return struct.pack("<d", SYSMIS if value is None else float(value))

    return number


def encode_sav(
    layout: Layout, rows: Iterable[list[Any]], *, lang: str = "nb", file_label: str = ""
) -> Iterator[bytes]:
    """The .sav file of ``rows``: the dictionary at once, then the cases in batches."""
    variables = _variables(layout)
    encoders = [_encoder(v) for v in variables]
    yield dictionary(layout, lang=lang, file_label=file_label)
    batch: list[bytes] = []
    for row in rows:
        batch.extend(encode(value) for encode, value in zip(encoders, row, strict=True))
        if len(batch) >= BATCH * len(encoders):
            yield b"".join(batch)
            batch.clear()
    if batch:
        yield b"".join(batch)

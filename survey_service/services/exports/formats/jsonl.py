"""JSON Lines: one JSON object per response, UTF-8, ``null`` for missing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from survey_service.services.exports.columns import Layout

BATCH = 500


def encode_jsonl(layout: Layout, rows: Iterable[list[Any]]) -> Iterator[bytes]:
    names = layout.names
    yield b""  # nothing to say before the first row; lets the response start at once
    lines: list[str] = []
    for row in rows:
        lines.append(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
        if len(lines) >= BATCH:
            yield ("\n".join(lines) + "\n").encode("utf-8")
            lines.clear()
    if lines:
        yield ("\n".join(lines) + "\n").encode("utf-8")

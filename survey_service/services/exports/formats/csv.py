"""CSV: UTF-8, a header row, RFC 4180 (comma, CRLF, quotes doubled), empty = missing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from survey_service.services.exports.columns import Layout

BATCH = 500


def encode_csv(layout: Layout, rows: Iterable[list[Any]], *, bom: bool = False) -> Iterator[bytes]:
    """``bom``: start with a UTF-8 byte-order mark, which Excel needs to see æ, ø, å."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(layout.names)
    yield (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
        pending += 1
        if pending >= BATCH:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")

"""CSV: UTF-8, a header row, RFC 4180 (comma, CRLF, quotes doubled), empty = missing.

Text cells are neutralised against formula injection (OWASP, "CSV Injection"): a spreadsheet
opening the file may run a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula, and respondents write free text (and, in some surveys, their
area). Every cell of a text column (``string`` and ``category``) that begins with
one of :data:`FORMULA_STARTS` gets :data:`ESCAPE` (a single quote) put in front. So does a
text cell that begins with a single quote already, which makes the rule exactly reversible:
remove the first character of every text cell that begins with a single quote. Numeric
columns (``integer``, ``number``) are written as numbers, never changed: ``-1`` stays ``-1``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from survey_service.services.exports.columns import Layout

BATCH = 500

#: What a text cell must not begin with: a spreadsheet could read it as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Put in front of such a cell (and of one that begins with it), so it reads as text.
ESCAPE = "'"
#: Column kinds whose cells are text (the others are numbers and left as they are).
TEXT_KINDS = frozenset({"string", "category"})


def neutralise(text: str) -> str:
    """``text`` as a CSV text cell: with a single quote in front when it begins with a
    formula character or a single quote, otherwise as it is."""
    if text.startswith(FORMULA_STARTS) or text.startswith(ESCAPE):
        return ESCAPE + text
    return text


def encode_csv(layout: Layout, rows: Iterable[list[Any]], *, bom: bool = False) -> Iterator[bytes]:
    """``bom``: start with a UTF-8 byte-order mark, which Excel needs to see æ, ø, å."""
    text_columns = [i for i, c in enumerate(layout.columns) if c.kind in TEXT_KINDS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(layout.names)
    yield (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        cells = ["" if value is None else value for value in row]
        for i in text_columns:
            value = cells[i]
            if isinstance(value, str) and value:
                cells[i] = neutralise(value)
        writer.writerow(cells)
        pending += 1
        if pending >= BATCH:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")

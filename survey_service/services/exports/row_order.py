"""The order an export's rows are written in: a fresh random permutation per export.

Why random at all: rows were inserted as responses arrived, so the row ids, and any order
derived from them, tell when each response came in, relative to the others. Written in
insertion order, a row whose week disclosure control blanked would sit among rows whose
week is released, and its neighbours would tell its week; the first and last rows of a
survey would be its earliest and latest respondents. So insertion order must not be
recoverable from the file, neither from one export nor by comparing two.

How, on PostgreSQL: rows are ordered by a keyed hash of their id, ``md5(secret || id)``,
where the 128-bit secret is drawn afresh (``secrets``) for every export and never stored or
shown. MD5 used as a keyed pseudo-random function makes the order a permutation that is
independent of the ids to anyone without the secret, and unrelated between two exports. The
sort key is one ``bigint`` per row, so PostgreSQL sorts within ``work_mem`` and spills the
rest to disk (an external merge sort): memory stays bounded however many rows there are.

Not chosen: shuffling within chunks of id ranges, taken in a random order. Every chunk would
be a stretch of consecutive arrivals, so rows next to each other in the file would still have
arrived together, and the released week of a row's neighbours would tell its own blanked week.

On SQLite (tests, small installations) the database's ``ORDER BY random()``.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, String, cast, func, literal
from sqlalchemy.dialects.postgresql import BIT


def new_secret() -> str:
    """A fresh key for one export's order: 128 bits, hex."""
    return secrets.token_hex(16)


def shuffle_key_sql(id_sql: str, secret: str) -> str:
    """The PostgreSQL expression of a row's place: the first 64 bits of ``md5(secret || id)``
    as a ``bigint``. ``secret`` must be hex (from :func:`new_secret`), so it can be inlined."""
    if not secret or any(c not in "0123456789abcdef" for c in secret):
        raise ValueError("the order's secret must be lower-case hex")
    return f"('x' || substr(md5('{secret}' || ({id_sql})::text), 1, 16))::bit(64)::bigint"


def shuffle_key(dialect: str, id_column: Any) -> ColumnElement[Any]:
    """The ORDER BY expression of a fresh random order over rows with ``id_column``: the
    keyed hash of :func:`shuffle_key_sql` on PostgreSQL, ``random()`` elsewhere."""
    if dialect != "postgresql":
        return func.random()
    hashed = func.md5(literal(new_secret(), String) + cast(id_column, String))
    hex_bits = literal("x", String) + func.substr(hashed, 1, 16)
    return cast(cast(hex_bits, BIT(64)), BigInteger)

"""Write many responses' person scores back at once, only where they changed.

What the ORM does for each loaded response whose ``scores`` is set again (an UPDATE only
when the new value differs from the stored one), for a whole batch in one or two
statements:

* PostgreSQL: one ``UPDATE … FROM jsonb_to_recordset(rows)`` that compares in the server
  (``IS DISTINCT FROM`` on ``jsonb``: numbers compare by value, as Python's ``==`` does),
  so the stored scores are never sent to Python and decoded. The batch travels as one JSON
  text, written straight from the score arrays (no dict per row, no array literal to
  escape: psycopg quotes a ``jsonb[]`` element by element in Python).
* Elsewhere: the stored scores of the batch read in one SELECT, compared in Python, and
  the changed ones written with one executemany of an UPDATE keyed by id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.orm import Session

from survey_service.models import Response

Floats = npt.NDArray[np.float64]
#: A response's stored person scores: ``{"dimensions": {...}, "indices": {...}}``.
StoredScores = dict[str, dict[str, float | None]]

_RESPONSES: Table = Response.__table__  # type: ignore[assignment]
_WRITE_ONE = (
    update(_RESPONSES)
    .where(_RESPONSES.c.id == bindparam("rescored_id"))
    .values(scores=bindparam("rescored_scores"))
)
_WRITE_CHANGED_POSTGRESQL = text(
    "UPDATE response AS r SET scores = v.scores "
    "FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS v(id bigint, scores jsonb) "
    "WHERE r.id = v.id AND r.scores IS DISTINCT FROM v.scores"
)


@dataclass(frozen=True)
class PersonScores:
    """Many responses' person scores as arrays: a row per response, a column per
    dimension (``dimensions``) and per index (``indices``), in the order of the keys;
    NaN where the score is None."""

    dimension_keys: tuple[str, ...]
    index_keys: tuple[str, ...]
    dimensions: Floats
    indices: Floats

    def stored(self) -> list[StoredScores]:
        """Each row's scores as stored on the response."""
        return [
            {
                "dimensions": dict(zip(self.dimension_keys, d, strict=True)),
                "indices": dict(zip(self.index_keys, x, strict=True)),
            }
            for d, x in zip(_with_none(self.dimensions), _with_none(self.indices), strict=True)
        ]

    def json_rows(self, ids: Sequence[int]) -> str:
        """``[{"id": ids[i], "scores": <row i as stored>}, ...]`` as JSON text: each score
        written as ``json.dumps`` writes it (the float's repr; None as null)."""
        n = len(ids)
        if not n:
            return "[]"
        scores = np.concatenate([self.dimensions, self.indices], axis=1)
        fields = np.empty((n, 1 + scores.shape[1]), dtype=object)
        fields[:, 0] = [int(i) for i in ids]
        fields[:, 1:] = np.array(
            [_json_number(v) for v in scores.ravel().tolist()], dtype=object
        ).reshape(scores.shape)
        row = (
            '{"id":%d,"scores":{"dimensions":{'
            + _placeholders(self.dimension_keys)
            + '},"indices":{'
            + _placeholders(self.index_keys)
            + "}}}"
        )
        return "[" + ",".join([row] * n) % tuple(fields.ravel().tolist()) + "]"


def write_changed(
    session: Session,
    *,
    survey_id: int,
    ids: Sequence[int],
    scores: PersonScores,
) -> None:
    """Store row ``i`` of ``scores`` on response ``ids[i]`` (of the survey, ascending)
    where it differs from what is stored."""
    if not len(ids):
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_WRITE_CHANGED_POSTGRESQL, {"rows": scores.json_rows(ids)})
        return
    stored = dict(
        session.execute(
            select(_RESPONSES.c.id, _RESPONSES.c.scores).where(
                _RESPONSES.c.survey_id == survey_id, _RESPONSES.c.id.between(ids[0], ids[-1])
            )
        ).all()
    )
    changed = [
        {"rescored_id": id_, "rescored_scores": new}
        for id_, new in zip(ids, scores.stored(), strict=True)
        if stored.get(id_) != new
    ]
    if changed:
        session.execute(_WRITE_ONE, changed)


def _with_none(values: Floats) -> list[list[float | None]]:
    held = values.astype(object)
    held[np.isnan(values)] = None
    rows: list[list[float | None]] = held.tolist()
    return rows


def _json_number(value: float) -> str:
    return "null" if value != value else float.__repr__(value)


def _placeholders(keys: Sequence[str]) -> str:
    """``"key":%s`` for each key, its ``%`` escaped for the row's format string."""
    return ",".join(json.dumps(key).replace("%", "%%") + ":%s" for key in keys)

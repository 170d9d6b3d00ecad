"""Write many responses' person scores back at once, only where they changed.

What the ORM does for each loaded response whose ``scores`` is set again (an UPDATE only
when the new value differs from the stored one), for a whole batch in one or two
statements:

* PostgreSQL: one ``UPDATE … FROM jsonb_to_recordset(rows)`` that compares in the server
  (``IS DISTINCT FROM`` on ``jsonb``: numbers compare by value, as Python's ``==`` does),
  so the stored scores are never sent to Python and decoded. The batch travels as one JSON
  text, written straight from the score arrays (no dict per row, and no array literal,
  which psycopg would escape element by element in Python).
* Elsewhere: the stored scores of the batch read as text in one SELECT, compared with the
  text ``json.dumps`` makes of the new ones (the JSON type stores that text) and, where the
  texts differ, as values in Python; the changed ones written with one executemany of an
  UPDATE keyed by id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, Text, bindparam, cast, select, text, update
from sqlalchemy.orm import Session

from survey_service import json_codec
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

    def rows(self, which: Sequence[int] | None = None) -> list[StoredScores]:
        """Each row's scores (or those of rows ``which``) as stored on the response."""
        dimensions = self.dimensions if which is None else self.dimensions[list(which)]
        indices = self.indices if which is None else self.indices[list(which)]
        return [
            {
                "dimensions": dict(zip(self.dimension_keys, d, strict=True)),
                "indices": dict(zip(self.index_keys, x, strict=True)),
            }
            for d, x in zip(_with_none(dimensions), _with_none(indices), strict=True)
        ]

    def take(self, rows: npt.NDArray[np.bool_]) -> PersonScores:
        """These scores of the rows where ``rows`` is true."""
        return PersonScores(
            self.dimension_keys, self.index_keys, self.dimensions[rows], self.indices[rows]
        )

    def json_texts(self, *, separators: tuple[str, str] = (", ", ": ")) -> list[str]:
        """Each row's scores as stored, as ``json.dumps(scores, separators=separators)``
        writes them (the float's repr, None as null), made without a dict per row."""
        return self._texts(separators=separators, ensure_ascii=True, jsonb_order=False)

    def stored_texts(self, dialect: str) -> list[str]:
        """Each row's scores as the database gives them back as text once stored
        (``CAST(scores AS TEXT)``): what ``json.dumps`` wrote, or on PostgreSQL jsonb's own
        text (keys shortest first, UTF-8 unescaped). A float that repr writes with an
        exponent, or -0.0, comes back otherwise from jsonb: that row's text differs."""
        if dialect == "postgresql":
            return self._texts(separators=(", ", ": "), ensure_ascii=False, jsonb_order=True)
        return self.json_texts()

    def _texts(
        self, *, separators: tuple[str, str], ensure_ascii: bool, jsonb_order: bool
    ) -> list[str]:
        item, colon = separators
        objects = [
            ("dimensions", self.dimension_keys, self.dimensions),
            ("indices", self.index_keys, self.indices),
        ]
        if jsonb_order:
            # jsonb keeps an object's keys ordered by their length in bytes, then their bytes.
            objects.sort(key=lambda o: _jsonb_key(o[0]))
        parts = []
        columns = []
        for name, keys, scores in objects:
            placed = sorted(keys, key=_jsonb_key) if jsonb_order else list(keys)
            fields = item.join(
                json.dumps(k, ensure_ascii=ensure_ascii).replace("%", "%%") + colon + "%s"
                for k in placed
            )
            parts.append(f'"{name}"{colon}{{{fields}}}')
            columns.append(scores[:, [keys.index(k) for k in placed]])
        row = "{" + item.join(parts) + "}"
        values = np.concatenate(columns, axis=1)
        n, width = values.shape
        if not width:
            return [row] * n
        words = [_json_number(v) for v in values.ravel().tolist()]
        return [row % tuple(words[start : start + width]) for start in range(0, n * width, width)]


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
        texts = scores.json_texts(separators=(",", ":"))
        rows = ",".join(
            f'{{"id":{id_},"scores":{text}}}' for id_, text in zip(ids, texts, strict=True)
        )
        session.execute(_WRITE_CHANGED_POSTGRESQL, {"rows": f"[{rows}]"})
        return
    # Stored as JSON text by the JSON type (``json.dumps``): the same text is the same value,
    # and only rows whose text differs are decoded and compared.
    stored: dict[int, str] = dict(
        session.execute(
            select(_RESPONSES.c.id, cast(_RESPONSES.c.scores, Text)).where(
                _RESPONSES.c.survey_id == survey_id, _RESPONSES.c.id.between(ids[0], ids[-1])
            )
        ).all()
    )
    texts = scores.json_texts()
    differing = [k for k, id_ in enumerate(ids) if stored.get(id_) != texts[k]]
    if not differing:
        return
    new = scores.rows(differing)
    changed = [
        {"rescored_id": ids[k], "rescored_scores": scores_}
        for k, scores_ in zip(differing, new, strict=True)
        if _decoded(stored.get(ids[k])) != scores_
    ]
    if changed:
        session.execute(_WRITE_ONE, changed)


def _decoded(text: str | None) -> Any:
    return None if text is None else json_codec.loads(text)


def _with_none(values: Floats) -> list[list[float | None]]:
    held = values.astype(object)
    held[np.isnan(values)] = None
    rows: list[list[float | None]] = held.tolist()
    return rows


def _json_number(value: float) -> str:
    return "null" if value != value else float.__repr__(value)


def _jsonb_key(key: str) -> tuple[int, bytes]:
    encoded = key.encode()
    return len(encoded), encoded

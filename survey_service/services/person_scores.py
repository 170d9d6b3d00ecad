"""Write many responses' person scores back at once, only where they changed.

What the ORM does for each loaded response whose ``scores`` is set again (an UPDATE only
when the new value differs from the stored one), for a whole batch in one or two
statements:

* PostgreSQL: one ``UPDATE … FROM unnest(ids, scores)`` that compares in the server
  (``IS DISTINCT FROM`` on ``jsonb``: numbers compare by value, as Python's ``==`` does),
  so the stored scores are never sent to Python and decoded.
* Elsewhere: the stored scores of the batch read in one SELECT, compared in Python, and
  the changed ones written with one executemany of an UPDATE keyed by id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import BigInteger, Table, Text, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from survey_service.models import Response

_RESPONSES: Table = Response.__table__  # type: ignore[assignment]
_WRITE_ONE = (
    update(_RESPONSES)
    .where(_RESPONSES.c.id == bindparam("rescored_id"))
    .values(scores=bindparam("rescored_scores"))
)
_WRITE_CHANGED_POSTGRESQL = text(
    "UPDATE response AS r SET scores = v.scores "
    "FROM unnest(CAST(:ids AS bigint[]), CAST(:scores AS jsonb[])) AS v(id, scores) "
    "WHERE r.id = v.id AND r.scores IS DISTINCT FROM v.scores"
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)), bindparam("scores", type_=ARRAY(Text)))


def write_changed(
    session: Session,
    *,
    survey_id: int,
    ids: Sequence[int],
    scores: Sequence[Mapping[str, Any]],
) -> None:
    """Store ``scores[i]`` on response ``ids[i]`` (of the survey, ascending) where it
    differs from what is stored."""
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            _WRITE_CHANGED_POSTGRESQL,
            {"ids": list(ids), "scores": [json.dumps(s) for s in scores]},
        )
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
        for id_, new in zip(ids, scores, strict=True)
        if stored.get(id_) != new
    ]
    if changed:
        session.execute(_WRITE_ONE, changed)

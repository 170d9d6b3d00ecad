"""Count how often a survey's form is opened: the "started" of the fieldwork monitor.

One row per (survey, day, stripe); an opening adds one to a stripe picked at random, with an
UPSERT, so concurrent openings of a popular form neither queue on one row nor race to insert
it. Only the count is kept: no time of day, address or browser.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from survey_service.database import upsert
from survey_service.models import FormCounter

#: Rows per survey and day; reading sums them (``services/fieldwork.py``).
STRIPES = 8


def count_opened(session: Session, survey_id: int, *, today: date | None = None) -> None:
    """Add one opening of the form to today's count, inside the caller's transaction.

    On SQLite, call it at the start of a transaction (before any read), so the write lock is
    taken with the busy timeout rather than by upgrading a read snapshot, which can fail.
    """
    day = (today or datetime.now(UTC).date()).isoformat()
    values = {"survey_id": survey_id, "day": day, "stripe": random.randrange(STRIPES), "opened": 1}
    statement = upsert(session, FormCounter).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["survey_id", "day", "stripe"],
        set_={"opened": FormCounter.opened + 1},
    )
    session.execute(statement)

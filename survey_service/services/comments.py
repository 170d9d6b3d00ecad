"""Free-text answers for the survey's owner and analysts: what respondents wrote, screened.

The comments of a survey are released on the same terms as an export's free text, so that
reading them tells no more about a person than the export would:

- only once the survey has stopped collecting (two reads during fieldwork, compared, would
  show which comment came with the responses in between, and so with whom), and only when at
  least ``min_n`` people responded;
- an item shown only to some respondents (an ``enableWhen`` on their role, say) is released
  only when at least ``min_n`` responses were shown it: otherwise its comments come from a
  group too small to hide in;
- nothing but the text: no respondent attribute, date, language or id, and in a new random
  order at every read, so that no order carries the order of arrival;
- screened as the export screens free text (e-mail addresses, national identity and phone
  numbers masked), and every read is in the audit log.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.instruments import RESPONDENT_ATTRIBUTES, Item, is_enabled
from survey_service.models import Response, Survey
from survey_service.services import audit
from survey_service.services.collecting import accepting_responses
from survey_service.services.exports.text_screening import ScreenCounts, screen_text
from survey_service.services.instrument_catalog import as_instrument

#: Why comments are withheld, for the whole survey or for one item.
STILL_COLLECTING = "still_collecting"
FEWER_THAN_MIN_N = "fewer_than_min_n"
SHOWN_TO_FEWER_THAN_MIN_N = "shown_to_fewer_than_min_n"

_shuffle = random.SystemRandom().shuffle


def survey_comments(
    session: Session, survey: Survey, *, min_n: int, lang: str, actor: str
) -> dict[str, Any]:
    """The survey's screened comments per free-text item, or why they are withheld; the
    read is audited (in the caller's transaction)."""
    instrument = as_instrument(survey.instrument_version)
    items = [i for i in instrument.items_for(survey.audience) if i.type == "text"]
    # The published responses only, as in an export: those after the last snapshot are
    # never published (services/snapshots.py).
    rows = session.execute(
        select(Response.answers, *_attribute_columns()).where(
            Response.survey_id == survey.id, Response.published.is_(True)
        )
    ).all()
    reason = _withheld(survey, len(rows), min_n)
    screened = ScreenCounts()
    released = [_item_comments(item, rows, reason, min_n, lang, screened) for item in items]
    audit.record(
        session,
        actor,
        "comments.read",
        f"survey:{survey.id}",
        released=sum(len(item["comments"]) for item in released),
        withheld=reason,
    )
    return {
        "survey": survey.id,
        "min_n": min_n,
        "withheld": reason,
        "items": released,
        "masked": screened.as_dict(),
    }


def _attribute_columns() -> list[Any]:
    return [getattr(Response, name) for name in RESPONDENT_ATTRIBUTES]


def _withheld(survey: Survey, responses: int, min_n: int) -> str | None:
    if accepting_responses(survey):
        return STILL_COLLECTING
    if responses < min_n:
        return FEWER_THAN_MIN_N
    return None


def _item_comments(
    item: Item,
    rows: Sequence[Any],
    survey_reason: str | None,
    min_n: int,
    lang: str,
    screened: ScreenCounts,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"link_id": item.link_id, "text": item.text[lang]}
    reason = survey_reason
    if reason is None and item.enable_when:
        shown = sum(is_enabled(item, row.answers, _respondent(row)) for row in rows)
        reason = SHOWN_TO_FEWER_THAN_MIN_N if shown < min_n else None
    if reason is not None:
        return {**entry, "withheld": reason, "comments": []}
    comments = [
        screen_text(text.strip(), screened)
        for text in (row.answers.get(item.link_id) for row in rows)
        if isinstance(text, str) and text.strip()
    ]
    _shuffle(comments)
    return {**entry, "withheld": None, "comments": comments}


def _respondent(row: Any) -> Mapping[str, str]:
    return {name: getattr(row, name) for name in RESPONDENT_ATTRIBUTES if getattr(row, name)}

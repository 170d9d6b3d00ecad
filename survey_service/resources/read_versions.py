"""The validators of the reads a dashboard polls: what each one's body depends on.

Each takes the request (``conditional_get.Read``) and returns the state from
``services/read_state.py``, or None when the view will not answer 200 (a survey this key may
not see: the view's 404 answers, exactly as without a tag). A new read picks the validator
whose state covers every row its body reads:

- ``survey_results``: one survey's published figures (its row, snapshot and baseline);
- ``instrument_results``: figures across the surveys of the instrument in ``?instrument=``
  (every survey's scores, benchmarks); ``municipality_results`` the same for one
  municipality's trends;
- ``survey_and_instrument_results``: one survey's figures beside those of other surveys of its
  instrument (a chart with the benchmark, a breakdown that guards against other waves);
- ``municipality_part``: one municipality's part of an organiser's survey, as the last;
- ``fieldwork`` and ``comments``: those two reads, which also show live counts and text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from survey_service.conditional_get import Read
from survey_service.services import read_state
from survey_service.services.access import participating_surveys, visible_surveys


def survey_results(read: Read) -> Any:
    found = _survey(read)
    return None if found is None else found[1]


def instrument_results(read: Read) -> Any:
    instrument = read.query.get("instrument")
    if instrument is None:
        return None
    return read_state.instrument_state(read.session, instrument)


def municipality_results(read: Read) -> Any:
    """A municipality's figures across the surveys of the instrument in ``?instrument=``
    (its trends); None for a municipality key of another municipality (the view's 403)."""
    if not read.principal.may_see_municipality(str(read.path["number"])):
        return None
    return instrument_results(read)


def survey_and_instrument_results(read: Read) -> Any:
    found = _survey(read)
    if found is None:
        return None
    survey, state = found
    return [state, read_state.instrument_state_of(read.session, survey)]


def municipality_part(read: Read) -> Any:
    """One municipality's part of an organiser's survey (``/parts/{number}``), beside the
    other surveys of its instrument, as a breakdown is."""
    taking_part = participating_surveys(read.principal, str(read.path["number"]))
    found = read_state.survey_state(read.session, taking_part, _id(read), now=datetime.now(UTC))
    if found is None:
        return None
    survey, state = found
    return [state, read_state.instrument_state_of(read.session, survey)]


def fieldwork(read: Read) -> Any:
    found = read_state.fieldwork_state(
        read.session,
        visible_surveys(read.principal),
        _id(read),
        min_n=int(read.config["SURVEY_MIN_N"]),
        now=datetime.now(UTC),
    )
    return None if found is None else found[1]


def comments(read: Read) -> Any:
    found = read_state.comments_state(
        read.session,
        visible_surveys(read.principal),
        _id(read),
        min_n=int(read.config["SURVEY_MIN_N"]),
        now=datetime.now(UTC),
    )
    return None if found is None else found[1]


def _survey(read: Read) -> Any:
    visible = visible_surveys(read.principal)
    return read_state.survey_state(read.session, visible, _id(read), now=datetime.now(UTC))


def _id(read: Read) -> int:
    return int(read.path["survey_id"])

"""Hypothesis strategies for answer sets: valid ones built item by item, and each valid one
spoilt in one known way (shared by the pure and the HTTP property tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from survey_service.instruments import DONT_KNOW, PREFER_NOT_TO_SAY, Instrument, is_enabled
from survey_service.instruments.parts import Item


@dataclass(frozen=True)
class AnswerSet:
    instrument: Instrument = field(repr=False)  # printed by its key: the whole is pages long
    instrument_key: str
    audience: str
    answers: dict[str, Any]
    respondent: dict[str, str]
    #: the link id (or key) where the set is wrong; None when it is valid
    wrong_at: str | None = None


#: Text a client can send and a database can store: no NUL, no lone surrogate.
STORABLE = st.characters(codec="utf-8", exclude_characters="\x00")


def _valid_value(item: Item) -> st.SearchStrategy[Any]:
    choices: list[st.SearchStrategy[Any]] = []
    if item.type == "text":
        choices.append(st.text(STORABLE, min_size=1, max_size=min(item.max_length or 200, 200)))
    elif item.scale is not None:
        low, high = item.scale
        choices.append(st.integers(min_value=low, max_value=high))
        # The documented lenient forms: a string of digits, an integral float.
        choices.append(st.integers(min_value=low, max_value=high).map(str))
        choices.append(st.integers(min_value=low, max_value=high).map(float))
    else:
        choices.append(st.sampled_from(item.values))
    if item.dont_know:
        choices.append(st.just(DONT_KNOW))
    return st.one_of(choices).filter(lambda v: not (isinstance(v, str) and not v.strip()))


def _normalised(item: Item, value: Any) -> Any:
    if value == DONT_KNOW or item.scale is None:
        return value.strip() if isinstance(value, str) else value
    return int(value)


@st.composite
def valid_answer_sets(draw: st.DrawFn, instruments: list[Instrument]) -> AnswerSet:
    """Every enabled required item answered, any other enabled item maybe, none disabled."""
    instrument = draw(st.sampled_from(instruments))
    audience = draw(st.sampled_from(instrument.audiences))
    respondent = {a.attribute: PREFER_NOT_TO_SAY for a in instrument.respondent_attributes}
    answers: dict[str, Any] = {}
    seen: dict[str, Any] = {}  # normalised, as the conditions compare them
    for item in instrument.items_for(audience):
        if not is_enabled(item, seen, respondent):
            continue
        if item.required or draw(st.booleans()):
            value = draw(_valid_value(item))
            answers[item.link_id] = value
            seen[item.link_id] = _normalised(item, value)
    return AnswerSet(instrument, instrument.key, audience, answers, respondent)


def expected_result(answer_set: AnswerSet) -> dict[str, Any]:
    items = {item.link_id: item for item in answer_set.instrument.items}
    return {k: _normalised(items[k], v) for k, v in answer_set.answers.items()}


WRONG_TYPES = st.one_of(
    st.just([1]), st.just({"value": 1}), st.just(True), st.just(2.5), st.just(float("inf"))
)


@st.composite
def invalid_answer_sets(draw: st.DrawFn, instruments: list[Instrument]) -> AnswerSet:
    """A valid set with one answer made wrong: its type, its range, its item, its condition."""
    base = draw(valid_answer_sets(instruments))
    instrument, answers = base.instrument, dict(base.answers)
    shown = instrument.items_for(base.audience)
    spoils = ["unknown_item", "wrong_type", "out_of_range", "dont_know", "too_long", "disabled"]
    spoil = draw(st.sampled_from(spoils))
    target: Item | None = None
    if spoil == "wrong_type":
        target = draw(st.sampled_from(shown))
        answers[target.link_id] = draw(WRONG_TYPES)
    elif spoil == "out_of_range" and any(i.scale for i in shown):
        target = draw(st.sampled_from([i for i in shown if i.scale]))
        assert target.scale is not None
        low, high = target.scale
        answers[target.link_id] = draw(
            st.integers(max_value=low - 1) | st.integers(min_value=high + 1)
        )
    elif spoil == "dont_know" and any(not i.dont_know and i.type != "text" for i in shown):
        target = draw(st.sampled_from([i for i in shown if not i.dont_know and i.type != "text"]))
        answers[target.link_id] = DONT_KNOW
    elif spoil == "too_long" and any(i.max_length for i in shown):
        target = draw(st.sampled_from([i for i in shown if i.max_length]))
        assert target.max_length is not None
        answers[target.link_id] = "x" * (target.max_length + 1)
    elif spoil == "disabled" and _disabled(base):
        target = draw(st.sampled_from(_disabled(base)))
        answers[target.link_id] = draw(_valid_value(target))
    else:
        unknown = st.text(STORABLE, min_size=1, max_size=30).filter(
            lambda k: not instrument.has_item(k)
        )
        link_id = draw(unknown)
        answers[link_id] = 1
        return AnswerSet(
            instrument, instrument.key, base.audience, answers, base.respondent, link_id
        )
    return AnswerSet(
        instrument, instrument.key, base.audience, answers, base.respondent, target.link_id
    )


def _disabled(answer_set: AnswerSet) -> list[Item]:
    """The items that the set's answers disable, with every item before them answered as is."""
    seen: dict[str, Any] = {}
    out = []
    items = {item.link_id: item for item in answer_set.instrument.items}
    for item in answer_set.instrument.items_for(answer_set.audience):
        if not is_enabled(item, seen, answer_set.respondent):
            out.append(item)
        elif item.link_id in answer_set.answers:
            seen[item.link_id] = _normalised(items[item.link_id], answer_set.answers[item.link_id])
    return out

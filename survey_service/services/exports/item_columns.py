"""The column of one item of an instrument version: its codes, value labels, declared missing
code and a description for people. Pure, no database.

How an item's answers are coded is described in :mod:`.columns`. Each item type gets a
builder of its own, because each codes its answers differently: free text is a string,
a choice item is numbered 1..n in the order of its options, and a scaled item (Likert,
rating, dice) keeps its value.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from survey_service.instruments import AUDIENCES, UI_LABELS, Condition, Item, Text
from survey_service.services.exports.columns import (
    DONT_KNOW_CODE,
    Category,
    Column,
    dont_know_column,
)


def _condition(condition: Condition) -> str:
    subject = condition.question or condition.respondent
    if condition.operator == "exists":
        return f"{subject} {'is given' if condition.answer else 'is not given'}"
    answer = condition.answer
    shown = f"[{', '.join(map(str, answer))}]" if isinstance(answer, tuple) else str(answer)
    return f"{subject} {condition.operator} {shown}"


def shown_only_if(item: Item) -> str:
    """The item's ``enableWhen`` for people ("" when it is always shown), with a note where
    disclosure control may set it to missing."""
    if not item.enable_when:
        return ""
    joiner = " or " if item.enable_behavior == "any" else " and "
    text = "shown only if " + joiner.join(_condition(c) for c in item.enable_when)
    attributes = sorted({c.respondent for c in item.enable_when if c.respondent})
    if attributes:
        text += (
            f" (also missing where the released {' / '.join(attributes)} does not tell "
            "whether it was shown: disclosure control)"
        )
    return text


def item_column(
    item: Item, *, audience: str | None = None, dont_know_code: bool = True
) -> tuple[Column, dict[str, int] | None]:
    """The item's column, labelled with ``audience``'s wording when one audience answered
    (None: several), and for a choice item the code of each option value (which the rows need
    to write its answers). ``dont_know_code``: "don't know" is the declared missing code
    (SPSS), else it is empty here and told by :func:`dont_know_indicator`'s column."""
    missing: tuple[Category, ...] = ()
    if item.dont_know and dont_know_code:
        missing = (Category(DONT_KNOW_CODE, UI_LABELS["dont_know"], DONT_KNOW_CODE),)
    condition = shown_only_if(item)
    if item.type == "text":
        column: Column = _text_column(item, condition)
        codes = None
    elif item.type == "choice":
        column, codes = _choice_column(item, missing, condition)
    else:
        column, codes = _scaled_column(item, missing, condition), None
    if not item.text_variants:
        return column, codes
    worded = replace(column, label=wording(item, audience), wordings=audience_wordings(item))
    return worded, codes


def wording(item: Item, audience: str | None) -> Text:
    """The item's text in every language, in ``audience``'s own wording where it has one."""
    if audience is not None and audience in item.text_variants:
        return item.text_variants[audience]
    return item.text


def audience_wordings(item: Item) -> dict[str, Text]:
    """Each audience the item is shown to, with its wording."""
    return {a: wording(item, a) for a in AUDIENCES if item.shown_to(a)}


def _text_column(item: Item, condition: str) -> Column:
    return Column(
        item.link_id,
        "string",
        item.text,
        "text",
        width=255,
        description=condition,
        source=item.link_id,
    )


def _choice_column(
    item: Item, missing: tuple[Category, ...], condition: str
) -> tuple[Column, dict[str, int]]:
    codes = {str(o.value): i for i, o in enumerate(item.answer_options, start=1)}
    categories = tuple(
        Category(codes[str(o.value)], o.label, codes[str(o.value)]) for o in item.answer_options
    )
    return Column(
        item.link_id,
        "integer",
        item.text,
        "item",
        "nominal",
        categories,
        missing,
        description="; ".join(
            x
            for x in ("codes: " + ", ".join(f"{n} = {c}" for c, n in codes.items()), condition)
            if x
        ),
        source=item.link_id,
    ), codes


def _scaled_column(item: Item, missing: tuple[Category, ...], condition: str) -> Column:
    """A Likert, rating or dice item: labelled options for Likert, labelled ends otherwise."""
    if item.type == "likert":
        categories = tuple(
            Category(int(o.value), o.label, int(o.value)) for o in item.answer_options
        )
    else:
        low, high = item.scale or (1, 6)
        ends = []
        if item.min_label is not None:
            ends.append(Category(low, item.min_label, low))
        if item.max_label is not None:
            ends.append(Category(high, item.max_label, high))
        categories = tuple(ends)
    scale = item.scale
    description = f"scale {scale[0]}-{scale[1]}" if scale else ""
    if item.reverse:
        description += ", reverse-scored"
    if condition:
        description = f"{description}; {condition}" if description else condition
    return Column(
        item.link_id,
        "integer",
        item.text,
        "item",
        "ordinal",
        categories,
        missing,
        description=description,
        source=item.link_id,
    )


#: The values of a "don't know" indicator.
DONT_KNOW_VALUES = (
    Category(0, MappingProxyType({"nb": "Svarte", "nn": "Svarte", "en": "Answered"}), 0),
    Category(1, UI_LABELS["dont_know"], 1),
)


def dont_know_indicator(item: Item) -> Column:
    """The column that tells, for an item with a "don't know" option, who chose it: 1 don't
    know, 0 an answer on the scale, empty no answer."""
    return Column(
        dont_know_column(item.link_id),
        "integer",
        item.text,
        "dont_know",
        "nominal",
        DONT_KNOW_VALUES,
        description=f'1 = {item.link_id} answered "don\'t know", 0 = answered on the scale, '
        "empty = not answered",
        source=item.link_id,
    )

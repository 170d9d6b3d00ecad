"""How many gave each answer: the distribution of a scored item, beside its 0–100 score.

What a response adds (``score_store.contribution``, kept like every other figure): for each
scored item it answered, one count of its value (``"dont_know"`` included). In the published
snapshot the counts of the values move with the item's score, only once ``min_n`` of its
answers have changed (or the counts would show the score between two of its steps), and the
count of don't know moves on its own, once ``min_n`` don't knows have changed.

What a reader is shown: each value's count and its share of those who answered the item
(don't know included), with an interval. A share is computed as the mean of a 0/100
indicator over those who answered, by the very path of every other figure (weighting by the
snapshot's margins, the interval method), so it is a figure like the others. The
distribution is withheld whenever the item's score is (the counts give the score), and when
the answers, don't know included, come from fewer than ``min_n`` people or from fewer than
``2 × min_n`` who all gave the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from survey_service.instruments import DONT_KNOW, Instrument, Item
from survey_service.services.score_report import Report, Rules
from survey_service.services.score_store import (
    NO_MOMENTS,
    Aggregate,
    Cells,
    Moments,
    dont_know_key,
)

#: The derived share of one value among those who answered, as a measure on 0–100.
SHARE = "share"


def share_key(link_id: str, value: object) -> str:
    return f"{SHARE}:{link_id}={value}"


def counted_items(instrument: Instrument) -> list[Item]:
    return [item for item in instrument.items if item.scale is not None]


def values_of(item: Item) -> list[object]:
    return [*item.values, *([DONT_KNOW] if item.dont_know else [])]


@dataclass(frozen=True)
class Counted:
    """A counted item: its link id, its values and their share keys, its don't-know key."""

    link_id: str
    shares: tuple[str, ...]  # one per value of the item, in order
    dont_know: str | None  # the don't-know share key, if the item offers it


def counted(instrument: Instrument) -> list[Counted]:
    """Every counted item with its keys, made once per read rather than once per cell."""
    return [
        Counted(
            item.link_id,
            tuple(share_key(item.link_id, v) for v in item.values),
            share_key(item.link_id, DONT_KNOW) if item.dont_know else None,
        )
        for item in counted_items(instrument)
    ]


def _chosen(stats: Aggregate, item: Counted) -> list[tuple[str, float]]:
    """Each value's share key with how many in the cell gave it, don't know last."""
    values = stats.counts.get(item.link_id) or (0.0,) * len(item.shares)
    chosen = list(zip(item.shares, values, strict=True))
    if item.dont_know is not None:
        chosen.append(
            (item.dont_know, stats.measures.get(dont_know_key(item.link_id), NO_MOMENTS).n)
        )
    return chosen


def with_shares(cells: Cells, items: list[Counted]) -> Cells:
    """The cells with each value's count turned into its share among the cell's answers to
    the item (a 0/100 indicator's moments); the counts themselves leave."""
    out: Cells = {}
    for cell, (n, stats) in cells.items():
        measures = {k: v for k, v in stats.measures.items() if not k.startswith("dk:")}
        for item in items:
            chosen = _chosen(stats, item)
            answered = sum(count for _share, count in chosen)
            if answered <= 0:
                continue
            for share, count in chosen:
                measures[share] = Moments(answered, 100.0 * count, 10_000.0 * count)
        out[cell] = (n, Aggregate(measures, stats.alpha, stats.changes))
    return out


def value_counts(cells: Cells, items: list[Counted]) -> dict[str, int]:
    """How many gave each value of each counted item (``share_key`` -> count)."""
    totals: dict[str, float] = {}
    for _n, stats in cells.values():
        for item in items:
            for share, count in _chosen(stats, item):
                totals[share] = totals.get(share, 0.0) + count
    return {share: int(round(total)) for share, total in totals.items()}


def present(
    report: Report,
    item: Item,
    rules: Rules,
    *,
    score_withheld: str | None,
    publish: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    """The item's distribution as published (each value's figure through ``publish``, the
    one door of every figure), or withheld with the reason. The counts of the values give
    the item's score, so a withheld score withholds them too."""
    values = values_of(item)
    keys = [share_key(item.link_id, v) for v in values]
    counts = [report.value_counts.get(key, 0) for key in keys]
    answered = sum(counts)
    reason = score_withheld or _withheld(report.n, counts, rules)
    if reason is not None:
        return {"n": None, "suppressed": True, "suppression_reason": reason, "values": None}
    entries = []
    for value, key, count in zip(values, keys, counts, strict=True):
        share = publish(report, key, rules)
        entries.append(
            {
                "value": value,
                "count": count,
                "share": share["estimate"],
                "confidence_interval": share["confidence_interval"],
            }
        )
    return {"n": answered, "suppressed": False, "suppression_reason": None, "values": entries}


def _withheld(respondents: int, counts: list[int], rules: Rules) -> str | None:
    """Why the distribution of answers ``counts`` may not be published, or None."""
    answered = sum(counts)
    if respondents < rules.min_n or answered < rules.min_n:
        return "fewer_than_min_n"
    if max(counts) == answered and answered < 2 * rules.min_n:
        return "all_gave_the_same_answer"
    return None

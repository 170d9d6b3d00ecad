"""How each published figure is recomputed from an export's columns. Pure.

An export of a closed survey releases exactly the responses its final figures hold
(``services/snapshots.py``), so wherever disclosure control lets a survey's rows out whole
(no row suppressed, the survey's rows told apart by the ``survey`` column, no conditional
item blanked), the mean of a column over the survey's rows is its published unweighted
estimate, and the weighted mean with the row's weight its weighted one. The codebook lists
the formula for every figure the layout has a column for.
"""

from __future__ import annotations

from typing import Any

from survey_service.instruments import Item
from survey_service.services.exports.columns import (
    WEIGHT,
    Layout,
    dimension_column,
    dont_know_column,
    index_column,
    weight_column,
)

SCOPE = (
    "Over the rows of one survey (its `survey` column), where disclosure control released "
    "them whole: the figures of a closed survey are computed from exactly the rows its "
    "export releases. `mean(y)` is the plain mean over the rows where y is not empty; "
    "`wmean(y, w)` is sum(w * y) / sum(w) over the same rows. A published figure is "
    "unweighted when the survey's scores say `weighting.method` none (then every weight is "
    "1 and both agree)."
)


def figure_formulas(layout: Layout) -> list[dict[str, Any]]:
    """For every item score, dimension and index with a column in ``layout``: where the
    scores API publishes it, and the formula that reproduces it from the columns."""
    instrument = layout.instrument
    names = set(layout.names)
    weighted = set(layout.weighted_figures)
    out = []
    for item in instrument.items:
        if item.scale is None or item.link_id not in names:
            continue
        out.append(_entry(f"item:{item.link_id}", _item_score(item), item.link_id, weighted))
        if item.dont_know and dont_know_column(item.link_id) in names:
            out.append(_dont_know_share(item))
    for dimension in instrument.dimensions:
        column = dimension_column(dimension.key)
        if column in names:
            out.append(_entry(f"dim:{dimension.key}", column, column, weighted))
    for index in instrument.indices:
        column = index_column(index.key)
        if column in names:
            out.append(_entry(f"idx:{index.key}", column, column, weighted))
    return out


def _entry(measure: str, y: str, column: str, weighted: set[str]) -> dict[str, Any]:
    kind, _, key = measure.partition(":")
    section = {"item": "items", "dim": "dimensions", "idx": "indices"}[kind]
    weight = weight_column(measure) if measure in weighted else WEIGHT
    return {
        "figure": measure,
        "published_as": f"{section}[key={key}].estimate",
        "n": f"count of rows where {column} is not empty (nor -1, don't know, in SPSS)",
        "unweighted": f"mean({y})",
        "weighted": f"wmean({y}, {weight})",
    }


def _item_score(item: Item) -> str:
    """The 0–100 score of an item's column, as the scores are computed."""
    assert item.scale is not None
    low, high = item.scale
    score = f"({item.link_id} - {low:g}) / {high - low:g} * 100"
    return f"100 - {score}" if item.reverse else score


def _dont_know_share(item: Item) -> dict[str, Any]:
    indicator = dont_know_column(item.link_id)
    return {
        "figure": f"share:{item.link_id}=dont_know",
        "published_as": f"items[key={item.link_id}].distribution.dont_know.share",
        "n": f"count of rows where {indicator} is not empty",
        "unweighted": f"mean({indicator}) * 100",
        "weighted": f"wmean({indicator}, {WEIGHT}) * 100, when the item's answers (don't "
        "know included) are weighted like all respondents",
    }


def formulas_markdown(layout: Layout) -> list[str]:
    """The formulas as Markdown lines."""
    lines = ["## Reproducing the published figures", "", SCOPE, ""]
    lines += ["| figure | published as | unweighted | weighted |", "|---|---|---|---|"]
    for entry in figure_formulas(layout):
        lines.append(
            f"| `{entry['figure']}` | `{entry['published_as']}` | `{entry['unweighted']}` "
            f"| `{entry['weighted']}` |"
        )
    return lines

"""``scoring``: a rule per dimension, indices over dimensions, and the staircase."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from .parts import Dimension, DimensionRule, GapPair, IndexRule, Item, Scoring, Staircase
from .schema_reader import Reader, literal

__all__ = ["read_scoring"]


def read_scoring(
    r: Reader,
    value: object,
    dimensions: tuple[Dimension, ...],
    items: Mapping[str, Item],
    all_ids: AbstractSet[str],
) -> Scoring | None:
    """The scoring rules; ``items`` are the usable items, ``all_ids`` every link id."""
    start = r.mark()
    m = r.checked_mapping(value, "scoring", {"dimensions", "indices", "staircase"}, ("dimensions",))
    if m is None:
        return None
    dim_keys = [d.key for d in dimensions]
    rules = _dimension_rules(r, m, dim_keys, items, all_ids)
    # A gap is on −100..100, so it cannot share a mean or a threshold with 0–100 scores.
    gap_dims = {rule.dimension for rule in rules if rule.method == "gap"}
    indices = _indices(r, m, dim_keys, gap_dims)
    staircase = None
    if m.get("staircase") is not None:
        staircase = _staircase(r, m["staircase"], "scoring.staircase", dim_keys, gap_dims)
    if r.found_since(start):
        return None
    return Scoring(tuple(rules), tuple(indices), staircase)


def _dimension_rules(
    r: Reader,
    m: Mapping[str, Any],
    dim_keys: list[str],
    items: Mapping[str, Item],
    all_ids: AbstractSet[str],
) -> list[DimensionRule]:
    """One rule for each declared dimension, in the order the dimensions are declared."""
    raw_rules = r.mapping(m.get("dimensions", {}), "scoring.dimensions") or {}
    for name in raw_rules:
        if name not in dim_keys:
            r.add(
                f"scoring.dimensions.{name}",
                f"unknown dimension {name!r} (declared: {', '.join(dim_keys)})",
                "unknown_reference",
            )
    rules: list[DimensionRule] = []
    for key in dim_keys:
        path = f"scoring.dimensions.{key}"
        if key not in raw_rules:
            r.add(path, f"dimension {key!r} has no items (no scoring rule)", "empty")
            continue
        rule = _dimension_rule(r, key, raw_rules[key], path, _RuleItems(r, items, all_ids))
        if rule is not None:
            rules.append(rule)
    return rules


class _RuleItems:
    """Checks the items one rule names: each exists, is scored, and is named once."""

    def __init__(self, r: Reader, items: Mapping[str, Item], all_ids: AbstractSet[str]) -> None:
        self.r = r
        self.items = items
        self.all_ids = all_ids
        self.used: list[str] = []

    def ref(self, value: object, path: str) -> str | None:
        if not isinstance(value, str) or value not in self.all_ids:
            self.r.add(path, f"unknown item {literal(value)}", "unknown_reference")
            return None
        # An item with problems of its own is not in ``items``: nothing more to say about it.
        item = self.items.get(value)
        if item is not None and not item.scored:
            self.r.add(
                path, f"item {value!r} is a {item.type} item and cannot be scored", "not_scored"
            )
        if value in self.used:
            self.r.add(path, f"item {value!r} is used twice in this dimension", "duplicate")
        self.used.append(value)
        return value


def _dimension_rule(
    r: Reader, key: str, raw: object, path: str, refs: _RuleItems
) -> DimensionRule | None:
    m = r.mapping(raw, path)
    if m is None:
        return None
    start = r.mark()
    method = m.get("method", "mean")
    if method not in ("mean", "gap"):
        r.add(
            f"{path}.method",
            f"unknown method {literal(method)} (allowed: mean, gap)",
            "unknown_method",
        )
        return None
    ids: tuple[str, ...] = ()
    pairs: tuple[GapPair, ...] = ()
    if method == "mean":
        ids, count = _mean_items(r, m, path, key, refs)
    else:
        pairs, count = _gap_pairs(r, m, path, key, refs)
    min_answered = _min_answered(r, m, path, count, "items" if method == "mean" else "pairs")
    if r.found_since(start):
        return None
    return DimensionRule(key, str(method), min_answered, ids, pairs)


def _mean_items(
    r: Reader, m: Mapping[str, Any], path: str, key: str, refs: _RuleItems
) -> tuple[tuple[str, ...], int]:
    """The items of a ``mean`` dimension, and how many were listed."""
    seq = _rule_list(r, m, path, "items", f"dimension {key!r} has no items")
    ids = (refs.ref(v, f"{path}.items[{i}]") for i, v in enumerate(seq))
    return tuple(i for i in ids if i is not None), len(seq)


def _gap_pairs(
    r: Reader, m: Mapping[str, Any], path: str, key: str, refs: _RuleItems
) -> tuple[tuple[GapPair, ...], int]:
    """The (expectation, experience) pairs of a ``gap`` dimension, and how many were listed."""
    seq = _rule_list(r, m, path, "pairs", f"gap dimension {key!r} has no item pairs")
    pairs: list[GapPair] = []
    for i, raw in enumerate(seq):
        pair_path = f"{path}.pairs[{i}]"
        fields = ("expectation", "experience")
        pm = r.checked_mapping(raw, pair_path, set(fields), fields)
        if pm is None:
            continue
        expectation = refs.ref(pm.get("expectation"), f"{pair_path}.expectation")
        experience = refs.ref(pm.get("experience"), f"{pair_path}.experience")
        if expectation is not None and experience is not None:
            pairs.append(GapPair(expectation, experience))
    return tuple(pairs), len(seq)


def _rule_list(
    r: Reader, m: Mapping[str, Any], path: str, field: str, when_empty: str
) -> Sequence[Any]:
    """The list a rule's method reads (``items`` or ``pairs``), after checking the fields
    that method allows."""
    r.check_fields(m, path, {"method", field, "minAnswered"}, (field,))
    seq = r.sequence(m.get(field, []), f"{path}.{field}") or []
    if not seq:
        r.add(f"{path}.{field}", when_empty, "empty")
    return seq


def _min_answered(r: Reader, m: Mapping[str, Any], path: str, count: int, what: str) -> int:
    """``minAnswered``; by default half the items (or pairs), rounded up."""
    min_answered = r.integer(m, "minAnswered", path)
    if min_answered is None:
        return max(1, math.ceil(count / 2))
    if not 1 <= min_answered <= max(count, 1):
        r.add(
            f"{path}.minAnswered",
            f"must be between 1 and {count} (the number of {what}), got {min_answered}",
            "out_of_range",
        )
    return min_answered


def _indices(
    r: Reader, m: Mapping[str, Any], dim_keys: list[str], gap_dims: AbstractSet[str]
) -> list[IndexRule]:
    indices: list[IndexRule] = []
    if m.get("indices") is None:
        return indices
    for name, raw in (r.mapping(m["indices"], "scoring.indices") or {}).items():
        path = f"scoring.indices.{name}"
        if r.key(name, path, "index key") is None:
            continue
        # Indices and dimensions are reported side by side under their keys.
        if name in dim_keys:
            r.add(path, f"index key {name!r} is also a dimension key", "duplicate")
        index = _index(r, name, raw, path, dim_keys, gap_dims)
        if index is not None:
            indices.append(index)
    return indices


def _index(
    r: Reader,
    name: str,
    raw: object,
    path: str,
    dim_keys: list[str],
    gap_dims: AbstractSet[str],
) -> IndexRule | None:
    start = r.mark()
    fields = {"title", "method", "dimensions", "minDimensions"}
    m = r.checked_mapping(raw, path, fields, ("title", "dimensions"))
    if m is None:
        return None
    title = r.text(m["title"], f"{path}.title") if "title" in m else None
    method = m.get("method", "mean")
    if method != "mean":
        r.add(
            f"{path}.method", f"unknown method {literal(method)} (allowed: mean)", "unknown_method"
        )
    seq = r.sequence(m.get("dimensions", []), f"{path}.dimensions") or []
    if not seq:
        r.add(f"{path}.dimensions", "an index needs at least one dimension", "empty")
    dims = _dimension_list(
        r,
        seq,
        f"{path}.dimensions",
        dim_keys,
        gap_dims,
        "(−100..100) cannot be averaged into an index",
    )
    min_dims = r.integer(m, "minDimensions", path)
    if min_dims is None:
        min_dims = len(seq)
    elif not 1 <= min_dims <= max(len(seq), 1):
        r.add(
            f"{path}.minDimensions",
            f"must be between 1 and {len(seq)}, got {min_dims}",
            "out_of_range",
        )
    if r.found_since(start) or title is None:
        return None
    return IndexRule(name, title, "mean", dims, min_dims)


def _staircase(
    r: Reader, raw: object, path: str, dim_keys: list[str], gap_dims: AbstractSet[str]
) -> Staircase | None:
    start = r.mark()
    m = r.checked_mapping(raw, path, {"threshold", "steps"}, ("threshold", "steps"))
    if m is None:
        return None
    threshold = m.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        r.add(f"{path}.threshold", f"must be a number, got {literal(threshold)}", "type")
    elif not (math.isfinite(threshold) and 0 <= threshold <= 100):
        r.add(f"{path}.threshold", f"threshold {threshold} is outside 0–100", "out_of_range")
    seq = r.sequence(m.get("steps", []), f"{path}.steps") or []
    if len(seq) < 2:
        r.add(f"{path}.steps", "a staircase needs at least 2 steps", "too_few")
    steps = _dimension_list(
        r, seq, f"{path}.steps", dim_keys, gap_dims, "cannot be a staircase step"
    )
    if r.found_since(start):
        return None
    assert isinstance(threshold, int | float)
    return Staircase(float(threshold), steps)


def _dimension_list(
    r: Reader,
    seq: Sequence[Any],
    path: str,
    dim_keys: list[str],
    gap_dims: AbstractSet[str],
    why_not_gap: str,
) -> tuple[str, ...]:
    """Declared dimensions, each once; ``why_not_gap`` completes the message for a gap."""
    dims: list[str] = []
    for i, d in enumerate(seq):
        item_path = f"{path}[{i}]"
        if d not in dim_keys:
            r.add(item_path, f"unknown dimension {literal(d)}", "unknown_reference")
        elif d in gap_dims:
            r.add(item_path, f"gap dimension {d!r} {why_not_gap}", "not_scored")
        elif d in dims:
            r.add(item_path, f"dimension {d!r} is listed twice", "duplicate")
        else:
            dims.append(d)
    return tuple(dims)

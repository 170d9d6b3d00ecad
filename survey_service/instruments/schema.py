"""The definition format: parse (validate) a mapping into an :class:`Instrument`, and dump it.

Every problem is collected, with a path into the definition (``item[3].text.nn``, 0-based
list indices; ``scoring.dimensions.kvalitet.items[2]``), before anything is built, so an
author sees all of them at once. The format is described in ``FORMAT.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import yaml

from .errors import InstrumentError, Problem
from .model import (
    AnswerOption,
    AttributeRequest,
    Condition,
    ConditionValue,
    Dimension,
    DimensionRule,
    GapPair,
    IndexRule,
    Instrument,
    Item,
    Scoring,
    Staircase,
)
from .vocabulary import (
    AUDIENCES,
    DONT_KNOW,
    ITEM_TYPES,
    LANGUAGES,
    PREFER_NOT_TO_SAY,
    RESPONDENT_ATTRIBUTES,
    Text,
)

__all__ = ["DEFAULT_MAX_LENGTH", "OPERATORS", "parse", "parse_version", "parse_yaml"]

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
# semver.org's grammar (pre-release and build metadata allowed, no leading zeros).
SEMVER_RE = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
OPERATORS: tuple[str, ...] = ("exists", "=", "!=", ">", ">=", "<", "<=", "in")
DEFAULT_MAX_LENGTH = 2000
MAX_TEXT_LENGTH = 4000
LANGUAGE_NAMES = {"nb": "Bokmål (nb)", "nn": "Nynorsk (nn)", "en": "English (en)"}

_TOP = {
    "key",
    "version",
    "title",
    "introduction",
    "audiences",
    "respondentAttributes",
    "answerValueSets",
    "dimensions",
    "item",
    "scoring",
}
_COMMON_ITEM = {
    "linkId",
    "type",
    "text",
    "textVariants",
    "required",
    "audiences",
    "enableWhen",
    "enableBehavior",
}
_ITEM_KEYS = {
    "likert": _COMMON_ITEM | {"answerOption", "answerValueSet", "reverse", "dontKnow"},
    "rating": _COMMON_ITEM
    | {"minValue", "maxValue", "minLabel", "maxLabel", "reverse", "dontKnow"},
    "dice": _COMMON_ITEM | {"minLabel", "maxLabel", "reverse", "dontKnow"},
    "choice": _COMMON_ITEM | {"answerOption", "answerValueSet", "dontKnow"},
    "text": _COMMON_ITEM | {"maxLength"},
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fmt(value: object) -> str:
    return repr(value)


class _Parser:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, code: str = "invalid") -> None:
        self.problems.append(Problem(path, message, code))

    # -- primitives -----------------------------------------------------------------------

    def mapping(self, value: object, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.add(path, f"must be a mapping, got {type(value).__name__}", "type")
            return None
        return value

    def sequence(self, value: object, path: str) -> Sequence[Any] | None:
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.add(path, f"must be a list, got {type(value).__name__}", "type")
            return None
        return value

    def keys(
        self, m: Mapping[str, Any], path: str, allowed: set[str], required: Sequence[str] = ()
    ) -> None:
        for name in m:
            if name not in allowed:
                hint = ", ".join(sorted(allowed))
                self.add(
                    _join(path, str(name)),
                    f"unknown field {name!r} (allowed: {hint})",
                    "unknown_field",
                )
        for name in required:
            if name not in m:
                self.add(_join(path, name), f"required field {name!r} is missing", "missing")

    def text(self, value: object, path: str) -> Text | None:
        m = self.mapping(value, path)
        if m is None:
            return None
        ok = True
        for lang in m:
            if lang not in LANGUAGES:
                self.add(
                    f"{path}.{lang}",
                    f"unknown language {lang!r} (allowed: nb, nn, en)",
                    "unknown_language",
                )
                ok = False
        out: dict[str, str] = {}
        for lang in LANGUAGES:
            t = m.get(lang)
            if t is None:
                self.add(
                    f"{path}.{lang}", f"missing {LANGUAGE_NAMES[lang]} text", "missing_translation"
                )
                ok = False
            elif not isinstance(t, str) or not t.strip():
                self.add(
                    f"{path}.{lang}",
                    f"{LANGUAGE_NAMES[lang]} text must be a non-empty string, got {_fmt(t)}",
                    "missing_translation",
                )
                ok = False
            elif len(t) > MAX_TEXT_LENGTH:
                self.add(f"{path}.{lang}", f"text is longer than {MAX_TEXT_LENGTH} characters")
                ok = False
            else:
                out[lang] = t.strip()
        return MappingProxyType(out) if ok else None

    def opt_text(self, m: Mapping[str, Any], name: str, path: str) -> Text | None:
        if m.get(name) is None:
            return None
        return self.text(m[name], _join(path, name))

    def key(
        self, value: object, path: str, what: str = "key", pattern: re.Pattern[str] = KEY_RE
    ) -> str | None:
        if not isinstance(value, str) or not pattern.match(value):
            self.add(
                path,
                f"{what} {_fmt(value)} must be lower-case ASCII letters, digits and "
                "underscores, starting with a letter, at most 64 characters",
                "bad_key",
            )
            return None
        return value

    def flag(self, m: Mapping[str, Any], name: str, path: str, default: bool = False) -> bool:
        value = m.get(name, default)
        if not isinstance(value, bool):
            self.add(_join(path, name), f"must be true or false, got {_fmt(value)}", "type")
            return default
        return value

    def integer(self, m: Mapping[str, Any], name: str, path: str) -> int | None:
        value = m.get(name)
        if value is None:
            return None
        if not _is_int(value):
            self.add(_join(path, name), f"must be an integer, got {_fmt(value)}", "type")
            return None
        assert isinstance(value, int)
        return value

    def audiences(self, value: object, path: str) -> tuple[str, ...]:
        seq = self.sequence(value, path)
        if seq is None:
            return ()
        out: list[str] = []
        for i, a in enumerate(seq):
            if a not in AUDIENCES:
                self.add(
                    f"{path}[{i}]",
                    f"unknown audience {_fmt(a)} (allowed: {', '.join(AUDIENCES)})",
                    "unknown_audience",
                )
            elif a in out:
                self.add(f"{path}[{i}]", f"audience {a!r} is listed twice", "duplicate")
            else:
                out.append(a)
        return tuple(out)

    # -- answer options ---------------------------------------------------------------------

    def options(self, value: object, path: str) -> tuple[AnswerOption, ...] | None:
        seq = self.sequence(value, path)
        if seq is None:
            return None
        out: list[AnswerOption] = []
        ok = True
        seen: set[object] = set()
        for i, raw in enumerate(seq):
            p = f"{path}[{i}]"
            m = self.mapping(raw, p)
            if m is None:
                ok = False
                continue
            self.keys(m, p, {"value", "label"}, ("value", "label"))
            v = m.get("value")
            label = self.text(m.get("label"), f"{p}.label") if "label" in m else None
            if not (_is_int(v) or isinstance(v, str)):
                self.add(f"{p}.value", f"must be an integer or a code, got {_fmt(v)}", "type")
                ok = False
                continue
            if isinstance(v, str) and not CODE_RE.match(v):
                self.add(
                    f"{p}.value",
                    f"code {v!r} must be lower-case ASCII letters, digits and underscores",
                    "bad_key",
                )
                ok = False
            if v == DONT_KNOW:
                self.add(f"{p}.value", f"{DONT_KNOW!r} is reserved; use dontKnow: true", "reserved")
                ok = False
            if v in seen:
                self.add(f"{p}.value", f"value {_fmt(v)} is used twice", "duplicate")
                ok = False
            seen.add(v)
            if label is None:
                ok = False
                continue
            assert isinstance(v, int | str)
            out.append(AnswerOption(v, label))
        return tuple(out) if ok else None

    # -- items ----------------------------------------------------------------------------------

    def item(
        self,
        raw: object,
        path: str,
        value_sets: Mapping[str, tuple[AnswerOption, ...] | None],
        earlier: Mapping[str, Item],
        all_ids: set[str],
        attributes: Mapping[str, AttributeRequest],
        audiences: tuple[str, ...],
    ) -> Item | None:
        m = self.mapping(raw, path)
        if m is None:
            return None
        start = len(self.problems)
        link_id = self.key(m.get("linkId"), f"{path}.linkId", "linkId") if "linkId" in m else None
        kind = m.get("type")
        if kind not in ITEM_TYPES:
            self.add(
                f"{path}.type",
                f"unknown item type {_fmt(kind)} (allowed: {', '.join(ITEM_TYPES)})",
                "unknown_type",
            )
            self.keys(m, path, set().union(*_ITEM_KEYS.values()), ("linkId", "text"))
            return None
        assert isinstance(kind, str)
        self.keys(m, path, _ITEM_KEYS[kind], ("linkId", "type", "text"))
        text = self.text(m["text"], f"{path}.text") if "text" in m else None
        variants: dict[str, Text] = {}
        if m.get("textVariants") is not None:
            vm = self.mapping(m["textVariants"], f"{path}.textVariants")
            for aud, vt in (vm or {}).items():
                vp = f"{path}.textVariants.{aud}"
                if aud not in AUDIENCES:
                    self.add(
                        vp,
                        f"unknown audience {aud!r} (allowed: {', '.join(AUDIENCES)})",
                        "unknown_audience",
                    )
                elif aud not in audiences:
                    self.add(
                        vp,
                        f"audience {aud!r} is not one of the instrument's audiences",
                        "unknown_audience",
                    )
                t = self.text(vt, vp)
                if t is not None:
                    variants[aud] = t
        item_audiences = self.audiences(m.get("audiences", []), f"{path}.audiences")
        for i, a in enumerate(item_audiences):
            if a not in audiences:
                self.add(
                    f"{path}.audiences[{i}]",
                    f"audience {a!r} is not one of the instrument's audiences",
                    "unknown_audience",
                )
        required = self.flag(m, "required", path)
        reverse = self.flag(m, "reverse", path)
        dont_know = self.flag(m, "dontKnow", path)

        options: tuple[AnswerOption, ...] = ()
        min_value = max_value = max_length = None
        min_label = max_label = None
        if kind in ("likert", "choice"):
            options = self._item_options(m, path, kind, value_sets) or ()
        elif kind == "rating":
            min_value = self.integer(m, "minValue", path)
            max_value = self.integer(m, "maxValue", path)
            for name, v in (("minValue", min_value), ("maxValue", max_value)):
                if v is None and name not in m:
                    self.add(f"{path}.{name}", f"a rating needs {name}", "missing")
            if min_value is not None and max_value is not None and min_value >= max_value:
                self.add(
                    f"{path}.maxValue",
                    f"scale minimum {min_value} must be less than its maximum {max_value}",
                    "bad_scale",
                )
            if max_value is not None and min_value is not None and max_value - min_value > 100:
                self.add(f"{path}.maxValue", "a rating scale has at most 101 points", "bad_scale")
        elif kind == "dice":
            min_value, max_value = 1, 6
        else:
            max_length = self.integer(m, "maxLength", path)
            if max_length is None:
                max_length = DEFAULT_MAX_LENGTH
            elif not 1 <= max_length <= 10000:
                self.add(
                    f"{path}.maxLength",
                    f"must be between 1 and 10000, got {max_length}",
                    "out_of_range",
                )
        if kind in ("rating", "dice"):
            min_label = self.opt_text(m, "minLabel", path)
            max_label = self.opt_text(m, "maxLabel", path)

        conditions: tuple[Condition, ...] = ()
        if m.get("enableWhen") is not None:
            conditions = self.conditions(
                m["enableWhen"], f"{path}.enableWhen", link_id, earlier, all_ids, attributes
            )
        behavior = m.get("enableBehavior", "all")
        if behavior not in ("all", "any"):
            self.add(f"{path}.enableBehavior", f"must be 'all' or 'any', got {_fmt(behavior)}")

        if len(self.problems) > start or link_id is None or text is None:
            return None
        return Item(
            link_id=link_id,
            type=kind,
            text=text,
            required=required,
            reverse=reverse,
            dont_know=dont_know,
            answer_options=options,
            min_value=min_value,
            max_value=max_value,
            min_label=min_label,
            max_label=max_label,
            max_length=max_length,
            text_variants=MappingProxyType(variants),
            audiences=item_audiences,
            enable_when=conditions,
            enable_behavior=str(behavior) if conditions else "all",
        )

    def _item_options(
        self,
        m: Mapping[str, Any],
        path: str,
        kind: str,
        value_sets: Mapping[str, tuple[AnswerOption, ...] | None],
    ) -> tuple[AnswerOption, ...] | None:
        if ("answerOption" in m) == ("answerValueSet" in m):
            self.add(
                f"{path}.answerOption",
                "give exactly one of answerOption and answerValueSet",
                "missing",
            )
            return None
        if "answerValueSet" in m:
            opt_path = f"{path}.answerValueSet"
            name = m["answerValueSet"]
            if not isinstance(name, str) or name not in value_sets:
                self.add(
                    opt_path,
                    f"unknown answerValueSet {_fmt(name)} (defined: "
                    f"{', '.join(value_sets) or 'none'})",
                    "unknown_reference",
                )
                return None
            options = value_sets[name]
            if options is None:
                return None  # the value set's own problems are already reported
        else:
            opt_path = f"{path}.answerOption"
            options = self.options(m["answerOption"], opt_path)
            if options is None:
                return None
        if len(options) < 2:
            self.add(opt_path, f"a {kind} item needs at least 2 answer options", "too_few")
            return None
        if kind == "likert" and not all(_is_int(o.value) for o in options):
            self.add(opt_path, "Likert answer options need integer values", "type")
            return None
        if kind == "choice" and not all(isinstance(o.value, str) for o in options):
            self.add(opt_path, "choice answer options need string codes", "type")
            return None
        return options

    def conditions(
        self,
        value: object,
        path: str,
        own_id: str | None,
        earlier: Mapping[str, Item],
        all_ids: set[str],
        attributes: Mapping[str, AttributeRequest],
    ) -> tuple[Condition, ...]:
        seq = self.sequence(value, path)
        if seq is None:
            return ()
        if not seq:
            self.add(path, "enableWhen must not be empty (leave it out instead)", "too_few")
        out: list[Condition] = []
        for i, raw in enumerate(seq):
            p = f"{path}[{i}]"
            m = self.mapping(raw, p)
            if m is None:
                continue
            start = len(self.problems)
            self.keys(
                m, p, {"question", "respondent", "operator", "answer"}, ("operator", "answer")
            )
            op = m.get("operator")
            if op not in OPERATORS:
                self.add(
                    f"{p}.operator",
                    f"unknown operator {_fmt(op)} (allowed: {', '.join(OPERATORS)})",
                    "unknown_operator",
                )
                continue
            answer = m.get("answer")
            question, respondent = m.get("question"), m.get("respondent")
            allowed: tuple[object, ...] | None = None  # None: anything of the right type
            numeric = False
            if (question is None) == (respondent is None):
                self.add(
                    p,
                    "give exactly one of 'question' (a link id) and 'respondent' (an attribute)",
                    "missing",
                )
                continue
            if question is not None:
                if question == own_id:
                    self.add(
                        f"{p}.question", f"an item cannot depend on itself ({question!r})", "cycle"
                    )
                    continue
                target = earlier.get(question) if isinstance(question, str) else None
                if target is None:
                    if isinstance(question, str) and question in all_ids:
                        self.add(
                            f"{p}.question",
                            f"item {question!r} must come before the item "
                            "whose enableWhen names it",
                            "forward_reference",
                        )
                    else:
                        self.add(
                            f"{p}.question", f"unknown item {_fmt(question)}", "unknown_reference"
                        )
                    continue
                if target.type == "text":
                    allowed = None
                else:
                    allowed = (*target.values, *((DONT_KNOW,) if target.dont_know else ()))
                    numeric = target.scored
            else:
                if respondent not in RESPONDENT_ATTRIBUTES:
                    self.add(
                        f"{p}.respondent",
                        f"unknown respondent attribute "
                        f"{_fmt(respondent)} (allowed: {', '.join(RESPONDENT_ATTRIBUTES)})",
                        "unknown_reference",
                    )
                    continue
                assert isinstance(respondent, str)
                if respondent not in attributes:
                    self.add(
                        f"{p}.respondent",
                        f"respondent attribute {respondent!r} is not "
                        "asked for in respondentAttributes",
                        "unknown_reference",
                    )
                    continue
                vocab = RESPONDENT_ATTRIBUTES[respondent]
                allowed = None if vocab.open else vocab.codes
            parsed = self._condition_answer(op, answer, f"{p}.answer", allowed, numeric)
            if parsed is None or len(self.problems) > start:
                continue
            out.append(
                Condition(
                    operator=op,
                    answer=parsed,
                    question=question if isinstance(question, str) else None,
                    respondent=respondent if isinstance(respondent, str) else None,
                )
            )
        return tuple(out)

    def _condition_answer(
        self,
        op: str,
        answer: object,
        path: str,
        allowed: tuple[object, ...] | None,
        numeric: bool,
    ) -> ConditionValue | None:
        if op == "exists":
            if not isinstance(answer, bool):
                self.add(path, f"'exists' needs true or false, got {_fmt(answer)}", "type")
                return None
            return answer
        if op in (">", ">=", "<", "<="):
            if not numeric or not _is_int(answer):
                self.add(
                    path,
                    f"{op!r} needs an integer answer on a scored item, got {_fmt(answer)}",
                    "type",
                )
                return None
            assert isinstance(answer, int)
            return answer
        values: Sequence[object]
        if op == "in":
            seq = self.sequence(answer, path)
            if seq is None or not seq:
                if seq is not None:
                    self.add(path, "'in' needs a non-empty list", "too_few")
                return None
            values = seq
        else:
            values = [answer]
        ok = True
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int | str):
                self.add(path, f"must be an answer value, got {_fmt(v)}", "type")
                ok = False
            elif allowed is not None and v not in allowed:
                self.add(
                    path,
                    f"{_fmt(v)} is not a possible answer (allowed: "
                    f"{', '.join(str(a) for a in allowed)})",
                    "not_an_option",
                )
                ok = False
        if not ok:
            return None
        clean = [v for v in values if isinstance(v, int | str)]
        return tuple(clean) if op == "in" else clean[0]

    # -- scoring --------------------------------------------------------------------------------

    def scoring(
        self,
        value: object,
        dims: tuple[Dimension, ...],
        items: Mapping[str, Item],
        all_ids: set[str],
    ) -> Scoring | None:
        m = self.mapping(value, "scoring")
        if m is None:
            return None
        start = len(self.problems)
        self.keys(m, "scoring", {"dimensions", "indices", "staircase"}, ("dimensions",))
        rules: list[DimensionRule] = []
        dim_keys = [d.key for d in dims]
        raw_rules = self.mapping(m.get("dimensions", {}), "scoring.dimensions") or {}
        for name in raw_rules:
            if name not in dim_keys:
                self.add(
                    f"scoring.dimensions.{name}",
                    f"unknown dimension {name!r} (declared: {', '.join(dim_keys)})",
                    "unknown_reference",
                )
        for key in dim_keys:
            p = f"scoring.dimensions.{key}"
            if key not in raw_rules:
                self.add(p, f"dimension {key!r} has no items (no scoring rule)", "empty")
                continue
            rule = self.rule(key, raw_rules[key], p, items, all_ids)
            if rule is not None:
                rules.append(rule)
        gap_dims = {r.dimension for r in rules if r.method == "gap"}

        indices: list[IndexRule] = []
        if m.get("indices") is not None:
            raw_idx = self.mapping(m["indices"], "scoring.indices") or {}
            for name, raw in raw_idx.items():
                p = f"scoring.indices.{name}"
                if self.key(name, p, "index key") is None:
                    continue
                if name in dim_keys:
                    self.add(p, f"index key {name!r} is also a dimension key", "duplicate")
                idx = self.index(name, raw, p, dim_keys, gap_dims)
                if idx is not None:
                    indices.append(idx)

        staircase = None
        if m.get("staircase") is not None:
            staircase = self.staircase(m["staircase"], "scoring.staircase", dim_keys, gap_dims)
        if len(self.problems) > start:
            return None
        return Scoring(tuple(rules), tuple(indices), staircase)

    def rule(
        self, key: str, raw: object, p: str, items: Mapping[str, Item], all_ids: set[str]
    ) -> DimensionRule | None:
        m = self.mapping(raw, p)
        if m is None:
            return None
        start = len(self.problems)
        method = m.get("method", "mean")
        if method not in ("mean", "gap"):
            self.add(
                f"{p}.method",
                f"unknown method {_fmt(method)} (allowed: mean, gap)",
                "unknown_method",
            )
            return None
        used: list[str] = []

        def ref(value: object, rp: str) -> str | None:
            if not isinstance(value, str) or value not in all_ids:
                self.add(rp, f"unknown item {_fmt(value)}", "unknown_reference")
                return None
            item = items.get(value)
            if item is not None and not item.scored:
                self.add(
                    rp, f"item {value!r} is a {item.type} item and cannot be scored", "not_scored"
                )
            if value in used:
                self.add(rp, f"item {value!r} is used twice in this dimension", "duplicate")
            used.append(value)
            return value

        ids: list[str] = []
        pairs: list[GapPair] = []
        if method == "mean":
            self.keys(m, p, {"method", "items", "minAnswered"}, ("items",))
            seq = self.sequence(m.get("items", []), f"{p}.items") or []
            if not seq:
                self.add(f"{p}.items", f"dimension {key!r} has no items", "empty")
            for i, v in enumerate(seq):
                r = ref(v, f"{p}.items[{i}]")
                if r is not None:
                    ids.append(r)
            count = len(seq)
        else:
            self.keys(m, p, {"method", "pairs", "minAnswered"}, ("pairs",))
            seq = self.sequence(m.get("pairs", []), f"{p}.pairs") or []
            if not seq:
                self.add(f"{p}.pairs", f"gap dimension {key!r} has no item pairs", "empty")
            for i, raw_pair in enumerate(seq):
                pp = f"{p}.pairs[{i}]"
                pm = self.mapping(raw_pair, pp)
                if pm is None:
                    continue
                self.keys(pm, pp, {"expectation", "experience"}, ("expectation", "experience"))
                a = ref(pm.get("expectation"), f"{pp}.expectation")
                b = ref(pm.get("experience"), f"{pp}.experience")
                if a is not None and b is not None:
                    pairs.append(GapPair(a, b))
            count = len(seq)
        min_answered = self.integer(m, "minAnswered", p)
        if min_answered is None:
            min_answered = max(1, math.ceil(count / 2))
        elif not 1 <= min_answered <= max(count, 1):
            self.add(
                f"{p}.minAnswered",
                f"must be between 1 and {count} (the number of "
                f"{'items' if method == 'mean' else 'pairs'}), got {min_answered}",
                "out_of_range",
            )
        if len(self.problems) > start:
            return None
        return DimensionRule(key, str(method), min_answered, tuple(ids), tuple(pairs))

    def index(
        self, name: str, raw: object, p: str, dim_keys: list[str], gap_dims: set[str]
    ) -> IndexRule | None:
        m = self.mapping(raw, p)
        if m is None:
            return None
        start = len(self.problems)
        self.keys(m, p, {"title", "method", "dimensions", "minDimensions"}, ("title", "dimensions"))
        title = self.text(m["title"], f"{p}.title") if "title" in m else None
        method = m.get("method", "mean")
        if method != "mean":
            self.add(
                f"{p}.method", f"unknown method {_fmt(method)} (allowed: mean)", "unknown_method"
            )
        seq = self.sequence(m.get("dimensions", []), f"{p}.dimensions") or []
        if not seq:
            self.add(f"{p}.dimensions", "an index needs at least one dimension", "empty")
        dims: list[str] = []
        for i, d in enumerate(seq):
            dp = f"{p}.dimensions[{i}]"
            if d not in dim_keys:
                self.add(dp, f"unknown dimension {_fmt(d)}", "unknown_reference")
            elif d in gap_dims:
                self.add(
                    dp,
                    f"gap dimension {d!r} (−100..100) cannot be averaged into an index",
                    "not_scored",
                )
            elif d in dims:
                self.add(dp, f"dimension {d!r} is listed twice", "duplicate")
            else:
                dims.append(d)
        min_dims = self.integer(m, "minDimensions", p)
        if min_dims is None:
            min_dims = len(seq)
        elif not 1 <= min_dims <= max(len(seq), 1):
            self.add(
                f"{p}.minDimensions",
                f"must be between 1 and {len(seq)}, got {min_dims}",
                "out_of_range",
            )
        if len(self.problems) > start or title is None:
            return None
        return IndexRule(name, title, "mean", tuple(dims), min_dims)

    def staircase(
        self, raw: object, p: str, dim_keys: list[str], gap_dims: set[str]
    ) -> Staircase | None:
        m = self.mapping(raw, p)
        if m is None:
            return None
        start = len(self.problems)
        self.keys(m, p, {"threshold", "steps"}, ("threshold", "steps"))
        threshold = m.get("threshold")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            self.add(f"{p}.threshold", f"must be a number, got {_fmt(threshold)}", "type")
        elif not (math.isfinite(threshold) and 0 <= threshold <= 100):
            self.add(f"{p}.threshold", f"threshold {threshold} is outside 0–100", "out_of_range")
        seq = self.sequence(m.get("steps", []), f"{p}.steps") or []
        if len(seq) < 2:
            self.add(f"{p}.steps", "a staircase needs at least 2 steps", "too_few")
        steps: list[str] = []
        for i, d in enumerate(seq):
            dp = f"{p}.steps[{i}]"
            if d not in dim_keys:
                self.add(dp, f"unknown dimension {_fmt(d)}", "unknown_reference")
            elif d in gap_dims:
                self.add(dp, f"gap dimension {d!r} cannot be a staircase step", "not_scored")
            elif d in steps:
                self.add(dp, f"dimension {d!r} is listed twice", "duplicate")
            else:
                steps.append(d)
        if len(self.problems) > start:
            return None
        assert isinstance(threshold, int | float)
        return Staircase(float(threshold), tuple(steps))

    # -- the whole definition -------------------------------------------------------------------

    def instrument(self, data: object) -> Instrument | None:
        m = self.mapping(data, "")
        if m is None:
            return None
        self.keys(
            m,
            "",
            _TOP,
            (
                "key",
                "version",
                "title",
                "introduction",
                "audiences",
                "dimensions",
                "item",
                "scoring",
            ),
        )
        key = self.key(m["key"], "key") if "key" in m else None
        version = m.get("version")
        if "version" in m and (not isinstance(version, str) or not SEMVER_RE.match(version)):
            self.add(
                "version",
                f"{_fmt(version)} is not a semantic version such as '1.0.0'",
                "bad_version",
            )
        elif isinstance(version, str) and len(version) > 32:
            self.add("version", "a version has at most 32 characters", "bad_version")
        title = self.text(m["title"], "title") if "title" in m else None
        intro = self.text(m["introduction"], "introduction") if "introduction" in m else None
        audiences = self.audiences(m.get("audiences", []), "audiences")
        if "audiences" in m and not audiences:
            self.add("audiences", "name at least one audience", "empty")

        attributes: dict[str, AttributeRequest] = {}
        for i, raw in enumerate(
            self.sequence(m.get("respondentAttributes", []), "respondentAttributes") or []
        ):
            req = self.attribute(raw, f"respondentAttributes[{i}]")
            if req is not None:
                if req.attribute in attributes:
                    self.add(
                        f"respondentAttributes[{i}].attribute",
                        f"attribute {req.attribute!r} is listed twice",
                        "duplicate",
                    )
                attributes[req.attribute] = req

        value_sets: dict[str, tuple[AnswerOption, ...] | None] = {}
        if m.get("answerValueSets") is not None:
            for name, raw in (self.mapping(m["answerValueSets"], "answerValueSets") or {}).items():
                value_sets[str(name)] = self.options(raw, f"answerValueSets.{name}")

        dims: list[Dimension] = []
        for i, raw in enumerate(self.sequence(m.get("dimensions", []), "dimensions") or []):
            p = f"dimensions[{i}]"
            dm = self.mapping(raw, p)
            if dm is None:
                continue
            self.keys(dm, p, {"key", "title", "description"}, ("key", "title"))
            dkey = self.key(dm["key"], f"{p}.key", "dimension key") if "key" in dm else None
            dtitle = self.text(dm["title"], f"{p}.title") if "title" in dm else None
            ddesc = self.opt_text(dm, "description", p)
            if dkey is not None and any(d.key == dkey for d in dims):
                self.add(f"{p}.key", f"dimension key {dkey!r} is used twice", "duplicate")
            elif dkey is not None and dtitle is not None:
                dims.append(Dimension(dkey, dtitle, ddesc))
        if "dimensions" in m and not m["dimensions"]:
            self.add("dimensions", "an instrument needs at least one dimension", "empty")

        raw_items = self.sequence(m.get("item", []), "item") or []
        if "item" in m and not raw_items:
            self.add("item", "an instrument needs at least one item", "empty")
        all_ids: set[str] = set()
        for i, raw in enumerate(raw_items):
            link = raw.get("linkId") if isinstance(raw, Mapping) else None
            if isinstance(link, str):
                if link in all_ids:
                    self.add(f"item[{i}].linkId", f"duplicate linkId {link!r}", "duplicate")
                all_ids.add(link)
        items: dict[str, Item] = {}
        for i, raw in enumerate(raw_items):
            item = self.item(raw, f"item[{i}]", value_sets, items, all_ids, attributes, audiences)
            if item is not None and item.link_id not in items:
                items[item.link_id] = item

        scoring = None
        if "scoring" in m:
            scoring = self.scoring(m["scoring"], tuple(dims), items, all_ids)
        if self.problems:
            return None
        assert key and isinstance(version, str) and title and intro and scoring
        return Instrument(
            key=key,
            version=version,
            title=title,
            introduction=intro,
            audiences=audiences,
            dimensions=tuple(dims),
            items=tuple(items.values()),
            scoring=scoring,
            respondent_attributes=tuple(attributes.values()),
        )

    def attribute(self, raw: object, p: str) -> AttributeRequest | None:
        m = self.mapping(raw, p)
        if m is None:
            return None
        start = len(self.problems)
        self.keys(m, p, {"attribute", "required", "options"}, ("attribute",))
        name = m.get("attribute")
        if name not in RESPONDENT_ATTRIBUTES:
            self.add(
                f"{p}.attribute",
                f"unknown respondent attribute {_fmt(name)} (allowed: "
                f"{', '.join(RESPONDENT_ATTRIBUTES)})",
                "unknown_reference",
            )
            return None
        assert isinstance(name, str)
        vocab = RESPONDENT_ATTRIBUTES[name]
        required = self.flag(m, "required", p)
        options: list[str] = []
        for i, code in enumerate(self.sequence(m.get("options", []), f"{p}.options") or []):
            if vocab.open:
                self.add(f"{p}.options", f"{name!r} takes survey-defined values, not options")
                break
            if code not in vocab.codes or code == PREFER_NOT_TO_SAY:
                self.add(
                    f"{p}.options[{i}]",
                    f"unknown {name} code {_fmt(code)} (allowed: "
                    f"{', '.join(c for c in vocab.codes if c != PREFER_NOT_TO_SAY)})",
                    "not_an_option",
                )
            elif code in options:
                self.add(f"{p}.options[{i}]", f"code {code!r} is listed twice", "duplicate")
            else:
                options.append(code)
        if len(self.problems) > start:
            return None
        return AttributeRequest(name, required, tuple(options))


def parse_version(version: str) -> tuple[int, int, int]:
    """``(major, minor, patch)`` of a semantic version; ``ValueError`` if it is not one."""
    match = SEMVER_RE.match(version)
    if match is None:
        raise ValueError(f"{version!r} is not a semantic version such as '1.0.0'")
    return int(match[1]), int(match[2]), int(match[3])


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def parse(data: Mapping[str, Any]) -> Instrument:
    """Validate ``data`` (the file format) and build the instrument; raise
    :class:`InstrumentError` listing every problem found."""
    parser = _Parser()
    inst = parser.instrument(data)
    if inst is None:
        if not parser.problems:  # pragma: no cover - a bug, not a user error
            parser.add("", "definition could not be read")
        raise InstrumentError(parser.problems)
    return inst


def parse_yaml(text: str) -> Instrument:
    """Read a YAML definition (safe loader) and :func:`parse` it."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstrumentError([Problem("", f"not valid YAML: {exc}", "syntax")]) from exc
    if not isinstance(data, Mapping):
        raise InstrumentError([Problem("", "a definition must be a mapping", "type")])
    return parse(data)

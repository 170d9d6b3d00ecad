"""The columns of a response export, derived from the instrument version: pure, no database.

Every format writes the same columns in the same order. A column knows its type, its label
in nb/nn/en, its value labels and its declared missing codes, so the CSV's Table Schema, the
Parquet schema, the SPSS dictionary and the codebook are all read off one list and cannot
disagree.

Codes
-----
- Items: the numeric answer (Likert value, rating, dice). A choice item's codes are numbered
  1..n in the order of its options (the option code is kept in the codebook). "Don't know" is
  the declared missing code :data:`DONT_KNOW_CODE` (-1); no answer is empty (system missing).
- Categorical columns (audience, language, role, age band, gender) are their vocabulary codes
  (``"politician"``) in CSV, JSON Lines and Parquet, and numbered 1..n with value labels in
  SPSS, where string value labels are limited to eight bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from survey_service.instruments import (
    AUDIENCE_LABELS,
    AUDIENCES,
    LANGUAGES,
    RESPONDENT_ATTRIBUTES,
    UI_LABELS,
    Condition,
    Instrument,
    Item,
    Text,
)

#: The declared missing code of "don't know" in every format.
DONT_KNOW_CODE = -1

#: Respondent attributes an export can carry, in column order.
ATTRIBUTES = ("role", "age_band", "gender", "area")


def dimension_column(key: str) -> str:
    """The name of the column of a person's score on dimension ``key``."""
    return f"score_{key}"


def index_column(key: str) -> str:
    """The name of the column of a person's index ``key``."""
    return f"index_{key}"


def _t(nb: str, nn: str, en: str) -> Text:
    return MappingProxyType({"nb": nb, "nn": nn, "en": en})


@dataclass(frozen=True)
class Category:
    """One value of a coded column: the value as written, its SPSS number and its label."""

    value: int | str
    label: Text
    sav_value: int


@dataclass(frozen=True)
class Column:
    """One exported column.

    ``kind``: ``integer`` (item codes, row id), ``number`` (scores), ``string`` (free values),
    ``category`` (a closed vocabulary, dictionary-encoded in Parquet, numbered in SPSS).
    ``measure`` is the SPSS measurement level: ``nominal``, ``ordinal`` or ``scale``.
    """

    name: str
    kind: str
    label: Text
    group: str
    measure: str = "nominal"
    categories: tuple[Category, ...] = ()
    missing: tuple[Category, ...] = ()
    description: str = ""
    # SPSS string width in bytes (string and free-text columns).
    width: int = 8
    source: str | None = None  # the item's link id, or the score's key

    @property
    def value_labels(self) -> Mapping[int | str, Text]:
        return {c.value: c.label for c in (*self.categories, *self.missing)}


@dataclass(frozen=True)
class Layout:
    """The columns of one export and the facts they were derived from."""

    instrument: Instrument
    columns: tuple[Column, ...]
    attributes: tuple[str, ...]
    free_text: bool
    choice_codes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _numbered(values: Iterable[tuple[str, Text]]) -> tuple[Category, ...]:
    return tuple(Category(code, label, i) for i, (code, label) in enumerate(values, start=1))


#: Values that disclosure control writes in place of finer ones (see ``disclosure.py``).
GENERALISED_VALUES: Mapping[str, tuple[tuple[str, Text], ...]] = MappingProxyType(
    {
        "age_band": (
            ("under_45", _t("Under 45 år", "Under 45 år", "Under 45")),
            ("45_plus", _t("45 år eller eldre", "45 år eller eldre", "45 or older")),
        ),
        "role": (
            ("elected", _t("Folkevalgt", "Folkevald", "Elected member")),
            (
                "representative",
                _t(
                    "Tillitsvalgt eller verneombud",
                    "Tillitsvald eller verneombod",
                    "Union or safety representative",
                ),
            ),
            ("leader", _t("Leder", "Leiar", "Manager")),
        ),
    }
)

LANGUAGE_LABELS: Mapping[str, Text] = MappingProxyType(
    {
        "nb": _t("Bokmål", "Bokmål", "Norwegian Bokmål"),
        "nn": _t("Nynorsk", "Nynorsk", "Norwegian Nynorsk"),
        "en": _t("Engelsk", "Engelsk", "English"),
    }
)


def _attribute_column(name: str) -> Column:
    attribute = RESPONDENT_ATTRIBUTES[name]
    if attribute.open:
        return Column(name, "string", attribute.question, "attribute", width=64)
    options = [(o.code, o.label) for o in attribute.options]
    options += list(GENERALISED_VALUES.get(name, ()))
    measure = "ordinal" if name == "age_band" else "nominal"
    return Column(name, "category", attribute.question, "attribute", measure, _numbered(options))


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


def _item_column(item: Item) -> tuple[Column, dict[str, int] | None]:
    missing: tuple[Category, ...] = ()
    if item.dont_know:
        missing = (Category(DONT_KNOW_CODE, UI_LABELS["dont_know"], DONT_KNOW_CODE),)
    condition = shown_only_if(item)
    if item.type == "text":
        return Column(
            item.link_id,
            "string",
            item.text,
            "text",
            width=255,
            description=condition,
            source=item.link_id,
        ), None
    if item.type == "choice":
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
    ), None


def layout(
    instrument: Instrument,
    *,
    attributes: Iterable[str] = ATTRIBUTES,
    free_text: bool = False,
    string_widths: Mapping[str, int] | None = None,
) -> Layout:
    """The export's columns for ``instrument``, carrying the given respondent ``attributes``
    (those the exported surveys ask for) and the free-text items only when ``free_text``."""
    widths = {"municipality_name": 100, "county": 100, "survey": 64, **(string_widths or {})}
    asked = tuple(a for a in ATTRIBUTES if a in set(attributes))
    columns: list[Column] = [
        Column(
            "row_id",
            "integer",
            _t(
                "Radnummer (tilfeldig for hver eksport)",
                "Radnummer (tilfeldig for kvar eksport)",
                "Row number (random for each export)",
            ),
            "design",
            "nominal",
            description="random per export: not a response id",
        ),
        Column(
            "instrument", "string", _t("Instrument", "Instrument", "Instrument"), "design", width=64
        ),
        Column(
            "instrument_version",
            "string",
            _t("Instrumentversjon", "Instrumentversjon", "Instrument version"),
            "design",
            width=32,
        ),
        Column(
            "survey",
            "string",
            _t(
                "Undersøkelse (kommune-periode-målgruppe)",
                "Undersøking (kommune-periode-målgruppe)",
                "Survey (municipality-period-audience)",
            ),
            "design",
            width=widths["survey"],
            description="<municipality or county>-<period>-<audience>, generalised with "
            "the municipality",
        ),
        Column(
            "municipality",
            "string",
            _t("Kommunenummer", "Kommunenummer", "Municipality number"),
            "geography",
            width=4,
        ),
        Column(
            "municipality_name",
            "string",
            _t("Kommune", "Kommune", "Municipality"),
            "geography",
            width=widths["municipality_name"],
        ),
        Column(
            "county_number",
            "string",
            _t("Fylkesnummer", "Fylkesnummer", "County number"),
            "geography",
            width=2,
        ),
        Column(
            "county", "string", _t("Fylke", "Fylke", "County"), "geography", width=widths["county"]
        ),
        Column(
            "period",
            "string",
            _t("Periode (bølge)", "Periode (bølgje)", "Period (wave)"),
            "design",
            width=16,
        ),
        Column(
            "audience",
            "category",
            _t("Målgruppe", "Målgruppe", "Audience"),
            "design",
            categories=_numbered((a, AUDIENCE_LABELS[a]) for a in AUDIENCES),
        ),
        Column(
            "language",
            "category",
            _t("Svarspråk", "Svarmål", "Language of the response"),
            "design",
            categories=_numbered((x, LANGUAGE_LABELS[x]) for x in LANGUAGES),
        ),
        Column(
            "week",
            "string",
            _t("Innsendt (ISO-uke)", "Sendt inn (ISO-veke)", "Submitted (ISO week)"),
            "design",
            width=8,
            description="ISO week of submission, e.g. 2026-W14; never a finer date",
        ),
    ]
    columns += [_attribute_column(name) for name in asked]
    choice_codes: dict[str, Mapping[str, int]] = {}
    for item in instrument.items:
        if item.type == "text" and not free_text:
            continue
        column, codes = _item_column(item)
        if codes is not None:
            choice_codes[item.link_id] = codes
        columns.append(column)
    for dimension in instrument.dimensions:
        rule = instrument.scoring.rule(dimension.key)
        low, high = rule.score_range
        columns.append(
            Column(
                dimension_column(dimension.key),
                "number",
                dimension.title,
                "score",
                "scale",
                description=f"person score {low:g} to {high:g} ({rule.method} of "
                f"{', '.join(rule.item_ids)}); empty below {rule.min_answered} answered",
                source=dimension.key,
            )
        )
    for index in instrument.indices:
        columns.append(
            Column(
                index_column(index.key),
                "number",
                index.title,
                "score",
                "scale",
                description=f"person index 0 to 100 ({index.method} of "
                f"{', '.join(index.dimensions)}, at least {index.min_dimensions})",
                source=index.key,
            )
        )
    return Layout(instrument, tuple(columns), asked, free_text, choice_codes)

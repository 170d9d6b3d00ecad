"""The layout of a response export: its columns, in order, derived from the instrument
version. Pure, no database.

The order: the columns that describe the row (design and geography), the respondent
attributes the exported surveys ask for, the items (free text only when asked for), their
"don't know" indicators, the person's dimension scores and indices, then the weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType

from survey_service.instruments import (
    AUDIENCE_LABELS,
    AUDIENCES,
    LANGUAGES,
    RESPONDENT_ATTRIBUTES,
    Instrument,
    Text,
)
from survey_service.services.exports.columns import (
    WEIGHT,
    Category,
    Column,
    Layout,
    dimension_column,
    figure_column,
    index_column,
    weight_column,
)
from survey_service.services.exports.item_columns import dont_know_indicator, item_column

#: Respondent attributes an export can carry, in column order.
ATTRIBUTES = ("role", "age_band", "gender", "area")


def _t(nb: str, nn: str, en: str) -> Text:
    return MappingProxyType({"nb": nb, "nn": nn, "en": en})


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

#: The columns that describe a row, the same for every instrument: a fixed list rather than
#: code, so that it reads like the table it is.
ROW_COLUMNS: tuple[Column, ...] = (
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
        width=64,
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
        width=100,
    ),
    Column(
        "county_number",
        "string",
        _t("Fylkesnummer", "Fylkesnummer", "County number"),
        "geography",
        width=2,
    ),
    Column("county", "string", _t("Fylke", "Fylke", "County"), "geography", width=100),
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
)

#: Row columns that name places and surveys: an export may fit their SPSS widths (in bytes)
#: to the longest name among its surveys, instead of the widths in :data:`ROW_COLUMNS`.
FITTED_WIDTHS = ("municipality_name", "county", "survey")


def _row_columns(string_widths: Mapping[str, int] | None) -> list[Column]:
    widths = {name: w for name, w in (string_widths or {}).items() if name in FITTED_WIDTHS}
    return [replace(c, width=widths[c.name]) if c.name in widths else c for c in ROW_COLUMNS]


def _attribute_column(name: str) -> Column:
    attribute = RESPONDENT_ATTRIBUTES[name]
    if attribute.open:
        return Column(name, "string", attribute.question, "attribute", width=64)
    options = [(o.code, o.label) for o in attribute.options]
    options += list(GENERALISED_VALUES.get(name, ()))
    measure = "ordinal" if name == "age_band" else "nominal"
    return Column(name, "category", attribute.question, "attribute", measure, _numbered(options))


def _score_columns(instrument: Instrument) -> list[Column]:
    """The person's dimension scores, then their indices."""
    columns = []
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
    return columns


def layout(
    instrument: Instrument,
    *,
    attributes: Iterable[str] = ATTRIBUTES,
    free_text: bool = False,
    string_widths: Mapping[str, int] | None = None,
    audience: str | None = None,
    dont_know_code: bool = True,
    weighted_figures: Iterable[str] = (),
) -> Layout:
    """The export's columns for ``instrument``, carrying the given respondent ``attributes``
    (those the exported surveys ask for) and the free-text items only when ``free_text``;
    items are labelled in ``audience``'s wording when the export holds only that audience.
    ``dont_know_code``: "don't know" as a declared missing code (SPSS) or empty; every item
    with that option has an indicator column either way. ``weighted_figures``: the figures
    with a weight column of their own (:mod:`.weights`), after the overall ``weight``."""
    asked = tuple(a for a in ATTRIBUTES if a in set(attributes))
    columns = _row_columns(string_widths)
    columns += [_attribute_column(name) for name in asked]
    choice_codes: dict[str, Mapping[str, int]] = {}
    indicators = []
    for item in instrument.items:
        if item.type == "text" and not free_text:
            continue
        column, codes = item_column(item, audience=audience, dont_know_code=dont_know_code)
        if codes is not None:
            choice_codes[item.link_id] = codes
        columns.append(column)
        if item.dont_know:
            indicators.append(dont_know_indicator(item))
    columns += indicators
    columns += _score_columns(instrument)
    own = tuple(m for m in weighted_figures if m.partition(":")[0] in FIGURE_KINDS)
    columns += [_weight_column(None), *(_weight_column(m) for m in own)]
    return Layout(
        instrument,
        tuple(columns),
        asked,
        free_text,
        choice_codes,
        dont_know_code=dont_know_code,
        weighted_figures=own,
    )


#: The kinds of figure that may have a weight column of their own.
FIGURE_KINDS = ("item", "dim", "idx")


def _weight_column(measure: str | None) -> Column:
    """``weight`` (``measure`` None) or a figure's own ``weight_<column>``."""
    if measure is None:
        return Column(
            WEIGHT,
            "number",
            _t("Vekt", "Vekt", "Weight"),
            "weight",
            "scale",
            description="the weight the published figures give the row: sum(weight * y) / "
            "sum(weight) over a survey's rows is its weighted estimate; 1 when the survey is "
            "not weighted",
        )
    column = figure_column(measure)
    return Column(
        weight_column(measure),
        "number",
        _t(f"Vekt for {column}", f"Vekt for {column}", f"Weight for {column}"),
        "weight",
        "scale",
        description=f"the weight of the row in the published figure {column} (weighted by "
        f"groups among those who gave it), where it differs from {WEIGHT}; empty where the "
        f"row has no {column}",
        source=measure,
    )

"""The codebook: what every exported column means, as JSON, as a Frictionless Data Package
(``datapackage.json`` with a Table Schema for the CSV) and as Markdown for people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from survey_service.instruments import LANGUAGES, Instrument
from survey_service.services.exports.columns import (
    DONT_KNOW_CODE,
    Column,
    Layout,
    dimension_column,
    index_column,
)
from survey_service.services.exports.disclosure import LADDER
from survey_service.services.exports.figure_formulas import (
    SCOPE as FORMULA_SCOPE,
)
from survey_service.services.exports.figure_formulas import (
    figure_formulas,
    formulas_markdown,
)
from survey_service.services.exports.formats.csv import FORMULA_STARTS

DISCLOSURE_RULES = (
    "No tokens, receipts, database ids, IP addresses or timestamps: rows carry a row number "
    "that is random for each export, in random order, and the submission date only as its "
    "ISO week.",
    "Surveys with fewer than k responses are left out of the export.",
    "Surveys still accepting responses are left out until they close, so that two exports "
    "never differ by the rows that arrived in between.",
    "A closed survey's rows are exactly those its final published figures hold: the "
    "responses that arrived after its last interim snapshot (fewer than k) are never "
    "published, in figures or rows, since they would differ from that snapshot by their "
    "answers alone; a survey with responses withdrawn since its last snapshot is left out.",
    "Weights: a row's weights tell its weighting group (a gender, an age band), so they count "
    "as a quasi-identifier: classes are formed with them and they are never blanked.",
    "k-anonymity: every combination of municipality, county, period, audience, language, week "
    "and respondent attributes (role, age band, gender, area) occurs at least k times. Rarer "
    "combinations are generalised step by step, only where needed: "
    + "; ".join(f"{i}. {step.replace('_', ' ')}" for i, step in enumerate(LADDER) if i)
    + ". An empty value can therefore mean 'not answered' or 'blanked by disclosure "
    "control'.",
    "Homogeneity (l-diversity, l = 2): an equivalence class smaller than the homogeneity "
    "threshold (2k) in which every member has the same score on some dimension is generalised "
    "in the same way.",
    "Conditional items: an item shown only to respondents with certain attribute values "
    "(such as tv_involvering in partssamarbeid, asked of union and safety representatives "
    "only) is set to missing, whatever the answer, in every row whose released value of that "
    "attribute does not by itself tell whether the item was shown (the attribute blanked, or "
    "coarsened into a group that mixes respondents who were shown the item with respondents "
    "who were not); so are the items conditional on its answer and the scores and indices "
    "computed from it. This applies to whole released classes, so whether a row answered a "
    "conditional item never tells more about who it is than its released attributes do. "
    "Items conditional only on another answer are exported as answered.",
    "Free-text answers are left out unless an administrator includes them for one export; they "
    "are then screened, and e-mail addresses, phone numbers and 11-digit numbers "
    "(fødselsnummer) are masked.",
)


def _shown(start: str) -> str:
    return {"\t": "a tab", "\r": "a carriage return"}.get(start, start)


CSV_TEXT_CELLS = (
    "CSV only: every text cell (columns of type string or category) that begins with "
    + ", ".join(_shown(c) for c in FORMULA_STARTS)
    + " or a single quote (') has one single quote put in front of it, so that a spreadsheet "
    "shows it as text instead of running it as a formula (the OWASP rule against CSV "
    "injection); for example =SUM(1) is written '=SUM(1). To undo it, remove the first "
    "character of every text cell that begins with a single quote. Numeric columns (type "
    "integer or number: answers, scores, row_id) are never changed, so -1 stays -1."
)
TYPED_TEXT = (
    "text as written, with no quote put in front: the format is typed (strings are strings, "
    "numbers are numbers), so no reader runs a value as a formula."
)

#: How each export format writes text cells.
FORMAT_NOTES = {
    "csv": CSV_TEXT_CELLS,
    "jsonl": "JSON Lines: " + TYPED_TEXT,
    "parquet": "Parquet: " + TYPED_TEXT,
    "sav": "SPSS .sav: " + TYPED_TEXT,
}

_TABLE_TYPES = {"integer": "integer", "number": "number", "string": "string", "category": "string"}


def column_entry(column: Column) -> dict[str, Any]:
    """One column as the codebook describes it."""
    entry: dict[str, Any] = {
        "name": column.name,
        "type": column.kind,
        "group": column.group,
        "measure": column.measure,
        "label": dict(column.label),
    }
    if column.wordings:
        entry["label_by_audience"] = {a: dict(text) for a, text in column.wordings.items()}
    if column.description:
        entry["description"] = column.description
    if column.source:
        entry["source"] = column.source
    if column.categories:
        entry["values"] = [
            {"value": c.value, "label": dict(c.label), "spss_value": c.sav_value}
            for c in column.categories
        ]
    if column.missing:
        entry["missing_values"] = [
            {"value": c.value, "label": dict(c.label)} for c in column.missing
        ]
    return entry


def scoring_rules(instrument: Instrument) -> dict[str, Any]:
    scoring = instrument.to_dict().get("scoring", {})
    return {
        "item_score": "(x - min) / (max - min) * 100, reversed items 100 minus that; "
        "'don't know' and unanswered items are left out",
        **scoring,
    }


def codebook(
    layout: Layout, *, k: int, disclosure: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The codebook as JSON."""
    instrument = layout.instrument
    document: dict[str, Any] = {
        "instrument": instrument.key,
        "instrument_version": instrument.version,
        "content_hash": instrument.content_hash,
        "title": dict(instrument.title),
        "languages": list(LANGUAGES),
        "free_text_included": layout.free_text,
        "missing_values": {
            "": "no answer, not asked, or blanked by disclosure control (empty / null / "
            "system missing); don't know too in CSV, JSON Lines and Parquet, where the "
            "item's <item>_dont_know column is 1",
            str(DONT_KNOW_CODE): "don't know in SPSS (declared user-missing)",
        },
        "columns": [column_entry(c) for c in layout.columns],
        "figures": {"scope": FORMULA_SCOPE, "formulas": figure_formulas(layout)},
        "scoring": scoring_rules(instrument),
        "formats": dict(FORMAT_NOTES),
        "disclosure_control": {
            "k": k,
            "homogeneity_threshold": 2 * k,
            "rules": list(DISCLOSURE_RULES),
        },
    }
    if disclosure is not None:
        document["disclosure_control"]["applied"] = dict(disclosure)
    return document


def _field(column: Column, lang: str) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": column.name,
        "type": _TABLE_TYPES[column.kind],
        "title": column.label[lang],
    }
    if column.description:
        field["description"] = column.description
    constraints: dict[str, Any] = {}
    if column.kind == "category" or (
        column.group in ("item", "dont_know") and column.measure == "nominal"
    ):
        constraints["enum"] = [c.value for c in column.categories]
    elif column.group == "item" and column.categories:
        values = [int(c.value) for c in column.categories]
        constraints.update(minimum=min(values), maximum=max(values))
    if constraints:
        field["constraints"] = constraints
    if column.categories:
        field["categories"] = [
            {"value": c.value, "label": c.label[lang]} for c in column.categories
        ]
    if column.missing:
        field["missingValues"] = [{"value": "", "label": "no answer"}] + [
            {"value": str(c.value), "label": c.label[lang]} for c in column.missing
        ]
    return field


#: The Data Package standard, version 2 (https://datapackage.org/standard/data-package/).
DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


def datapackage(
    layout: Layout, *, path: str, lang: str = "nb", k: int, disclosure: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A Frictionless Data Package (version 2) for the CSV export of ``layout``: version 2
    because a field's missing values carry labels ("Vet ikke" for -1), which version 1 cannot
    say."""
    instrument = layout.instrument
    name = f"{instrument.key}-{instrument.version}-responses".replace(".", "-")
    package: dict[str, Any] = {
        "$schema": DATA_PACKAGE_PROFILE,
        "name": name,
        "title": f"{instrument.title[lang]} ({instrument.version})",
        "description": "Anonymised responses, one row per response. See codebook.md.",
        "resources": [
            {
                "name": "responses",
                "type": "table",
                "path": path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": CSV_TEXT_CELLS,
                "dialect": {
                    "delimiter": ",",
                    "lineTerminator": "\r\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": {
                    "$schema": TABLE_SCHEMA_PROFILE,
                    "fields": [_field(c, lang) for c in layout.columns],
                    "missingValues": [""],
                },
            }
        ],
        "x-codebook": codebook(layout, k=k, disclosure=disclosure),
    }
    return package


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(layout: Layout, *, k: int, disclosure: Mapping[str, Any] | None = None) -> str:
    """The codebook for people to read."""
    instrument = layout.instrument
    lines = [
        f"# Codebook: {instrument.title['en']} ({instrument.key} {instrument.version})",
        "",
        f"{instrument.title['nb']} / {instrument.title['nn']}. Content hash "
        f"`{instrument.content_hash}`.",
        "",
        "One row per response. Missing values: empty (no answer, not asked, or blanked by "
        "disclosure control). Don't know: empty, with the item's `<item>_dont_know` column 1, "
        f"in CSV, JSON Lines and Parquet; `{DONT_KNOW_CODE}` (declared user-missing) in SPSS.",
        "",
        "## Columns",
        "",
        "| column | type | label (nb / nn / en) | values |",
        "|---|---|---|---|",
    ]
    for column in layout.columns:
        label = " / ".join(_md(column.label[lang]) for lang in LANGUAGES)
        if column.wordings:
            label = "<br>".join(
                f"{audience}: " + " / ".join(_md(text[lang]) for lang in LANGUAGES)
                for audience, text in column.wordings.items()
            )
        values = "; ".join(
            f"{c.value} = {_md(c.label['nb'])}" for c in (*column.categories, *column.missing)
        )
        if column.description:
            values = f"{_md(column.description)}. {values}" if values else _md(column.description)
        lines.append(f"| `{column.name}` | {column.kind} | {label} | {values} |")
    lines += ["", "## Scoring rules", ""]
    for rule in instrument.scoring.dimensions:
        what = (
            ", ".join(rule.items)
            if rule.method == "mean"
            else ", ".join(f"{p.experience} - {p.expectation}" for p in rule.pairs)
        )
        lines.append(
            f"- `{dimension_column(rule.dimension)}`: {rule.method} of {what}, at least "
            f"{rule.min_answered} answered; range {rule.score_range[0]:g} to "
            f"{rule.score_range[1]:g}."
        )
    for index in instrument.indices:
        lines.append(
            f"- `{index_column(index.key)}`: {index.method} of {', '.join(index.dimensions)}, "
            f"at least {index.min_dimensions}."
        )
    lines.append(
        "- Item score: (x - min) / (max - min) * 100, reversed items 100 minus that; "
        "don't know and unanswered items are left out."
    )
    if instrument.staircase is not None:
        lines.append(
            f"- Staircase: a step is reached at a score of at least "
            f"{instrument.staircase.threshold:g}; steps: {', '.join(instrument.staircase.steps)}."
        )
    lines += ["", *formulas_markdown(layout)]
    lines += ["", "## File formats", ""]
    lines += [f"- {note}" for note in FORMAT_NOTES.values()]
    lines += ["", f"## Disclosure control (k = {k})", ""]
    lines += [f"- {rule}" for rule in DISCLOSURE_RULES]
    if disclosure is not None:
        lines += ["", "### Applied to this export", ""]
        lines += [f"- {key}: {value}" for key, value in disclosure.items()]
    return "\n".join(lines) + "\n"

"""The disclosure step on the row stream, lazily: each stored response as released, or left
out when its class is suppressed.

A released row's values follow the columns of its :class:`~.columns.Layout`, which alone
decides their order: the columns that describe the row (design, geography, respondent
attributes) are looked up by name, the others read the stored answers and person scores.
Conditional items (and what is computed from them) are set to missing where the released
attributes would not tell whether they were shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from survey_service.instruments import DONT_KNOW
from survey_service.services.exports import query
from survey_service.services.exports.columns import (
    DONT_KNOW_CODE,
    Column,
    Layout,
    dimension_column,
)
from survey_service.services.exports.conditional_items import ConditionalItems
from survey_service.services.exports.disclosure import Plan, QuasiIdentifiers
from survey_service.services.exports.text_screening import ScreenCounts, screen_text
from survey_service.services.exports.weights import cell_of_row


@dataclass
class Progress:
    rows: int = 0
    late_rows: int = 0  # rows not in the plan (cannot happen inside one snapshot)
    screened: ScreenCounts = field(default_factory=ScreenCounts)


def _source(column: Column) -> str | None:
    """Where a column's value comes from: ``answer`` (the stored answers), ``dont_know`` (the
    answer, as an indicator), ``dimension`` or ``index`` (the person's scores), ``weight``
    (the survey's weights); None for a column that describes the released row."""
    if column.group in ("item", "text"):
        return "answer"
    if column.group in ("dont_know", "weight"):
        return column.group
    if column.group == "score":
        assert column.source is not None
        return "dimension" if column.name == dimension_column(column.source) else "index"
    return None


#: Where a figure's per-person value is found: measure prefix -> source.
FIGURE_SOURCES = {"item": "answer", "dim": "dimension", "idx": "index"}


class _Cells:
    """Reads one released row's values, in the order of the layout's columns."""

    def __init__(
        self,
        export_layout: Layout,
        surveys: Mapping[int, query.SurveyInfo],
        progress: Progress,
        conditional: ConditionalItems,
    ) -> None:
        self.layout = export_layout
        self.progress = progress
        self.conditional = conditional
        self.weights = {survey_id: s.weights for survey_id, s in surveys.items()}
        self.names = {s.municipality: s.municipality_name for s in surveys.values()}
        self.counties = {s.county_number: s.county for s in surveys.values()}
        self.sources = [(column, _source(column)) for column in export_layout.columns]

    def described(self, released: QuasiIdentifiers) -> dict[str, Any]:
        """The values of the columns that describe a released row, by column name."""
        instrument = self.layout.instrument
        geo = released.municipality or released.county_number or "NO"
        municipality, county = released.municipality, released.county_number
        return {
            "row_id": self.progress.rows,
            "instrument": instrument.key,
            "instrument_version": instrument.version,
            "survey": f"{geo}-{released.period}-{released.audience}",
            "municipality": municipality or None,
            "municipality_name": self.names[municipality] if municipality else None,
            "county_number": county or None,
            "county": self.counties[county] if county else None,
            "period": released.period,
            "audience": released.audience,
            "language": released.language or None,
            "week": released.week or None,
            **{a: getattr(released, a) or None for a in self.layout.attributes},
        }

    def answer(self, column: Column, value: Any) -> Any:
        """A stored answer as the column writes it."""
        if value is None:
            return None
        if value == DONT_KNOW:
            return DONT_KNOW_CODE if self.layout.dont_know_code else None
        if column.group == "text":
            return screen_text(str(value), self.progress.screened)
        if column.name in self.layout.choice_codes:
            return self.layout.choice_codes[column.name].get(str(value))
        return int(value)

    def row(self, released: QuasiIdentifiers, stored: Any) -> list[Any]:
        described = self.described(released)
        blanked = self.conditional.blanked(released)
        hidden = {
            "answer": blanked.items,
            "dimension": blanked.dimensions,
            "index": blanked.indices,
        }
        scores = stored.scores or {}
        found = {
            "answer": stored.answers or {},
            "dimension": scores.get("dimensions") or {},
            "index": scores.get("indices") or {},
        }

        def released_value(source: str, key: str | None) -> Any:
            return None if key in hidden[source] else found[source].get(key)

        overall, own = self.weights[stored.survey_id].of(cell_of_row(stored))
        values: list[Any] = []
        for column, source in self.sources:
            if source is None:
                values.append(described[column.name])
            elif source == "answer":
                values.append(self.answer(column, released_value(source, column.source)))
            elif source == "dont_know":
                answer = released_value("answer", column.source)
                values.append(None if answer is None else int(answer == DONT_KNOW))
            elif source == "weight":
                values.append(self._weight(column.source, overall, own, released_value))
            else:
                values.append(released_value(source, column.source))
        return values

    @staticmethod
    def _weight(
        measure: str | None,
        overall: float,
        own: Mapping[str, float | None],
        released_value: Any,
    ) -> float | None:
        """The row's overall weight (``measure`` None), or its weight for a figure: empty
        where the row has no value for the figure, as released."""
        if measure is None:
            return overall
        kind, _, key = measure.partition(":")
        value = released_value(FIGURE_SOURCES[kind], key)
        if value is None or value == DONT_KNOW:
            return None
        return own.get(measure, overall)


def export_rows(
    rows: Iterable[Any],
    export_plan: Plan,
    surveys: Mapping[int, query.SurveyInfo],
    export_layout: Layout,
    progress: Progress,
    conditional: ConditionalItems | None = None,
) -> Iterator[list[Any]]:
    """Each stored row as released, in column order, or left out when its class is
    suppressed (see the module docstring)."""
    if conditional is None:
        conditional = ConditionalItems(export_layout.instrument)
    cells = _Cells(export_layout, surveys, progress, conditional)
    for row in rows:
        stored = query.quasi_identifiers(surveys[row.survey_id], row)
        released = export_plan.release(stored)
        if released is None:
            if export_plan.levels.get(stored) is None:
                progress.late_rows += 1
            continue
        progress.rows += 1
        yield cells.row(released, row)

"""The columns of a response export: the one list every format reads. Pure, no database.

Every format writes the same columns in the same order. A column knows its type, its label
in nb/nn/en, its value labels and its declared missing codes, so the CSV's Table Schema, the
Parquet schema, the SPSS dictionary and the codebook are all read off one list and cannot
disagree. :func:`.layout.layout` derives the list from the instrument version (the columns
of its items in :mod:`.item_columns`).

Codes
-----
- Items: the numeric answer (Likert value, rating, dice). A choice item's codes are numbered
  1..n in the order of its options (the option code is kept in the codebook). No answer is
  empty (system missing). "Don't know" is empty too in CSV, JSON Lines and Parquet, and has
  its own indicator column (:func:`dont_know_column`: 1 don't know, 0 a value, empty no
  answer), so that a column's plain mean is the mean of the answers; in SPSS it is the
  declared user-missing code :data:`DONT_KNOW_CODE` (-1), which SPSS leaves out of means.
- Weights: ``weight``, and ``weight_<column>`` where a figure has weights of its own
  (:mod:`.weights`).
- Categorical columns (audience, language, role, age band, gender) are their vocabulary codes
  (``"politician"``) in CSV, JSON Lines and Parquet, and numbered 1..n with value labels in
  SPSS, where string value labels are limited to eight bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from survey_service.instruments import Instrument, Text

#: The declared missing code of "don't know" in every format.
DONT_KNOW_CODE = -1


def dimension_column(key: str) -> str:
    """The name of the column of a person's score on dimension ``key``."""
    return f"score_{key}"


def index_column(key: str) -> str:
    """The name of the column of a person's index ``key``."""
    return f"index_{key}"


def dont_know_column(link_id: str) -> str:
    """The name of the indicator column of item ``link_id``'s "don't know"."""
    return f"{link_id}_dont_know"


#: The column of the overall weight.
WEIGHT = "weight"


def figure_column(measure: str) -> str:
    """The column holding a figure's per-person values: ``item:q1`` -> ``q1``,
    ``dim:tillit`` -> ``score_tillit``, ``idx:omdomme`` -> ``index_omdomme``."""
    kind, _, key = measure.partition(":")
    return {"item": key, "dim": dimension_column(key), "idx": index_column(key)}[kind]


def weight_column(measure: str) -> str:
    """The name of the column of a figure's own weights."""
    return f"{WEIGHT}_{figure_column(measure)}"


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
    # An item worded differently for some audiences: each audience's wording. ``label`` is
    # the wording of the export's one audience, or the common wording when it mixes several.
    wordings: Mapping[str, Text] = field(default_factory=dict)

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
    # "Don't know" written as :data:`DONT_KNOW_CODE` in the item's column (SPSS), else empty.
    dont_know_code: bool = True
    # The figures (``item:q1``, ``dim:tillit``) with a weight column of their own.
    weighted_figures: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

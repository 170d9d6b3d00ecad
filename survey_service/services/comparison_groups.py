"""What a municipality is compared with: its county, its size class, the whole country; and
the words a municipality reads about a comparison, in nb, nn and en."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from survey_service.models import Municipality


@dataclass(frozen=True)
class SizeClass:
    key: str
    low: int  # inhabitants, inclusive
    high: int | None  # exclusive; None: no upper bound
    title: dict[str, str]


#: By population (the reference data's, 1 January 2024), smallest first.
SIZE_CLASSES = (
    SizeClass(
        "under_5000",
        0,
        5000,
        {
            "nb": "Under 5 000 innbyggere",
            "nn": "Under 5 000 innbyggjarar",
            "en": "Under 5,000 inhabitants",
        },
    ),
    SizeClass(
        "5000_19999",
        5000,
        20000,
        {
            "nb": "5 000–19 999 innbyggere",
            "nn": "5 000–19 999 innbyggjarar",
            "en": "5,000–19,999 inhabitants",
        },
    ),
    SizeClass(
        "20000_99999",
        20000,
        100000,
        {
            "nb": "20 000–99 999 innbyggere",
            "nn": "20 000–99 999 innbyggjarar",
            "en": "20,000–99,999 inhabitants",
        },
    ),
    SizeClass(
        "100000_and_over",
        100000,
        None,
        {
            "nb": "100 000 innbyggere og flere",
            "nn": "100 000 innbyggjarar og fleire",
            "en": "100,000 inhabitants and over",
        },
    ),
)

NATIONAL_TITLE = {"nb": "Hele landet", "nn": "Heile landet", "en": "All of Norway"}

#: A difference's verdict as a municipality reads it.
VERDICT_TEXT = {
    "clearly_above": {"nb": "klart over", "nn": "klart over", "en": "clearly above"},
    "clearly_below": {"nb": "klart under", "nn": "klart under", "en": "clearly below"},
    "not_distinguishable": {
        "nb": "kan ikke skilles fra",
        "nn": "kan ikkje skiljast frå",
        "en": "not distinguishable from",
    },
}


def size_class(population: int | None) -> SizeClass | None:
    """The size class of a municipality of ``population`` inhabitants (None if unknown)."""
    if population is None:
        return None
    for candidate in SIZE_CLASSES:
        if population >= candidate.low and (candidate.high is None or population < candidate.high):
            return candidate
    return None


@dataclass(frozen=True)
class Place:
    """A municipality as the comparisons see it."""

    number: str
    name: str
    county_number: str
    county: str
    population: int | None
    size_class: SizeClass | None

    @classmethod
    def of(cls, municipality: Municipality) -> Place:
        return cls(
            municipality.number,
            municipality.name,
            municipality.county_number,
            municipality.county,
            municipality.population,
            size_class(municipality.population),
        )

    def describe(self) -> dict[str, Any]:
        """The fields a row of the scores across surveys carries about its municipality."""
        return {
            "municipality_name": self.name,
            "county_number": self.county_number,
            "county": self.county,
            "population": self.population,
            "size_class": None
            if self.size_class is None
            else {"key": self.size_class.key, "title": dict(self.size_class.title)},
        }

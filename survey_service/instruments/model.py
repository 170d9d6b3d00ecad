"""The instrument: one immutable version of a questionnaire with its scoring rules.

It is built by :meth:`Instrument.from_dict`, which validates everything first: an object
that exists is a valid definition. The parts it is made of are in :mod:`.parts`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .dump import dump
from .parts import AttributeRequest, Dimension, IndexRule, Item, Scoring, Staircase
from .schema_definition import load_yaml, read_definition
from .versions import version_key
from .vocabulary import Text

__all__ = ["Instrument"]


@dataclass(frozen=True)
class Instrument:
    """One immutable version of an instrument: the questionnaire and its scoring rules."""

    key: str
    version: str
    title: Text
    introduction: Text
    audiences: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    scoring: Scoring
    respondent_attributes: tuple[AttributeRequest, ...] = ()

    # -- construction and serialisation ---------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instrument:
        """Validate a definition (file format) and build it; raises ``InstrumentError``."""
        return cls(**read_definition(data))

    @classmethod
    def from_yaml(cls, text: str) -> Instrument:
        """Read a YAML definition (safe loader) and build it; raises ``InstrumentError``."""
        return cls.from_dict(load_yaml(text))

    def to_dict(self) -> dict[str, Any]:
        """The canonical, JSON-able definition (defaults filled in); ``from_dict`` reads it."""
        return dump(self)

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @cached_property
    def content_hash(self) -> str:
        """sha256 (hex) of the canonical JSON: equal content, equal hash."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    # -- lookups --------------------------------------------------------------------------

    @cached_property
    def _items_by_id(self) -> Mapping[str, Item]:
        return {item.link_id: item for item in self.items}

    def item(self, link_id: str) -> Item:
        """The item with this link id; ``KeyError`` if there is none."""
        return self._items_by_id[link_id]

    def has_item(self, link_id: str) -> bool:
        return link_id in self._items_by_id

    def dimension(self, key: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(key)

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)

    @property
    def indices(self) -> tuple[IndexRule, ...]:
        return self.scoring.indices

    @property
    def staircase(self) -> Staircase | None:
        return self.scoring.staircase

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        """``(major, minor, patch)``, for sorting versions numerically."""
        return version_key(self.version)

    def items_for(self, audience: str | None = None) -> tuple[Item, ...]:
        """The items of the questionnaire for ``audience`` (None: all), in order."""
        return tuple(item for item in self.items if item.shown_to(audience))

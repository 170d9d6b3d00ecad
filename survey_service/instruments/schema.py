"""The definition format: parse (validate) a mapping into an :class:`Instrument`.

Every problem is collected, with a path into the definition (``item[3].text.nn``, 0-based
list indices; ``scoring.dimensions.kvalitet.items[2]``), before anything is built, so an
author sees all of them at once. The format is described in ``FORMAT.md``; :mod:`.dump`
writes it back.

The parser is split by part of the definition, each module reading its part with a shared
:class:`~.schema_reader.Reader` that collects the problems:

- :mod:`.schema_definition`: the top level (key, version, texts, audiences, respondent
  attributes, dimensions) and the order in which the parts are read;
- :mod:`.schema_items`: items, and :mod:`.schema_options` their answer options and the
  named value sets; :mod:`.schema_enable_when` their ``enableWhen`` conditions;
- :mod:`.schema_scoring`: dimension rules, indices and the staircase.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Instrument
from .schema_enable_when import OPERATORS
from .schema_items import DEFAULT_MAX_LENGTH
from .versions import parse_version

__all__ = ["DEFAULT_MAX_LENGTH", "OPERATORS", "parse", "parse_version", "parse_yaml"]


def parse(data: Mapping[str, Any]) -> Instrument:
    """Validate ``data`` (the file format) and build the instrument; raise
    :class:`InstrumentError` listing every problem found."""
    return Instrument.from_dict(data)


def parse_yaml(text: str) -> Instrument:
    """Read a YAML definition (safe loader) and :func:`parse` it."""
    return Instrument.from_yaml(text)

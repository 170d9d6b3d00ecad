"""Schema pieces shared by several resources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import marshmallow as ma

from survey_service.api import MAX_INTEGER

_MUNICIPALITY_NUMBER = ma.validate.Regexp(r"^\d{4}$", error="A 4-digit kommunenummer, e.g. '4601'.")
_COUNTY_NUMBER = ma.validate.Regexp(r"^\d{2}$", error="A 2-digit county number, e.g. '46'.")


def municipality_number(**kwargs: Any) -> ma.fields.String:
    """A field for a municipality's number (kommunenummer): 4 digits, e.g. "4601"."""
    return ma.fields.String(validate=_MUNICIPALITY_NUMBER, **kwargs)


def county_number(**kwargs: Any) -> ma.fields.String:
    """A field for a county's number (fylkesnummer): 2 digits, e.g. "46"."""
    return ma.fields.String(validate=_COUNTY_NUMBER, **kwargs)


def has_control_character(text: str) -> bool:
    """Whether ``text`` holds a C0 control character (NUL, line breaks, ...) or DEL."""
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def _no_control_characters(value: str) -> None:
    if has_control_character(value):
        raise ma.ValidationError(
            "Control characters (such as NUL or a line break) are not allowed."
        )


class DatabaseId(ma.fields.Integer):
    """An id the database can hold: 1 to 2³¹−1. A larger number names nothing (422, never a
    database error)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.insert(0, ma.validate.Range(min=1, max=MAX_INTEGER))


class Line(ma.fields.String):
    """One line of text without control characters: a filter, a name, anything that may end
    up in a header, a file name or a log line."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.insert(0, _no_control_characters)


def nul_at(data: Any) -> str | None:
    """The dotted path of the first key or string in ``data`` that holds NUL, or None.

    Iterative: a body nested as deeply as the parser allows is walked without recursion."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "json"
        elif isinstance(value, dict):
            for key, inner in value.items():
                inner_path = f"{path}.{key}" if path else str(key)
                if "\x00" in key:
                    return inner_path
                pending.append((inner_path, inner))
        elif isinstance(value, list):
            pending.extend((f"{path}.{i}" if path else str(i), v) for i, v in enumerate(value))
    return None


NUL = "Text may not hold the NUL character (\\u0000)."


class Schema(ma.Schema):
    """The project's base schema: unknown fields are an error (422), never ignored, and NUL in
    any key or string of the input is an error naming where it is (422): PostgreSQL cannot
    store it in text, and the rule is the same on every database."""

    #: Top-level fields whose own validation refuses NUL with a more telling message.
    NUL_CHECKED_BY_FIELD: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _refuse_nul(self, data: Any, **kwargs: Any) -> Any:
        checked = data
        if self.NUL_CHECKED_BY_FIELD and isinstance(data, dict):
            checked = {k: v for k, v in data.items() if k not in self.NUL_CHECKED_BY_FIELD}
        where = nul_at(checked) if isinstance(checked, (dict, list)) else _nul_parameter(data)
        if where is not None:
            raise ma.ValidationError(NUL, where)
        return data


def _nul_parameter(data: Any) -> str | None:
    """The first query or form parameter (webargs' proxy of a multi-dict) whose name or any
    value holds NUL."""
    if not isinstance(data, Mapping):
        return None
    for name in data:
        values = data[name]
        for value in values if isinstance(values, list) else [values]:
            if "\x00" in str(name) or (isinstance(value, str) and "\x00" in value):
                return str(name)
    return None


class ConfidenceIntervalSchema(Schema):
    low = ma.fields.Float(allow_none=True)
    high = ma.fields.Float(allow_none=True)

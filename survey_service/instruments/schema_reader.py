"""Reading a definition: the problem list and the kinds of value every part of it uses.

Nothing here raises on bad input. Each check records a :class:`Problem` with its path and
returns ``None`` (or a safe default), so that parsing goes on and an author sees every
problem of a definition at once.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeGuard

from .errors import Problem
from .vocabulary import AUDIENCES, LANGUAGES, RESPONDENT_ATTRIBUTES, Text

__all__ = [
    "CODE_RE",
    "KEY_RE",
    "MAX_TEXT_LENGTH",
    "NUL_MESSAGE",
    "Reader",
    "is_int",
    "join_path",
    "literal",
    "nul_paths",
]

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
MAX_TEXT_LENGTH = 4000
LANGUAGE_NAMES = {"nb": "Bokmål (nb)", "nn": "Nynorsk (nn)", "en": "English (en)"}


def is_int(value: object) -> TypeGuard[int]:
    """Whether ``value`` is an integer; YAML's ``true`` is a bool, which Python counts as one."""
    return isinstance(value, int) and not isinstance(value, bool)


_QUOTED = reprlib.Repr()
_QUOTED.maxlevel, _QUOTED.maxstring, _QUOTED.maxother = 3, 80, 80
_QUOTED.maxlist = _QUOTED.maxtuple = _QUOTED.maxdict = 5
NUL_MESSAGE = "text may not hold the NUL character (\\u0000)"


def literal(value: object) -> str:
    """``value`` as it is quoted in messages: shortened, so that a huge or deeply nested value
    makes a readable message (and never a RecursionError)."""
    return _QUOTED.repr(value)


def join_path(path: str, name: str) -> str:
    """The path of field ``name`` inside ``path`` (the top level has the empty path)."""
    return f"{path}.{name}" if path else name


def nul_paths(data: object) -> list[str]:
    """The path of every key and string inside ``data`` that holds NUL, which no database
    stores in text. Iterative: a value nested as deeply as a parser allows takes no recursion.
    """
    found: list[str] = []
    pending: list[tuple[str, object]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                found.append(path)
        elif isinstance(value, Mapping):
            for name, inner in value.items():
                inner_path = join_path(path, str(name))
                if isinstance(name, str) and "\x00" in name:
                    found.append(inner_path)
                pending.append((inner_path, inner))
        elif isinstance(value, Sequence):
            pending.extend((f"{path}[{i}]", inner) for i, inner in enumerate(value))
    return sorted(found)


class Reader:
    """Collects the problems of one definition and reads its shared kinds of value."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, code: str = "invalid") -> None:
        self.problems.append(Problem(path, message, code))

    def mark(self) -> int:
        """A point to compare with :meth:`found_since`."""
        return len(self.problems)

    def found_since(self, mark: int) -> bool:
        """Whether a problem was recorded after ``mark``: the part read since is unusable."""
        return len(self.problems) > mark

    # -- containers -----------------------------------------------------------------------

    def mapping(self, value: object, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.add(path, f"must be a mapping, got {type(value).__name__}", "type")
            return None
        return value

    def sequence(self, value: object, path: str) -> Sequence[Any] | None:
        # A string is a sequence to Python but never a list to an author.
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.add(path, f"must be a list, got {type(value).__name__}", "type")
            return None
        return value

    def check_fields(
        self, m: Mapping[str, Any], path: str, allowed: set[str], required: Sequence[str] = ()
    ) -> None:
        """Report fields outside ``allowed`` (a misspelt field would otherwise be ignored
        silently) and ``required`` fields that are missing."""
        for name in m:
            if name not in allowed:
                hint = ", ".join(sorted(allowed))
                self.add(
                    join_path(path, str(name)),
                    f"unknown field {literal(name)} (allowed: {hint})",
                    "unknown_field",
                )
        for name in required:
            if name not in m:
                self.add(join_path(path, name), f"required field {name!r} is missing", "missing")

    def checked_mapping(
        self, value: object, path: str, allowed: set[str], required: Sequence[str] = ()
    ) -> Mapping[str, Any] | None:
        """A mapping with a fixed set of fields, checked by :meth:`check_fields`."""
        m = self.mapping(value, path)
        if m is not None:
            self.check_fields(m, path, allowed, required)
        return m

    # -- texts ----------------------------------------------------------------------------

    def text(self, value: object, path: str) -> Text | None:
        """A text in every language of ``LANGUAGES``, stripped, as a read-only mapping."""
        m = self.mapping(value, path)
        if m is None:
            return None
        ok = True
        for lang in m:
            if lang not in LANGUAGES:
                self.add(
                    f"{path}.{lang}",
                    f"unknown language {literal(lang)} (allowed: nb, nn, en)",
                    "unknown_language",
                )
                ok = False
        out: dict[str, str] = {}
        for lang in LANGUAGES:
            translation = self._translation(m.get(lang), f"{path}.{lang}", lang)
            if translation is None:
                ok = False
            else:
                out[lang] = translation
        return MappingProxyType(out) if ok else None

    def _translation(self, value: object, path: str, lang: str) -> str | None:
        if value is None:
            self.add(path, f"missing {LANGUAGE_NAMES[lang]} text", "missing_translation")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(
                path,
                f"{LANGUAGE_NAMES[lang]} text must be a non-empty string, got {literal(value)}",
                "missing_translation",
            )
            return None
        if len(value) > MAX_TEXT_LENGTH:
            self.add(path, f"text is longer than {MAX_TEXT_LENGTH} characters")
            return None
        return value.strip()

    def optional_text(self, m: Mapping[str, Any], name: str, path: str) -> Text | None:
        if m.get(name) is None:
            return None
        return self.text(m[name], join_path(path, name))

    # -- scalars --------------------------------------------------------------------------

    def key(
        self, value: object, path: str, what: str = "key", pattern: re.Pattern[str] = KEY_RE
    ) -> str | None:
        """An identifier (instrument key, link id, dimension key): stable, and safe as a
        column name in exports."""
        if not isinstance(value, str) or not pattern.match(value):
            self.add(
                path,
                f"{what} {literal(value)} must be lower-case ASCII letters, digits and "
                "underscores, starting with a letter, at most 64 characters",
                "bad_key",
            )
            return None
        return value

    def flag(self, m: Mapping[str, Any], name: str, path: str, default: bool = False) -> bool:
        value = m.get(name, default)
        if not isinstance(value, bool):
            self.add(join_path(path, name), f"must be true or false, got {literal(value)}", "type")
            return default
        return value

    def integer(self, m: Mapping[str, Any], name: str, path: str) -> int | None:
        """The integer field ``name``; ``None`` when it is absent or not an integer."""
        value = m.get(name)
        if value is None:
            return None
        if not is_int(value):
            self.add(join_path(path, name), f"must be an integer, got {literal(value)}", "type")
            return None
        return value

    def respondent_attribute(self, value: object, path: str) -> str | None:
        """The name of an attribute from ``RESPONDENT_ATTRIBUTES``."""
        # A list or mapping here is no attribute name (and cannot be looked up: unhashable).
        if not isinstance(value, str) or value not in RESPONDENT_ATTRIBUTES:
            self.add(
                path,
                f"unknown respondent attribute {literal(value)} "
                f"(allowed: {', '.join(RESPONDENT_ATTRIBUTES)})",
                "unknown_reference",
            )
            return None
        return value

    def audiences(self, value: object, path: str) -> tuple[str, ...]:
        """A list of audiences from the vocabulary, each once."""
        seq = self.sequence(value, path)
        if seq is None:
            return ()
        return self.distinct_codes(
            seq, path, AUDIENCES, unknown="audience", repeated="audience", code="unknown_audience"
        )

    def distinct_codes(
        self,
        seq: Sequence[Any],
        path: str,
        allowed: tuple[str, ...],
        *,
        unknown: str,
        repeated: str,
        code: str,
    ) -> tuple[str, ...]:
        """The codes of ``seq`` that are ``allowed``, each once; ``unknown`` and ``repeated``
        name a code in the messages, ``code`` is the problem code of one not allowed."""
        out: list[str] = []
        for i, value in enumerate(seq):
            if value not in allowed:
                self.add(
                    f"{path}[{i}]",
                    f"unknown {unknown} {literal(value)} (allowed: {', '.join(allowed)})",
                    code,
                )
            elif value in out:
                self.add(f"{path}[{i}]", f"{repeated} {value!r} is listed twice", "duplicate")
            else:
                out.append(value)
        return tuple(out)

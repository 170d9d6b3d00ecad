"""Errors raised by the instruments package.

Exception tree::

    ProblemsError (ValueError)      carries ``problems``: every problem found, not just the first
    ├── InstrumentError             a definition is malformed (raised at load time)
    └── AnswerError                 a submitted set of answers does not fit its instrument
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["AnswerError", "InstrumentError", "Problem", "ProblemsError"]


@dataclass(frozen=True)
class Problem:
    """One problem found in a definition or in a set of answers.

    ``path`` points at the offending value (``item[3].text.nn``,
    ``scoring.dimensions.kvalitet.items[2]``, or an answer's link id); ``code`` is a short
    machine-readable name of the rule; ``message`` says what is wrong in plain English.
    """

    path: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ProblemsError(ValueError):
    """Root of this package's errors: a non-empty list of :class:`Problem`."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {count - 5} more)" if count > 5 else ""
        super().__init__(f"{count} problem{'s' if count != 1 else ''}: {head}{more}")

    def by_path(self) -> dict[str, list[str]]:
        """The messages grouped by path, the shape of a 422 response's ``errors``."""
        out: dict[str, list[str]] = {}
        for problem in self.problems:
            out.setdefault(problem.path, []).append(problem.message)
        return out


class InstrumentError(ProblemsError):
    """An instrument definition is malformed; nothing of it was loaded."""


class AnswerError(ProblemsError):
    """Submitted answers (or respondent attributes) do not fit the instrument."""

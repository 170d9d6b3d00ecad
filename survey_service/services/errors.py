"""The core's exceptions: one hierarchy, mapped to HTTP statuses and pages once, at the edge.

::

    ServiceError
    ├── NotFound              nothing of that name, or nothing the caller may see
    ├── Invalid               the input breaks a rule; ``errors`` maps a field to its messages
    │   └── AnswersInvalid    a response's answers or attributes
    ├── Forbidden             the caller (or respondent) may not do this
    │   ├── InvitationRequired
    │   └── InvitationInvalid
    └── Conflict              not possible in the current state
        ├── SurveyNotOpen     ``reason``: "draft", "closed" or "outside_period"
        ├── WithdrawalClosed  the survey has closed and its final figures are published
        └── InvitationUsed

Services raise these and know nothing of HTTP; ``api.py`` turns them into the JSON error
payload and ``pages/`` into the respondent's pages. The message is written for the person who
will read it.
"""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """Something the caller asked for cannot be done; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Nothing has that id or name, or nothing the caller may see (the two look alike)."""


class Invalid(ServiceError):
    """The input breaks a rule: ``errors`` maps a field to its messages."""

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = dict(errors or {})


class AnswersInvalid(Invalid):
    """A response's answers or respondent attributes are not valid."""


class Forbidden(ServiceError):
    """The caller may not do this."""


class InvitationRequired(Forbidden):
    """The survey is by invitation only and no token was given."""


class InvitationInvalid(Forbidden):
    """No invitation of this survey has the token."""


class Conflict(ServiceError):
    """Not possible in the current state."""


class SurveyNotOpen(Conflict):
    """The survey does not accept responses: ``reason`` is "draft", "closed" or
    "outside_period"."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvitationUsed(Conflict):
    """The invitation has admitted a response already."""


class WithdrawalClosed(Conflict):
    """The survey has stopped collecting: its final figures, and the rows an export releases,
    hold the answers for good (withdrawing them now would show them, by difference)."""

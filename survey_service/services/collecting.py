"""Whether a survey is collecting responses: one rule for the form, the exports and the
final publication."""

from __future__ import annotations

from datetime import UTC, datetime

from survey_service.models import Survey


def accepting_responses(survey: Survey, now: datetime | None = None) -> bool:
    """Open, and within its opening and closing times."""
    now = now or datetime.now(UTC)
    if survey.status != "open":
        return False
    if survey.opens_at is not None and now < survey.opens_at:
        return False
    return survey.closes_at is None or now < survey.closes_at

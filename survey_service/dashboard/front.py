"""The front page: what the service is and where to go, in the visitor's language."""

from __future__ import annotations

from typing import Any

from survey_service.dashboard.web import bp, render


@bp.get("/")
def front() -> Any:
    """No cookie, nothing about the visitor: respondents may land here too."""
    return render("front.html")

"""The app on a benchmark's database, and a test client signed in with a fresh key."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def signed_in_client(url: str, *, role: str = "analyst") -> tuple[FlaskClient, dict[str, str]]:
    """A test client of the app on ``url`` and the headers of a new key of ``role``."""
    from survey_service import create_app
    from survey_service.db import db
    from survey_service.services.keys import create_key

    app = create_app({"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "bench"})
    with app.app_context():
        _, key = create_key(db.session, role=role, municipality=None, name="b", actor="b")
        db.session.commit()
    headers: dict[str, Any] = {"Authorization": f"Bearer {key}"}
    return app.test_client(), headers

"""The front page and the dashboard: server-rendered pages for municipalities, in nb, nn
and en, that work on a phone, load nothing from elsewhere and meet WCAG 2.1 AA.

- ``/``: what the service is and where to go (``front.py``);
- ``/dashboard/sign-in``, ``/dashboard/sign-out``: an API key exchanged for a short-lived
  session (the design: ``session.py``; the routes: ``signing.py``);
- ``/dashboard``: a municipality key lands on its surveys, every other role on the national
  ranking (``views.py``, ``ranking.py``);
- ``/dashboard/surveys/<id>``: one survey's published figures with their intervals, the
  staircase, the benchmarks and the model-based estimate, the trend, benefit realisation,
  the fieldwork monitor and, for its owner, its administration (``views.py``,
  ``admin.py``).

Every figure comes from the services the API uses (published snapshots only, through the
disclosure rules), and is shown by ``present.py``; a withheld figure says so, never 0.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    # The route modules register their views on the blueprint when imported.
    from survey_service.dashboard import admin, front, signing, views  # noqa: F401
    from survey_service.dashboard.web import bp

    app.register_blueprint(bp)

"""The respondent's HTML pages: the survey form, its thank-you page, withdrawal, embedding.

Everything here works without JavaScript and without cookies; the small scripts in
``static/`` only size an embedding iframe. See ``routes.py`` for the rules.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from survey_service.pages.routes import bp

    app.register_blueprint(bp)

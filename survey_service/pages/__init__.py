"""The respondent's HTML pages: the survey form, its thank-you page, withdrawal, embedding.

Everything here works without JavaScript and without cookies; the small scripts in
``static/`` size an embedding iframe and bring its messages into view (``embed.js`` on the
host page, ``frame.js`` in the frame), and help the form (``form.js``: an error link shows
the whole question; a form sent twice is stored once). See ``routes.py`` for the rules.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from survey_service.pages.routes import bp

    app.register_blueprint(bp)

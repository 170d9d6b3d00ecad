"""The dashboard's blueprint and what every one of its pages shares: headers, language,
the signed-in caller, CSRF checks, and rendering."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from survey_service.dashboard import session as sessions
from survey_service.dashboard.present import Words
from survey_service.dashboard.texts import language_from_request, texts_for
from survey_service.db import db
from survey_service.instruments import LANGUAGES
from survey_service.services.access import Principal

bp = Blueprint(
    "dashboard",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/dashboard/assets",
)

#: Pages: only the service's own styles, scripts and images; no framing, no plugins, forms
#: posted only here. The charts are inline SVG, which needs nothing more.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "dashboard.static":
        # Scores, invitation tokens and the caller's view must not stay in a cache.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
    return response


# -- language --------------------------------------------------------------------------------


def language() -> str:
    """``?lang=`` (or the posted ``lang``), else the browser's ``Accept-Language``."""
    if "lang" not in g:
        asked = request.values.get("lang")
        g.lang = language_from_request(asked, list(request.accept_languages))
    return str(g.lang)


def words() -> Words:
    lang = language()
    return Words(lang, texts_for(lang), int(current_app.config["SURVEY_MIN_N"]))


def link(endpoint: str, **values: Any) -> str:
    """A URL of the dashboard that keeps the page's language."""
    return url_for(endpoint, lang=language(), **values)


def language_links() -> list[dict[str, Any]]:
    """The same page in each language (the path and its other query arguments kept)."""
    t = texts_for(language())
    args: dict[str, Any] = {
        k: v for k, v in request.args.items() if k not in ("lang", "notice", "ended")
    }
    endpoint = request.endpoint or "dashboard.front"
    view_args = request.view_args or {}
    return [
        {
            "code": code,
            "name": t[f"language_name_{code}"],
            "url": url_for(endpoint, **view_args, **args, lang=code),
            "current": code == language(),
        }
        for code in LANGUAGES
    ]


# -- the signed-in caller --------------------------------------------------------------------


def current() -> sessions.DashboardSession:
    found: sessions.DashboardSession = g.dashboard_session
    return found


def principal() -> Principal:
    return current().principal


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view runs with a valid session in ``g.dashboard_session``; without one, the
    browser is sent to the sign-in page, which says why."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            g.dashboard_session = sessions.verify(db.session, request.cookies.get(sessions.COOKIE))
        except sessions.SessionEnded as ended:
            response = redirect(link("dashboard.sign_in", ended=ended.reason), code=303)
            if ended.reason != "none":
                sessions.clear_session_cookie(response)
            return response
        return view(*args, **kwargs)

    return wrapper


def csrf_checked(view: Callable[..., Any]) -> Callable[..., Any]:
    """A POST of a signed-in page: refused (403) unless it carries the session's token and
    comes from the service's own pages. Goes under :func:`signed_in`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not sessions.csrf_matches(current().csrf_token):
            return csrf_refused()
        return view(*args, **kwargs)

    return wrapper


def csrf_refused() -> tuple[str, int]:
    t = words().t
    return message_page(t["csrf_title"], t["csrf_text"], 403)


# -- rendering -------------------------------------------------------------------------------


def render(template: str, **context: Any) -> str:
    """A dashboard page with what the layout needs: language, texts, the caller."""
    w = words()
    session_here = g.get("dashboard_session")
    return render_template(
        f"dashboard/{template}",
        lang=w.lang,
        t=w.t,
        words=w,
        confidence=w.percent(0.95),
        link=link,
        language_links=language_links(),
        signed_in=session_here,
        who=_who(session_here, w.t) if session_here is not None else None,
        until=sessions.expiry_time(session_here).strftime("%H:%M") if session_here else None,
        csrf_field=sessions.CSRF_FIELD,
        csrf_token=session_here.csrf_token if session_here is not None else None,
        **context,
    )


def message_page(title: str, text: str, status: int) -> tuple[str, int]:
    return render("message.html", title=title, text=text), status


def not_found() -> tuple[str, int]:
    t = words().t
    return message_page(t["not_found_title"], t["not_found_text"], 404)


def see_other(endpoint: str, **values: Any) -> BaseResponse:
    return redirect(link(endpoint, **values), code=303)


def _who(current_session: sessions.DashboardSession, t: Any) -> str:
    who = current_session.principal
    if who.role == "municipality":
        from survey_service.models import Municipality

        place = db.session.get(Municipality, who.municipality_number)
        name = place.name if place is not None else who.municipality_number
        return str(t["role_municipality"].format(name=name))
    return str(t.get(f"role_{who.role}", who.role))

"""The respondent's pages: the form, the thank-you page, withdrawal, and the embed script.

Server-rendered and usable without JavaScript. A submission goes through
``services/submission.py`` exactly as the JSON API's does, so the two never disagree; the
status codes are the API's too: a refused form answers 422 (re-rendered with the answers kept
and the problems marked), a survey that is not open or an invitation already used 409, an
invitation survey without a valid token 403, success 201 (200 for a repeat of the same
submission), too many requests from the client or submissions to the survey just now 429 with
``Retry-After`` (``throttle.py``). Opening the form answers with the status a submission
would get: a closed survey's page is 409, an invitation survey opened without a token 403,
with a used one 409 - said before the respondent spends time on answers that cannot be
stored. Every such page is in the language
of the form.

Privacy: no cookies (the blueprint strips any ``Set-Cookie``), nothing about the browser is
stored or logged, nothing is loaded from elsewhere, and a strict Content-Security-Policy
whose ``frame-ancestors`` are exactly the survey's embed origins.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from survey_service.db import db
from survey_service.http_errors import database_fault, retry_later
from survey_service.instruments import LANGUAGES
from survey_service.models import Survey
from survey_service.pages.form import (
    Form,
    asked_on_form,
    build_form,
    enabled_answers,
    fields_holding_nul,
    read_answers,
    read_respondent,
    without_nul,
)
from survey_service.pages.texts import language_or_default, texts_for
from survey_service.services import form_counter, organisers, submission
from survey_service.services.errors import (
    AnswersInvalid,
    InvitationInvalid,
    InvitationRequired,
    InvitationUsed,
    ServiceError,
    SurveyNotOpen,
    WithdrawalClosed,
)
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.surveys import find_by_public_id
from survey_service.throttle import (
    client_wait,
    count_accepted,
    first_opening,
    retry_after,
    survey_wait,
)

log = logging.getLogger(__name__)

bp = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    # Under /s/ with the forms; "assets" can never be a public id (those are 16 characters).
    static_url_path="/s/assets",
)


# -- headers on every respondent page -------------------------------------------------------


def content_security_policy(frame_ancestors: list[str] | None) -> str:
    """No inline code, nothing from elsewhere; framed only by the survey's own origins."""
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        f"form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )


@bp.after_request
def _privacy_headers(response: Response) -> Response:
    # Nothing on these pages sets a cookie; this makes sure nothing ever does (an extension
    # or a future change), since a respondent must not be recognisable from one visit to the
    # next, and third-party cookies are blocked inside iframes by many browsers anyway.
    response.headers.remove("Set-Cookie")
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.endpoint not in ("pages.static", "pages.embed_js"):
        # Answers and receipt codes must not stay in a shared computer's cache.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = content_security_policy(
            g.get("frame_ancestors")
        )
    return response


@bp.get("/embed.js")
def embed_js() -> Response:
    """The host page's script: sizes the survey's iframe and relays its completion."""
    static = bp.static_folder
    assert static is not None
    response = send_from_directory(static, "embed.js", mimetype="text/javascript", max_age=3600)
    # Loaded by municipalities' pages, which may isolate themselves (COEP).
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


# -- the form --------------------------------------------------------------------------------


@bp.get("/s/<public_id>")
def form(public_id: str) -> Any:
    survey = _find(public_id)
    busy = _client_busy(survey)
    if busy is not None:
        return busy
    if survey is None:
        return _not_found()
    lang = language_or_default(request.args.get("lang"), survey.default_language)
    token = request.args.get("token") or None
    g.frame_ancestors = survey.embed_origins
    try:
        submission.ensure_admitted(db.session, survey, token)
    except ServiceError as exc:
        return _message_page(survey, lang, *_refusal(exc))
    page = _form_page(survey, lang, token=token, submission_id=str(uuid.uuid4()))
    _count_opened(survey)
    return page, 200


@bp.post("/s/<public_id>")
def submit_form(public_id: str) -> Any:
    survey = _find(public_id)
    busy = _client_busy(survey)
    if busy is not None:
        return busy
    if survey is None:
        return _not_found()
    # NUL is refused below; taken out here so that the page can show the answers again.
    nul = fields_holding_nul(request.form)
    posted = without_nul(request.form) if nul else request.form
    lang = _language(survey)
    token = posted.get("token") or None
    g.frame_ancestors = survey.embed_origins
    submission_id = _submission_id(posted.get("submission_id"))

    wait = survey_wait(survey.public_id)  # the same ceiling as the JSON API's
    if wait > 0:
        return _busy_page(survey, wait)

    instrument = as_instrument(survey.instrument_version)
    answers = read_answers(posted, instrument, survey.audience)
    respondent = read_respondent(posted, asked_on_form(survey, instrument))

    def refused(errors: Mapping[str, Any]) -> tuple[str, int]:
        """The form again, with the answers given and the problems marked."""
        page = _form_page(
            survey,
            lang,
            token=token,
            submission_id=submission_id,
            answers=answers,
            respondent=respondent,
            errors=errors,
        )
        return page, 422

    if nul:
        return refused(nul)
    payload = {
        "submission_id": submission_id,
        "token": token,
        "language": lang,
        "answers": enabled_answers(instrument, survey.audience, answers, respondent),
        "respondent": respondent,
    }
    try:
        receipt = submission.submit(
            db.session,
            survey,
            payload,
            secret=current_app.config["SURVEY_SECRET_KEY"],
            min_n=current_app.config["SURVEY_MIN_N"],
        )
    except AnswersInvalid as exc:
        db.session.rollback()
        return refused(exc.errors)
    except ServiceError as exc:
        db.session.rollback()
        return _message_page(survey, lang, *_refusal(exc))
    db.session.commit()
    if receipt.created:
        count_accepted(survey.public_id)
    return _thanks_page(survey, lang, receipt), 201 if receipt.created else 200


@bp.errorhandler(RequestEntityTooLarge)
def _body_too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    return _body_refused(413, "too_large")


@bp.errorhandler(BadRequest)
def _body_unreadable(error: BadRequest) -> tuple[str, int]:
    return _body_refused(400, "bad_request")


def _body_refused(status: int, key: str) -> tuple[str, int]:
    """A posted form the service could not read: a page in the form's language, not JSON."""
    public_id = (request.view_args or {}).get("public_id")
    survey = _find(public_id) if public_id else None
    g.frame_ancestors = survey.embed_origins if survey is not None else None
    default = survey.default_language if survey is not None else None
    lang = language_or_default(request.args.get("lang"), default)
    return _message_page(survey, lang, status, key)


def _find(public_id: str) -> Survey | None:
    return find_by_public_id(db.session, public_id)


def _language(survey: Survey | None) -> str:
    """The form's language: the one posted, else asked for in the address, else the survey's."""
    asked = request.form.get("language") or request.args.get("lang")
    return language_or_default(asked, survey.default_language if survey else None)


def _busy_page(survey: Survey | None, wait: float) -> tuple[str, int, dict[str, str]]:
    """The "many are answering" page, in the form's language, with ``Retry-After``; after a
    submission it says the answers are not saved and how to send them again."""
    g.frame_ancestors = survey.embed_origins if survey is not None else None
    key = "busy" if request.method == "POST" and survey is not None else "busy_wait"
    page, status = _message_page(survey, _language(survey), 429, key)
    return page, status, retry_after(wait)


def _client_busy(survey: Survey | None) -> tuple[str, int, dict[str, str]] | None:
    """Count the request against its client: the busy page above the limit, else None."""
    wait = client_wait()
    return _busy_page(survey, wait) if wait > 0 else None


def _submission_id(raw: str | None) -> str:
    """The form's own id when it is a UUID; a tampered one gets a fresh id (no idempotency,
    but nothing else lost)."""
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        return str(uuid.uuid4())


def _refusal(error: ServiceError) -> tuple[int, str]:
    """The status and message page for a submission the service refused."""
    if isinstance(error, SurveyNotOpen):
        return 409, "not_open" if error.reason == "draft" else "closed"
    if isinstance(error, InvitationRequired):
        return 403, "invitation"
    if isinstance(error, InvitationInvalid):
        return 403, "invalid_token"
    if isinstance(error, InvitationUsed):
        return 409, "used_token"
    raise error


def _count_opened(survey: Survey) -> None:
    """Count the opening, once a day per client (so reloading the form, or a script fetching
    it, does not inflate "started"); a failure must never cost the respondent the form."""
    if not first_opening(survey.public_id):
        return
    survey_id = survey.id
    try:
        # End the read transaction first: on SQLite a GET's transaction is deferred, and
        # upgrading a read snapshot to a write can fail at once where a fresh write waits.
        db.session.commit()
        form_counter.count_opened(db.session, survey_id)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("Could not count an opening of the form of survey %s", survey_id)


# -- rendering -------------------------------------------------------------------------------


def _common(survey: Survey | None, lang: str) -> dict[str, Any]:
    embed = request.args.get("embed") == "1"
    return {
        "lang": lang,
        "t": texts_for(lang),
        "embed": embed,
        "survey": survey,
        "municipality": (
            None
            if survey is None
            else organisers.runner_name(survey)
            if survey.is_organised
            else texts_for(lang)["municipality"].format(name=organisers.runner_name(survey))
        ),
    }


def _query(lang: str | None = None, **extra: str | None) -> dict[str, Any]:
    """Query arguments that a link keeps: the language and embedding (and any extra)."""
    out = {"lang": lang, "embed": "1" if request.args.get("embed") == "1" else None, **extra}
    return {k: v for k, v in out.items() if v}


def _language_links(lang: str, endpoint: str, **values: str | None) -> list[dict[str, Any]]:
    """The language switch: the same page in nb, nn and en, keeping token and embedding."""
    t = texts_for(lang)
    path_values: dict[str, Any] = {k: v for k, v in values.items() if k == "public_id"}
    query = {k: v for k, v in values.items() if k != "public_id"}
    return [
        {
            "code": code,
            "name": t[f"language_name_{code}"],
            "url": url_for(endpoint, **path_values, **_query(code, **query)),
            "current": code == lang,
        }
        for code in LANGUAGES
    ]


def _form_page(
    survey: Survey,
    lang: str,
    *,
    token: str | None,
    submission_id: str,
    answers: Mapping[str, str] | None = None,
    respondent: Mapping[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> str:
    context = _common(survey, lang)
    errors = errors or {}
    form: Form = build_form(
        survey, lang, context["t"], answers=answers, respondent=respondent, errors=errors
    )
    placed = {f.key for f in form.fields}
    return render_template(
        "survey_form.html",
        **context,
        form=form,
        question_count=len(form.fields),
        errored=[f for f in form.fields if f.errors],
        # The service's "answers" error: nothing at all was answered.
        no_answers="answers" in errors,
        unplaced_errors=bool(set(errors) - placed - {"answers"}),
        language_links=_language_links(lang, "pages.form", public_id=survey.public_id, token=token),
        action=url_for("pages.submit_form", public_id=survey.public_id, **_query()),
        submission_id=submission_id,
        token=token,
    )


def _thanks_page(survey: Survey, lang: str, receipt: submission.Receipt) -> str:
    return render_template(
        "survey_thanks.html",
        **_common(survey, lang),
        completed=True,
        receipt=receipt,
        withdraw_url=url_for("pages.withdraw", **_query(lang, embed=None)),
    )


def _message_page(survey: Survey | None, lang: str, status: int, key: str) -> tuple[str, int]:
    context = _common(survey, lang)
    t = context["t"]
    links = None
    if survey is not None and request.method == "GET":
        links = _language_links(
            lang, "pages.form", public_id=survey.public_id, token=request.args.get("token")
        )
    page = render_template(
        "survey_message.html",
        **context,
        language_links=links,
        title=t[f"{key}_title"],
        text=t[f"{key}_text"],
        key=key,
    )
    return page, status


def _not_found() -> tuple[str, int]:
    g.frame_ancestors = None
    return _message_page(None, language_or_default(request.args.get("lang")), 404, "not_found")


@bp.errorhandler(SQLAlchemyError)
def _database_fault(error: SQLAlchemyError) -> Any:
    """The database is unavailable or overloaded (``http_errors.database_fault``; anything
    else is raised again): 503 with ``Retry-After`` and a page in the form's language that
    asks to try again. The survey is not looked up again: the database is what failed."""
    database_fault(error)
    lang = language_or_default(request.values.get("language") or request.values.get("lang"))
    key = "unavailable_submit" if request.endpoint == "pages.submit_form" else "unavailable"
    page, status = _message_page(None, lang, 503, key)
    return page, status, retry_later()


# -- withdrawal ------------------------------------------------------------------------------


@bp.route("/s/withdraw", methods=["GET", "POST"])
def withdraw() -> Any:
    lang = language_or_default(request.values.get("lang"))
    context = _common(None, lang)
    t = context["t"]
    code, error, done, status = "", None, False, 200
    busy = _client_busy(None) if request.method == "POST" else None
    if busy is not None:
        return busy
    if request.method == "POST":
        code = (request.form.get("receipt") or "").strip()[:64]
        if not code:
            error, status = t["withdraw_empty"], 422
        else:
            try:
                found = submission.withdraw(
                    db.session, code, min_n=current_app.config["SURVEY_MIN_N"]
                )
            except WithdrawalClosed:
                found = None
            if found:
                db.session.commit()
                done, code = True, ""
            else:
                db.session.rollback()
                error, status = (
                    (t["withdraw_closed"], 409) if found is None else (t["withdraw_not_found"], 404)
                )
    page = render_template(
        "survey_withdraw.html",
        **context,
        code=code,
        error=error,
        done=done,
        action=url_for("pages.withdraw", **_query(lang)),
        language_links=_language_links(lang, "pages.withdraw"),
    )
    return page, status

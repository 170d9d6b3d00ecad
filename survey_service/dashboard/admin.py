"""Survey administration in the dashboard: create a survey, open and close it, make
invitations as a CSV file. Each action is the API's own service call (``services/surveys``,
``services/invitations``) with the signed-in key as the actor, so the rules, the audit log
and what a municipality may touch are the same; every POST is CSRF-checked."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, current_app, request
from sqlalchemy import select

from survey_service.dashboard.views import OWNERS, survey_context
from survey_service.dashboard.web import (
    bp,
    csrf_checked,
    not_found,
    principal,
    render,
    see_other,
    signed_in,
    words,
)
from survey_service.db import db
from survey_service.instruments import AUDIENCE_LABELS, LANGUAGES
from survey_service.models import InstrumentRecord, Municipality, Survey
from survey_service.models.survey import ACCESS_KINDS
from survey_service.services import surveys as survey_service
from survey_service.services.access import get_visible
from survey_service.services.errors import Conflict, Invalid
from survey_service.services.instrument_catalog import as_instrument, newest_version
from survey_service.services.invitations import create_invitations
from survey_service.services.origins import is_origin

MAX_INVITATIONS = 10_000


# -- a new survey ----------------------------------------------------------------------------


@bp.get("/dashboard/municipalities/<number>/new-survey")
@signed_in
def new_survey(number: str) -> Any:
    place = _own_place(number)
    if place is None:
        return not_found()
    return _new_survey_page(place, {"language": place.written_standard or "nb"}, {}, 200)


@bp.post("/dashboard/municipalities/<number>/new-survey")
@signed_in
@csrf_checked
def create_survey(number: str) -> Any:
    place = _own_place(number)
    if place is None:
        return not_found()
    form = {name: (request.form.get(name) or "").strip() for name in _FIELDS}
    data, errors = _survey_data(place, form)
    if not errors:
        who = principal()
        try:
            created = survey_service.create_survey(
                db.session, data, actor=who.label, municipality_scope=who.municipality_scope
            )
        except Invalid as exc:
            db.session.rollback()
            errors = _service_errors(exc.errors)
        else:
            db.session.commit()
            return see_other("dashboard.survey", survey_id=created.id, notice="created")
    return _new_survey_page(place, form, errors, 422)


_FIELDS = ("title", "instrument", "audience", "access", "language", "period", "baseline", "origins")


def _survey_data(
    place: Municipality, form: dict[str, str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The service's input from the form, or the fields' problems in the page's language."""
    t = words().t
    errors: dict[str, list[str]] = {}
    if not form["title"] or len(form["title"]) > 200:
        errors["title"] = [t["error_title"]]
    instruments = {key for key, _ in _instrument_choices()}
    if form["instrument"] not in instruments:
        errors["instrument"] = [t["error_choice"]]
    if form["audience"] not in AUDIENCE_LABELS:
        errors["audience"] = [t["error_choice"]]
    elif form["instrument"] in instruments:
        version = newest_version(db.session, form["instrument"])
        if version is not None and form["audience"] not in as_instrument(version).audiences:
            errors["audience"] = [t["error_audience_instrument"]]
    if form["access"] not in ACCESS_KINDS:
        errors["access"] = [t["error_choice"]]
    if form["language"] not in LANGUAGES:
        errors["language"] = [t["error_choice"]]
    if len(form["period"]) > 16 or any(ord(c) < 32 for c in form["period"]):
        errors["period"] = [t["error_period"]]
    baseline = None
    if form["baseline"]:
        choices = {str(s.id): s for s in _baseline_choices(place, form["instrument"])}
        baseline = choices.get(form["baseline"])
        if baseline is None:
            errors["baseline"] = [t["error_baseline"]]
    origins = [line.strip() for line in form["origins"].splitlines() if line.strip()]
    bad = [o for o in origins if not is_origin(o)]
    if bad:
        errors["origins"] = [t["error_origins"].format(bad=", ".join(bad[:3]))]
    data = {
        "municipality": place.number,
        "instrument": form["instrument"],
        "audience": form["audience"],
        "title": form["title"],
        "access": form["access"],
        "default_language": form["language"],
        "period": form["period"] or None,
        "baseline_survey": baseline.id if baseline is not None else None,
        "embed_origins": origins,
    }
    return data, errors


def _service_errors(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service's field problems on the form's fields (its messages are in English: the
    page says which field, in the page's language, and quotes the service)."""
    t = words().t
    fields = {
        "baseline_survey": "baseline",
        "embed_origins": "origins",
        "default_language": "language",
    }
    out: dict[str, list[str]] = {}
    for name, messages in raw.items():
        field = fields.get(name, name if name in _FIELDS else "title")
        out.setdefault(field, []).extend(t["error_other"].format(message=m) for m in messages)
    return out


def _new_survey_page(
    place: Municipality, form: dict[str, str], errors: dict[str, list[str]], status: int
) -> tuple[str, int]:
    w = words()
    page = render(
        "new_survey.html",
        place=place,
        form=form,
        errors=errors,
        instruments=_instrument_choices(),
        audiences=[(key, w.title(label)) for key, label in AUDIENCE_LABELS.items()],
        accesses=[(kind, w.t[f"access_{kind}"]) for kind in ACCESS_KINDS],
        languages=[(code, w.t[f"language_name_{code}"]) for code in LANGUAGES],
        baselines=[
            (str(s.id), f"{s.title} ({s.period}, {as_instrument(s.instrument_version).key})")
            for s in _baseline_choices(place, None)
        ],
    )
    return page, status


def _instrument_choices() -> list[tuple[str, str]]:
    w = words()
    out = []
    for record in db.session.scalars(select(InstrumentRecord).order_by(InstrumentRecord.key)):
        version = newest_version(db.session, record.key)
        if version is not None:
            out.append((record.key, w.title(as_instrument(version).title)))
    return out


def _baseline_choices(place: Municipality, instrument: str | None) -> list[Survey]:
    """The municipality's surveys past draft (of ``instrument``, if given), newest first."""
    surveys = survey_service.list_surveys(
        db.session,
        principal(),
        survey_service.SurveyFilters(municipality=place.number, instrument=instrument),
    )
    return sorted((s for s in surveys if s.status != "draft"), key=lambda s: -s.id)


def _own_place(number: str) -> Municipality | None:
    """The municipality, when the caller may run its surveys (admin, or its own key)."""
    who = principal()
    if who.role not in OWNERS or not who.may_see_municipality(number) or len(number) != 4:
        return None
    return db.session.get(Municipality, number)


# -- opening and closing ---------------------------------------------------------------------


@bp.post("/dashboard/surveys/<int:survey_id>/status")
@signed_in
@csrf_checked
def change_status(survey_id: int) -> Any:
    survey = _owned(survey_id)
    if survey is None:
        return not_found()
    t = words().t
    wanted = request.form.get("status")
    if wanted not in ("open", "closed"):
        return _survey_page_with(survey, 422, status_error=t["error_choice"])
    if wanted == "closed" and request.form.get("confirm") != "yes":
        return _survey_page_with(survey, 422, status_error=t["close_confirm_missing"])
    try:
        survey_service.update_survey(
            db.session,
            survey,
            {"status": wanted},
            actor=principal().label,
            min_n=current_app.config["SURVEY_MIN_N"],
        )
    except Conflict:
        db.session.rollback()
        message = t["status_conflict"].format(status=t[f"status_{survey.status}"].lower())
        return _survey_page_with(survey, 409, status_error=message)
    db.session.commit()
    return see_other("dashboard.survey", survey_id=survey.id, notice=wanted)


# -- invitations -----------------------------------------------------------------------------


@bp.post("/dashboard/surveys/<int:survey_id>/invitations")
@signed_in
@csrf_checked
def invitations(survey_id: int) -> Any:
    survey = _owned(survey_id)
    if survey is None:
        return not_found()
    t = words().t
    raw = (request.form.get("count") or "").strip()
    count = int(raw) if raw.isdigit() and len(raw) <= 6 else 0
    if not 1 <= count <= MAX_INVITATIONS:
        return _survey_page_with(survey, 422, invitation_error=t["invitations_count_invalid"])
    try:
        tokens = create_invitations(db.session, survey, count, actor=principal().label)
    except Conflict:
        db.session.rollback()
        return _survey_page_with(survey, 409, invitation_error=t["invitations_closed"])
    db.session.commit()
    form = survey_service.links(survey, current_app.config["SURVEY_PUBLIC_URL"])["form"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["token", "url"])
    writer.writerows([token, f"{form}?token={token}"] for token in tokens)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="invitations-survey-{survey.id}.csv"'
        },
    )


def _owned(survey_id: int) -> Survey | None:
    who = principal()
    if who.role not in OWNERS:
        return None
    return get_visible(db.session, who, survey_id)


def _survey_page_with(survey: Survey, status: int, **errors: str) -> tuple[str, int]:
    return render("survey.html", **survey_context(survey, principal(), **errors)), status

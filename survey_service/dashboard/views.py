"""The dashboard's pages: the landing redirect, a municipality's surveys, one survey's
results, and the national ranking."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import current_app, request
from markupsafe import Markup
from sqlalchemy import select

from survey_service.dashboard import present, ranking
from survey_service.dashboard.web import (
    bp,
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
from survey_service.services import organisers, snapshots
from survey_service.services.access import Principal, get_visible
from survey_service.services.benchmark import compare_surveys
from survey_service.services.benefit_realisation import benefit_realisation
from survey_service.services.breakdown_disclosure import COMPLEMENTARY
from survey_service.services.breakdown_snapshots import STILL_COLLECTING, breakdowns_of
from survey_service.services.breakdowns import survey_breakdown
from survey_service.services.charts import dimensions_chart, staircase_chart
from survey_service.services.comparison_groups import size_class
from survey_service.services.fieldwork import fieldwork, main_measure
from survey_service.services.instrument_catalog import as_instrument, newest_version
from survey_service.services.scores import Rules, survey_scores
from survey_service.services.survey_parts import municipality_part
from survey_service.services.surveys import SurveyFilters, links, list_surveys
from survey_service.services.trends import municipality_trends

#: Roles that run surveys (the API's owners): they see the fieldwork and administer.
OWNERS = ("admin", "municipality")
#: Roles that see every municipality, and so the national view.
NATIONAL = ("admin", "dashboard", "analyst")


def rules() -> Rules:
    # The dashboard shows 95 % intervals, as the charts do and as its texts say.
    return Rules.from_config(current_app.config, confidence_level=0.95)


@bp.get("/dashboard")
@signed_in
def home() -> Any:
    """A municipality lands on its own surveys; every other role on the national view."""
    who = principal()
    if who.role == "municipality":
        return see_other("dashboard.municipality", number=who.municipality_number)
    return see_other("dashboard.national")


# -- a municipality --------------------------------------------------------------------------


@bp.get("/dashboard/municipalities/<number>")
@signed_in
def municipality(number: str) -> Any:
    who = principal()
    place = db.session.get(Municipality, number) if len(number) == 4 else None
    if place is None or not who.may_see_municipality(number):
        return not_found()
    w = words()
    surveys = list(list_surveys(db.session, who, SurveyFilters(municipality=number)))
    surveys.sort(key=lambda s: (s.status != "open", s.status != "draft", -s.id))
    cards = [survey_card(survey, w) for survey in surveys if not survey.is_organised]
    parts = [
        part_card(survey, place, w)
        for survey in surveys
        if survey.is_organised and survey.status != "draft"
    ]
    db.session.commit()  # a part's first read after collection stopped fixes its state
    size = size_class(place.population)
    return render(
        "municipality.html",
        place=place,
        size=w.title(size.title) if size is not None else None,
        cards=cards,
        parts=parts,
        may_create=who.role in OWNERS,
        notice=request.args.get("notice"),
    )


def survey_card(survey: Survey, w: present.Words) -> dict[str, Any]:
    """A survey in a municipality's list: its facts and headline figure."""
    card = survey_facts(survey, w)
    if survey.status == "draft":
        return card
    report = survey_scores(db.session, survey, rules())
    shown = present.figures(report, w)
    card["headline"] = shown[0] if shown else None
    card["staircase"] = present.staircase(report, w)
    card["targets"] = [f for f in shown if f["target"] is not None]
    card["withheld_survey"] = (report["n"] or 0) < w.min_n
    return card


def part_card(survey: Survey, place: Municipality, w: present.Words) -> dict[str, Any]:
    """An organiser's survey in a participating municipality's list: its own part only, as
    the API's ``/parts/{number}`` publishes it; a withheld part says why, never zero."""
    card = survey_facts(survey, w)
    card["run_by"] = w.t["run_by"].format(name=organisers.runner_name(survey))
    part = municipality_part(db.session, survey, place.number, rules())
    name = place.name
    if part["withheld"] == STILL_COLLECTING:
        card["withheld_text"] = w.t["part_waiting"].format(name=name)
    elif part["suppressed"]:
        key = "part_complementary" if part["suppression_reason"] == COMPLEMENTARY else None
        card["withheld_text"] = w.t[key or "part_too_few"].format(name=name, min_n=w.min_n)
    else:
        card["part_text"] = w.t["part_of"].format(name=name, n=w.whole(part["n"]))
        card["figures"] = present.figures(part, w)
    return card


def survey_facts(survey: Survey, w: present.Words) -> dict[str, Any]:
    instrument = as_instrument(survey.instrument_version)
    return {
        "id": survey.id,
        "title": survey.title,
        "instrument": instrument.key,
        "instrument_title": w.title(instrument.title),
        "audience": w.title(AUDIENCE_LABELS[survey.audience]),
        "period": survey.period,
        "status": survey.status,
        "status_text": w.t[f"status_{survey.status}"],
        "municipality": survey.municipality_number,
        "municipality_name": organisers.runner_name(survey),
        "access": survey.access,
        "baseline_period": survey.baseline_survey.period if survey.baseline_survey else None,
    }


# -- one survey ------------------------------------------------------------------------------


@bp.get("/dashboard/surveys/<int:survey_id>")
@signed_in
def survey(survey_id: int) -> Any:
    who = principal()
    found = get_visible(db.session, who, survey_id)
    if found is None:
        return not_found()
    if snapshots.finalise(db.session, found, min_n=rules().min_n, today=_today()):
        db.session.commit()  # closed since: its final figures are published now
    return render("survey.html", **survey_context(found, who), notice=request.args.get("notice"))


def survey_context(survey: Survey, who: Principal, **extra: Any) -> dict[str, Any]:
    """Everything the survey page shows, from the services' published figures."""
    w = words()
    r = rules()
    instrument = as_instrument(survey.instrument_version)
    facts = survey_facts(survey, w)
    context: dict[str, Any] = {"survey": facts, "owner": who.role in OWNERS, **extra}
    baseline = survey.baseline_survey
    if baseline is not None and get_visible(db.session, who, baseline.id) is not None:
        context["baseline"] = {
            "id": baseline.id,
            "title": baseline.title,
            "period": baseline.period,
        }
    if survey.status != "draft":
        report = survey_scores(db.session, survey, r)
        shown = present.figures(report, w)
        context.update(
            report=report,
            figures=shown,
            n=report["n"] or 0,
            staircase=present.staircase(report, w),
            staircase_heading=w.t[
                "staircase_heading_forankring"
                if instrument.key == "forankring"
                else "staircase_heading"
            ],
            chart=_chart(survey, instrument.staircase is not None, w.lang),
        )
        # An organiser's survey is no municipality's: no benchmark, trend or ranking.
        rows = [] if survey.is_organised else compare_surveys(db.session, r, [survey])[0]
        compared = present.benchmarks(rows[0], w) if rows else []
        context["benchmarks"] = compared
        context["benchmarks_shown"] = any(
            not cell["withheld"] for row in compared for cell in row["groups"]
        ) or any(not row["model"]["withheld"] for row in compared)
        context["benchmark_reason"] = _first_reason(compared)
        if survey.municipality_number is not None:
            trends = municipality_trends(
                db.session,
                who,
                municipality=survey.municipality_number,
                instrument=instrument.key,
                rules=r,
                audience=survey.audience,
            )
            context["trend"] = present.trend(trends, survey.id, survey.audience, w)
        if survey.baseline_survey_id is not None or survey.targets:
            context["benefits"] = present.benefits(
                benefit_realisation(db.session, survey, r, lang=w.lang), w
            )
        if "role_group" in breakdowns_of(survey, instrument):
            # The first read after collection stopped fixes the state the breakdowns are
            # shown from (services/breakdown_snapshots.py): kept, as the API keeps it.
            perspective = survey_breakdown(db.session, survey, "role_group", r)
            db.session.commit()
            context["perspectives"] = present.perspectives(perspective, w)
            context["perspectives_waiting"] = perspective["withheld"] == STILL_COLLECTING
        if survey.status == "open" and who.role in OWNERS:
            measure = main_measure(survey).split(":", 1)[1]
            title = next((f["title"] for f in shown if f["key"] == measure), measure)
            report_fw = fieldwork(
                db.session,
                survey,
                rules=r,
                precision_wanted=current_app.config["SURVEY_PRECISION_HALF_WIDTH"],
            )
            context["fieldwork"] = present.fieldwork(report_fw, title, w)
    if who.role in OWNERS:
        survey_links = links(survey, current_app.config["SURVEY_PUBLIC_URL"])
        context["links"] = survey_links
        context["embed_origins"] = list(survey.embed_origins or [])
        context["previews"] = [
            {
                "code": code,
                "text": w.t["preview_in"].format(language=w.t[f"language_in_{code}"]),
                "url": f"/s/{survey.public_id}?lang={code}",
            }
            for code in LANGUAGES
        ]
    return context


def _chart(survey: Survey, has_staircase: bool, lang: str) -> Markup:
    """The staircase chart (or, for an instrument without one, the dimension chart) as
    inline SVG: drawn by ``services.charts`` from the published figures, every text in it
    escaped by its builder, no script and nothing fetched."""
    draw = staircase_chart if has_staircase else dimensions_chart
    svg = draw(db.session, survey, rules(), lang=lang)
    return Markup(re.sub(r"^<\?xml[^>]*\?>\s*", "", svg))  # noqa: S704 - built by ElementTree


def _first_reason(compared: list[dict[str, Any]]) -> str | None:
    for row in compared:
        for cell in row["groups"]:
            if cell["withheld"]:
                return str(cell["text"])
    return None


def _today() -> Any:
    return datetime.now(UTC).date()


# -- the national view -----------------------------------------------------------------------


@bp.get("/dashboard/national")
@signed_in
def national() -> Any:
    who = principal()
    if who.role not in NATIONAL:
        return see_other("dashboard.municipality", number=who.municipality_number)
    w = words()
    instruments = _instruments(w)
    keys = [i["key"] for i in instruments]
    chosen = request.args.get("instrument")
    if chosen not in keys:
        chosen = "omdommetrappen" if "omdommetrappen" in keys else (keys[0] if keys else None)
    context: dict[str, Any] = {"instruments": instruments, "instrument": chosen, "rows": []}
    if chosen is None:
        return render("national.html", **context)
    found = ranking.pools(db.session, chosen)
    pool_key = request.args.get("pool", "")
    pool = next((p for p in found if f"{p.audience}:{p.period}" == pool_key), None)
    pool = pool or ranking.default_pool(found)
    version = newest_version(db.session, chosen)
    assert version is not None
    instrument = as_instrument(version)
    measures = [("indices", i.key, w.title(i.title)) for i in instrument.scoring.indices] + [
        ("dimensions", d.key, w.title(d.title)) for d in instrument.dimensions
    ]
    measure_key = request.args.get("measure", "")
    measure = next((m for m in measures if f"{m[0]}:{m[1]}" == measure_key), measures[0])
    sort = request.args.get("sort", "model")
    sort = sort if sort in ranking.SORTS else "model"
    order = request.args.get("order", "asc" if sort == "name" else "desc")
    descending = order != "asc"
    context.update(
        pools=[
            {
                "value": f"{p.audience}:{p.period}",
                "label": w.t["selection_label"].format(
                    audience=w.title(AUDIENCE_LABELS[p.audience]), period=p.period, count=p.surveys
                ),
            }
            for p in found
        ],
        pool=f"{pool.audience}:{pool.period}" if pool else None,
        measures=[{"value": f"{m[0]}:{m[1]}", "label": m[2]} for m in measures],
        measure=f"{measure[0]}:{measure[1]}",
        measure_title=measure[2],
        sort=sort,
        descending=descending,
    )
    if pool is None:
        return render("national.html", **context)
    rows = ranking.ranking(
        db.session,
        rules(),
        instrument=chosen,
        audience=pool.audience,
        period=pool.period,
        measure=(measure[0], measure[1]),
    )
    shown = (
        ranking.sorted_rows(rows, sort, descending) if sort != "model" or not descending else rows
    )
    context.update(
        audience_title=w.title(AUDIENCE_LABELS[pool.audience]),
        period=pool.period,
        rows=[_ranked_row(row, measure[0], w) for row in shown],
        ranked=sum(1 for row in rows if row["rank"] is not None),
        total=len(rows),
        columns=_columns(w, sort, descending, chosen, context),
    )
    return render("national.html", **context)


def _ranked_row(row: dict[str, Any], field: str, w: present.Words) -> dict[str, Any]:
    kind = "index" if field == "indices" else "dimension"
    entry = row["figure"]
    return {
        "rank": row["rank"],
        "survey": row["survey"],
        "municipality": row["municipality"],
        "name": row["municipality_name"],
        "county": row["county"],
        "direct": present.figure(entry, kind, w),
        "model": present.model_based(entry, w),
    }


def _columns(
    w: present.Words, sort: str, descending: bool, instrument: str, context: dict[str, Any]
) -> list[dict[str, Any]]:
    """The table's sortable headers: each a link that sorts by it (again: the other way)."""
    columns = []
    for key, label in (
        ("name", w.t["municipality"]),
        ("model", w.t["model_based"]),
        ("direct", w.t["measured"]),
        ("change", w.t["change_and_target"]),
    ):
        current = key == sort
        default_descending = key != "name"
        next_descending = (not descending) if current else default_descending
        columns.append(
            {
                "key": key,
                "label": label,
                "aria_sort": ("descending" if descending else "ascending") if current else None,
                "url": _national_url(
                    instrument,
                    context,
                    sort=key,
                    order="desc" if next_descending else "asc",
                ),
                "sort_label": w.t["sort_by"].format(column=label),
            }
        )
    return columns


def _national_url(instrument: str, context: dict[str, Any], **changes: str) -> str:
    from survey_service.dashboard.web import link

    values = {
        "instrument": instrument,
        "pool": context.get("pool"),
        "measure": context.get("measure"),
        **changes,
    }
    return link("dashboard.national", **{k: v for k, v in values.items() if v})


def _instruments(w: present.Words) -> list[dict[str, Any]]:
    """The instruments that have a survey past draft, for the national view's choice."""
    out = []
    for record in db.session.scalars(select(InstrumentRecord).order_by(InstrumentRecord.key)):
        if not ranking.pools(db.session, record.key):
            continue
        version = newest_version(db.session, record.key)
        if version is None:
            continue
        out.append({"key": record.key, "title": w.title(as_instrument(version).title)})
    return out

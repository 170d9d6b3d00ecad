"""A survey's scores by a respondent attribute: every dimension and index per group, the gaps
between groups, the change since the baseline per group, and a headline figure (for the
tripartite cooperation by role group: the parties' perspectives).

Computed only from a published breakdown state (``breakdown_snapshots``), with the groups
its rules allow (``breakdown_disclosure``): a group that is not shown has every figure
null, ``suppressed`` and a ``suppression_reason``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.instruments import Instrument
from survey_service.models import Municipality, Survey
from survey_service.scoring import MeanResult, MeanStats, difference_ci, mean_ci_from_stats
from survey_service.services import breakdown_groups, breakdown_snapshots
from survey_service.services.breakdown_disclosure import (
    COMPLEMENTARY,
    FEWER_THAN_MIN_N,
    Setting,
    primary_reason,
)
from survey_service.services.breakdown_snapshots import Published
from survey_service.services.breakdown_table import Group, Table, measures_of
from survey_service.services.calibration import Weighting, all_alike
from survey_service.services.errors import Invalid
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.score_disclosure import publish, withheld_figure
from survey_service.services.score_presentation import BOUNDED_INTERVAL_TEXT
from survey_service.services.score_report import Report, Rules, plain_float

__all__ = ["survey_breakdown"]


def survey_breakdown(session: Session, survey: Survey, by: str, rules: Rules) -> dict[str, Any]:
    """The survey's figures by ``by`` (see the module docstring); in the caller's
    transaction, which the first read after collection stopped writes to."""
    instrument = as_instrument(survey.instrument_version)
    available = breakdown_snapshots.breakdowns_of(survey, instrument)
    if by not in available:
        choices = ", ".join(available) or "none: it asks for no role, age band, gender or area"
        raise Invalid(
            f"Survey {survey.id} cannot be broken down by {by!r}; it can by: {choices}.",
            {"by": [f"Not one of this survey's breakdowns: {choices}."]},
        )
    current = _groups_of(session, survey, instrument, by, rules)
    baseline = None
    if survey.baseline_survey is not None:
        before = survey.baseline_survey
        before_instrument = as_instrument(before.instrument_version)
        if by in breakdown_snapshots.breakdowns_of(before, before_instrument):
            baseline = _groups_of(session, before, before_instrument, by, rules)
            _add_change(current, baseline, rules)
    groups = current["groups"]
    if by == "municipality":
        _name_municipalities(session, groups)
    gaps = _gaps(groups, rules)
    headline = _headline(instrument, groups, gaps)
    return {
        "survey": survey.id,
        "municipality": survey.municipality_number,
        "instrument": instrument.key,
        "instrument_version": instrument.version,
        "audience": survey.audience,
        "period": survey.period,
        "by": by,
        "breakdowns": list(available),
        "confidence_level": rules.confidence_level,
        "min_n": rules.min_n,
        "withheld": current["withheld"],
        "snapshot": current["snapshot"],
        "method": _method(rules),
        "headline": headline,
        "groups": [_public(group) for group in groups],
        "gaps": gaps,
        "baseline": None
        if baseline is None
        else {
            "survey": survey.baseline_survey_id,
            "period": survey.baseline_survey.period if survey.baseline_survey else None,
            "withheld": baseline["withheld"],
            "snapshot": baseline["snapshot"],
        },
    }


def _groups_of(
    session: Session, survey: Survey, instrument: Instrument, by: str, rules: Rules
) -> dict[str, Any]:
    """Each listed group of ``by`` with its figures (and their results, for gaps and change)."""
    state = breakdown_snapshots.published(session, survey, min_n=rules.min_n)
    withheld = state if isinstance(state, str) else None
    options = breakdown_snapshots.asked(survey, instrument).get(breakdown_groups.ATTRIBUTE[by])
    listed = breakdown_groups.listed_groups(by, options)
    shown = set() if isinstance(state, str) else {g for b, g in state.shown if b == by}
    if listed is None:
        listed = sorted(shown)
    listed += sorted(shown - set(listed))
    if isinstance(state, str):
        groups = [_withheld_group(instrument, by, group, state, rules) for group in listed]
    else:
        table = Table.of(state.cells, measures_of(instrument))
        setting = Setting(instrument, (by,), rules.min_n, state.margins)
        groups = [_group(table, setting, (by, group), group in shown, rules) for group in listed]
    snapshot = None
    if isinstance(state, Published):
        snapshot = {
            "seq": state.based_on,
            "taken_on": state.taken_on,
            "n": state.n if state.n >= rules.min_n else None,
        }
    return {"withheld": withheld, "snapshot": snapshot, "groups": groups}


Figure = tuple[str, str, Mapping[str, str], tuple[float, float]]
#: The measure of each kind of figure: ``dim:<key>``, ``idx:<key>``.
PREFIX = {"dimensions": "dim", "indices": "idx"}


def _figures(instrument: Instrument) -> list[Figure]:
    """(kind, key, title, scale) of every dimension and index, in order."""
    out: list[Figure] = []
    for dimension in instrument.dimensions:
        rule = instrument.scoring.rule(dimension.key)
        out.append(("dimensions", dimension.key, dimension.title, rule.score_range))
    for index in instrument.scoring.indices:
        out.append(("indices", index.key, index.title, (0.0, 100.0)))
    return out


def _group(
    table: Table, setting: Setting, group: Group, shown: bool, rules: Rules
) -> dict[str, Any]:
    instrument = setting.instrument
    mask = table.members(group)
    report = _report(instrument, table, mask, rules)
    size = int(round(float(table.respondents[mask].sum())))
    entry = _entry(group, shown, size)
    for kind, key, title, scale in _figures(instrument):
        measure = f"{PREFIX[kind]}:{key}"
        if shown:
            published = publish(report, measure, rules)
        else:
            reason = primary_reason(table, group, measure, setting)
            if reason is None:
                reason = FEWER_THAN_MIN_N if size == 0 else COMPLEMENTARY
            published = withheld_figure(reason, rules)
        figure = {"key": key, "title": dict(title), "scale": list(scale), **published}
        entry[kind].append(figure)
        entry["results"][key] = report.results.get(measure) if not figure["suppressed"] else None
    if not shown:
        reasons = [f["suppression_reason"] for f in entry["dimensions"] + entry["indices"]]
        entry["suppression_reason"] = next(
            (r for r in reasons if r not in (COMPLEMENTARY, None)), reasons[0] if reasons else None
        )
    return entry


def _withheld_group(
    instrument: Instrument, by: str, group: str, reason: str, rules: Rules
) -> dict[str, Any]:
    entry = _entry((by, group), False, 0)
    entry["suppression_reason"] = reason
    for kind, key, title, scale in _figures(instrument):
        figure = {
            "key": key,
            "title": dict(title),
            "scale": list(scale),
            **withheld_figure(reason, rules),
        }
        entry[kind].append(figure)
        entry["results"][key] = None
    return entry


def _entry(group: Group, shown: bool, size: int) -> dict[str, Any]:
    by, code = group
    return {
        "group": code,
        "label": breakdown_groups.label(by, code),
        "n": size if shown else None,
        "suppressed": not shown,
        "suppression_reason": None,
        "dimensions": [],
        "indices": [],
        "results": {},
    }


def _report(instrument: Instrument, table: Table, mask: Any, rules: Rules) -> Report:
    """The group's figures as a score report (unweighted), so that ``publish`` presents
    them exactly as the survey's own."""
    results: dict[str, MeanResult | None] = {}
    counts: dict[str, int] = {}
    alike: set[str] = set()
    for kind, key, _title, scale in _figures(instrument):
        measure = f"{PREFIX[kind]}:{key}"
        n, s1, s2 = table.totals(measure, mask)
        counts[measure] = int(round(n))
        if n < 1:
            results[measure] = None
            continue
        if all_alike(n, s1, s2):
            alike.add(measure)
        stats = MeanStats(int(round(n)), n, s1, n, s1, s2)
        results[measure] = mean_ci_from_stats(
            stats, scale=scale, confidence_level=rules.confidence_level
        )
    total = int(round(float(table.respondents[mask].sum())))
    none = Weighting("none", {}, {})
    return Report(instrument, total, None, none, results, counts, alike, {}, {})


def _gaps(groups: Sequence[dict[str, Any]], rules: Rules) -> list[dict[str, Any]]:
    """Between every two groups shown, per figure: ``group`` minus ``versus``."""
    gaps = []
    keys = [k for k in (groups[0]["results"] if groups else {})]
    for key in keys:
        for i, first in enumerate(groups):
            for second in groups[i + 1 :]:
                a, b = first["results"].get(key), second["results"].get(key)
                if a is None or b is None or a.standard_error is None or b.standard_error is None:
                    continue
                gaps.append({"figure": key, "group": first["group"], "versus": second["group"]})
                gaps[-1].update(_difference(b, a, rules))
    return gaps


def _difference(before: MeanResult, after: MeanResult, rules: Rules) -> dict[str, Any]:
    """``after − before`` with its Welch interval."""
    diff = difference_ci(before, after, confidence_level=rules.confidence_level)
    low, high = diff.confidence_interval
    return {
        "estimate": float(diff.estimate),
        "standard_error": plain_float(diff.standard_error),
        "confidence_interval": {"low": float(low), "high": float(high)},
        "degrees_of_freedom": plain_float(diff.degrees_of_freedom),
        "pvalue": plain_float(diff.pvalue),
        "significant": bool(diff.pvalue < 1 - rules.confidence_level),
    }


def _add_change(current: dict[str, Any], baseline: dict[str, Any], rules: Rules) -> None:
    """Per group and figure, the change since the baseline's same group: only when the
    group's figure is shown in both waves (rule 6)."""
    before = {group["group"]: group for group in baseline["groups"]}
    for group in current["groups"]:
        old = before.get(group["group"])
        for figure in group["dimensions"] + group["indices"]:
            now = group["results"].get(figure["key"])
            then = None if old is None else old["results"].get(figure["key"])
            if (
                now is None
                or then is None
                or now.standard_error is None
                or (then.standard_error is None)
            ):
                figure["change"] = {"suppressed": True}
                continue
            figure["change"] = {
                "suppressed": False,
                "baseline_estimate": float(then.estimate),
                **_difference(then, now, rules),
            }


def _headline(
    instrument: Instrument, groups: Sequence[dict[str, Any]], gaps: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The instrument's first index (else its first dimension) per group, with its gaps:
    for the tripartite cooperation by role group, the parties' perspectives."""
    figures = _figures(instrument)
    indices = [f for f in figures if f[0] == "indices"]
    if not figures:
        return None
    kind, key, title, _scale = (indices or figures)[0]
    rows = []
    for group in groups:
        figure = next(f for f in group[kind] if f["key"] == key)
        rows.append(
            {
                "group": group["group"],
                "label": group["label"],
                "estimate": figure["estimate"],
                "confidence_interval": figure["confidence_interval"],
                "n": figure["n"],
                "suppressed": figure["suppressed"],
                "suppression_reason": figure["suppression_reason"],
            }
        )
    return {
        "key": key,
        "title": dict(title),
        "groups": rows,
        "gaps": [gap for gap in gaps if gap["figure"] == key],
    }


def _name_municipalities(session: Session, groups: Sequence[dict[str, Any]]) -> None:
    """A participating municipality's group is labelled with its name (in every language)."""
    numbers = [group["group"] for group in groups]
    rows = session.execute(
        select(Municipality.number, Municipality.name).where(Municipality.number.in_(numbers))
    )
    names = {number: name for number, name in rows}
    for group in groups:
        name = names.get(group["group"], group["group"])
        group["label"] = {"nb": name, "nn": name, "en": name}


def _public(group: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in group.items() if name != "results"}


def _method(rules: Rules) -> dict[str, Any]:
    k = rules.min_n
    return {
        "estimator": "mean of person scores (0-100) within the group, unweighted",
        "weighting": "none",
        "weighting_note": "group figures are not weighted by the survey's population margins "
        "(weights within a group would come from groups smaller still); the survey's own "
        "weighted figures are audited together with the groups",
        "interval": BOUNDED_INTERVAL_TEXT,
        "interval_method": "bounded-score",
        "finite_population_correction": False,
        "gaps": "group minus versus, for every two groups shown: Welch t interval",
        "change": "this survey's group minus the baseline survey's same group (Welch t), only "
        "when the group is shown in both",
        "groups": "respondents who gave no answer (or preferred not to say) form no group",
        "suppression": f"a group is withheld with every figure when, for some figure, it has "
        f"fewer than {k} respondents, fewer than {2 * k} who all gave the same answer, or an "
        f"index whose respondents differ by 1 to {k - 1} from one of its dimensions'; then "
        f"more groups are withheld (complementary) until nothing that the shown groups leave "
        f"over (the total minus the groups shown, a role group minus its roles shown) breaks "
        f"those rules, and no combination of all breakdowns' shown groups, the total and its "
        f"weighting groups isolates fewer than {k} respondents",
        "snapshots": "shown once the survey has stopped collecting, from the snapshot then "
        "published, and kept: a later snapshot (a withdrawal, or collection taken up again) "
        "changes the survey's scores, not its breakdowns; the groups shown are chosen so that "
        f"no combination with the survey's totals read during fieldwork isolates fewer than {k} "
        "(per breakdown; roles with role groups)",
    }

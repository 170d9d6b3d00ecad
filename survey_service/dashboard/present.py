"""Published figures as the dashboard shows them: words and numbers in the page's language.

Everything here reads what the services publish (``scores.survey_scores``,
``benchmark.compare_surveys``, ``trends``, ``benefit_realisation``, ``fieldwork``) and never
a response or a live aggregate. A withheld figure becomes a *withheld* view with its reason
and no number at all (never a zero), and no bar is drawn for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from survey_service.services import target_verdicts
from survey_service.services.charts.texts import number, percent, span

KIND_FIELDS = (("indices", "index"), ("dimensions", "dimension"))


@dataclass(frozen=True)
class Bar:
    """An interval bar on a 0-100 drawing scale (the figure's own scale mapped onto it)."""

    low: float
    high: float
    estimate: float
    target: float | None = None
    benchmark: float | None = None


@dataclass(frozen=True)
class Words:
    """The page's language, its texts and the disclosure floor, for formatting."""

    lang: str
    t: Mapping[str, str]
    min_n: int

    def number(self, value: float, decimals: int = 1) -> str:
        return number(value, self.lang, decimals=decimals)

    def signed(self, value: float) -> str:
        text = self.number(value)
        return text if text.startswith("\N{MINUS SIGN}") else f"+{text}"

    def span(self, interval: Mapping[str, float]) -> str:
        return span(interval["low"], interval["high"], self.lang)

    def percent(self, share: float) -> str:
        return percent(share, self.lang)

    def whole(self, value: int) -> str:
        """A count: 1 234 in Norwegian (a no-break space), 1,234 in English."""
        text = f"{value:,}"
        return text if self.lang == "en" else text.replace(",", "\N{NO-BREAK SPACE}")

    def reason(self, reason: str | None) -> str:
        text = self.t.get(f"reason_{reason}") or self.t["reason_other"]
        return text.format(min_n=self.min_n)

    def withheld(self, reason: str | None) -> str:
        return self.t["withheld_not_zero"].format(reason=self.reason(reason))

    def title(self, title: Mapping[str, str] | str) -> str:
        return (
            title if isinstance(title, str) else title.get(self.lang) or next(iter(title.values()))
        )

    def confidence(self, level: float) -> str:
        return self.percent(level)


def position(value: float, scale: Sequence[float]) -> float:
    """``value`` on the drawing scale 0-100 (clipped: a bar never leaves its box)."""
    low, high = float(scale[0]), float(scale[1])
    return round(min(100.0, max(0.0, (value - low) / (high - low) * 100)), 2)


def figure(entry: Mapping[str, Any], kind: str, words: Words) -> dict[str, Any]:
    """One dimension or index of a survey's scores."""
    view: dict[str, Any] = {
        "key": entry["key"],
        "kind": kind,
        "title": words.title(entry["title"]),
        "withheld": bool(entry["suppressed"]) or entry["estimate"] is None,
        "n": entry.get("n"),
        "imprecise": bool(entry.get("imprecise")),
        "change": change(entry.get("change"), words),
        "target": target(entry, words),
    }
    if view["withheld"]:
        view["withheld_text"] = words.withheld(entry.get("suppression_reason"))
        return view
    interval = entry["confidence_interval"]
    scale = entry["scale"]
    view.update(
        estimate=round(float(entry["estimate"]), 1),
        value=words.number(entry["estimate"]),
        span=words.span(interval),
        bar=Bar(
            position(interval["low"], scale),
            position(interval["high"], scale),
            position(entry["estimate"], scale),
            target=position(entry["target"]["value"], scale) if entry.get("target") else None,
        ),
        scale=f"{words.number(scale[0], 0)}–{words.number(scale[1], 0)}",
    )
    return view


def figures(report: Mapping[str, Any], words: Words) -> list[dict[str, Any]]:
    """Indices first (the headline), then the dimensions in the instrument's order."""
    return [figure(entry, kind, words) for field, kind in KIND_FIELDS for entry in report[field]]


def change(entry: Mapping[str, Any] | None, words: Words) -> dict[str, Any] | None:
    """The change since the baseline survey, with its verdict (None: no baseline)."""
    if not entry:
        return None
    if entry.get("suppressed") or entry.get("estimate") is None:
        return {"verdict": "withheld", "text": words.withheld(entry.get("suppression_reason"))}
    distinguishable = entry.get("significant", entry.get("distinguishable"))
    if distinguishable:
        verdict = "up" if entry["estimate"] > 0 else "down"
    else:
        verdict = "none"
    return {
        "verdict": verdict,
        "verdict_text": words.t[f"change_{verdict}"],
        "value": words.signed(entry["estimate"]),
        "span": words.span(entry["confidence_interval"]),
    }


def target(entry: Mapping[str, Any], words: Words) -> dict[str, Any] | None:
    """The target on a figure and its verdict, judged on the interval (None: no target)."""
    goal = entry.get("target")
    if not goal:
        return None
    verdict = target_verdicts.verdict(goal["value"], entry)
    return {
        "verdict": verdict,
        "label": words.t["target_label"].format(value=words.number(goal["value"], 0)),
        "verdict_text": words.t[f"verdict_{verdict}"],
    }


def staircase(report: Mapping[str, Any], words: Words) -> dict[str, Any] | None:
    """How far up the staircase the survey has come (None: its instrument has none)."""
    stairs = report.get("staircase")
    if not stairs or stairs.get("level") is None:
        return None
    steps = len(stairs["steps"])
    return {
        "level": stairs["level"],
        "steps": steps,
        "text": words.t["staircase_level"].format(level=stairs["level"], steps=steps),
        "confidence_text": words.t["staircase_level_confidence"].format(
            level=stairs["level_with_confidence"], steps=steps
        ),
    }


def benchmarks(row: Mapping[str, Any], words: Words) -> list[dict[str, Any]]:
    """Each figure of a compared survey (``benchmark.compare_surveys``) against the national,
    county and size-class benchmarks, and its model-based estimate."""
    size = row.get("size_class")
    groups = {
        "national": words.t["group_national"],
        "county": row.get("county") or words.t["group_county"],
        "size_class": words.title(size["title"]) if size else words.t["group_size_class"],
    }
    out = []
    for field, kind in KIND_FIELDS:
        for entry in row[field]:
            own = figure(entry, kind, words)
            cells = []
            for group, label in groups.items():
                cells.append({"group": group, "label": label, **_benchmark(entry, group, words)})
            out.append({**own, "groups": cells, "model": model_based(entry, words)})
    return out


def _benchmark(entry: Mapping[str, Any], group: str, words: Words) -> dict[str, Any]:
    bench = entry["benchmarks"][group]
    if bench["suppressed"]:
        return {"withheld": True, "text": words.reason(bench["suppression_reason"])}
    difference = bench["difference"]
    verdict = difference["verdict"]
    return {
        "withheld": False,
        "verdict": verdict,
        "estimate": round(float(bench["estimate"]), 1),
        "text": words.t["benchmark_cell"].format(
            value=words.number(bench["estimate"]), verdict=words.t[f"verdict_{verdict}"]
        ),
        "difference": words.t["difference"].format(
            value=words.signed(difference["estimate"]),
            span=words.span(difference["confidence_interval"]),
        ),
        "of": words.t["benchmark_of"].format(municipalities=bench["municipalities"]),
    }


def model_based(entry: Mapping[str, Any], words: Words) -> dict[str, Any]:
    """The Fay–Herriot estimate beside the direct one, or why there is none."""
    model = entry["model_based"]
    if model["suppressed"]:
        return {"withheld": True, "text": words.reason(model["suppression_reason"])}
    scale = entry["scale"]
    interval = model["confidence_interval"]
    return {
        "withheld": False,
        "estimate": round(float(model["estimate"]), 1),
        "value": words.number(model["estimate"]),
        "span": words.span(interval),
        "share": words.percent(model["share_own_data"]),
        "text": words.t["model_cell"].format(
            value=words.number(model["estimate"]),
            span=words.span(interval),
            share=words.percent(model["share_own_data"]),
        ),
        "bar": Bar(
            position(interval["low"], scale),
            position(interval["high"], scale),
            position(model["estimate"], scale),
        ),
    }


def trend(
    report: Mapping[str, Any], survey_id: int, audience: str, words: Words
) -> dict[str, Any] | None:
    """The waves of the survey's audience (``trends.municipality_trends``): a row per figure,
    a column per wave, each cell the published figure and the change from the wave before."""
    waves = [w for w in report["waves"] if w["audience"] == audience]
    if not any(w["survey"] == survey_id for w in waves):
        return None
    points = {(p["survey"], p["kind"], p["key"]): p for p in report["points"]}
    kinds = {"index": 0, "dimension": 1}
    rows = []
    for fig in sorted(report["figures"], key=lambda f: kinds.get(f["kind"], 2)):
        cells = []
        for wave in waves:
            point = points.get((wave["survey"], fig["kind"], fig["key"]))
            cells.append(_trend_cell(point, words))
        rows.append(
            {
                "key": fig["key"],
                "kind": fig["kind"],
                "title": words.title(fig["title"]),
                "cells": cells,
            }
        )
    columns = [
        {
            "survey": w["survey"],
            "period": w["period"],
            "n": w["n"],
            "current": w["survey"] == survey_id,
            "staircase": w.get("staircase_level"),
        }
        for w in waves
    ]
    return {"columns": columns, "rows": rows, "single": len(waves) < 2}


def _trend_cell(point: Mapping[str, Any] | None, words: Words) -> dict[str, Any]:
    if point is None or point["suppressed"] or point["estimate"] is None:
        reason = None if point is None else point.get("suppression_reason")
        return {"withheld": True, "text": words.withheld(reason)}
    cell: dict[str, Any] = {
        "withheld": False,
        "estimate": round(float(point["estimate"]), 1),
        "value": words.number(point["estimate"]),
        "span": words.span({"low": point["low"], "high": point["high"]}),
        "change": None,
    }
    if point.get("change_from_survey") is not None:
        cell["change"] = change(
            {
                "suppressed": point["change_suppressed"],
                "suppression_reason": point["change_suppression_reason"],
                "estimate": point["change"],
                "confidence_interval": (
                    None
                    if point["change"] is None
                    else {"low": point["change_low"], "high": point["change_high"]}
                ),
                "distinguishable": point["change_distinguishable"],
            },
            words,
        )
    return cell


def benefits(report: Mapping[str, Any], words: Words) -> dict[str, Any] | None:
    """Benefit realisation (``benefit_realisation``): the targets' verdicts in the service's
    own sentences, and each figure's change from the baseline (None: neither exists)."""
    if not report["targets"] and not report["figures"]:
        return None
    targets = [
        {"key": t["key"], "verdict": t["verdict"], "text": t["text"], "title": t["title"]}
        for t in report["targets"]
    ]
    changes = []
    for entry in report["figures"]:
        before, after = entry["baseline"], entry["follow_up"]
        changes.append(
            {
                "key": entry["key"],
                "title": entry["title"],
                "before": _value_or_withheld(before, words),
                "after": _value_or_withheld(after, words),
                "change": None
                if entry["change"] is None
                else change(
                    {**entry["change"], "significant": entry["change"].get("distinguishable")},
                    words,
                ),
            }
        )
    baseline = report.get("baseline") or {}
    return {
        "targets": targets,
        "changes": changes,
        "before": baseline.get("period"),
        "after": (report.get("follow_up") or {}).get("period"),
    }


def perspectives(report: Mapping[str, Any], words: Words) -> dict[str, Any] | None:
    """The parties' perspectives (``breakdowns.survey_breakdown`` by role group): each
    group's headline index with its interval, withheld groups as withheld, and the gaps the
    interval tells apart (None: nothing to show yet)."""
    headline = report.get("headline")
    if report.get("withheld") is not None or headline is None:
        return None
    scale = (0.0, 100.0)  # the headline is an index
    groups = []
    for row in headline["groups"]:
        shown = not row["suppressed"] and row["estimate"] is not None
        groups.append(
            {
                "group": row["group"],
                "label": words.title(row["label"]),
                "n": words.whole(row["n"]) if shown and row["n"] is not None else None,
                "value": words.number(row["estimate"]) if shown else None,
                "span": words.span(row["confidence_interval"]) if shown else None,
                "estimate": row["estimate"] if shown else None,
                "bar": Bar(
                    position(row["confidence_interval"]["low"], scale),
                    position(row["confidence_interval"]["high"], scale),
                    position(row["estimate"], scale),
                )
                if shown
                else None,
                "withheld": None if shown else words.withheld(row["suppression_reason"]),
            }
        )
    labels = {row["group"]: words.title(row["label"]) for row in headline["groups"]}
    gaps = [
        {
            "text": words.t["perspective_gap"].format(
                group=labels.get(gap["group"], gap["group"]),
                versus=labels.get(gap["versus"], gap["versus"]),
                value=words.signed(gap["estimate"]),
                span=words.span(gap["confidence_interval"]),
            )
        }
        for gap in headline["gaps"]
        if gap.get("significant") and gap.get("estimate") is not None
    ]
    return {"title": words.title(headline["title"]), "groups": groups, "gaps": gaps}


def _value_or_withheld(entry: Mapping[str, Any] | None, words: Words) -> str:
    if entry is None or entry["suppressed"] or entry["estimate"] is None:
        return words.t["withheld"]
    return words.number(entry["estimate"])


def fieldwork(report: Mapping[str, Any], measure_title: str, words: Words) -> dict[str, Any]:
    """The fieldwork monitor of an open survey, in sentences and a table of days."""
    precision = report["precision_now"]
    projected = report["precision_projected"]
    published = report["published"] or {}
    rate = report.get("response_rate")
    invitations = report["invitations"]
    facts = [
        (words.t["fieldwork_responses"], words.whole(report["responses"])),
        (words.t["fieldwork_started"], words.whole(report["started"])),
    ]
    if report.get("completion_rate") is not None:
        facts.append((words.t["fieldwork_completion"], words.percent(report["completion_rate"])))
    if rate is not None:
        facts.append((words.t["fieldwork_response_rate"], words.percent(rate)))
    if invitations["created"]:
        facts.append(
            (
                words.t["fieldwork_invitations"],
                words.t["fieldwork_invitations_value"].format(
                    used=words.whole(invitations["used"]),
                    created=words.whole(invitations["created"]),
                ),
            )
        )
    sentences = []
    if published.get("n"):
        sentences.append(
            words.t["fieldwork_published"].format(
                n=words.whole(published["n"]), date=published.get("taken_on") or ""
            )
        )
    if precision and not precision["suppressed"] and precision.get("half_width") is not None:
        sentences.append(
            words.t["fieldwork_precision"].format(
                measure=measure_title, half=words.number(precision["half_width"])
            )
        )
        needed = projected.get("responses_for_wanted")
        if needed is not None and precision["half_width"] > projected["wanted_half_width"]:
            sentences.append(
                words.t["fieldwork_needed"].format(
                    wanted=words.number(projected["wanted_half_width"], 0),
                    needed=words.whole(needed),
                )
            )
    days = [(d["date"], words.whole(d["responses"])) for d in report["responses_per_day"]]
    return {
        "step": report["counts_rounded_down_to"],
        "facts": facts,
        "sentences": sentences,
        "days": days,
    }

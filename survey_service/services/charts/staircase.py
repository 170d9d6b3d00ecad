"""The staircase chart: the steps drawn as a staircase, ground floor on the left.

Each step is a block, higher than the one before, holding its title, its score and interval
(also drawn on a small 0–100 gauge with the threshold), the benchmark, and whether it is
reached. A reached step (one counted in the level: at the threshold or above, with every step
below reached, as ``score_presentation._staircase`` decides) is filled and carries a check
mark and the word; a step above the threshold with a step below it missing says so; a
withheld step is hatched and labelled, and shows no number.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from survey_service.services.charts import texts
from survey_service.services.charts.data import ChartData, Figure
from survey_service.services.charts.frame import (
    ACCENT,
    ACCENT_LIGHT,
    HATCH_GROUND,
    INK,
    MARGIN,
    MUTED,
    ON_ACCENT_MUTED,
    TRACK,
    WHITE,
    Canvas,
    Symbol,
    benchmark_symbol,
    check,
    confidence,
    describe,
    diamond,
    dot,
    footnote,
    full_title,
    heading,
    interval_label,
    interval_symbol,
    legend,
    reason,
    ring,
    score_symbol,
    subtitle,
    whisker,
    withheld_symbol,
)
from survey_service.services.charts.svg import add, element, lines, text_width, wrap

WIDTH = 960.0
RISE = 44.0  # how much higher each step is than the one below
PAD = 12.0
GAUGE_HEIGHT = 22.0

REACHED, ABOVE, NOT_REACHED, WITHHELD = "reached", "above", "not_reached", "withheld"


def staircase_svg(data: ChartData) -> str:
    """The staircase chart of ``data`` (whose instrument has a staircase) as an SVG document."""
    staircase = data.staircase
    assert staircase is not None
    lang = data.lang
    canvas = Canvas(data, "staircase", WIDTH)
    y = heading(canvas)
    y = _level(canvas, staircase, y + 4)

    steps = staircase["steps"]
    width = (WIDTH - 2 * MARGIN) / len(steps)
    columns = []
    for number, step in enumerate(steps, 1):
        figure = data.figure(step["key"])
        state = _state(figure, number, staircase)
        group, height = _column(canvas, figure, number, state, width, staircase["threshold"])
        columns.append((group, height, state, figure))
    tallest = max(height for _, height, _, _ in columns)
    ground = y + 12 + tallest + RISE * (len(steps) - 1)
    for index, (group, _height, state, figure) in enumerate(columns):
        height = tallest + RISE * index
        x, top = MARGIN + index * width, ground - height
        group.set("transform", f"translate({x:.2f},{top:.2f})")
        group.insert(0, _block(state, width, height))
        group.set("data-key", figure.key)
        group.set("data-state", state)
        canvas.body.append(group)
    add(
        canvas.body,
        "line",
        {
            "x1": MARGIN,
            "y1": ground,
            "x2": WIDTH - MARGIN,
            "y2": ground,
            "stroke": INK,
            "stroke-width": 2,
        },
    )

    threshold = texts.whole(staircase["threshold"], lang)
    entries: list[tuple[Symbol, str]] = [
        (_reached_symbol, texts.say("reached", lang)),
        (_not_reached_symbol, texts.say("not_reached", lang)),
        (score_symbol, texts.say("legend_score", lang)),
        (interval_symbol, texts.say("legend_interval", lang, confidence=confidence(data))),
        (_threshold_symbol, texts.say("threshold", lang, threshold=threshold)),
    ]
    if data.benchmark.figures:
        entries.append((benchmark_symbol, data.benchmark.label(lang)))
    if any(state == WITHHELD for _, _, state, _ in columns):
        entries.append((withheld_symbol(canvas), texts.say("legend_withheld", lang)))
    y = legend(canvas, entries, y=ground + 30)
    rule = texts.say("rule", lang, threshold=texts.whole(staircase["threshold"], lang))
    note = data.benchmark.note(lang) if data.benchmark.figures else texts.say("no_benchmark", lang)
    y = footnote(canvas, f"{rule} {data.benchmark.label(lang)}: {note}.", y=y + 4)
    return canvas.finish(y + MARGIN - 14, full_title(data), _description(data, staircase))


def _state(figure: Figure, number: int, staircase: dict[str, Any]) -> str:
    if figure.withheld is not None:
        return WITHHELD
    step = staircase["steps"][number - 1]
    if number <= staircase["level"]:
        return REACHED
    return ABOVE if step["reached"] else NOT_REACHED


def _level(canvas: Canvas, staircase: dict[str, Any], y: float) -> float:
    data, lang = canvas.data, canvas.lang
    usable = WIDTH - 2 * MARGIN
    if data.n is None:
        text = texts.say("survey_withheld", lang, min_n=data.min_n)
        return lines(
            canvas.body,
            wrap(text, usable, 16, bold=True),
            x=MARGIN,
            y=y + 8,
            size=16,
            line_height=21,
            font_weight="bold",
        )
    y = lines(
        canvas.body,
        wrap(_level_text(data, staircase), usable, 16, bold=True),
        x=MARGIN,
        y=y + 8,
        size=16,
        line_height=21,
        font_weight="bold",
    )
    confident = texts.say(
        "level_confidence",
        lang,
        confidence=confidence(data),
        level=staircase["level_with_confidence"],
        steps=len(staircase["steps"]),
    )
    return lines(
        canvas.body, wrap(confident, usable, 14), x=MARGIN, y=y, size=14, line_height=19, fill=MUTED
    )


def _level_text(data: ChartData, staircase: dict[str, Any]) -> str:
    steps, level = len(staircase["steps"]), staircase["level"]
    if level == 0:
        return texts.say("level", data.lang, level=level, steps=steps)
    top = data.figure(staircase["step"]).title
    return texts.say("level_top", data.lang, level=level, steps=steps, title=top)


def _column(
    canvas: Canvas, figure: Figure, number: int, state: str, width: float, threshold: float
) -> tuple[ET.Element, float]:
    """The content of one step, drawn from its top-left corner; returns it and its height."""
    lang, data = canvas.lang, canvas.data
    dark = state == REACHED
    ink, muted = (WHITE, ON_ACCENT_MUTED) if dark else (INK, MUTED)
    inner = width - 2 * PAD
    group = element("g")
    y = lines(
        group,
        [texts.say("step", lang, number=number)],
        x=PAD,
        y=PAD + 12,
        size=13,
        line_height=18,
        fill=muted,
    )
    y = lines(
        group,
        wrap(figure.title, inner, 15, bold=True, max_lines=4),
        x=PAD,
        y=y + 1,
        size=15,
        line_height=19,
        fill=ink,
        font_weight="bold",
    )
    if figure.estimate is None:
        y = lines(
            group,
            wrap(texts.say("withheld", lang), inner, 18, bold=True),
            x=PAD,
            y=y + 20,
            size=18,
            line_height=20,
            fill=ink,
            font_weight="bold",
            data_role="withheld",
        )
        y = lines(
            group,
            wrap(reason(data, figure), inner, 13),
            x=PAD,
            y=y,
            size=13,
            line_height=17,
            fill=ink,
        )
    else:
        y = lines(
            group,
            [texts.number(figure.estimate, lang)],
            x=PAD,
            y=y + 26,
            size=_score_size(inner),
            line_height=22,
            fill=ink,
            font_weight="bold",
            data_role="estimate",
        )
        if figure.low is not None:
            y = lines(
                group,
                wrap(interval_label(data, figure), inner, 13),
                x=PAD,
                y=y,
                size=13,
                line_height=17,
                fill=ink,
                data_role="interval",
            )
    y = _gauge(canvas, group, figure, x=PAD, y=y - 6, width=inner, threshold=threshold, ink=ink)
    reference = figure.benchmark
    if reference is not None:
        diamond(group, x=PAD + 6, y=y - 4.5)
        y = lines(
            group,
            wrap(
                texts.say("benchmark_short", lang, value=texts.number(reference.estimate, lang)),
                inner - 18,
                13,
            ),
            x=PAD + 18,
            y=y,
            size=13,
            line_height=19,
            fill=ink,
            data_role="benchmark",
        )
    y = _status(group, state, x=PAD, y=y + 4, width=inner, lang=lang, ink=ink)
    return group, y - 6 + PAD


def _score_size(inner: float) -> float:
    """The score's font size: 28, or smaller where a staircase of many steps leaves too
    narrow a step for the widest score ("100,0")."""
    return min(28.0, inner / text_width("100,0", 1.0, bold=True))


def _gauge(
    canvas: Canvas,
    group: ET.Element,
    figure: Figure,
    *,
    x: float,
    y: float,
    width: float,
    threshold: float,
    ink: str,
) -> float:
    """A small scale with the score, its interval and the threshold; hatched when withheld."""
    low, high = figure.scale

    def at(value: float) -> float:
        return x + 6 + (value - low) / (high - low) * (width - 12)

    top = y + 4
    middle = top + GAUGE_HEIGHT / 2
    if figure.estimate is None:
        add(
            group,
            "rect",
            {
                "x": x,
                "y": top,
                "width": width,
                "height": GAUGE_HEIGHT,
                "rx": 3,
                "fill": canvas.hatch,
                "stroke": MUTED,
            },
        )
    else:
        add(
            group,
            "rect",
            {
                "x": x,
                "y": top,
                "width": width,
                "height": GAUGE_HEIGHT,
                "rx": 3,
                "fill": WHITE,
                "stroke": MUTED,
            },
        )
        add(
            group,
            "line",
            {
                "x1": at(low),
                "y1": middle,
                "x2": at(high),
                "y2": middle,
                "stroke": TRACK,
                "stroke-width": 1,
            },
        )
    add(
        group,
        "line",
        {
            "x1": at(threshold),
            "y1": top + 2,
            "x2": at(threshold),
            "y2": top + GAUGE_HEIGHT - 2,
            "stroke": MUTED,
            "stroke-width": 1.5,
            "stroke-dasharray": "3 2",
        },
    )
    if figure.estimate is not None:
        if figure.low is not None and figure.high is not None:
            whisker(group, x_low=at(figure.low), x_high=at(figure.high), y=middle)
        if figure.benchmark is not None:
            diamond(group, x=at(figure.benchmark.estimate), y=top + GAUGE_HEIGHT, size=5.5)
        dot(group, x=at(figure.estimate), y=middle)
    ends = top + GAUGE_HEIGHT + 13
    add(
        group,
        "text",
        {"x": x, "y": ends, "font-size": 11, "fill": ink},
        texts.whole(low, canvas.lang),
    )
    add(
        group,
        "text",
        {"x": x + width, "y": ends, "font-size": 11, "fill": ink, "text-anchor": "end"},
        texts.whole(high, canvas.lang),
    )
    return ends + 20


def _status(
    group: ET.Element, state: str, *, x: float, y: float, width: float, lang: str, ink: str
) -> float:
    if state == WITHHELD:
        return y
    words = {REACHED: "reached", ABOVE: "above_not_counted", NOT_REACHED: "not_reached"}[state]
    if state == REACHED:
        check(group, x=x + 8, y=y + 5, colour=WHITE, ground=ACCENT)
    else:
        ring(group, x=x + 8, y=y + 5, colour=ACCENT)
    return lines(
        group,
        wrap(texts.say(words, lang), width - 24, 14, bold=True, max_lines=6),
        x=x + 24,
        y=y + 10,
        size=14,
        line_height=18,
        fill=ink,
        font_weight="bold",
        data_role="status",
    )


def _block(state: str, width: float, height: float) -> ET.Element:
    fill = {
        REACHED: ACCENT,
        ABOVE: ACCENT_LIGHT,
        NOT_REACHED: ACCENT_LIGHT,
        WITHHELD: HATCH_GROUND,
    }[state]
    attributes: dict[str, object] = {
        "width": width,
        "height": height,
        "fill": fill,
        "stroke": WHITE if state == REACHED else ACCENT,
        "stroke-width": 1.5,
    }
    if state == WITHHELD:
        attributes.update({"stroke": MUTED, "stroke-dasharray": "6 4"})
    return element("rect", attributes)


def _reached_symbol(parent: ET.Element, x: float, y: float) -> None:
    add(parent, "rect", {"x": x - 11, "y": y - 8, "width": 22, "height": 16, "fill": ACCENT})
    check(parent, x=x, y=y, colour=WHITE, ground=ACCENT)


def _not_reached_symbol(parent: ET.Element, x: float, y: float) -> None:
    add(
        parent,
        "rect",
        {
            "x": x - 11,
            "y": y - 8,
            "width": 22,
            "height": 16,
            "fill": ACCENT_LIGHT,
            "stroke": ACCENT,
        },
    )
    ring(parent, x=x, y=y, colour=ACCENT)


def _threshold_symbol(parent: ET.Element, x: float, y: float) -> None:
    add(
        parent,
        "line",
        {
            "x1": x,
            "y1": y - 8,
            "x2": x,
            "y2": y + 8,
            "stroke": MUTED,
            "stroke-width": 1.5,
            "stroke-dasharray": "3 2",
        },
    )


def _description(data: ChartData, staircase: dict[str, Any]) -> str:
    lang = data.lang
    steps = staircase["steps"]
    rule = texts.say("rule", lang, threshold=texts.whole(staircase["threshold"], lang))
    parts = [
        f"{full_title(data)}.",
        subtitle(data),
        texts.say("desc_staircase", lang, steps=len(steps), rule=rule),
    ]
    if data.n is None:
        parts.append(texts.say("survey_withheld", lang, min_n=data.min_n))
    else:
        parts.append(f"{_level_text(data, staircase)}.")
        parts.append(
            texts.say(
                "level_confidence",
                lang,
                confidence=confidence(data),
                level=staircase["level_with_confidence"],
                steps=len(steps),
            )
            + "."
        )
    for number, step in enumerate(steps, 1):
        figure = data.figure(step["key"])
        title = texts.say("desc_step", lang, number=number, steps=len(steps), title=figure.title)
        parts.append(describe(data, figure, title))
        state = _state(figure, number, staircase)
        if state != WITHHELD:
            words = {REACHED: "reached", ABOVE: "above_not_counted", NOT_REACHED: "not_reached"}[
                state
            ]
            parts.append(f"{texts.say(words, lang)}.")
    return " ".join(parts)

"""The dimension chart: every dimension and index as a dot with its interval on one scale
(0–100; −100 to 100 when a gap dimension is among them), the benchmark as a diamond, the
figures written out beside each row, and withheld rows hatched and labelled, never drawn as
zero."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from survey_service.services.charts import texts
from survey_service.services.charts.data import ChartData, Figure
from survey_service.services.charts.frame import (
    BAND,
    GRID,
    INK,
    MARGIN,
    MUTED,
    Canvas,
    Symbol,
    benchmark_symbol,
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
    score_symbol,
    subtitle,
    whisker,
    withheld_symbol,
)
from survey_service.services.charts.svg import add, element, lines, wrap

WIDTH = 960.0
LABEL_WIDTH = 270.0
PLOT_LEFT = MARGIN + 290.0
PLOT_RIGHT = 676.0
VALUES_LEFT = PLOT_RIGHT + 22.0
LINE = 18.0
ESTIMATE_END = VALUES_LEFT + 50.0  # the estimate ends here, its interval begins after

Scale = Callable[[float], float]


def dimensions_svg(data: ChartData) -> str:
    """The dimension chart of ``data`` as an SVG document."""
    lang = data.lang
    canvas = Canvas(data, "dimensions", WIDTH)
    y = heading(canvas)
    if data.n is None:
        y = lines(
            canvas.body,
            [texts.say("survey_withheld", lang, min_n=data.min_n)],
            x=MARGIN,
            y=y + 12,
            size=16,
            line_height=21,
            font_weight="bold",
        )
    low = min(f.scale[0] for f in data.figures)
    high = max(f.scale[1] for f in data.figures)

    def at(value: float) -> float:
        return PLOT_LEFT + (value - low) / (high - low) * (PLOT_RIGHT - PLOT_LEFT)

    axis_top = y + 22
    # Row bands first, grid lines over them, the rows' marks and texts on top.
    bands, grid = add(canvas.body, "g"), add(canvas.body, "g", {"data-role": "plot"})
    drawn = 0
    y = axis_top + 14
    for kind in ("dimensions", "indices"):
        figures = [f for f in data.figures if f.kind == kind]
        if not figures:
            continue
        y += 10
        add(
            canvas.body,
            "text",
            {"x": MARGIN, "y": y + 14, "font-size": 15, "font-weight": "bold"},
            texts.say(kind, lang),
        )
        y += 26
        for figure in figures:
            y += _row(canvas, figure, y=y, at=at, bands=bands if drawn % 2 == 0 else None)
            drawn += 1
    axis_bottom = y + 6
    _axis(canvas, grid, low, high, at, top=axis_top, bottom=axis_bottom)

    entries: list[tuple[Symbol, str]] = [
        (score_symbol, texts.say("legend_score", lang)),
        (interval_symbol, texts.say("legend_interval", lang, confidence=confidence(data))),
    ]
    if data.benchmark.figures:
        entries.append((benchmark_symbol, data.benchmark.label(lang)))
    if any(f.estimate is None for f in data.figures):
        entries.append((withheld_symbol(canvas), texts.say("legend_withheld", lang)))
    y = legend(canvas, entries, y=axis_bottom + 46)
    note = data.benchmark.note(lang) if data.benchmark.figures else texts.say("no_benchmark", lang)
    y = footnote(canvas, f"{data.benchmark.label(lang)}: {note}.", y=y + 4)
    return canvas.finish(y + MARGIN - 14, full_title(data), _description(data))


def _row(canvas: Canvas, figure: Figure, *, y: float, at: Scale, bands: ET.Element | None) -> float:
    """One figure's row from ``y`` down; returns its height."""
    lang, data = canvas.lang, canvas.data
    group = add(canvas.body, "g", {"data-key": figure.key, "data-kind": figure.kind})
    label = wrap(figure.title, LABEL_WIDTH, 14, max_lines=3)
    if figure.scale != (0.0, 100.0):
        label.append(
            texts.say(
                "axis",
                lang,
                low=texts.whole(figure.scale[0], lang),
                high=texts.whole(figure.scale[1], lang),
            )
        )
    values = (2 if figure.estimate is None else 1) + (figure.benchmark is not None)
    height = max(len(label), values) * LINE + 16
    if bands is not None:
        bands.append(_rect(MARGIN - 8, y, WIDTH - 2 * MARGIN + 16, height, BAND))
    first = y + 8 + 13
    for index, text in enumerate(label):
        muted = index >= len(label) - 1 and figure.scale != (0.0, 100.0)
        add(
            group,
            "text",
            {
                "x": MARGIN,
                "y": first + index * LINE,
                "font-size": 14,
                "fill": MUTED if muted else INK,
                "data-role": "label",
            },
            text,
        )
    middle = y + height / 2
    if figure.estimate is None:
        group.append(
            _rect(PLOT_LEFT, middle - 9, PLOT_RIGHT - PLOT_LEFT, 18, canvas.hatch, stroke=MUTED)
        )
        add(
            group,
            "text",
            {
                "x": VALUES_LEFT,
                "y": first,
                "font-size": 15,
                "font-weight": "bold",
                "data-role": "withheld",
            },
            texts.say("withheld", lang),
        )
        add(
            group,
            "text",
            {"x": VALUES_LEFT, "y": first + LINE, "font-size": 13, "fill": MUTED},
            reason(data, figure),
        )
        _benchmark(group, figure, at, lang, middle=middle, baseline=first + 2 * LINE)
        return height
    if figure.low is not None and figure.high is not None:
        whisker(group, x_low=at(figure.low), x_high=at(figure.high), y=middle)
    dot(group, x=at(figure.estimate), y=middle)
    estimate = texts.number(figure.estimate, lang)
    add(
        group,
        "text",
        {
            "x": ESTIMATE_END,
            "y": first,
            "font-size": 15,
            "font-weight": "bold",
            "text-anchor": "end",
            "data-role": "estimate",
        },
        estimate,
    )
    if figure.low is not None:
        add(
            group,
            "text",
            {
                "x": ESTIMATE_END + 8,
                "y": first,
                "font-size": 13,
                "fill": MUTED,
                "data-role": "interval",
            },
            interval_label(data, figure),
        )
    _benchmark(group, figure, at, lang, middle=middle, baseline=first + LINE)
    return height


def _benchmark(
    group: ET.Element, figure: Figure, at: Scale, lang: str, *, middle: float, baseline: float
) -> None:
    """The benchmark: a diamond under the estimate's place, and its value in words."""
    if figure.benchmark is None:
        return
    value = texts.number(figure.benchmark.estimate, lang)
    diamond(group, x=at(figure.benchmark.estimate), y=middle + 10)
    diamond(group, x=VALUES_LEFT + 6, y=baseline - 4.5, size=5.5)
    add(
        group,
        "text",
        {"x": VALUES_LEFT + 18, "y": baseline, "font-size": 13, "data-role": "benchmark"},
        texts.say("benchmark_short", lang, value=value),
    )


def _axis(
    canvas: Canvas,
    grid: ET.Element,
    low: float,
    high: float,
    at: Scale,
    *,
    top: float,
    bottom: float,
) -> None:
    """Grid lines behind the rows, and the scale's numbers above and below them."""
    step = 10.0 if high - low <= 100 else 25.0
    labelled = 20.0 if high - low <= 100 else 50.0
    value = low
    while value <= high + 1e-9:
        x = at(value)
        strong = value == 0 and low < 0
        add(
            grid,
            "line",
            {
                "x1": x,
                "y1": top + 6,
                "x2": x,
                "y2": bottom,
                "stroke": MUTED if strong else GRID,
                "stroke-width": 1.5 if strong else 1,
            },
        )
        if abs(value / labelled - round(value / labelled)) < 1e-9:
            for y in (top, bottom + 18):
                add(
                    canvas.body,
                    "text",
                    {"x": x, "y": y, "font-size": 12, "fill": MUTED, "text-anchor": "middle"},
                    texts.whole(value, canvas.lang),
                )
        value += step


def _rect(
    x: float, y: float, width: float, height: float, fill: str, *, stroke: str | None = None
) -> ET.Element:
    attributes: dict[str, object] = {"x": x, "y": y, "width": width, "height": height, "fill": fill}
    if stroke is not None:
        attributes["stroke"] = stroke
    return element("rect", attributes)


def _description(data: ChartData) -> str:
    lang = data.lang
    parts = [f"{full_title(data)}.", subtitle(data), texts.say("desc_dimensions", lang)]
    if data.n is None:
        parts.append(texts.say("survey_withheld", lang, min_n=data.min_n))
    for kind in ("dimensions", "indices"):
        figures = [f for f in data.figures if f.kind == kind]
        if figures:
            parts.append(f"{texts.say(kind, lang)}:")
            parts.extend(describe(data, figure) for figure in figures)
    return " ".join(parts)

"""What both charts share: the ``<svg>`` root with its title, description and language, the
heading, the marks (dot and whisker, benchmark diamond, check mark, hatching for withheld
figures) and the legend.

Colours meet WCAG AA on every ground they are drawn on: text at least 4.5:1 (``INK`` 17:1,
``MUTED`` 7:1 or more, white on ``ACCENT`` 8.4:1), marks at least 3:1 (``BENCHMARK`` 5:1 or
more, with a white outline on a reached step). No mark relies on colour alone:
the benchmark is a diamond, a reached step carries a check mark and the word, a withheld
figure is hatched and says so. Every id carries the survey and the chart, so two charts
inlined in one page do not collide.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from survey_service.services.charts import texts
from survey_service.services.charts.data import ChartData, Figure
from survey_service.services.charts.svg import (
    FONT_FAMILY,
    SVG_NS,
    XML_LANG,
    add,
    element,
    lines,
    serialise,
    text_width,
    wrap,
)

INK = "#1a1a1a"  # text and whiskers
MUTED = "#4d4d4d"  # secondary text, outlines
ACCENT = "#1d4e89"  # the score's dot, a reached step
ON_ACCENT_MUTED = "#dfe8f3"  # secondary text on a reached step
ACCENT_LIGHT = "#e8eef6"  # a step not reached
BENCHMARK = "#a34700"  # the benchmark's diamond
HATCH_LINE = "#858585"
HATCH_GROUND = "#f6f6f6"  # and a withheld step
BAND = "#f3f5f8"  # every other row
TRACK = "#b0b0b0"  # a gauge's 0-100 line, under the marks
GRID = "#d6d6d6"  # grid lines, behind everything
WHITE = "#ffffff"

#: Every colour the charts use (a test holds the pairs of them to WCAG AA).
PALETTE = (
    INK,
    MUTED,
    ACCENT,
    ON_ACCENT_MUTED,
    ACCENT_LIGHT,
    BENCHMARK,
    HATCH_LINE,
    HATCH_GROUND,
    BAND,
    TRACK,
    GRID,
    WHITE,
)

MARGIN = 24.0


class Canvas:
    """A chart being drawn: ``body`` takes the drawing, ``finish`` wraps it in the root."""

    def __init__(self, data: ChartData, chart: str, width: float) -> None:
        self.data = data
        self.lang = data.lang
        self.width = width
        self.prefix = f"survey-{data.survey_id}-{chart}"
        self.defs = element("defs")
        self.body = element("g")
        pattern = add(
            self.defs,
            "pattern",
            {
                "id": self.id("withheld"),
                "width": 8,
                "height": 8,
                "patternUnits": "userSpaceOnUse",
                "patternTransform": "rotate(45)",
            },
        )
        add(pattern, "rect", {"width": 8, "height": 8, "fill": HATCH_GROUND})
        add(
            pattern,
            "line",
            {"x1": 0, "y1": 0, "x2": 0, "y2": 8, "stroke": HATCH_LINE, "stroke-width": 3},
        )

    def id(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    @property
    def hatch(self) -> str:
        return f"url(#{self.id('withheld')})"

    def finish(self, height: float, title: str, description: str) -> str:
        root = element(
            "svg",
            {
                "xmlns": SVG_NS,
                "viewBox": f"0 0 {self.width:g} {height:g}",
                "width": self.width,
                "height": height,
                "role": "img",
                "aria-labelledby": f"{self.id('title')} {self.id('desc')}",
                "lang": self.lang,
                "font-family": FONT_FAMILY,
                "fill": INK,
            },
        )
        root.set(XML_LANG, self.lang)
        add(root, "title", {"id": self.id("title")}, title)
        add(root, "desc", {"id": self.id("desc")}, description)
        root.append(self.defs)
        add(root, "rect", {"width": self.width, "height": height, "fill": WHITE})
        root.append(self.body)
        return serialise(root)


def heading(canvas: Canvas) -> float:
    """The survey's title, and under it the instrument and the facts; returns the y where
    the chart begins."""
    data = canvas.data
    usable = canvas.width - 2 * MARGIN
    y = lines(
        canvas.body,
        wrap(data.title, usable, 20, bold=True, max_lines=3),
        x=MARGIN,
        y=MARGIN + 18,
        size=20,
        line_height=25,
        font_weight="bold",
    )
    y = lines(
        canvas.body,
        wrap(" · ".join(_facts(data)), usable, 14, max_lines=2),
        x=MARGIN,
        y=y,
        size=14,
        line_height=19,
        fill=MUTED,
    )
    return y - 19 + 12


def _facts(data: ChartData) -> list[str]:
    facts = [
        data.instrument_title,
        data.municipality,
        data.period,
        texts.audience(data.audience, data.lang),
    ]
    if data.n is not None:
        facts.append(texts.say("n", data.lang, n=data.n))
    return facts


def full_title(data: ChartData) -> str:
    """The chart's accessible name: the survey's title and the instrument's."""
    return f"{data.title} – {data.instrument_title}"


def subtitle(data: ChartData) -> str:
    """The facts under the heading, as a sentence for the description."""
    return ", ".join(_facts(data)[1:]) + "."


def confidence(data: ChartData) -> str:
    return texts.percent(data.confidence_level, data.lang)


def describe(data: ChartData, figure: Figure, title: str | None = None) -> str:
    """Every figure of ``figure`` in words: estimate, scale, interval, n and benchmark."""
    lang = data.lang
    name = title or figure.title
    if figure.withheld is not None or figure.estimate is None:
        withheld = texts.say("desc_withheld", lang, title=name, reason=reason(data, figure))
        return f"{withheld} {describe_benchmark(data, figure)}"
    sentence = texts.say(
        "desc_figure",
        lang,
        title=name,
        value=texts.number(figure.estimate, lang),
        low=texts.whole(figure.scale[0], lang),
        high=texts.whole(figure.scale[1], lang),
        confidence=confidence(data),
        ci_low=texts.number(figure.low if figure.low is not None else figure.estimate, lang),
        ci_high=texts.number(figure.high if figure.high is not None else figure.estimate, lang),
        n=figure.n,
    )
    return f"{sentence} {describe_benchmark(data, figure)}"


def describe_benchmark(data: ChartData, figure: Figure) -> str:
    lang = data.lang
    label = data.benchmark.label(lang)
    reference = figure.benchmark
    if reference is None:
        return texts.say("desc_no_benchmark", lang, label=label)
    return texts.say(
        "desc_benchmark",
        lang,
        label=label,
        value=texts.number(reference.estimate, lang),
        confidence=confidence(data),
        ci_low=texts.number(reference.low, lang),
        ci_high=texts.number(reference.high, lang),
    )


def reason(data: ChartData, figure: Figure) -> str:
    """Why a figure is withheld, in a few words."""
    return texts.say(figure.withheld or "protect", data.lang, min_n=data.min_n)


def interval_label(data: ChartData, figure: Figure) -> str:
    assert figure.low is not None and figure.high is not None
    span = texts.span(figure.low, figure.high, data.lang)
    return texts.say("interval", data.lang, confidence=confidence(data), span=span)


# --------------------------------------------------------------------------- marks


def whisker(
    parent: ET.Element, *, x_low: float, x_high: float, y: float, colour: str = INK
) -> None:
    """An interval: a line with short caps at its ends."""
    add(
        parent,
        "line",
        {"x1": x_low, "y1": y, "x2": x_high, "y2": y, "stroke": colour, "stroke-width": 2},
    )
    for x in (x_low, x_high):
        add(
            parent,
            "line",
            {"x1": x, "y1": y - 5, "x2": x, "y2": y + 5, "stroke": colour, "stroke-width": 2},
        )


def dot(parent: ET.Element, *, x: float, y: float, colour: str = ACCENT) -> None:
    add(
        parent,
        "circle",
        {"cx": x, "cy": y, "r": 5.5, "fill": colour, "stroke": WHITE, "stroke-width": 1.5},
    )


def diamond(parent: ET.Element, *, x: float, y: float, size: float = 6.5) -> None:
    """The benchmark's mark: a diamond, told apart from the score's dot by its shape."""
    corners = ((x, y - size), (x + size, y), (x, y + size), (x - size, y))
    points = " ".join(f"{cx:.2f},{cy:.2f}" for cx, cy in corners)
    add(
        parent,
        "polygon",
        {"points": points, "fill": BENCHMARK, "stroke": WHITE, "stroke-width": 1.5},
    )


def check(parent: ET.Element, *, x: float, y: float, colour: str, ground: str) -> None:
    """A check mark in a disc centred at (x, y): drawn, so no font needs the glyph."""
    add(parent, "circle", {"cx": x, "cy": y, "r": 8, "fill": colour})
    add(
        parent,
        "polyline",
        {
            "points": f"{x - 4:.2f},{y:.2f} {x - 1:.2f},{y + 3.5:.2f} {x + 4.5:.2f},{y - 3.5:.2f}",
            "fill": "none",
            "stroke": ground,
            "stroke-width": 2.2,
            "stroke-linecap": "round",
            "stroke-linejoin": "round",
        },
    )


def ring(parent: ET.Element, *, x: float, y: float, colour: str) -> None:
    """An empty circle: the place of a check mark not earned."""
    add(
        parent,
        "circle",
        {"cx": x, "cy": y, "r": 7, "fill": "none", "stroke": colour, "stroke-width": 2},
    )


# --------------------------------------------------------------------------- legend

Symbol = Callable[[ET.Element, float, float], None]


def legend(canvas: Canvas, entries: Sequence[tuple[Symbol, str]], *, y: float) -> float:
    """Symbols with their meaning, left to right, wrapping to a new row; returns the y after."""
    x = MARGIN
    size = 13.0
    row = 22.0
    for symbol, label in entries:
        needed = 30 + text_width(label, size) + 18
        if x > MARGIN and x + needed > canvas.width - MARGIN:
            x = MARGIN
            y += row
        symbol(canvas.body, x + 12, y - 4.5)
        add(canvas.body, "text", {"x": x + 30, "y": y, "font-size": size}, label)
        x += needed
    return y + row


def score_symbol(parent: ET.Element, x: float, y: float) -> None:
    dot(parent, x=x, y=y)


def interval_symbol(parent: ET.Element, x: float, y: float) -> None:
    whisker(parent, x_low=x - 11, x_high=x + 11, y=y)


def benchmark_symbol(parent: ET.Element, x: float, y: float) -> None:
    diamond(parent, x=x, y=y)


def withheld_symbol(canvas: Canvas) -> Symbol:
    def draw(parent: ET.Element, x: float, y: float) -> None:
        add(
            parent,
            "rect",
            {
                "x": x - 11,
                "y": y - 8,
                "width": 22,
                "height": 16,
                "fill": canvas.hatch,
                "stroke": MUTED,
            },
        )

    return draw


def footnote(canvas: Canvas, text: str, *, y: float) -> float:
    return lines(
        canvas.body,
        wrap(text, canvas.width - 2 * MARGIN, 13, max_lines=3),
        x=MARGIN,
        y=y,
        size=13,
        line_height=18,
        fill=MUTED,
    )

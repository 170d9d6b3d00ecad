"""A very small SVG builder: elements as ``xml.etree`` trees, text that always fits the XML.

The tree is serialised by the standard library, which escapes every text and attribute value,
so a title such as ``</text><script>`` stays text. What the escaping cannot mend is also
handled here: characters that XML 1.0 does not allow at all (control characters) are removed,
and runs of white space (a newline in a title) become one space.

Text widths are estimated, not measured (a server has no fonts to measure with, and the
reader's font is not known): :func:`text_width` is deliberately generous, so that text
wrapped to a width fits it in the wider of the common sans-serif fonts (DejaVu Sans).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

SVG_NS = "http://www.w3.org/2000/svg"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Fonts every reader has, ending in the generic family: nothing is downloaded.
FONT_FAMILY = "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks and runs of spaces, but not the no-break space that keeps "95 %" together.
_SPACES = re.compile("[ \t\n\r\f\v\x85\u2028\u2029]+")

# Width of a character in ems, by kind (DejaVu Sans, the widest of the fonts above, rounded up).
_NARROW = set("iljIft.,:;'!|()[] ")
_WIDE = set("mwMW@%æÆ—")


def clean(text: object) -> str:
    """``text`` as one line that XML can hold."""
    return _SPACES.sub(" ", _NOT_XML.sub("", str(text))).strip()


def element(
    tag: str, attributes: dict[str, object] | None = None, text: str | None = None
) -> ET.Element:
    node = ET.Element(tag, {k: _attribute(v) for k, v in (attributes or {}).items()})
    if text is not None:
        node.text = clean(text)
    return node


def add(
    parent: ET.Element,
    tag: str,
    attributes: dict[str, object] | None = None,
    text: str | None = None,
) -> ET.Element:
    child = element(tag, attributes, text)
    parent.append(child)
    return child


def _attribute(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return clean(value)


def serialise(root: ET.Element) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of ``text``'s width in pixels at font size ``size``."""
    ems = 0.0
    for char in text:
        if char in _NARROW:
            ems += 0.36
        elif char in _WIDE:
            ems += 0.95
        elif char.isupper() or char.isdigit():
            ems += 0.72
        else:
            ems += 0.62
    return ems * size * (1.13 if bold else 1.0)


def wrap(
    text: str, width: float, size: float, *, bold: bool = False, max_lines: int = 3
) -> list[str]:
    """``text`` broken into lines no wider than ``width``; a word too long for a line is cut,
    and text beyond ``max_lines`` ends in an ellipsis."""
    lines: list[str] = []
    current = ""
    for word in clean(text).split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width(current, size, bold=bold) > width and len(current) > 1:
            cut = _fitting(current, width, size, bold=bold)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "…", size, bold=bold) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines or [""]


def _fitting(word: str, width: float, size: float, *, bold: bool) -> int:
    for end in range(len(word), 0, -1):
        if text_width(word[:end], size, bold=bold) <= width:
            return max(end, 1)
    return 1


def lines(
    parent: ET.Element,
    texts: Iterable[str],
    *,
    x: float,
    y: float,
    size: float,
    line_height: float,
    **attributes: object,
) -> float:
    """One ``<text>`` per line from baseline ``y`` down; returns the baseline after the last."""
    for text in texts:
        add(parent, "text", {"x": x, "y": y, "font-size": size, **_names(attributes)}, text)
        y += line_height
    return y


def _names(attributes: dict[str, object]) -> dict[str, object]:
    """Python names to SVG's: ``font_weight`` -> ``font-weight``."""
    return {name.replace("_", "-"): value for name, value in attributes.items()}


def attrs(**attributes: object) -> dict[str, object]:
    return _names(attributes)

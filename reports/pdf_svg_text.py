"""SVG text in the PDF laid out a label at a time, not a letter at a time.

WeasyPrint (70) draws every SVG ``<text>`` one character at a time: it lays
out the whole string once for its width, then lays out and draws each
character on its own (a Pango layout and a text object a character), so that
per-character ``x``/``y``/``dx``/``dy``/``rotate`` lists, ``letter-spacing``
and ``textLength`` can move each one. The report's charts use none of those:
their 369 labels (axis ticks, quarters, legends) are plain strings at one
point, and drawing them letter by letter was about a tenth of a report's
render. For such a node, ``text_whole`` draws the layout WeasyPrint already
made for the whole string, at the point the first letter would have had:
the same glyphs, places and bounding box (so ``text-anchor`` shifts it the
same way), kerned as a browser draws it, and one run of text in the PDF
rather than one a letter. Any other text node goes to WeasyPrint's own
function unchanged.

WeasyPrint picks an SVG element's drawing function from
``weasyprint.svg.TAGS``; ``install`` puts ``text_whole`` there for ``text``
(and ``a``, ``tspan`` and ``textPath``, which share the function) and for
the module-level name ``draw_node`` compares with. It is a hook into
WeasyPrint's internals, so the pin on WeasyPrint (pyproject.toml) stays
below the next major version, and tests/reports/test_pdf_svg_text.py fails
if an upgrade moves what it relies on.
"""

import importlib
import threading
from math import inf

_installed = False
_lock = threading.Lock()
# The attributes that place or space characters one by one: a node with any
# of them is drawn by WeasyPrint's own per-character function.
PER_CHARACTER = ("dx", "dy", "rotate", "letter-spacing", "textLength")


def _single(value: str | None) -> bool:
    from weasyprint.svg.utils import normalize

    return value is None or " " not in normalize(value).strip()


def _font_weight(value) -> int:
    if value == "normal":
        return 400
    if value == "bold":
        return 700
    try:
        return int(value)
    except ValueError:
        return 400


def _whole_string_drawable(node) -> bool:
    attrib = node.attrib
    return (
        bool(node.text)
        and not any(name in attrib for name in PER_CHARACTER)
        and _single(attrib.get("x"))
        and _single(attrib.get("y"))
    )


def install() -> None:
    """Draw plain SVG text a string at a time in this process (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        svg = importlib.import_module("weasyprint.svg")
        svg_text = importlib.import_module("weasyprint.svg.text")
        per_character = svg_text.text
        text_whole = _text_whole_function(svg_text, per_character)
        for tag, function in list(svg.TAGS.items()):
            if function is per_character:
                svg.TAGS[tag] = text_whole
        # draw_node tells text nodes by ``TAGS.get(node.tag) == text``.
        svg.text = text_whole
        _installed = True


def _text_whole_function(svg_text, per_character):
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.utils import size
    from weasyprint.text.line_break import split_first_line

    def text_whole(svg, node, font_size):
        """WeasyPrint's ``svg.text.text`` for a node without per-character
        placement, with its one layout of the whole string drawn whole."""
        if not _whole_string_drawable(node):
            return per_character(svg, node, font_size)

        # The style WeasyPrint builds for SVG text, as it builds it.
        style = svg_text.Style()
        style.update(INITIAL_VALUES)
        style.font_config = svg.font_config
        style["font_family"] = [
            font.strip("\"'")
            for font in node.get("font-family", "sans-serif").split(",")
        ]
        style["font_style"] = node.get("font-style", "normal")
        style["font_weight"] = _font_weight(node.get("font-weight", 400))
        style["font_size"] = font_size
        if node.get("direction") in ("ltr", "rtl"):
            style["direction"] = node.get("direction")

        layout, _, _, width, height, baseline = split_first_line(
            node.text, style, svg.context, inf, 0
        )

        # The first character's position, as the per-character loop finds it.
        # (A zero x or y keeps the shift, as WeasyPrint's loop does.)
        attrib = node.attrib
        x = size(attrib["x"], font_size, svg.inner_width) if "x" in attrib else None
        y = size(attrib["y"], font_size, svg.inner_height) if "y" in attrib else None
        if x:
            svg.cursor_d_position[0] = 0
        if y:
            svg.cursor_d_position[1] = 0
        x = svg.cursor_position[0] if x is None else x
        y = svg.cursor_position[1] if y is None else y

        ascent, descent = font_size * 0.8, font_size * 0.2
        y_align = 0
        display_anchor = node.get("display-anchor")
        alignment_baseline = node.get(
            "dominant-baseline", node.get("alignment-baseline")
        )
        if display_anchor == "middle":
            y_align = -height / 2
        elif display_anchor == "top":
            pass
        elif display_anchor == "bottom":
            y_align = -height
        elif alignment_baseline in ("central", "middle"):
            y_align = (ascent + descent) / 2 - descent
        elif alignment_baseline in (
            "text-before-edge",
            "before_edge",
            "top",
            "hanging",
            "text-top",
        ):
            y_align = ascent
        elif alignment_baseline in (
            "text-after-edge",
            "after_edge",
            "bottom",
            "text-bottom",
        ):
            y_align = -descent

        svg.cursor_position = x + width, y
        x_position = x + svg.cursor_d_position[0]
        y_position = y + svg.cursor_d_position[1] + y_align
        node.text_bounding_box = extend_bounding_box(
            node.text_bounding_box,
            (
                (x_position, y_position - baseline),
                (x_position + width, y_position - baseline + height),
            ),
        )

        svg.stream.push_state()
        fill, stroke = svg.set_graphical_state(node, font_size)
        svg.stream.begin_text()
        layout.reactivate(style)
        svg.fill_stroke(fill, stroke, text=True)
        text_box = svg_text.TextBox(layout, style)
        text_box.baseline = baseline
        emojis = draw_first_line(
            svg.stream,
            text_box,
            "none",
            "none",
            Matrix(a=1, d=-1, e=x_position, f=y_position),
        )
        svg.stream.end_text()
        svg.stream.pop_state()
        draw_emojis(svg.stream, style, x, y, emojis)

    text_whole.per_character = per_character
    return text_whole

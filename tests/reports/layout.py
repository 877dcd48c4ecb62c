"""What a rendered PDF's layout looks like: boxes that leave the page.

WeasyPrint keeps each page's boxes after ``HTML(...).render()``; a table too
wide for the page, or a word too long for its column, lays out past the right
edge of the page's content box and is cut off in the PDF. ``overflowing``
lists every such box (tables, rows, cells and the text in them), so a test
can say none of the report's content leaves its page.
"""

from dataclasses import dataclass

from weasyprint.formatting_structure import boxes

from reports.annual import laid_out

# Rounding in the layout: a hundredth of a millimetre is no overflow.
TOLERANCE_PX = 0.05


@dataclass(frozen=True)
class Overflow:
    page: int
    kind: str
    text: str
    right_mm: float
    page_right_mm: float


def render(html: str):
    return laid_out(html)


def _descendants(box):
    yield box
    children = list(getattr(box, "children", ()))
    if isinstance(box, boxes.TableBox):
        children += list(box.column_groups)
    for child in children:
        if isinstance(child, boxes.MarginBox):
            continue  # running headers and page numbers sit in the margins
        if child.style["position"] == "absolute":
            continue  # visually hidden text: 1px wide and clipped
        yield from _descendants(child)


def _text(box) -> str:
    if isinstance(box, boxes.TextBox):
        return box.text
    return " ".join(_text(c) for c in getattr(box, "children", ()))[:80]


def overflowing(document) -> list[Overflow]:
    found = []
    px_to_mm = 25.4 / 96
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        for box in _descendants(page_box):
            if box is page_box or isinstance(box, boxes.TableColumnBox):
                continue
            x = box.border_box_x()
            width = box.border_width()
            if x + width > right + TOLERANCE_PX or x < left - TOLERANCE_PX:
                found.append(
                    Overflow(
                        number,
                        type(box).__name__,
                        _text(box),
                        round((x + width) * px_to_mm, 1),
                        round(right * px_to_mm, 1),
                    )
                )
    return found

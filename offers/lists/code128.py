"""Code 128 barcodes drawn as one filled path: on a PDF page, and as inline SVG for the
HTML list.

reportlab encodes the symbol (its Code128 widget picks the code sets, adds the start,
check and stop characters and gives the bar and space widths); the bars then go onto the
page as a single path of rectangles filled once, through the canvas's public
`addLiteral`, instead of the widget's one rectangle call per bar: a 16-digit offer code
draws in about a quarter of the time, and a list has a dozen of them.
"""

from __future__ import annotations

from string import ascii_lowercase, ascii_uppercase

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

_ELEMENTS = {
    **{c: (True, i + 1) for i, c in enumerate(ascii_uppercase)},
    **{c: (False, i + 1) for i, c in enumerate(ascii_lowercase)},
}
"""reportlab's element letters: upper case a bar, lower case a space, 'a'/'A' one module."""

QUIET_MODULES = 10
"""Quiet zone each side, in narrow-bar widths (at least MIN_QUIET points), as reportlab's."""
MIN_QUIET = 18.0


def bars(payload: str) -> tuple[list[tuple[int, int]], int]:
    """The bars of `payload`'s Code 128 symbol as (offset, width) in modules from its left
    edge, and the symbol's width in modules (quiet zones not included)."""
    code = Code128(payload, barWidth=1, humanReadable=False)
    code.validate()
    code.encode()
    code.decompose()
    found: list[tuple[int, int]] = []
    at = 0
    for element in code.decomposed:
        is_bar, width = _ELEMENTS[element]
        if is_bar:
            found.append((at, width))
        at += width
    return found, at


def quiet_zone(bar: float) -> float:
    """Points of quiet zone each side for narrow bars `bar` points wide."""
    return max(MIN_QUIET, QUIET_MODULES * bar)


def draw_code128(
    canvas: Canvas, payload: str, right: float, bottom: float, bar: float, height: float
) -> float:
    """Draw `payload` as Code 128, narrow bars `bar` points wide and `height` tall, so that
    its right quiet zone ends at `right`; returns the left edge of its left quiet zone."""
    found, modules = bars(payload)
    quiet = quiet_zone(bar)
    left = right - quiet - modules * bar
    # Scaled so that one unit across is one module and one unit up is the full height:
    # every rectangle is then whole numbers.
    rectangles = " ".join([f"{offset} 0 {width} 1 re" for offset, width in found])
    canvas.addLiteral(
        f"q 0 g {bar:.4f} 0 0 {height:.4f} {left:.4f} {bottom:.4f} cm {rectangles} f Q"
    )
    return left - quiet


def svg_code128(payload: str, bar: float, height: float) -> str:
    """`payload` as Code 128 in an <svg> element: narrow bars `bar` points wide, `height`
    points tall, quiet zones included; one path of whole-module rectangles."""
    found, modules = bars(payload)
    quiet = quiet_zone(bar) / bar
    total = modules + 2 * quiet
    path = "".join(f"M{quiet + offset:g} 0h{width}v1h-{width}z" for offset, width in found)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total * bar:g}pt" '
        f'height="{height:g}pt" viewBox="0 0 {total:g} 1" preserveAspectRatio="none" '
        f'role="img" aria-label="{payload}"><rect width="{total:g}" height="1" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )

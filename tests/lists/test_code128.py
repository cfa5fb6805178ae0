"""Code 128 drawn our way (one path of bars) against reportlab's widget, and the HTML
list's SVG barcodes read back by a real decoder."""

from __future__ import annotations

import re

import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from reportlab.graphics.barcode.code128 import Code128

from offers.barcodes import list_payload, offer_payload
from offers.lists.code128 import bars, quiet_zone, svg_code128

payloads = st.one_of(
    st.integers(min_value=0, max_value=10**12 - 1).map(list_payload),
    st.tuples(st.integers(0, 10**12 - 1), st.integers(0, 99)).map(lambda t: offer_payload(*t)),
)


@given(payloads, st.sampled_from([0.8, 1.0, 1.2]))
def test_the_symbol_is_as_wide_as_reportlabs_own(payload: str, bar: float) -> None:
    found, modules = bars(payload)
    widget = Code128(payload, barWidth=bar, humanReadable=False)
    assert abs(modules * bar + 2 * quiet_zone(bar) - widget.width) < 1e-6
    # Bars never overlap and end where the symbol ends (the stop pattern's last bar).
    ends = [offset + width for offset, width in found]
    assert all(end <= start for end, (start, _) in zip(ends, found[1:], strict=False))
    assert ends[-1] == modules


@settings(max_examples=40, deadline=None)
@given(payloads)
def test_an_svg_barcode_decodes_to_its_payload(payload: str) -> None:
    svg = svg_code128(payload, 1.0, 20)
    total = float(re.search(r'viewBox="0 0 ([\d.]+) 1"', svg).group(1))  # type: ignore[union-attr]
    scale = 3  # pixels per module, as a browser at 216 dpi would draw 1-point bars
    image = Image.new("L", (round(total * scale), 60), 255)
    draw = ImageDraw.Draw(image)
    for x, width in re.findall(r"M([\d.]+) 0h(\d+)", svg):
        left = float(x) * scale
        draw.rectangle((left, 0, left + int(width) * scale - 1, 59), fill=0)
    (result,) = zxingcpp.read_barcodes(image)
    assert (result.format.name, result.text) == ("Code128", payload)

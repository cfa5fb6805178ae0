"""One household's list as an HTML page (for e-mail), from the jinja2 template
`list.html.j2`, which takes its words from the same wording macros as the PDF. Barcodes
are inline SVG pictures (offers.lists.code128), so the page needs no image files."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from offers.lists.code128 import svg_code128
from offers.lists.documents import ListDocument
from offers.lists.pdf import LIST_BAR_HEIGHT, LIST_BAR_WIDTH, OFFER_BAR_HEIGHT, OFFER_BAR_WIDTH
from offers.lists.wording import HTML_TEMPLATE, WordingError, list_environment


def barcode_svg(payload: str, bar_width: float, bar_height: float) -> Markup:
    """A Code 128 barcode of `payload` as an inline <svg> element (sizes in points)."""
    return Markup(svg_code128(payload, bar_width, bar_height))


class HtmlPainter:
    """Renders lists as HTML pages; one painter serves many lists."""

    def __init__(self, store_name: str) -> None:
        try:
            self.template = list_environment(autoescape=True).get_template(HTML_TEMPLATE)
        except jinja2.TemplateError as exc:
            raise WordingError(f"{HTML_TEMPLATE}: {exc}") from exc
        self.store_name = store_name

    def render(self, doc: ListDocument) -> str:
        """The page's HTML text."""
        barcodes = {doc.payload: barcode_svg(doc.payload, LIST_BAR_WIDTH, LIST_BAR_HEIGHT)}
        for line in doc.lines:
            if line.payload:
                barcodes[line.payload] = barcode_svg(
                    line.payload, OFFER_BAR_WIDTH, OFFER_BAR_HEIGHT
                )
        return self.template.render(doc=doc, store_name=self.store_name, barcodes=barcodes)

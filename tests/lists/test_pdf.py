"""A list drawn as PDF and read back with a real text extractor and a real barcode
decoder: every line's item and offer is on the page, every barcode decodes to exactly its
payload, a Chinese name prints in an embedded font that has its glyphs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from offers.barcodes import list_payload, offer_payload
from offers.config import ListSettings
from offers.lists.documents import Department, Line, ListDocument, list_documents
from offers.lists.fonts import load_fonts
from offers.lists.pdf import ListPainter, page_size
from offers.lists.wording import Wording
from tests.conftest import TINY_RUN
from tests.lists.reading import embedded_fonts, page_barcodes, page_count, page_texts


def _draw(doc: ListDocument, path: Path, paper: str = "letter") -> Path:
    painter = ListPainter(Wording(), load_fonts(), "Dick's Supermarkets", page_size(paper))
    canvas = Canvas(str(path), pagesize=page_size(paper))
    painter.draw(canvas, doc)
    canvas.save()
    return path


def _payloads(doc: ListDocument) -> set[str]:
    return {doc.payload} | {line.payload for line in doc.lines if line.payload}


def test_the_tiny_lists_print_their_words_and_every_barcode_decodes(
    tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first, second = list_documents(tiny_run, TINY_RUN, ListSettings())
    text = page_texts(_draw(first, tmp_path / "1.pdf"))[0]
    for expected in (
        "Dick's Supermarkets",
        "Anna Kowalski",
        "Valid Wed Mar 29 to Tue Apr 11",
        "Card 4000000000011",
        "$4.50 of savings for you",
        "Meat",
        "Health & pharmacy",
        "Tylenol Extra Strength Caplets 100ct",
        "$1.50 off",
        "Dick's Ground Beef 80/20 2 lb",
        "$2.00 off",
        "Dean's Whole Milk 1 gal",
        "$0.50 off (up to 2 times)",
        "valid Wed Mar 29 \N{EN DASH} Sun Apr 9",
        "Wonder Classic White Bread",  # a reminder: no offer, no barcode
    ):
        assert expected in text, expected
    # Store-walk order on the page: meat before dairy before grocery before drug.
    order = [text.index(word) for word in ("Ground Beef", "Whole Milk", "Wonder", "Tylenol")]
    assert order == sorted(order)
    for doc, name in ((first, "1.pdf"), (second, "2.pdf")):
        (found,) = page_barcodes(_draw(doc, tmp_path / name))
        assert sorted(found) == sorted(("Code128", p) for p in _payloads(doc))


def test_a_chinese_name_prints_in_an_embedded_font_that_has_its_glyphs(
    tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _, second = list_documents(tiny_run, TINY_RUN, ListSettings())
    assert second.name == "王芳"
    path = _draw(second, tmp_path / "2.pdf")
    assert "王芳" in page_texts(path)[0]
    fonts = embedded_fonts(path)
    cjk = [name for name in fonts if "DroidSansFallback" in name or "WenQuanYi" in name]
    assert cjk, fonts
    assert all(fonts[name] for name in cjk)  # the font program is in the file
    chain = load_fonts().regular
    assert [chain.font_index(char) for char in "王芳"] == [2, 2]  # glyphs, not .notdef boxes


def test_lines_that_do_not_fit_continue_on_a_second_page(
    tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first, _ = list_documents(tiny_run, TINY_RUN, ListSettings())
    template = first.departments[0].lines[0]
    lines = tuple(
        dataclasses.replace(
            template,
            line_number=n,
            payload=offer_payload(first.list_id, n),
            description=f"Item {n}",
        )
        for n in range(1, 31)
    )
    big = dataclasses.replace(first, departments=(Department("MEAT", lines),))
    path = _draw(big, tmp_path / "big.pdf")
    assert page_count(path) == 2
    texts = page_texts(path)
    assert all(f"Item {n}" in "".join(texts) for n in range(1, 31))
    assert "A tip for you" in texts[1] or "recipe" in texts[1] or "Good to know" in texts[1]
    found = [code for page in page_barcodes(path) for code in page]
    assert sorted(found) == sorted(("Code128", p) for p in _payloads(big))


def test_a4_paper(tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    first, _ = list_documents(tiny_run, TINY_RUN, ListSettings())
    path = _draw(first, tmp_path / "a4.pdf", paper="a4")
    with pikepdf.Pdf.open(path) as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 595, 842]
    (found,) = page_barcodes(path)
    assert len(found) == len(_payloads(first))


NAMES = st.sampled_from(
    ["Anna Kowalski", "王芳", "José Núñez", "Łukasz Wróbel", "Zoë Ørsted", "李伟 Li Wei", ""]
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    list_id=st.integers(min_value=0, max_value=10**12 - 1),
    lines=st.lists(st.integers(min_value=1, max_value=99), min_size=1, max_size=6, unique=True),
    name=NAMES,
)
def test_any_list_id_and_lines_decode_from_the_printed_page(
    tmp_path_factory: pytest.TempPathFactory, list_id: int, lines: list[int], name: str
) -> None:
    day = dt.date(2018, 1, 1)
    doc = ListDocument(
        run_id="r",
        list_id=list_id,
        household_id=1,
        tier="A",
        store_id=1,
        name=name or None,
        postal_code=None,
        card_number=None,
        valid_from=day,
        valid_to=day,
        face_value=1.0,
        payload=list_payload(list_id),
        departments=(
            Department(
                "DAIRY",
                tuple(
                    Line(
                        n,
                        "DAIRY",
                        f"Milk {n}",
                        None,
                        None,
                        None,
                        "MILK",
                        "due",
                        "D",
                        "amount_off",
                        1.0,
                        None,
                        None,
                        1,
                        1.0,
                        1.0,
                        None,
                        day,
                        day,
                        offer_payload(list_id, n),
                    )
                    for n in lines
                ),
            ),
        ),
        reward=None,
    )
    path = _draw(doc, tmp_path_factory.mktemp("any") / "list.pdf")
    (found,) = page_barcodes(path)
    assert sorted(found) == sorted(("Code128", p) for p in _payloads(doc))
    if name:
        assert name in page_texts(path)[0]

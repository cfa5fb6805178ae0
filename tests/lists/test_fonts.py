"""Fonts: Helvetica where it has the character, the fallback TrueType fonts for the rest,
and characters no font has are found before anything is drawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offers.lists.fonts import CJK_FONT_FILES, FontError, Fonts, load_fonts


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    if not any(Path(p).exists() for p in CJK_FONT_FILES):
        pytest.fail("no CJK font installed: `make fonts` installs fonts-droid-fallback")
    return load_fonts()


def test_latin_1_text_is_one_helvetica_run(fonts: Fonts) -> None:
    assert fonts.regular.runs("José Núñez") == [("Helvetica", "José Núñez")]
    assert fonts.bold.runs("Claire Dubois-Lefèvre") == [("Helvetica-Bold", "Claire Dubois-Lefèvre")]


def test_other_scripts_fall_back_run_by_run(fonts: Fonts) -> None:
    runs = fonts.regular.runs("Łukasz 王芳")
    assert runs == [
        ("offers-DejaVuSans", "Ł"),
        ("Helvetica", "ukasz "),
        (runs[2][0], "王芳"),
    ]
    assert runs[2][0] in {f"offers-{Path(p).stem}" for p in CJK_FONT_FILES}
    assert fonts.regular.missing("Łukasz 王芳") == ""


def test_characters_no_font_has_are_reported_once_each(fonts: Fonts) -> None:
    assert fonts.missing(["ab\U00010000c", None, "\U00010000"]) == "\U00010000"


@given(st.text(alphabet=st.characters(codec="cp1252", categories=["L", "N", "P", "Zs"])))
def test_a_fitted_text_never_overflows(text: str) -> None:
    chain = load_fonts().regular
    fitted = chain.fit(text, 10, 80)
    assert chain.width(fitted, 10) <= 80
    for line in chain.wrap(text, 10, 80):
        assert chain.width(line, 10) <= 80


def test_a_missing_font_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FontError, match=r"nope\.ttf does not exist"):
        load_fonts((str(tmp_path / "nope.ttf"),))
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(FontError, match=r"bad\.ttf cannot be used"):
        load_fonts((str(bad),))

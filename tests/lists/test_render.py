"""Rendering a whole run: a file per household and a print file per store, in parallel,
resumable, refusing a folder rendered from something else."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from offers.config import ListSettings
from offers.lists.render import RenderError, render_run
from tests.conftest import TINY_RUN
from tests.lists.reading import page_barcodes, page_count, page_texts


def test_a_run_renders_a_file_per_household_and_a_print_file_per_store(
    tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    result = render_run(
        tiny_run,
        TINY_RUN,
        tmp_path,
        ListSettings(),
        workers=2,
        on_progress=lambda *p: seen.append(p),
    )
    assert (result.lists, result.rendered, result.already_done) == (2, 2, 0)
    assert seen[-1] == (2, 2)
    assert sorted(p.name for p in (tmp_path / "lists").iterdir()) == ["1.pdf", "2.pdf"]
    (store,) = result.print_files
    assert store == tmp_path / "print" / "store-1.pdf"
    # Delivery order: both in postal code 53913, so by household.
    texts = page_texts(store)
    assert len(texts) == 2
    assert "Anna Kowalski" in texts[0]
    assert "王芳" in texts[1]
    assert all(len(codes) >= 3 for codes in page_barcodes(store))


def test_rendering_again_keeps_what_is_done_and_a_changed_wording_is_refused(
    tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    render_run(tiny_run, TINY_RUN, out, ListSettings())
    stamp = (out / "lists" / "1.pdf").stat().st_mtime_ns
    (out / "lists" / "2.pdf").unlink()
    again = render_run(tiny_run, TINY_RUN, out, ListSettings())
    assert (again.rendered, again.already_done) == (1, 1)
    assert (out / "lists" / "1.pdf").stat().st_mtime_ns == stamp
    assert page_count(out / "print" / "store-1.pdf") == 2

    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    shipped = Path(__file__).parents[2] / "offers" / "templates" / "list_wording.j2"
    (tmp_path / "templates" / "list_wording.j2").write_text(
        shipped.read_text().replace("of savings for you", "saved for you")
    )
    with pytest.raises(RenderError, match=r"rendered differently \(templates changed\)"):
        render_run(tiny_run, TINY_RUN, out, ListSettings())
    restarted = render_run(tiny_run, TINY_RUN, out, ListSettings(), restart=True)
    assert restarted.rendered == 2
    assert "$4.50 saved for you" in page_texts(out / "lists" / "1.pdf")[0]


def test_html_lists_share_the_wording_and_carry_barcodes(
    tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    result = render_run(tiny_run, TINY_RUN, tmp_path, ListSettings(), format="html")
    assert result.print_files == ()
    page = (tmp_path / "lists" / "1.html").read_text()
    for expected in (
        "Dick&#39;s Supermarkets",
        "Anna Kowalski",
        "$4.50 of savings for you",
        "Tylenol Extra Strength Caplets 100ct",
        "$0.50 off (up to 2 times)",
        "Wonder Classic White Bread",
    ):
        assert expected in page, expected
    assert page.count("<svg") == 4  # the list and its three offers
    assert "王芳" in (tmp_path / "lists" / "2.html").read_text()


def test_a_name_no_font_can_print_stops_before_any_file(
    tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    tiny_run.execute("UPDATE household_contact SET name = 'Ann \U00010000' WHERE household_id = 1")
    with pytest.raises(RenderError, match=r"household 1 \(\U00010000\)"):
        render_run(tiny_run, TINY_RUN, tmp_path / "out", ListSettings())
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [({"format": "docx"}, "format 'docx'"), ({"paper": "legal"}, "page size 'legal'")],
)
def test_bad_options_are_named(
    tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path, options: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        render_run(tiny_run, TINY_RUN, tmp_path, ListSettings(), **options)  # type: ignore[arg-type]

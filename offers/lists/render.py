"""Render every list of a run: one file per household, and for PDF one merged print file
per store in delivery order, in parallel across worker processes, resumable.

Layout of the output folder:

    render-pdf.json           what was rendered: run, paper, fonts, template fingerprint
    lists/<household>.pdf     (or .html) one per treated household
    print/store-<store>.pdf   every list of the store, in delivery order (postal code)

Each file is written under a temporary name and renamed when complete, so a file that
exists is whole. Interrupted and run again, rendering skips the households whose file
exists and makes the rest; a print file is made again when any of its lists was. A folder
rendered from another run, format, paper or wording is refused (or emptied, on restart).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pikepdf
from reportlab.pdfgen.canvas import Canvas

from offers.config import ListSettings
from offers.lists.documents import ListDocument, RunLists, read_lists
from offers.lists.fonts import Fonts, load_fonts
from offers.lists.html import HtmlPainter
from offers.lists.pdf import Drawn, ListPainter, page_size
from offers.lists.rewards import LIBRARY
from offers.lists.wording import HTML_TEMPLATE, WORDING_TEMPLATE, Wording
from offers.runs import stored_run
from offers.templating import fingerprint

FORMATS = ("pdf", "html")
MANIFEST = "render-{format}.json"
"""What a folder's files of one format were rendered from; pdf and html share a folder."""
LISTS_FOLDER = "lists"
PRINT_FOLDER = "print"
CHUNK_LISTS = 50
"""Lists a worker renders per task: small enough for a smooth progress bar."""

Progress = Callable[[int, int], None]
"""Called with (lists rendered so far, lists to render) as work completes."""


class RenderError(ValueError):
    """Rendering cannot start or finish; the message says why and what to do."""


@dataclass(frozen=True)
class RenderResult:
    """What a render did. `rendered` lists were made now, `already_done` found whole."""

    run_id: str
    folder: Path
    format: str
    lists: int
    rendered: int
    already_done: int
    print_files: tuple[Path, ...]
    seconds: float
    strings: int
    """Pieces of text drawn on the PDF pages rendered now (0 for HTML)."""
    barcodes: int
    """Barcodes drawn on the PDF pages rendered now (0 for HTML)."""


@dataclass(frozen=True)
class _Job:
    """What every worker needs, sent once when it starts."""

    folder: Path
    format: str
    settings: ListSettings
    size: tuple[float, float]


def render_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    folder: Path,
    settings: ListSettings,
    *,
    format: str = "pdf",
    workers: int = 1,
    paper: str | None = None,
    restart: bool = False,
    on_progress: Progress | None = None,
) -> RenderResult:
    """Render the run's lists into `folder` (layout in the module docstring).

    `workers` processes draw in parallel (1: in this process); `paper` overrides
    [lists] page_size; `restart` empties a folder rendered differently instead of refusing.
    Raises RunNotFoundError for an unknown run, RenderError for a folder rendered from
    something else or names no font can print, FontError / WordingError for bad fonts or
    templates.
    """
    started = time.perf_counter()
    if format not in FORMATS:
        raise RenderError(f"format '{format}' is not one of {', '.join(FORMATS)}")
    job = _Job(folder, format, settings, page_size(paper or settings.page_size))
    run = stored_run(con, run_id)
    with _executor(job, workers) as pool:
        # The workers start (import, fonts, templates) while the lists are read here.
        lists = read_lists(con, run_id, settings)
        painter = _painter(job)  # a broken template or font fails here, before any file
        if isinstance(painter, ListPainter):  # HTML is drawn by the reader's own fonts
            _check_glyphs(lists, painter.fonts)
        _claim(job, _manifest(run, job, paper or settings.page_size), restart)
        done = {path.stem for path in (folder / LISTS_FOLDER).glob(f"*.{format}")}
        households = lists.lists.select("household_id", "store_id").rows()
        left = [(h, store) for h, store in households if str(h) not in done]
        stores = _stores(households) if format == "pdf" else {}
        todo = (doc for doc in lists.documents() if str(doc.household_id) not in done)
        drawn = _render(pool, job, todo, left, stores, on_progress, in_flight=2 * max(workers, 1))
    return RenderResult(
        run_id=run_id,
        folder=folder,
        format=format,
        lists=len(lists),
        rendered=drawn.lists,
        already_done=len(lists) - drawn.lists,
        print_files=tuple(
            _print_path(job, store) for store in sorted(stores, key=lambda s: (s is None, s or 0))
        ),
        seconds=time.perf_counter() - started,
        strings=drawn.strings,
        barcodes=drawn.barcodes,
    )


def _render(
    pool: Executor,
    job: _Job,
    todo: Iterator[ListDocument],
    left: list[tuple[int, int | None]],
    stores: dict[int | None, list[int]],
    on_progress: Progress | None,
    *,
    in_flight: int,
) -> Drawn:
    """Render the documents `todo` yields (the households `left`, with their stores) in
    chunks, `in_flight` at a time, building the next while the workers draw. A store's
    print file is merged as soon as its last list is drawn, ahead of later chunks; a
    missing print file whose lists are all there is merged at once."""
    waiting: dict[int | None, int] = {store: 0 for store in stores}
    for _, store in left:
        if store in waiting:
            waiting[store] += 1
    merges: list[Future[int]] = []

    def merge(store: int | None) -> None:
        paths = [_list_path(job, household) for household in stores[store]]
        merges.append(pool.submit(_merge, _print_path(job, store), paths))

    for store, count in waiting.items():
        if count == 0 and not _print_path(job, store).exists():
            merge(store)
    chunks = _chunks(todo, CHUNK_LISTS)
    pending: dict[Future[Drawn], list[ListDocument]] = {}
    drawn = Drawn()
    try:
        while True:
            for chunk in itertools.islice(chunks, max(in_flight - len(pending), 0)):
                pending[pool.submit(_render_lists, chunk)] = chunk
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                drawn.add(future.result())
                for doc in pending.pop(future):
                    if doc.store_id in waiting:
                        waiting[doc.store_id] -= 1
                        if waiting[doc.store_id] == 0:
                            merge(doc.store_id)
            if on_progress:
                on_progress(drawn.lists, len(left))
        for merged in merges:
            merged.result()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    return drawn


@contextlib.contextmanager
def _executor(job: _Job, workers: int) -> Iterator[Executor]:
    """`workers` processes, started by 'spawn' (so none inherits the open warehouse
    connection) and warmed up at once; one worker means this process."""
    if workers <= 1:
        _start_worker(job)
        yield _InProcess()
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(job,)
    ) as pool:
        for _ in range(workers):
            pool.submit(_ready)
        yield pool


class _InProcess(Executor):
    """Runs each task at once, in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def _ready() -> None:
    """A task that makes a worker process start."""


_worker: dict[str, Any] = {}
"""Per worker process: the job and its painter, made once by _start_worker."""


def _start_worker(job: _Job) -> None:
    _worker["job"] = job
    _worker["painter"] = _painter(job)


def _painter(job: _Job) -> ListPainter | HtmlPainter:
    if job.format == "html":
        return HtmlPainter(job.settings.store_name)
    return ListPainter(Wording(), load_fonts(job.settings.fonts), job.settings.store_name, job.size)


def _render_lists(docs: Sequence[ListDocument]) -> Drawn:
    """Render `docs` into their files (in a worker); returns what was drawn."""
    job: _Job = _worker["job"]
    painter = _worker["painter"]
    drawn = Drawn(lists=len(docs))
    if isinstance(painter, ListPainter):
        painter.drawn = drawn  # the painter counts its strings and barcodes into it
    for doc in docs:
        path = _list_path(job, doc.household_id)
        part = path.with_name(path.name + ".part")
        if isinstance(painter, HtmlPainter):
            part.write_text(painter.render(doc), encoding="utf-8")
        else:
            canvas = Canvas(str(part), pagesize=job.size, pageCompression=1)
            painter.draw(canvas, doc)
            canvas.save()
        os.replace(part, path)
    return drawn


def _merge(target: Path, sources: list[Path]) -> int:
    """Concatenate the PDF files `sources` into `target` (renamed into place when whole)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    with pikepdf.Pdf.new() as merged:
        for source in sources:
            with pikepdf.Pdf.open(source) as pdf:
                merged.pages.extend(pdf.pages)
        # The pages' content is compressed already; compressing what reportlab left plain
        # (a few small dictionaries' streams) would take 14 times as long for 12 % less.
        merged.save(part, compress_streams=False)
    os.replace(part, target)
    return len(sources)


def _check_glyphs(lists: RunLists, fonts: Fonts) -> None:
    """Refuse to start when a name or item has characters no configured font has."""
    faults = {text: fonts.missing([text]) for text in lists.texts()}
    faults = {text: missing for text, missing in faults.items() if missing}
    if faults:
        shown = [
            f"household {household} ({missing})"
            for text, missing in sorted(faults.items())[:5]
            for household in lists.households(text)[:3]
        ]
        raise RenderError(
            f"no font has some characters of {len(faults)} name(s) or item(s), e.g. "
            f"{', '.join(shown)}. Install a font that has them (Debian: apt-get install "
            "fonts-droid-fallback) or name one in [lists] fonts in offers.toml"
        )


def _manifest(run: dict[str, Any], job: _Job, paper: str) -> dict[str, Any]:
    templates = [WORDING_TEMPLATE, LIBRARY] + ([HTML_TEMPLATE] if job.format == "html" else [])
    return {
        "run_id": run["run_id"],
        "run_created_at": str(run["created_at"]),
        "paper": paper.lower(),
        "store_name": job.settings.store_name,
        "fonts": list(job.settings.fonts),
        "templates": fingerprint(templates),
    }


def _claim(job: _Job, manifest: dict[str, Any], restart: bool) -> None:
    """Make the folder ours for this format: new, or rendered with this very manifest
    before. Another manifest is refused, or its files removed when `restart`."""
    folder, lists = job.folder, job.folder / LISTS_FOLDER
    path = folder / MANIFEST.format(format=job.format)
    if path.exists():
        try:
            before = json.loads(path.read_text())
        except (OSError, ValueError):
            before = {}
        differs = sorted(key for key in manifest if before.get(key) != manifest[key])
        if differs and not restart:
            raise RenderError(
                f"{folder} holds {job.format} lists rendered differently "
                f"({', '.join(differs)} changed); render into another folder, or restart "
                "(--restart) to render them all again"
            )
        if differs:
            old = list(lists.glob(f"*.{job.format}"))
            if job.format == "pdf":
                old += list((folder / PRINT_FOLDER).glob("*.pdf"))
            for file in old:
                file.unlink()
    elif any(lists.glob(f"*.{job.format}")):
        raise RenderError(
            f"{lists} holds {job.format} files but no {path.name}; use another folder"
        )
    lists.mkdir(parents=True, exist_ok=True)
    for stray in lists.glob("*.part"):
        stray.unlink()
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(part, path)


def _stores(households: list[tuple[int, int | None]]) -> dict[int | None, list[int]]:
    """The households of each store, keeping delivery order."""
    stores: dict[int | None, list[int]] = {}
    for household, store in households:
        stores.setdefault(store, []).append(household)
    return stores


def _list_path(job: _Job, household: int) -> Path:
    return job.folder / LISTS_FOLDER / f"{household}.{job.format}"


def _print_path(job: _Job, store: int | None) -> Path:
    return job.folder / PRINT_FOLDER / f"store-{'none' if store is None else store}.pdf"


def _chunks(items: Iterator[ListDocument], size: int) -> Iterator[list[ListDocument]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk

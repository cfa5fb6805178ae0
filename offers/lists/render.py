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
import dataclasses
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
from offers.lists.documents import ListDocument, list_documents
from offers.lists.fonts import Fonts, load_fonts
from offers.lists.html import HtmlPainter
from offers.lists.pdf import Drawn, ListPainter, page_size
from offers.lists.rewards import LIBRARY
from offers.lists.wording import HTML_TEMPLATE, WORDING_TEMPLATE, Wording
from offers.run_summary import stored_run
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
        docs = list_documents(con, run_id, settings)
        _check_glyphs(docs, load_fonts(settings.fonts))
        _painter(job)  # a broken template fails here, before any file is touched
        _claim(job, _manifest(run, job, paper or settings.page_size), restart)
        todo = [doc for doc in docs if not _list_path(job, doc).exists()]
        stores = _stores(docs) if format == "pdf" else {}
        drawn = _render(pool, job, todo, stores, on_progress, in_flight=2 * max(workers, 1))
    return RenderResult(
        run_id=run_id,
        folder=folder,
        format=format,
        lists=len(docs),
        rendered=len(todo),
        already_done=len(docs) - len(todo),
        print_files=tuple(sorted(_print_path(job, store) for store in stores)),
        seconds=time.perf_counter() - started,
        strings=drawn.strings,
        barcodes=drawn.barcodes,
    )


def _render(
    pool: Executor,
    job: _Job,
    todo: list[ListDocument],
    stores: dict[int | None, list[ListDocument]],
    on_progress: Progress | None,
    *,
    in_flight: int,
) -> Drawn:
    """Render `todo` in chunks, `in_flight` at a time so that a store's print file, merged as
    soon as its last chunk is done, goes ahead of later chunks; a missing print file whose
    lists are all there is merged at once."""
    chunks = list(_chunks(todo, CHUNK_LISTS))
    waiting: dict[int | None, int] = {store: 0 for store in stores}
    for chunk in chunks:
        for store in {doc.store_id for doc in chunk} & set(stores):
            waiting[store] += 1
    merges: list[Future[int]] = []

    def merge(store: int | None) -> None:
        paths = [_list_path(job, doc) for doc in stores[store]]
        merges.append(pool.submit(_merge, _print_path(job, store), paths))

    for store, count in waiting.items():
        if count == 0 and not _print_path(job, store).exists():
            merge(store)
    pending: dict[Future[Drawn], list[ListDocument]] = {}
    drawn = Drawn()
    try:
        while chunks or pending:
            while chunks and len(pending) < in_flight:
                chunk = chunks.pop(0)
                pending[pool.submit(_render_lists, chunk)] = chunk
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                _add(drawn, future.result())
                for store in {doc.store_id for doc in pending.pop(future)} & set(stores):
                    waiting[store] -= 1
                    if waiting[store] == 0:
                        merge(store)
            if on_progress:
                on_progress(drawn.lists, len(todo))
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
    before = dataclasses.replace(painter.drawn) if isinstance(painter, ListPainter) else Drawn()
    for doc in docs:
        path = _list_path(job, doc)
        part = path.with_name(path.name + ".part")
        if isinstance(painter, HtmlPainter):
            part.write_text(painter.render(doc), encoding="utf-8")
        else:
            canvas = Canvas(str(part), pagesize=job.size, pageCompression=1)
            canvas.setAuthor(job.settings.store_name)
            painter.draw(canvas, doc)
            canvas.save()
        os.replace(part, path)
    after = painter.drawn if isinstance(painter, ListPainter) else Drawn()
    return Drawn(
        lists=len(docs),
        strings=after.strings - before.strings,
        barcodes=after.barcodes - before.barcodes,
    )


def _add(total: Drawn, part: Drawn) -> None:
    total.lists += part.lists
    total.strings += part.strings
    total.barcodes += part.barcodes


def _merge(target: Path, sources: list[Path]) -> int:
    """Concatenate the PDF files `sources` into `target` (renamed into place when whole)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    with pikepdf.Pdf.new() as merged:
        for source in sources:
            with pikepdf.Pdf.open(source) as pdf:
                merged.pages.extend(pdf.pages)
        merged.save(part)
    os.replace(part, target)
    return len(sources)


def _check_glyphs(docs: list[ListDocument], fonts: Fonts) -> None:
    """Refuse to start when a name or item has characters no configured font has."""
    faults = []
    for doc in docs:
        texts = [doc.name, *(line.description for line in doc.lines)]
        missing = fonts.missing(texts)
        if missing:
            faults.append(f"household {doc.household_id} ({missing})")
    if faults:
        shown = ", ".join(faults[:5]) + (f" and {len(faults) - 5} more" if len(faults) > 5 else "")
        raise RenderError(
            f"no font has some characters of {len(faults)} list(s): {shown}. Install a font "
            "that has them (Debian: apt-get install fonts-droid-fallback) or name one in "
            "[lists] fonts in offers.toml"
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


def _stores(docs: list[ListDocument]) -> dict[int | None, list[ListDocument]]:
    """The documents of each store, keeping delivery order."""
    stores: dict[int | None, list[ListDocument]] = {}
    for doc in docs:
        stores.setdefault(doc.store_id, []).append(doc)
    return stores


def _list_path(job: _Job, doc: ListDocument) -> Path:
    return job.folder / LISTS_FOLDER / f"{doc.household_id}.{job.format}"


def _print_path(job: _Job, store: int | None) -> Path:
    return job.folder / PRINT_FOLDER / f"store-{'none' if store is None else store}.pdf"


def _chunks(items: list[ListDocument], size: int) -> Iterator[list[ListDocument]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

"""Running a batch: plan the work units from the sources and the manifest, hand them to workers, record results.

One work unit is one page of one input file. Workers are processes that load the OCR models once and then
take pages one at a time over a pipe; the client (this process) is the only writer of the manifest. A page
that hangs its worker past ``page_timeout`` or kills it is marked failed, the worker is replaced, and the
batch goes on. The same loop drives a Dask cluster (`digitize.batch.dask`): only the executor differs.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import multiprocessing
import os
import signal
import socket
import time
from collections import deque
from dataclasses import asdict, dataclass
from itertools import islice
from multiprocessing.connection import wait
from pathlib import Path
from typing import Iterable, Protocol

from .. import __version__
from ..export.files import output_stem, write_page_outputs
from ..export.names import output_collisions
from ..paths import remove_our_partials
from ..io import DEFAULT_DPI, DEFAULT_MAX_PIXELS, InputError, load, page_count, sha256_file
from ..ocr.base import EngineError, default_threads
from ..pipeline import get_engine, process_page
from .manifest import Manifest, Unit

DEFAULT_INCLUDE = ("*.png", "*.jpg", "*.jpeg", "*.tif", "*.tiff", "*.pdf")


@dataclass(frozen=True)
class Settings:
    engine: str = "ppocr"
    formats: tuple[str, ...] = ("txt", "alto")
    punctuation: str = "corpus"
    dpi: int = DEFAULT_DPI
    pdf_password: str | None = None
    max_pixels: int = DEFAULT_MAX_PIXELS

    @property
    def hash(self) -> str:
        """What makes a finished page current: the settings that change its outputs, and our version."""
        key = {"engine": self.engine, "formats": sorted(self.formats), "punctuation": self.punctuation,
               "dpi": self.dpi, "version": __version__}
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


class BatchError(Exception):
    """The batch cannot start (sources collide, OUTDIR is in use); the message is one line."""


# ------------------------------------------------------------------------------------------ planning


def _selected(relpath: str, include: Iterable[str], exclude: Iterable[str]) -> bool:
    # Globs match the path under SOURCE or the bare name, case-insensitively (scanners write .JPG and .jpg).
    rel, name = relpath.lower(), relpath.rsplit("/", 1)[-1].lower()

    def hit(globs: Iterable[str]) -> bool:
        return any(fnmatch.fnmatch(rel, g.lower()) or fnmatch.fnmatch(name, g.lower()) for g in globs)

    return hit(include) and not hit(exclude)


def find_inputs(sources: Iterable[Path], outdir: Path, include: Iterable[str] = DEFAULT_INCLUDE,
                exclude: Iterable[str] = ()) -> list[tuple[Path, str]]:
    """Every input file as (absolute path, path relative to its SOURCE), sorted. A SOURCE that is a file is
    taken whatever its name; folders are walked (hidden entries and OUTDIR left out)."""
    outdir = outdir.resolve()
    found: dict[str, Path] = {}
    for source in sources:
        source = source.resolve()
        if source.is_dir():
            for dirpath, dirnames, filenames in os.walk(source):
                here = Path(dirpath)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and (here / d).resolve() != outdir)
                for name in filenames:
                    rel = (here / name).relative_to(source).as_posix()
                    if not name.startswith(".") and _selected(rel, include, exclude):
                        _add(found, rel, here / name)
        else:
            _add(found, source.name, source)  # a missing file is kept: its page fails with "no such file"
    return sorted(((path, rel) for rel, path in found.items()), key=lambda item: item[1])


def _add(found: dict[str, Path], rel: str, path: Path) -> None:
    if rel in found and found[rel] != path:
        raise BatchError(f"{found[rel]} and {path} would both be written as {rel} under OUTDIR; run them separately")
    found[rel] = path


def plan_units(inputs: list[tuple[Path, str]], settings: Settings, issue_per_folder: bool = False) -> list[Unit]:
    units = []
    by_folder: dict[str, list[tuple[Path, int]]] = {}
    for path, rel in inputs:
        try:
            total = page_count(path, settings.pdf_password)
            checksum = sha256_file(path)
        except (InputError, OSError):
            total, checksum = 1, ""  # unreadable: its one unit fails in the worker with load()'s message
        folder = rel.rsplit("/", 1)[0] if "/" in rel else "."
        issue = folder if issue_per_folder else (rel if total > 1 else None)
        by_folder.setdefault(folder, []).append((Path(rel), total))
        units += [Unit(str(path), index, total, rel, issue, checksum) for index in range(total)]
    for folder, files in by_folder.items():
        # scan.png and scan.pdf would share scan.txt; a 2-page scan.tif and scan-p0001.png share scan-p0001.txt
        clashes = output_collisions(files, settings.formats)
        if clashes:
            more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
            raise BatchError(f"same output name: {clashes[0]}{more}; rename one")
    return units


def output_paths(outdir: Path, row) -> list[Path]:
    return [outdir / out["path"] for out in json.loads(row["outputs"] or "[]")]


def select_work(manifest: Manifest, units: list[Unit], settings: Settings, outdir: Path,
                retry_failed: bool = False) -> tuple[list[Unit], int]:
    """Queue what needs doing and return it with the number of pages left as they are (unchanged).

    A page is redone when it is new, unfinished, its source or the settings changed, or its outputs are
    gone; a failed page only when it changed or with ``retry_failed``."""
    manifest.reset_interrupted()
    todo, unchanged = [], 0
    settings_hash = settings.hash
    for unit in units:
        row = manifest.row(unit.source, unit.page_index)
        same = row is not None and row["source_sha256"] == unit.source_sha256 and row["settings_hash"] == settings_hash
        if same and row["state"] in ("done", "skipped") and row["outputs"] != "[]" and all(
                p.exists() for p in output_paths(outdir, row)):
            if row["state"] == "skipped":  # selected again, and still current
                manifest.mark_done_again(unit.source, unit.page_index)
            unchanged += 1
        elif same and row["state"] == "failed" and not retry_failed:
            unchanged += 1
        else:
            manifest.upsert_pending(unit, settings_hash)
            todo.append(unit)
    # Pages the manifest knows whose file is gone (or now has fewer pages) are marked skipped; files that
    # exist but are simply not among this run's sources are left as they are.
    planned = {(u.source, u.page_index) for u in units}
    totals = {u.source: u.page_total for u in units}
    for row in manifest.pages():
        key = (row["source"], row["page_index"])
        if key in planned or row["state"] == "skipped":
            continue
        if not Path(row["source"]).exists() or (row["source"] in totals and row["page_index"] >= totals[row["source"]]):
            manifest.mark_skipped(*key, "source page no longer exists; outputs kept")
    return todo, unchanged


def remove_partial_outputs(outdir: Path) -> int:
    """Temp files of writes cut short by a kill (`digitize.paths.write_atomic`'s); a user's own ``.*.part``
    files are left alone."""
    return len(remove_our_partials(outdir))


# ------------------------------------------------------------------------------------------ one page


def one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def process_unit(unit: Unit, settings: Settings, outdir: str, threads: int | None) -> dict:
    """Digitize one page and write its outputs under OUTDIR, mirroring the source tree; runs in a worker.

    Returns a plain dict (it crosses process and machine boundaries): state, error, engine, version, timings,
    outputs with checksums. Bad input is a result, not an exception; only an engine that cannot load raises."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    result = {"state": "failed", "version": __version__, "worker": worker, "timings": {}, "outputs": []}
    engine = get_engine(settings.engine, threads)  # loaded once per process; not part of the page's time
    start = time.perf_counter()
    try:
        pages = load(unit.source, dpi=settings.dpi, password=settings.pdf_password, max_pixels=settings.max_pixels)
        # Pages are streamed: the ones before this unit's are loaded and dropped (one page in memory at a time).
        loaded = next(islice(pages, unit.page_index, None), None)
        if loaded is None:
            raise InputError(unit.source, f"page {unit.page_index + 1} does not exist (the file changed?)")
        loaded_at = time.perf_counter()
        page = process_page(loaded, unit.page_index + 1, engine)
        page.timings["load"] = loaded_at - start
        relpath = Path(unit.relpath)
        written = write_page_outputs(page, Path(outdir) / relpath.parent,
                                     output_stem(relpath, unit.page_index + 1, unit.page_total),
                                     list(settings.formats), settings.punctuation)
        page.timings["total"] = time.perf_counter() - start
        result.update(state="done", engine=page.engine, timings=page.timings, source_sha256=page.source.sha256,
                      outputs=[{"path": p.relative_to(outdir).as_posix(), "sha256": sha256_file(p)} for p in written])
    except InputError as exc:
        result["error"] = str(exc)
    except EngineError:
        raise
    except Exception as exc:  # a bug or a library failing on this page: the page fails, the batch goes on
        result["error"] = f"{unit.source}: {one_line(exc)}"
    result["timings"].setdefault("total", time.perf_counter() - start)
    return result


# ------------------------------------------------------------------------------------------ executors


class Executor(Protocol):
    """Where pages run. The batch loop asks for free slots, submits one unit per slot and polls results."""

    def free_slots(self) -> list[str]: ...  # names of workers ready for a page
    def submit(self, slot: str, unit: Unit) -> None: ...
    def poll(self, timeout: float) -> list[tuple[Unit, dict]]: ...  # finished pages, including failures
    def in_flight(self) -> list[Unit]: ...
    def close(self) -> None: ...  # stop at once; in-flight pages are abandoned


def _worker_main(conn, settings: Settings, outdir: str, threads: int) -> None:
    # Ctrl-C reaches the whole process group; the client decides what happens to in-flight pages.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        get_engine(settings.engine, threads)  # models load once, before the first page's clock starts
    except EngineError as exc:
        conn.send(("engine-error", str(exc)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            unit = conn.recv()
        except EOFError:  # the client is gone
            return
        if unit is None:
            return
        conn.send(("result", process_unit(unit, settings, outdir, threads)))


@dataclass
class _Worker:
    name: str
    process: multiprocessing.Process
    conn: object
    ready: bool = False
    unit: Unit | None = None
    started: float = 0.0


class LocalWorkers:
    """``workers`` processes on this machine, each with ``threads`` onnxruntime threads."""

    def __init__(self, workers: int, settings: Settings, outdir: Path, threads: int | None = None,
                 page_timeout: float | None = None):
        self.context = multiprocessing.get_context("spawn")  # no fork of a client holding SQLite and threads
        self.settings, self.outdir = settings, str(outdir)
        self.threads = threads or default_threads(workers)
        self.page_timeout = page_timeout
        self.workers = [self._start(f"w{i + 1}") for i in range(workers)]

    def _start(self, name: str) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child, self.settings, self.outdir, self.threads),
                                       name=f"digitize-batch-{name}", daemon=True)
        process.start()
        child.close()
        return _Worker(name, process, parent)

    def free_slots(self) -> list[str]:
        return [f"{w.name}:{w.process.pid}" for w in self.workers if w.ready and w.unit is None]

    def submit(self, slot: str, unit: Unit) -> None:
        worker = next(w for w in self.workers if f"{w.name}:{w.process.pid}" == slot)
        worker.unit, worker.started = unit, time.monotonic()
        worker.conn.send(unit)

    def in_flight(self) -> list[Unit]:
        return [w.unit for w in self.workers if w.unit is not None]

    def poll(self, timeout: float) -> list[tuple[Unit, dict]]:
        finished = []
        waitables = {w.conn: w for w in self.workers} | {w.process.sentinel: w for w in self.workers}
        for ready in wait(list(waitables), timeout):
            worker = waitables[ready]
            if ready is worker.conn and worker.conn.poll():
                try:
                    kind, payload = worker.conn.recv()
                except (EOFError, OSError):
                    continue  # it died mid-message: the sentinel reports it
                if kind == "engine-error":
                    raise EngineError(payload)
                if kind == "ready":
                    worker.ready = True
                elif kind == "result" and worker.unit is not None:
                    finished.append((worker.unit, payload))
                    worker.unit = None
        now = time.monotonic()
        for i, worker in enumerate(self.workers):
            if not worker.process.is_alive():
                worker.process.join()
                code = worker.process.exitcode
                if worker.unit is not None:
                    cause = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                    finished.append((worker.unit, failure_record(worker.unit, f"worker crashed ({cause})")))
                elif not worker.ready:
                    raise EngineError(f"worker {worker.name} exited while loading the models (exit code {code})")
                self.workers[i] = self._start(worker.name)
            elif worker.unit is not None and self.page_timeout and now - worker.started > self.page_timeout:
                worker.process.kill()  # a hung page cannot be interrupted any other way
                worker.process.join()
                finished.append((worker.unit, failure_record(worker.unit, f"timed out after {self.page_timeout:g} s")))
                self.workers[i] = self._start(worker.name)
        return finished

    def close(self) -> None:
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.kill()
        for worker in self.workers:
            worker.process.join()
            worker.conn.close()


def failure_record(unit: Unit, reason: str) -> dict:
    return {"state": "failed", "error": f"{unit.source}: {reason}", "version": __version__, "timings": {}, "outputs": []}


# ------------------------------------------------------------------------------------------ the loop


class Reporter(Protocol):
    def started(self, unit: Unit, slot: str) -> None: ...
    def finished(self, unit: Unit, result: dict) -> None: ...


class Interrupted(Exception):
    """Ctrl-C (or SIGTERM): the batch stopped and its in-flight pages went back to pending."""


class _StopSignals:
    """First Ctrl-C/SIGTERM asks for a clean stop; a second one exits at once (the next run resumes)."""

    def __init__(self, on_first):
        self.requested = False
        self.on_first = on_first

    def __enter__(self):
        self.previous = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        return self

    def _handle(self, signum, frame):
        if self.requested:
            os._exit(130)
        self.requested = True
        self.on_first()

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def run_units(manifest: Manifest, executor: Executor, todo: list[Unit], reporter: Reporter, run_id: int,
              on_stop_request=lambda: None) -> None:
    """Feed ``todo`` to the executor until all are finished; record every change in the manifest.

    Raises `Interrupted` after a clean stop, with in-flight pages put back to pending."""
    queue = deque(todo)
    with _StopSignals(on_stop_request) as stop:
        try:
            while queue or executor.in_flight():
                if stop.requested:
                    raise Interrupted()
                for slot in executor.free_slots():
                    if not queue:
                        break
                    unit = queue.popleft()
                    manifest.mark_running(unit, slot)
                    executor.submit(slot, unit)
                    reporter.started(unit, slot)
                for unit, result in executor.poll(0.5):
                    manifest.mark_finished(unit, result)
                    manifest.count_run(run_id, result["state"])
                    reporter.finished(unit, result)
        except BaseException:
            in_flight = executor.in_flight()
            executor.close()
            for unit in in_flight:
                manifest.mark_pending(unit)
            raise
    executor.close()


def settings_record(settings: Settings, **extra) -> dict:
    record = asdict(settings)
    record.pop("pdf_password")  # never stored
    return record | extra | {"version": __version__, "settings_hash": settings.hash}

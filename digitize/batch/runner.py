"""Running a batch: plan the work units from the sources and the manifest, hand them to workers, record results.

One work unit is one issue (`manifest.IssueUnit`): the pages of one input file, or with ``--issue-per-folder``
of one folder, as ``digitize run`` treats them. A worker processes an issue's pages in order through
`pipeline.process_issue` and then writes the issue outputs from the page models it holds. Workers are
processes that load the OCR models once and then take issues one at a time over a pipe; the client (this
process) is the only writer of the manifest, which records every page and every issue. An issue that hangs
its worker past ``page_timeout`` a page, or kills it, has its pages marked failed, the worker is replaced,
and the batch goes on. The same loop drives a Dask cluster (`digitize.batch.dask`): only the executor differs.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import json
import multiprocessing
import os
import signal
import socket
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol

from .. import __version__
from ..errors import InputError
from ..exit_codes import ExitCode
from ..export.files import OUTPUT_FORMATS, output_stem, write_issue_outputs, write_page_outputs
from ..export.issue_metadata import SIDECAR_NAMES, IssueMetadata, issue_metadata_from_file
from ..export.names import output_collisions
from ..io import DEFAULT_DPI, DEFAULT_MAX_PIXELS, page_count, sha256_file
from ..model import Page
from ..ocr.base import EngineError, default_threads
from ..paths import remove_our_partials
from ..pipeline import get_engine, process_issue
from ..quality import review_summary
from ..settings import Settings as PipelineSettings
from .manifest import IssueUnit, Manifest, Unit

DEFAULT_INCLUDE = ("*.png", "*.jpg", "*.jpeg", "*.tif", "*.tiff", "*.pdf")


@dataclass(frozen=True)
class Settings:
    engine: str = "ppocr"
    formats: tuple[str, ...] = ("txt", "alto")
    punctuation: str = "corpus"
    dpi: int = DEFAULT_DPI
    pdf_password: str | None = None
    max_pixels: int = DEFAULT_MAX_PIXELS
    alto_unit: str = "pixel"
    newsml_body: str = "nitf"
    issue_per_folder: bool = False
    pipeline: PipelineSettings = field(default_factory=PipelineSettings)  # every stage's thresholds
    mets_profile: str = "enmap"
    image_mode: str = "reference"  # --images: page images referenced in place, or copied/linked into the package
    issue_metadata: IssueMetadata | None = None  # --issue-metadata; an issue folder's issue.toml/json adds to it

    @property
    def hash(self) -> str:
        """What makes a finished page current: the settings that change its outputs (the pipeline's thresholds
        by their digest: changing one re-runs the pages), and our version."""
        key = {
            "engine": self.engine,
            "formats": sorted(self.formats),
            "punctuation": self.punctuation,
            "dpi": self.dpi,
            "pipeline": self.pipeline.digest(),
            "version": __version__,
        }
        # Newer settings enter only when not at their default, so pages of earlier batches stay current.
        for name, default in (
            ("alto_unit", "pixel"),
            ("newsml_body", "nitf"),
            ("issue_per_folder", False),
            ("mets_profile", "enmap"),
            ("image_mode", "reference"),
        ):
            if getattr(self, name) != default:
                key[name] = getattr(self, name)
        if self.issue_metadata is not None:
            key["issue_metadata"] = json.dumps(asdict(self.issue_metadata), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


class BatchError(Exception):
    """The batch cannot start (sources collide, OUTDIR is in use); the message is one line."""


class OutputStopped(Exception):
    """An output could not be written for a reason every next page would share (disk full, file-size limit,
    read-only file system): the batch stopped, the pages not written went back to pending. One line."""


# Write errors that are the disk's, not the page's: going on would only fail every next page the same way.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def disk_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_ERRNOS


# ------------------------------------------------------------------------------------------ planning


def _selected(relpath: str, include: Iterable[str], exclude: Iterable[str]) -> bool:
    # Globs match the path under SOURCE or the bare name, case-insensitively (scanners write .JPG and .jpg).
    rel, name = relpath.lower(), relpath.rsplit("/", 1)[-1].lower()

    def hit(globs: Iterable[str]) -> bool:
        return any(fnmatch.fnmatch(rel, g.lower()) or fnmatch.fnmatch(name, g.lower()) for g in globs)

    return hit(include) and not hit(exclude)


def find_inputs(
    sources: Iterable[Path],
    outdir: Path,
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = (),
    on_skip: Callable[[str], None] = lambda reason: None,
) -> list[tuple[Path, str]]:
    """Every input file as (absolute path, path relative to its SOURCE), sorted. A SOURCE that is a file is
    taken whatever its name; folders are walked (hidden entries and OUTDIR left out). Symbolic links to
    folders are followed (outputs mirror the link's name); a link back to a folder already walked (a loop, or
    a second way to one folder) and a broken link that no glob takes are not, and ``on_skip`` is told why."""
    outdir = outdir.resolve()
    found: dict[str, Path] = {}
    for source in sources:
        source = source.resolve()
        if source.is_dir():
            walked: dict[tuple[int, int], Path] = {}
            for dirpath, dirnames, filenames in os.walk(source, followlinks=True):
                here = Path(dirpath)
                info = os.stat(here)
                first = walked.setdefault((info.st_dev, info.st_ino), here)
                if first != here:
                    dirnames[:] = []
                    on_skip(f"{here}: skipped: a link to {first}, which is already walked")
                    continue
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and (here / d).resolve() != outdir)
                for name in filenames:
                    rel = (here / name).relative_to(source).as_posix()
                    if name.startswith("."):
                        continue
                    if _selected(rel, include, exclude):
                        _add(found, rel, here / name)
                    elif (here / name).is_symlink() and not (here / name).exists():
                        on_skip(f"{here / name}: skipped: a broken symbolic link")
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
    for files in by_folder.values():
        # scan.png and scan.pdf would share scan.txt; a 2-page scan.tif and scan-p0001.png share scan-p0001.txt
        clashes = output_collisions(files, settings.formats)
        if clashes:
            more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
            raise BatchError(f"same output name: {clashes[0]}{more}; rename one")
    return units


def group_issues(units: list[Unit], issue_per_folder: bool) -> list[IssueUnit]:
    """The work units: each file's pages, or each folder's (``issue``), in the planned order."""
    issues: dict[str, list[Unit]] = {}
    for unit in units:
        key = unit.issue if issue_per_folder else unit.relpath
        assert key is not None  # with issue_per_folder, plan_units gives every unit its folder as the issue
        issues.setdefault(key, []).append(unit)
    return [IssueUnit(name, tuple(pages)) for name, pages in issues.items()]


def output_paths(outdir: Path, row) -> list[Path]:
    return [outdir / out["path"] for out in json.loads(row["outputs"] or "[]")]


def _page_current(manifest: Manifest, unit: Unit, settings_hash: str, outdir: Path, retry_failed: bool) -> bool:
    """A page is redone when it is new, unfinished, its source or the settings changed, or its outputs are
    gone; a failed page only when it changed or with ``retry_failed``."""
    row = manifest.row(unit.source, unit.page_index)
    if row is None:  # a new page
        return False
    same = row["source_sha256"] == unit.source_sha256 and row["settings_hash"] == settings_hash
    if (
        same
        and row["state"] in ("done", "skipped")
        and row["outputs"] != "[]"
        and all(p.exists() for p in output_paths(outdir, row))
    ):
        if row["state"] == "skipped":  # selected again, and still current
            manifest.mark_done_again(unit.source, unit.page_index)
        return True
    return same and row["state"] == "failed" and not retry_failed


def _issue_current(manifest: Manifest, work: IssueUnit, settings_hash: str, outdir: Path) -> bool:
    """Issue outputs are current when written for these pages, with these settings, and still there."""
    row = manifest.issue_row(work.issue)
    return (
        row is not None
        and row["state"] == "done"
        and row["pages"] == work.key()
        and row["settings_hash"] == settings_hash
        and all(p.exists() for p in output_paths(outdir, row))
    )


def select_work(
    manifest: Manifest, units: list[Unit], settings: Settings, outdir: Path, retry_failed: bool = False
) -> tuple[list[IssueUnit], int]:
    """Queue what needs doing and return it with the number of pages left as they are (unchanged).

    An issue is redone, all its pages, when one of its pages needs redoing or its issue outputs are missing
    or stale: the issue outputs need the models of all its pages, and only processing gives them."""
    manifest.reset_interrupted()
    manifest.reset_interrupted_issues()
    todo, unchanged = [], 0
    settings_hash = settings.hash
    for work in group_issues(units, settings.issue_per_folder):
        current = [_page_current(manifest, unit, settings_hash, outdir, retry_failed) for unit in work.pages]
        if all(current) and _issue_current(manifest, work, settings_hash, outdir):
            unchanged += len(work.pages)
            continue
        for unit in work.pages:
            manifest.upsert_pending(unit, settings_hash)
        manifest.upsert_issue_pending(work, settings_hash)
        todo.append(work)
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


def issue_metadata_of(folder: Path, base: IssueMetadata | None) -> IssueMetadata | None:
    """The issue's metadata: ``base`` (--issue-metadata) with its folder's own issue.toml or issue.json over it.
    A sidecar that cannot be used fails the issue with its one-line reason."""
    for name in SIDECAR_NAMES:
        if (folder / name).is_file():
            return issue_metadata_from_file(folder / name, base)
    return base


def remove_partial_outputs(outdir: Path) -> int:
    """Temp files of writes cut short by a kill (`digitize.paths.write_atomic`'s); a user's own ``.*.part``
    files are left alone."""
    return len(remove_our_partials(outdir))


# ------------------------------------------------------------------------------------------ one page


def one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def process_unit(work: IssueUnit, settings: Settings, outdir: str, threads: int | None) -> dict:
    """Digitize one issue's pages in order and write their outputs under OUTDIR, mirroring the source tree, then
    the issue outputs (as `digitize run` does: the same `pipeline.process_issue` and writer); runs in a worker.

    Returns a plain dict (it crosses process and machine boundaries): ``pages``, one result per page (state,
    error, engine, version, timings, outputs with checksums), and the issue's state, error and outputs. Bad
    input is a result, not an exception; only an engine that cannot load raises."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    results: dict[tuple[str, int], dict[str, Any]] = {
        (u.source, u.page_index): {
            "state": "failed",
            "version": __version__,
            "worker": worker,
            "timings": {},
            "outputs": [],
        }
        for u in work.pages
    }
    units = {(u.source, u.page_index): u for u in work.pages}
    engine = get_engine(
        settings.engine, threads, settings.pipeline.ocr
    )  # loaded once per process; not part of the page's time
    formats = list(settings.formats)
    current: list[Unit] = []

    def record(paths: list[Path]) -> list[dict]:
        return [{"path": p.relative_to(outdir).as_posix(), "sha256": sha256_file(p)} for p in paths]

    def inputs():
        for unit in work.pages:
            current[:] = [unit]
            yield unit.source, [unit.page_index]

    def write_page(page: Page) -> str:
        unit = units[(page.source.path, page.source.index)]
        relpath = Path(unit.relpath)
        stem = output_stem(relpath, unit.page_index + 1, unit.page_total)
        written = write_page_outputs(
            page,
            Path(outdir) / relpath.parent,
            stem,
            [f for f in formats if f in OUTPUT_FORMATS],
            settings.punctuation,
            settings.alto_unit,
        )
        quality = page.quality
        results[(unit.source, unit.page_index)].update(
            state="done",
            engine=page.engine,
            timings=page.timings,
            source_sha256=page.source.sha256,
            outputs=record(written),
            review_state=quality.state if quality is not None else None,
            reasons=review_summary(quality) if quality is not None and quality.reasons else None,
            quality=asdict(quality) if quality is not None else None,
        )
        return stem

    def failed(path, exc: Exception) -> None:
        if isinstance(exc, EngineError) or disk_error(exc):
            raise exc
        unit = current[0]
        results[(unit.source, unit.page_index)]["error"] = (
            str(exc) if isinstance(exc, InputError) else f"{unit.source}: {one_line(exc)}"
        )

    start = time.perf_counter()
    issue: dict[str, Any] = {"state": "done", "error": None, "outputs": []}
    stop: str | None = None
    try:
        # A bug or a library failing on one page fails that page; the issue goes on.
        done = process_issue(
            work.pages[0].source,
            inputs(),
            engine,
            write_page,
            failed,
            catch=(Exception,),
            dpi=settings.dpi,
            password=settings.pdf_password,
            max_pixels=settings.max_pixels,
            settings=settings.pipeline,
        )
        if done.document.pages:
            folder = Path(outdir) / Path(work.pages[0].relpath).parent
            metadata = issue_metadata_of(Path(work.pages[0].source).parent, settings.issue_metadata)
            issue["outputs"] = record(
                write_issue_outputs(
                    done.document,
                    folder,
                    done.stem,
                    formats,
                    settings.punctuation,
                    settings.newsml_body,
                    done.alto_names,
                    metadata=metadata,
                    mets_profile=settings.mets_profile,
                    images=settings.image_mode,
                )
            )
    except EngineError:
        raise
    except Exception as exc:
        if isinstance(exc, OSError) and disk_error(exc):
            # The disk, not the page: the pages not written go back to pending and the batch stops.
            reason = exc.strerror or str(exc)
            for result in results.values():
                if result["state"] != "done":
                    result.update(state="pending", error=None)
            issue.update(state="pending", error=None)
            stop = f"cannot write output ({reason})"
        else:  # the issue outputs could not be written: the pages stand, the issue failed
            issue.update(state="failed", error=f"{work.issue}: {one_line(exc)}")
    for result in results.values():
        result["timings"].setdefault("total", time.perf_counter() - start)
    return {"pages": [results[(u.source, u.page_index)] for u in work.pages], "issue": issue, "stop": stop}


# ------------------------------------------------------------------------------------------ executors


class Executor(Protocol):
    """Where issues run. The batch loop asks for free slots, submits one issue per slot and polls results."""

    def free_slots(self) -> list[str]: ...  # names of workers ready for an issue
    def submit(self, slot: str, work: IssueUnit) -> None: ...
    def poll(self, timeout: float) -> list[tuple[IssueUnit, dict]]: ...  # finished issues, including failures
    def in_flight(self) -> list[IssueUnit]: ...
    def close(self) -> None: ...  # stop at once; in-flight pages are abandoned


def _worker_main(conn, settings: Settings, outdir: str, threads: int) -> None:
    # Ctrl-C reaches the whole process group; the client decides what happens to in-flight pages.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file-size limit fails the write (EFBIG), not the worker
    try:
        get_engine(
            settings.engine, threads, settings.pipeline.ocr
        )  # models load once, before the first page's clock starts
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
    process: BaseProcess
    conn: Connection
    ready: bool = False
    unit: IssueUnit | None = None
    started: float = 0.0


class LocalWorkers:
    """``workers`` processes on this machine, each with ``threads`` onnxruntime threads."""

    def __init__(
        self,
        workers: int,
        settings: Settings,
        outdir: Path,
        threads: int | None = None,
        page_timeout: float | None = None,
    ):
        self.context = multiprocessing.get_context("spawn")  # no fork of a client holding SQLite and threads
        self.settings, self.outdir = settings, str(outdir)
        self.threads = threads or default_threads(workers)
        self.page_timeout = page_timeout
        self.workers = [self._start(f"w{i + 1}") for i in range(workers)]

    def _start(self, name: str) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker_main,
            args=(child, self.settings, self.outdir, self.threads),
            name=f"digitize-batch-{name}",
            daemon=True,
        )
        process.start()
        child.close()
        return _Worker(name, process, parent)

    def free_slots(self) -> list[str]:
        return [f"{w.name}:{w.process.pid}" for w in self.workers if w.ready and w.unit is None]

    def submit(self, slot: str, unit: IssueUnit) -> None:
        worker = next(w for w in self.workers if f"{w.name}:{w.process.pid}" == slot)
        worker.unit, worker.started = unit, time.monotonic()
        worker.conn.send(unit)

    def in_flight(self) -> list[IssueUnit]:
        return [w.unit for w in self.workers if w.unit is not None]

    def poll(self, timeout: float) -> list[tuple[IssueUnit, dict]]:
        finished: list[tuple[IssueUnit, dict]] = []
        waitables: dict[Any, _Worker] = {w.conn: w for w in self.workers} | {
            w.process.sentinel: w for w in self.workers
        }
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
            elif (
                worker.unit is not None
                and self.page_timeout
                and now - worker.started > time_limit(worker.unit, self.page_timeout)
            ):
                worker.process.kill()  # a hung page cannot be interrupted any other way
                worker.process.join()
                finished.append(
                    (
                        worker.unit,
                        failure_record(
                            worker.unit, f"timed out after {time_limit(worker.unit, self.page_timeout):g} s"
                        ),
                    )
                )
                self.workers[i] = self._start(worker.name)
        return finished

    def close(self) -> None:
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.kill()
        for worker in self.workers:
            worker.process.join()
            worker.conn.close()


def time_limit(work: IssueUnit, page_timeout: float) -> float:
    """An issue may take ``page_timeout`` per page before it counts as hung."""
    return page_timeout * len(work.pages)


def failure_record(work: IssueUnit, reason: str) -> dict:
    """Every page of an issue whose worker crashed or hung fails with the reason (the next run may retry)."""
    return {
        "pages": [
            {
                "state": "failed",
                "error": f"{unit.source}: {reason}",
                "version": __version__,
                "timings": {},
                "outputs": [],
            }
            for unit in work.pages
        ],
        "issue": {"state": "failed", "error": f"{work.issue}: {reason}", "outputs": []},
    }


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
            os._exit(ExitCode.INTERRUPTED)
        self.requested = True
        self.on_first()

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def run_units(
    manifest: Manifest,
    executor: Executor,
    todo: list[IssueUnit],
    reporter: Reporter,
    run_id: int,
    on_stop_request=lambda: None,
) -> None:
    """Feed ``todo`` to the executor until all are finished; record every change in the manifest.

    Raises `Interrupted` after a clean stop, with in-flight issues (and their pages) put back to pending."""
    queue = deque(todo)
    with _StopSignals(on_stop_request) as stop:
        try:
            while queue or executor.in_flight():
                if stop.requested:
                    raise Interrupted()
                for slot in executor.free_slots():
                    if not queue:
                        break
                    work = queue.popleft()
                    manifest.mark_issue(work, "running")
                    for unit in work.pages:
                        manifest.mark_running(unit, slot)
                    executor.submit(slot, work)
                    for unit in work.pages:
                        reporter.started(unit, slot)
                for work, result in executor.poll(0.5):
                    for unit, page in zip(work.pages, result["pages"]):
                        if page["state"] == "pending":  # not written: the disk stopped it (result["stop"])
                            manifest.mark_pending(unit)
                            continue
                        manifest.mark_finished(unit, page)
                        manifest.count_run(run_id, page["state"])
                        reporter.finished(unit, page)
                    issue = result["issue"]
                    if issue["state"] == "pending":
                        manifest.mark_issue(work, "pending")
                    else:
                        manifest.mark_issue(work, issue["state"], issue["error"], issue["outputs"])
                    if result.get("stop"):
                        raise OutputStopped(result["stop"])
        except BaseException:
            in_flight = executor.in_flight()
            executor.close()
            try:
                for work in in_flight:
                    manifest.mark_issue(work, "pending")
                    for unit in work.pages:
                        manifest.mark_pending(unit)
            except sqlite3.Error:
                pass  # the manifest cannot be written either (a full disk): the next run resets 'running' pages
            raise
    executor.close()


def settings_record(settings: Settings, **extra) -> dict:
    record = asdict(settings)
    record.pop("pdf_password")  # never stored
    # The thresholds by digest and the values that differ from the defaults; Settings.to_dict() has the rest.
    record.pop("pipeline")
    record |= {
        "pipeline_settings_digest": settings.pipeline.digest(),
        "pipeline_settings_changed": settings.pipeline.changed(),
    }
    return record | extra | {"version": __version__, "settings_hash": settings.hash}

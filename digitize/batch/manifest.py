"""The batch manifest: one SQLite database (``OUTDIR/manifest.sqlite``, WAL mode) with a row per input page
and a row per issue (its pages in order, and the issue outputs written once they are all processed).

The batch client is its only writer, and every state change is its own committed transaction, so a batch
killed at any instant leaves a manifest that says exactly what is finished. A page is keyed by its source
path and 0-based page index; ``settings_hash`` and ``source_sha256`` decide whether a finished page is still
current when the batch is run again.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.sqlite"
STATES = ("pending", "running", "done", "failed", "skipped")

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    source TEXT NOT NULL,            -- absolute path of the input file
    page_index INTEGER NOT NULL,     -- 0-based page or frame in the file
    page_total INTEGER NOT NULL,     -- pages in the file (names outputs: stem-p0001 when > 1)
    relpath TEXT NOT NULL,           -- the file's path under its SOURCE argument; outputs mirror it
    issue TEXT,                      -- issue grouping (folder or multi-page file), NULL when none
    source_sha256 TEXT NOT NULL,
    settings_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,                      -- one line: why the page failed
    engine TEXT,                     -- engine and models that read the page
    version TEXT,                    -- digitize version
    worker TEXT,                     -- which worker ran the last attempt
    timings TEXT,                    -- JSON: seconds per stage
    outputs TEXT,                    -- JSON: [{"path": relative to OUTDIR, "sha256": ...}]
    started_at REAL,
    finished_at REAL,
    review_state TEXT,               -- a done page: 'done' or 'needs-review'; NULL when not assessed (failed, older run)
    reasons TEXT,                    -- why it needs review, with figures (quality.review_summary); NULL when done
    quality TEXT,                    -- JSON: the page's quality record (model.PageQuality)
    PRIMARY KEY (source, page_index)
);
CREATE INDEX IF NOT EXISTS pages_state ON pages (state);
CREATE TABLE IF NOT EXISTS issues (
    issue TEXT PRIMARY KEY,          -- the folder (--issue-per-folder) or the file, relative to its SOURCE
    pages TEXT NOT NULL,             -- JSON: [[source, page_index], ...] in issue order
    settings_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    error TEXT,                      -- one line: why the issue outputs could not be written
    outputs TEXT,                    -- JSON: the issue outputs (NewsML, METS, issue text), as pages.outputs
    finished_at REAL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at REAL NOT NULL,
    finished_at REAL,
    settings TEXT NOT NULL,          -- JSON of the settings that enter the hash, plus workers/scheduler
    pages_done INTEGER NOT NULL DEFAULT 0,
    pages_failed INTEGER NOT NULL DEFAULT 0,
    outcome TEXT                     -- completed, interrupted; NULL while running or after a kill
);
"""


@dataclass(frozen=True)
class Unit:
    """One work unit: one page of one input file."""

    source: str
    page_index: int
    page_total: int
    relpath: str
    issue: str | None
    source_sha256: str


@dataclass(frozen=True)
class IssueUnit:
    """One issue: its pages, in order, processed by one worker, which then writes the issue outputs from the
    page models it holds (the JSON output is not a full model, and rebuilding one would risk the bytes)."""

    issue: str
    pages: tuple[Unit, ...]

    def key(self) -> str:
        return json.dumps([[u.source, u.page_index] for u in self.pages], ensure_ascii=False)


# Columns added since the first manifests; a manifest opened for writing gets the ones it lacks (ALTER TABLE ADD
# COLUMN keeps every row; the new columns are NULL, i.e. "not assessed", for pages done before).
ADDED_COLUMNS = {"pages": (("review_state", "TEXT"), ("reasons", "TEXT"), ("quality", "TEXT"))}
REVIEW_STATES = ("done", "needs-review")


def _lenient_text(value: bytes) -> str:
    # A damaged manifest can hold text that is not UTF-8 (status fuzzing found it): read it, marked, not stop.
    return value.decode("utf-8", "replace")


class Manifest:
    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
        self.stale = False  # read as the file stands, without its -wal (see below)
        if readonly:
            # a URI, so the path is percent-encoded: "out%41" must not open outA, "#" or "?" cut the name
            uri = self.path.resolve().as_uri()
            self.db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30)
            self.db.text_factory = _lenient_text
            try:
                self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # Reading a WAL database needs its -shm file, which cannot be made on a read-only folder, a
                # full disk or under a file-size limit; the file alone can still be read. What a killed batch
                # left in the -wal file is then not seen (``stale``).
                self.db.close()
                self.db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=30)
                self.db.text_factory = _lenient_text
                wal = self.path.with_name(self.path.name + "-wal")
                self.stale = wal.exists() and wal.stat().st_size > 0
        else:
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable against a killed process (the WAL is in the OS's hands); only power loss
            # can drop the last commits, and those pages are then simply redone.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            self._migrate()
        self.db.row_factory = sqlite3.Row

    def _migrate(self) -> None:
        for table, columns in ADDED_COLUMNS.items():
            have = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns:
                if name not in have:
                    with self.db:
                        self.db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")

    def close(self) -> None:
        self.db.close()

    def _write(self, sql: str, args: tuple = ()) -> None:
        with self.db:  # one committed transaction per change
            self.db.execute(sql, args)

    # ---------------------------------------------------------------------------------- planning

    def reset_interrupted(self) -> int:
        """Pages left 'running' by a killed or interrupted batch go back to pending."""
        with self.db:
            return self.db.execute("UPDATE pages SET state='pending', worker=NULL WHERE state='running'").rowcount

    def row(self, source: str, page_index: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM pages WHERE source=? AND page_index=?", (source, page_index)).fetchone()

    def upsert_pending(self, unit: Unit, settings_hash: str) -> None:
        """(Re)queue a page: new, changed, or a failed one being retried. Attempts are kept."""
        self._write(
            """INSERT INTO pages (source, page_index, page_total, relpath, issue, source_sha256, settings_hash, state)
               VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
               ON CONFLICT (source, page_index) DO UPDATE SET page_total=excluded.page_total,
                 relpath=excluded.relpath, issue=excluded.issue, source_sha256=excluded.source_sha256,
                 settings_hash=excluded.settings_hash, state='pending', error=NULL""",
            (
                unit.source,
                unit.page_index,
                unit.page_total,
                unit.relpath,
                unit.issue,
                unit.source_sha256,
                settings_hash,
            ),
        )

    def mark_skipped(self, source: str, page_index: int, reason: str) -> None:
        """A page whose source is gone: its outputs are kept, it is no longer part of the batch."""
        self._write(
            "UPDATE pages SET state='skipped', error=? WHERE source=? AND page_index=?", (reason, source, page_index)
        )

    def mark_done_again(self, source: str, page_index: int) -> None:
        """A skipped page whose source is back unchanged, with its outputs still there."""
        self._write("UPDATE pages SET state='done', error=NULL WHERE source=? AND page_index=?", (source, page_index))

    # ---------------------------------------------------------------------------------- progress

    def mark_running(self, unit: Unit, worker: str) -> None:
        self._write(
            "UPDATE pages SET state='running', attempts=attempts+1, worker=?, started_at=?, finished_at=NULL "
            "WHERE source=? AND page_index=?",
            (worker, time.time(), unit.source, unit.page_index),
        )

    def mark_pending(self, unit: Unit) -> None:
        self._write(
            "UPDATE pages SET state='pending', worker=NULL WHERE source=? AND page_index=?",
            (unit.source, unit.page_index),
        )

    def mark_finished(self, unit: Unit, result: dict) -> None:
        """Record a worker's result: state done or failed, with error, engine, timings and outputs, and for a
        done page its review state, reasons and quality record."""
        quality = result.get("quality")
        self._write(
            """UPDATE pages SET state=?, error=?, engine=?, version=?, timings=?, outputs=?, finished_at=?,
                 worker=COALESCE(?, worker), source_sha256=COALESCE(?, source_sha256),
                 review_state=?, reasons=?, quality=?
               WHERE source=? AND page_index=?""",
            (
                result["state"],
                result.get("error"),
                result.get("engine"),
                result.get("version"),
                json.dumps(result.get("timings") or {}),
                json.dumps(result.get("outputs") or []),
                time.time(),
                result.get("worker"),
                result.get("source_sha256"),
                result.get("review_state") if result["state"] == "done" else None,
                result.get("reasons") if result["state"] == "done" else None,
                None if quality is None else json.dumps(quality),
                unit.source,
                unit.page_index,
            ),
        )

    # ---------------------------------------------------------------------------------- issues

    def issue_row(self, issue: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM issues WHERE issue=?", (issue,)).fetchone()

    def upsert_issue_pending(self, work: IssueUnit, settings_hash: str) -> None:
        self._write(
            """INSERT INTO issues (issue, pages, settings_hash, state) VALUES (?, ?, ?, 'pending')
               ON CONFLICT (issue) DO UPDATE SET pages=excluded.pages, settings_hash=excluded.settings_hash,
                 state='pending', error=NULL""",
            (work.issue, work.key(), settings_hash),
        )

    def mark_issue(self, work: IssueUnit, state: str, error: str | None = None, outputs: list | None = None) -> None:
        self._write(
            "UPDATE issues SET state=?, error=?, outputs=COALESCE(?, outputs), finished_at=? WHERE issue=?",
            (state, error, None if outputs is None else json.dumps(outputs), time.time(), work.issue),
        )

    def reset_interrupted_issues(self) -> int:
        with self.db:
            return self.db.execute("UPDATE issues SET state='pending' WHERE state='running'").rowcount

    def issues(self, state: str | None = None) -> list[sqlite3.Row]:
        if state:
            return self.db.execute("SELECT * FROM issues WHERE state=? ORDER BY issue", (state,)).fetchall()
        return self.db.execute("SELECT * FROM issues ORDER BY issue").fetchall()

    # ---------------------------------------------------------------------------------- runs

    def start_run(self, settings: dict) -> int:
        with self.db:
            cursor = self.db.execute(
                "INSERT INTO runs (started_at, settings) VALUES (?, ?)",
                (time.time(), json.dumps(settings, sort_keys=True)),
            )
        assert cursor.lastrowid is not None  # set by every INSERT
        return cursor.lastrowid

    def count_run(self, run_id: int, state: str) -> None:
        column = {"done": "pages_done", "failed": "pages_failed"}[state]
        self._write(f"UPDATE runs SET {column}={column}+1 WHERE id=?", (run_id,))

    def finish_run(self, run_id: int, outcome: str) -> None:
        self._write("UPDATE runs SET finished_at=?, outcome=? WHERE id=?", (time.time(), outcome, run_id))

    # ---------------------------------------------------------------------------------- reading

    def counts(self) -> dict[str, int]:
        found = dict(self.db.execute("SELECT state, COUNT(*) FROM pages GROUP BY state").fetchall())
        return {state: found.get(state, 0) for state in STATES}

    def pages(self, state: str | None = None) -> list[sqlite3.Row]:
        if state:
            return self.db.execute("SELECT * FROM pages WHERE state=? ORDER BY source, page_index", (state,)).fetchall()
        return self.db.execute("SELECT * FROM pages ORDER BY source, page_index").fetchall()

    def review_counts(self) -> dict[str, int]:
        """Pages by what a person should do: done, needs review, failed (pending, running, skipped apart)."""
        counts = self.counts()
        review = 0
        if self.has_column("pages", "review_state"):
            review = self.db.execute(
                "SELECT COUNT(*) FROM pages WHERE state='done' AND review_state='needs-review'"
            ).fetchone()[0]
        return {"done": counts["done"] - review, "needs review": review, "failed": counts["failed"]}

    def needs_review(self) -> list[sqlite3.Row]:
        if not self.has_column("pages", "review_state"):
            return []  # a manifest from before the quality record, opened read-only: nothing assessed
        return self.db.execute(
            "SELECT * FROM pages WHERE state='done' AND review_state='needs-review' ORDER BY source, page_index"
        ).fetchall()

    def has_column(self, table: str, column: str) -> bool:
        return any(row[1] == column for row in self.db.execute(f"PRAGMA table_info({table})"))

    def runs(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM runs ORDER BY id").fetchall()

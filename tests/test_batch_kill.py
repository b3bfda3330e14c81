"""A real batch of 40 small pages, SIGKILLed (the whole process group) three times at seeded random points while
pages are in flight, then run to the end: every page done exactly once, every output complete and valid, and
the manifest agreeing with the files on disk."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
from lxml import etree
from test_batch import ROOT, manifest_rows, render_small_pages, run_batch

pytestmark = pytest.mark.slow  # forty pages through the real engine, three times interrupted


def start_and_kill(source, outdir, pages_first: int, delay: float) -> bool:
    """Start the batch in its own process group; once ``pages_first`` pages have finished and another has
    started, wait ``delay`` s and SIGKILL the group, so the kill lands mid-page whatever the engine's speed.
    Returns whether the kill hit a running batch (rather than one that had already finished)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "digitize.batch",
            "batch",
            str(source),
            "-o",
            str(outdir),
            "--workers",
            "2",
            "--log-json",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    in_flight = threading.Event()

    def read_events():
        finished = 0
        for line in proc.stderr:
            if '"event": "page"' in line:
                finished += 1
            elif '"event": "start"' in line and finished >= pages_first:
                in_flight.set()

    reader = threading.Thread(target=read_events, daemon=True)
    reader.start()
    assert in_flight.wait(timeout=120), "the batch never reached the kill point"
    time.sleep(delay)
    alive = proc.poll() is None
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    reader.join(timeout=10)
    return alive


def test_sigkill_three_times_then_finish(tmp_path):
    source = tmp_path / "src"
    pages = render_small_pages(source, 40, subfolders=4)
    outdir = tmp_path / "out"
    rng = random.Random(20240607)
    for _ in range(3):
        assert start_and_kill(source, outdir, rng.randint(1, 6), rng.uniform(0.0, 0.3))
    killed_rows = manifest_rows(outdir)
    assert sum(r["state"] == "running" for r in killed_rows) > 0  # the last kill left pages in flight

    final = run_batch(source, "-o", outdir, "--workers", "2", timeout=200)
    assert final.returncode == 0, final.stderr

    rows = manifest_rows(outdir)
    assert len(rows) == len(pages) and {r["source"] for r in rows} == {str(p) for p in pages}
    assert all(r["state"] == "done" and r["error"] is None for r in rows)
    assert sum(r["attempts"] for r in rows) > len(pages)  # some pages really were cut short and redone
    # Exactly once: the files on disk are exactly the manifest's outputs, no leftovers of cut writes.
    recorded = {out["path"]: out["sha256"] for r in rows for out in json.loads(r["outputs"])}
    on_disk = {p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file()}
    assert on_disk - {"manifest.sqlite", "manifest.sqlite-wal", "manifest.sqlite-shm", ".batch.lock"} == set(recorded)
    assert len(recorded) == 2 * len(pages)
    for path, checksum in recorded.items():
        data = (outdir / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == checksum, path
        if path.endswith(".txt"):
            assert data.decode("utf-8").startswith("## "), path
        else:
            assert etree.fromstring(data).find("{*}Layout") is not None, path
    # Every page's outputs sit where its source sits in the tree.
    for row in rows:
        stem = os.path.splitext(row["relpath"])[0]
        assert {out["path"] for out in json.loads(row["outputs"])} == {f"{stem}.txt", f"{stem}.alto.xml"}

"""`digitize batch` / `digitize status` on small rendered pages, as real subprocesses with the real engine.

Bad pages end failed with their reason while the rest is done; the same batch gives byte-identical text
with 1 worker, 2 workers and a Dask LocalCluster; re-running resumes. (The SIGKILL test: test_batch_kill.py.)
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import render_page

ROOT = Path(__file__).resolve().parents[1]
BIG_PAGE = ROOT / "samples" / "jinzhong-front-clean.png"  # 4100×5800: 20–40 s of OCR, a "hung" page at 10 s
BIG_SCAN = ROOT / "samples" / "jinzhong-front-scan.jpg"
HEADLINES = ("扎实推进共同富裕", "加大保障和改善民生力度", "推动高质量发展", "建设美丽中国")


def render_small_pages(folder: Path, count: int, subfolders: int = 2) -> list[Path]:
    """``count`` small pages (1000×340, a headline and two body lines), spread over subfolders."""
    paths = []
    for i in range(count):
        path = folder / f"issue{i % subfolders + 1}" / f"page{i:02d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        render_page(path, headline=HEADLINES[i % len(HEADLINES)], n_lines=2, offset=(i * 23) % 120, size=(1000, 340))
        paths.append(path)
    return paths


def run_batch(*args, timeout: float = 150, **popen) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "digitize.batch", "batch", *map(str, args), "--log-json"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        **popen,
    )


def events(stderr: str, kind: str) -> list[dict]:
    found = []
    for line in stderr.splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            if event["event"] == kind:
                found.append(event)
    return found


def manifest_rows(outdir: Path) -> list[sqlite3.Row]:
    db = sqlite3.connect(outdir / "manifest.sqlite")
    db.row_factory = sqlite3.Row
    try:
        return db.execute("SELECT * FROM pages ORDER BY source, page_index").fetchall()
    finally:
        db.close()


def issue_rows(outdir: Path) -> list[sqlite3.Row]:
    db = sqlite3.connect(outdir / "manifest.sqlite")
    db.row_factory = sqlite3.Row
    try:
        return db.execute("SELECT * FROM issues ORDER BY issue").fetchall()
    finally:
        db.close()


def text_outputs(outdir: Path) -> dict[str, bytes]:
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in sorted(outdir.rglob("*.txt"))}


def status_json(outdir: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "digitize.batch", "status", str(outdir), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def write_bad_pages(folder: Path, good_png: Path) -> dict[str, str]:
    """The bad pages of a batch and the reason each must fail with."""
    folder.mkdir(parents=True, exist_ok=True)
    data = good_png.read_bytes()
    (folder / "truncated.png").write_bytes(data[: len(data) // 3])
    (folder / "garbage.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(3000))
    (folder / "notes.png").write_text("this is a text file, not a scan\n" * 20)
    (folder / "html.tif").write_text("<!DOCTYPE html><html><body>404</body></html>")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF")
    (folder / "empty.png").write_bytes(b"")
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=400, height=300)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    (folder / "locked.pdf").write_bytes(buffer.getvalue())
    shutil.copy(BIG_PAGE, folder / "hangs.png")
    return {
        "truncated.png": "corrupt or truncated",
        "garbage.jpg": "",  # any reason, as long as it names the file
        "notes.png": "text file, not an image or PDF",
        "html.tif": "HTML/XML text",
        "broken.pdf": "corrupt PDF",
        "empty.png": "empty file (0 bytes)",
        "locked.pdf": "PDF is encrypted (give --pdf-password)",
        "hangs.png": "timed out after 10 s",
    }


# ------------------------------------------------------------------------------------------ bad pages


@pytest.mark.slow
def test_bad_pages_fail_with_reasons_and_the_rest_is_done(tmp_path):
    source = tmp_path / "src"
    good = render_small_pages(source, 4)
    expected = write_bad_pages(source / "bad", good[0])
    shutil.copy(BIG_SCAN, source / "bad" / "crashes.jpg")
    outdir = tmp_path / "out"
    # Kill the worker that takes crashes.jpg as soon as it starts: a real crash in the middle of a page.
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
            "--page-timeout",
            "10",
            "--log-json",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    lines = []

    def read_events():
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("{"):
                event = json.loads(line)
                if event["event"] == "start" and event["source"].endswith("crashes.jpg"):
                    os.kill(int(event["worker"].rsplit(":", 1)[1]), signal.SIGKILL)

    reader = threading.Thread(target=read_events)
    reader.start()
    code = proc.wait(timeout=150)
    reader.join()
    stderr = "".join(lines)
    assert code == 1, stderr
    rows = {Path(r["source"]).name: r for r in manifest_rows(outdir)}
    assert len(rows) == 4 + len(expected) + 1
    for name, reason in expected.items():
        row = rows[name]
        assert row["state"] == "failed", (name, row["error"])
        assert row["error"].startswith(str(source / "bad" / name) + ": "), row["error"]
        assert reason in row["error"], (name, row["error"])
        assert "\n" not in row["error"]
    assert rows["crashes.jpg"]["state"] == "failed"
    assert rows["crashes.jpg"]["error"].endswith("worker crashed (signal 9)")
    for path in good:
        row = rows[path.name]
        assert row["state"] == "done" and row["attempts"] == 1, row["error"]
        assert set(json.loads(row["timings"])) >= {"load", "preprocess", "layout", "ocr", "order", "repair", "total"}
        assert "PP-OCR" in row["engine"] or "rapidocr" in row["engine"].lower()
    # Outputs mirror the source tree; failed pages write nothing.
    assert sorted(text_outputs(outdir)) == [
        "issue1/page00.txt",
        "issue1/page02.txt",
        "issue2/page01.txt",
        "issue2/page03.txt",
    ]
    assert not list(outdir.rglob("bad/*"))

    report = status_json(outdir)
    assert report["counts"]["done"] == 4 and report["counts"]["failed"] == len(expected) + 1
    reasons = {f["reason"] for f in report["failures"]}
    assert "timed out after 10 s" in reasons and "worker crashed (signal 9)" in reasons
    assert "PDF is encrypted (give --pdf-password)" in reasons
    assert next(s["source"] for s in report["slowest"]).endswith(".png")

    # Re-running the same command redoes nothing (failed pages wait for --retry-failed) and still says exit 1.
    again = run_batch(
        source,
        "-o",
        outdir,
        "--workers",
        "2",
        "--page-timeout",
        "10",
        "--exclude",
        "hangs.png",
        "--exclude",
        "crashes.jpg",
    )
    assert again.returncode == 1, again.stderr
    assert events(again.stderr, "plan")[0]["todo"] == 0


# ------------------------------------------------------------------------------------------ same outputs


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.mark.slow
def test_workers_and_dask_give_identical_text_and_rerun_resumes(tmp_path, dask_cluster):
    source = tmp_path / "src"
    pages = render_small_pages(source, 6, subfolders=3)
    (source / "issue1" / "broken.png").write_bytes(pages[0].read_bytes()[:500])
    results = {}
    for label, options in (
        ("w1", ["--workers", "1"]),
        ("w2", ["--workers", "2"]),
        ("dask", ["--scheduler", dask_cluster]),
    ):
        outdir = tmp_path / label
        proc = run_batch(source, "-o", outdir, "--issue-per-folder", *options)
        assert proc.returncode == 1, proc.stderr  # the broken page
        rows = manifest_rows(outdir)
        assert [r["state"] for r in rows].count("done") == 6
        assert {r["issue"] for r in rows} == {"issue1", "issue2", "issue3"}
        for row in rows:
            for out in json.loads(row["outputs"]):
                assert (outdir / out["path"]).is_file()
        results[label] = text_outputs(outdir)
        # 6 pages, and each folder's issue text, named after its first page (as run --issue names it)
        assert sorted(results[label]) == sorted(
            [f"issue{i % 3 + 1}/page{i:02d}.txt" for i in range(6)]
            + ["issue1/broken.issue.txt", "issue2/page01.issue.txt", "issue3/page02.issue.txt"]
        )
        assert all(results[label].values())
        issues = issue_rows(outdir)
        assert [(r["issue"], r["state"]) for r in issues] == [
            ("issue1", "done"),
            ("issue2", "done"),
            ("issue3", "done"),
        ]
        assert [o["path"] for o in json.loads(issues[1]["outputs"])] == [
            "issue2/page01.mets.xml",
            "issue2/page01.issue.txt",
        ]
    assert results["w1"] == results["w2"] == results["dask"]

    # Resume: nothing changed → nothing to do; one page changed → its issue is redone (the issue outputs need
    # every page's model); --retry-failed → the broken page's issue; a deleted issue output → its issue.
    outdir = tmp_path / "w1"
    assert events(run_batch(source, "-o", outdir, "--issue-per-folder").stderr, "plan")[0]["todo"] == 0
    render_page(pages[1], headline="建设美丽中国", n_lines=2, offset=5, size=(1000, 340))
    proc = run_batch(source, "-o", outdir, "--issue-per-folder", "--retry-failed")
    assert events(proc.stderr, "plan")[0]["todo"] == 5
    assert sorted(Path(e["source"]).name for e in events(proc.stderr, "page")) == sorted(
        ["broken.png", pages[0].name, pages[3].name, pages[1].name, pages[4].name]
    )
    assert "建设美丽中国" in (outdir / "issue2" / "page01.txt").read_text(encoding="utf-8")
    assert "建设美丽中国" in (outdir / "issue2" / "page01.issue.txt").read_text(encoding="utf-8")
    (outdir / "issue3" / "page02.issue.txt").unlink()
    proc = run_batch(source, "-o", outdir, "--issue-per-folder")
    assert events(proc.stderr, "plan")[0]["todo"] == 2
    assert (outdir / "issue3" / "page02.issue.txt").is_file()
    # Other settings (another punctuation profile) make every page current no more.
    proc = run_batch(source, "-o", outdir, "--issue-per-folder", "--punctuation", "original", "--exclude", "broken.png")
    assert proc.returncode == 0, proc.stderr
    assert events(proc.stderr, "plan")[0]["todo"] == 6


def test_usage_errors(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "scan.png").write_bytes(b"x")
    (source / "scan.pdf").write_bytes(b"x")
    proc = run_batch(source, "-o", tmp_path / "out")
    assert proc.returncode == 2 and "same output name" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "digitize.batch", "status", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 2 and "no manifest.sqlite" in proc.stderr

"""One issue route: `digitize batch --issue-per-folder` and `digitize run --issue` give the same issue outputs
(issue text, METS, NewsML) and page outputs (ALTO, text, JSON) byte for byte, for the same two sample pages,
because both go through `pipeline.process_issue` and `export.files.write_issue_outputs`.

The only run-specific values in any output are the per-stage seconds in the JSON (``page.timings``): they are
masked. NewsML GUIDs are uuid5 of the page image's SHA-256 and versionCreated is the issue date or a fixed
value; METS IDs and checksums come from the inputs: none of them depends on the run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ISSUE = ROOT / "samples" / "issue"


def _without_timings(data: bytes) -> dict:
    page = json.loads(data)
    assert page["page"].pop("timings")["total"] > 0
    return page


@pytest.mark.slow
def test_batch_issue_per_folder_writes_what_run_issue_writes(tmp_path):
    folder = tmp_path / "src" / "issue"
    folder.mkdir(parents=True)
    pages = [Path(shutil.copy(ISSUE / name, folder / name)) for name in ("p1.png", "p4.png")]
    formats = "txt,alto,json,newsml"
    # The same absolute input paths on both sides, and output folders at the same depth: the JSON records where
    # a page came from, METS and NewsML link the images relative to the output folder.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "digitize.cli",
            "run",
            *map(str, pages),
            "--issue",
            "-o",
            str(tmp_path / "run" / "issue"),
            "--format",
            formats,
            "--threads",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    batch = subprocess.run(
        [
            sys.executable,
            "-m",
            "digitize.batch",
            "batch",
            str(tmp_path / "src"),
            "-o",
            str(tmp_path / "batch"),
            "--issue-per-folder",
            "--format",
            formats,
            "--threads",
            "1",
            "--log-json",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert batch.returncode == 0, batch.stderr

    ran = {p.name: p.read_bytes() for p in (tmp_path / "run" / "issue").iterdir()}
    batched = {p.name: p.read_bytes() for p in (tmp_path / "batch" / "issue").iterdir()}
    expected = {f"{stem}{suffix}" for stem in ("p1", "p4") for suffix in (".txt", ".alto.xml", ".json")}
    expected |= {"p1.issue.txt", "p1.mets.xml", "p1.newsml.xml"}
    assert set(ran) == set(batched) == expected
    for name in sorted(expected):
        if name.endswith(".json"):
            assert _without_timings(batched[name]) == _without_timings(ran[name]), name
        else:
            assert batched[name] == ran[name], name
    # The issue is linked: the story continued from page 1 on page 4 is written once, whole.
    story = (ISSUE / "issue.gt.txt").read_text(encoding="utf-8").strip().splitlines()[0]
    assert ran["p1.issue.txt"].decode("utf-8").count(story) == 1

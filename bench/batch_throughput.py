"""Pages per hour of `digitize batch` with 1 and 2 local workers on the committed sample pages (a benchmark,
not a test). Each run is a fresh OUTDIR, timed from the client's first page start to its last page finished
(so worker start-up and model loading are left out, as they are in an overnight batch).

    .venv/bin/python bench/batch_throughput.py [--pages 4] [--workers 1,2]

Prints one JSON line per run and the 2-worker/1-worker ratio. The sample pages are 4100×5800 broadsheets.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(ROOT.glob("samples/jinzhong-front-*.png")) + sorted(ROOT.glob("samples/jinzhong-front-*.jpg"))


def measure(pages: int, workers: int, scratch: Path) -> dict:
    source = scratch / f"src-{workers}"
    source.mkdir()
    for i in range(pages):  # copies under distinct names: each is a page of its own to the batch
        sample = SAMPLES[i % len(SAMPLES)]
        shutil.copy(sample, source / f"page{i:02d}{sample.suffix}")
    outdir = scratch / f"out-{workers}"
    began = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "digitize.batch",
            "batch",
            str(source),
            "-o",
            str(outdir),
            "--workers",
            str(workers),
            "--log-json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = time.monotonic() - began
    stamps = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    first = min(e["time"] for e in stamps if e["event"] == "start")
    last = max(e["time"] for e in stamps if e["event"] == "page")
    done = sum(e["event"] == "page" and e["state"] == "done" for e in stamps)
    return {
        "workers": workers,
        "pages": pages,
        "done": done,
        "exit": proc.returncode,
        "seconds": round(last - first, 1),
        "wall_seconds_with_startup": round(wall, 1),
        "pages_per_hour": round(3600 * done / (last - first), 1),
        "cores": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="digitize-bench-") as scratch:
        for workers in (int(w) for w in args.workers.split(",")):
            results[workers] = measure(args.pages, workers, Path(scratch))
            print(json.dumps(results[workers]), flush=True)
    if 1 in results and 2 in results:
        print(f"2 workers / 1 worker: {results[2]['pages_per_hour'] / results[1]['pages_per_hour']:.2f}×")


if __name__ == "__main__":
    main()

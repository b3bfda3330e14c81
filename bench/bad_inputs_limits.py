"""Resource limits on hostile inputs: ``digitize run`` on each file of the bad-input corpus (tests/bad_inputs.py),
one subprocess per file under an address-space limit and a timeout, reporting peak RSS, wall time, exit code
and the error line. No input may take more than 2 GB RSS or 60 s a page (issue 9); a multi-page file is
given 60 s for each of its pages, and its peak RSS shows whether pages are streamed.

    python bench/bad_inputs_limits.py [--out DIR] [--timeout 60] [--max-rss-mb 2048] [--json FILE]

Exit status 1 when any input breaks a limit or ends in a traceback or a signal instead of an error line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bad_inputs import build_corpus  # noqa: E402

# The hard stop on address space: well above the 2 GB RSS budget, since onnxruntime and pdfium reserve far
# more virtual memory than they touch; the measured peak RSS is what is judged.
ADDRESS_SPACE_LIMIT = 8 << 30


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))


def run_one(path: Path, outdir: Path, timeout: float, options: dict, pages: int = 1) -> dict:
    """One ``digitize run`` in its own process: its exit code, wall time and peak RSS (from wait4)."""
    exe = ROOT / ".venv" / "bin" / "digitize"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "digitize.cli"]
    command += ["run", str(path), "-o", str(outdir), "--format", "txt,alto,json", "--threads", "1"]
    if options.get("password"):
        command += ["--pdf-password", options["password"]]
    if options.get("max_pixels"):
        command += ["--max-pixels", str(options["max_pixels"])]
    start = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=_limit_child)
        deadline = start + timeout
        status = rusage = None
        while time.monotonic() < deadline:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, rusage = code, usage
                break
            time.sleep(0.05)
        timed_out = status is None
        if timed_out:
            proc.kill()
            _, status, rusage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    return {
        "file": path.name,
        "exit": proc.returncode,
        "pages": pages,
        "seconds": round(time.monotonic() - start, 2),
        "peak_rss_mb": round(rusage.ru_maxrss / 1024, 1),  # kilobytes on Linux
        "timed_out": timed_out,
        "traceback": "Traceback" in stderr,
        "error": errors[0].split(": ", 2)[-1] if errors else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out", type=Path, default=None, help="Where to build the corpus and outputs (default: a temp dir)."
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="Seconds per page (a 2,000-page PDF gets 2,000 times it)."
    )
    parser.add_argument("--only", nargs="*", default=None, help="Run only these corpus files (names).")
    parser.add_argument("--max-rss-mb", type=float, default=2048.0)
    parser.add_argument("--json", type=Path, default=None, help="Also write the results as JSON.")
    args = parser.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="bad-inputs-"))
    results, broken = [], 0
    print(f"{'file':32} {'exit':>4} {'s':>7} {'s/page':>7} {'RSS MB':>8}  error")
    for case, path in build_corpus(work / "corpus"):
        if args.only and case.name not in args.only:
            continue
        row = run_one(path, work / "out" / case.name, args.timeout * case.pages, case.options, case.pages)
        over = row["timed_out"] or row["peak_rss_mb"] > args.max_rss_mb or row["traceback"] or row["exit"] < 0
        broken += over
        results.append(row | {"over_limit": over})
        print(
            f"{row['file']:32} {row['exit']:>4} {row['seconds']:>7.2f} {row['seconds'] / case.pages:>7.3f} {row['peak_rss_mb']:>8.1f}  "
            f"{'LIMIT ' if over else ''}{row['error'][:70]}",
            flush=True,
        )
    worst_rss = max(r["peak_rss_mb"] for r in results)
    worst_time = max(r["seconds"] for r in results)
    print(f"{len(results)} inputs; max RSS {worst_rss:.0f} MB, max time {worst_time:.1f} s; {broken} over a limit")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())

"""What ``digitize status`` reports about a batch: counts by state, pages done / needing review / failed and the
list of those needing review (worst first), throughput, failures by reason, slowest pages."""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from pathlib import Path

from ..quality import REASONS
from .manifest import MANIFEST_NAME, Manifest


def _reason(row) -> str:
    """The error without its path: pages that failed for the same reason group together."""
    error = row["error"] or ""
    prefix = row["source"] + ": "
    return error[len(prefix) :] if error.startswith(prefix) else error


def json_object(text) -> dict:
    """A JSON object column (timings, quality) as a dict; a damaged value (a manifest edited by hand, or a disk
    fault) counts as empty rather than stopping the report."""
    try:
        value = json.loads(text) if isinstance(text, str | bytes) else None
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _number(value, default: float = 0.0) -> float:
    """A finite number from a column or a JSON field, else ``default``."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number if math.isfinite(number) else default


def _text(value) -> str:
    """A text column as text, whatever a damaged manifest holds there (NULL, a number, bytes)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def clean_page_row(row) -> dict:
    """A pages row with the types the report relies on (a damaged value cannot stop `status`)."""
    clean = dict(row)  # sqlite3.Row: dict() reads its keys()
    for key in ("source", "state", "error", "reasons", "review_state"):
        clean[key] = _text(clean.get(key))
    page_index = clean.get("page_index")
    clean["page_index"] = page_index if isinstance(page_index, int) and 0 <= page_index < 2**31 else 0
    return clean


def _counts(counts: dict) -> dict[str, int]:
    return {_text(state): int(_number(n)) for state, n in counts.items()}


def status_report(outdir: Path, slowest: int = 10) -> dict:
    manifest = Manifest(outdir / MANIFEST_NAME, readonly=True)
    try:
        rows = [clean_page_row(row) for row in manifest.pages()]
        runs = manifest.runs()
        counts = _counts(manifest.counts())
        stale = manifest.stale
        review_counts = _counts(manifest.review_counts())
        review = [clean_page_row(row) for row in manifest.needs_review()]
    finally:
        manifest.close()
    totals = [(_number(json_object(r.get("timings")).get("total")), r) for r in rows if r["state"] == "done"]
    last = dict(runs[-1]) if runs else None
    throughput = None
    if last and last.get("pages_done"):
        finished = _number(last.get("finished_at")) or max((_number(r.get("finished_at")) for r in rows), default=0.0)
        elapsed = finished - _number(last.get("started_at"))
        throughput = 3600.0 * _number(last.get("pages_done")) / elapsed if elapsed > 0 else None
    failures = Counter(_reason(r) for r in rows if r["state"] == "failed")

    def worst_first(row) -> tuple:
        quality = json_object(row.get("quality"))
        reasons = quality.get("reasons")
        reasons = reasons if isinstance(reasons, list) else []
        worst = min((REASONS.index(r) for r in reasons if isinstance(r, str) and r in REASONS), default=len(REASONS))
        coverage = _number(quality.get("text_coverage"), 1.0)
        return (worst, coverage, _number(quality.get("mean_confidence"), 1.0), str(row["source"]))

    return {
        "counts": counts,
        # What a person should do: done, look at the page (needs review), or redo it (failed).
        "review": review_counts,
        "needs_review": [
            {"source": r["source"], "page": r["page_index"] + 1, "reasons": r.get("reasons") or ""}
            for r in sorted(review, key=worst_first)
        ],
        "pages": len(rows),
        "runs": len(runs),
        "last_run": None
        if last is None
        else {
            "outcome": _text(last.get("outcome")) or None,
            "pages_done": int(_number(last.get("pages_done"))),
            "pages_failed": int(_number(last.get("pages_failed"))),
        },
        "pages_per_hour": None if throughput is None else round(throughput, 1),
        # the folder could not hold SQLite's shared-memory file and the manifest has unmerged changes
        "stale": stale,
        "median_page_seconds": round(statistics.median(t for t, _ in totals), 3) if totals else None,
        "failures": [{"reason": reason, "pages": n} for reason, n in failures.most_common()],
        "slowest": [
            {"source": r["source"], "page": r["page_index"] + 1, "seconds": round(t, 3)}
            for t, r in sorted(totals, key=lambda item: -item[0])[:slowest]
        ],
    }

"""What ``digitize status`` reports about a batch: counts by state, pages done / needing review / failed and the
list of those needing review (worst first), throughput, failures by reason, slowest pages."""

from __future__ import annotations

import json
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


def status_report(outdir: Path, slowest: int = 10) -> dict:
    manifest = Manifest(outdir / MANIFEST_NAME, readonly=True)
    try:
        rows = manifest.pages()
        runs = manifest.runs()
        counts = manifest.counts()
        stale = manifest.stale
        review_counts = manifest.review_counts()
        review = manifest.needs_review()
    finally:
        manifest.close()
    totals = [(json.loads(r["timings"] or "{}").get("total", 0.0), r) for r in rows if r["state"] == "done"]
    last = runs[-1] if runs else None
    throughput = None
    if last and last["pages_done"]:
        elapsed = (last["finished_at"] or max(r["finished_at"] or 0 for r in rows)) - last["started_at"]
        throughput = 3600.0 * last["pages_done"] / elapsed if elapsed > 0 else None
    failures = Counter(_reason(r) for r in rows if r["state"] == "failed")

    def worst_first(row) -> tuple:
        quality = json.loads(row["quality"] or "null") or {}
        reasons = quality.get("reasons") or []
        worst = min((REASONS.index(r) for r in reasons if r in REASONS), default=len(REASONS))
        coverage = quality.get("text_coverage")
        return (worst, 1.0 if coverage is None else coverage, quality.get("mean_confidence", 1.0), row["source"])

    return {
        "counts": counts,
        # What a person should do: done, look at the page (needs review), or redo it (failed).
        "review": review_counts,
        "needs_review": [
            {"source": r["source"], "page": r["page_index"] + 1, "reasons": r["reasons"] or ""}
            for r in sorted(review, key=worst_first)
        ],
        "pages": len(rows),
        "runs": len(runs),
        "last_run": None
        if last is None
        else {"outcome": last["outcome"], "pages_done": last["pages_done"], "pages_failed": last["pages_failed"]},
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

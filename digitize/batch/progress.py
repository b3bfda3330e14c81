"""Progress of a batch as JSON lines on stderr (for logs, cron and runs without a TTY); the CLI's progress bar
builds on it."""

from __future__ import annotations

import json
import sys
import time

from .manifest import Unit


class _Rate:
    """Pages per minute and ETA over this run's finished pages."""

    def __init__(self, total: int):
        self.total, self.finished, self.start = total, 0, time.monotonic()

    def tick(self) -> None:
        self.finished += 1

    @property
    def per_minute(self) -> float:
        elapsed = time.monotonic() - self.start
        return 60.0 * self.finished / elapsed if elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        rate = self.per_minute
        return 60.0 * (self.total - self.finished) / rate if rate else None


class JsonLog:
    """One JSON object per line on stderr: for logs, cron and no-TTY runs."""

    def __init__(self, total: int):
        self.rate = _Rate(total)

    def emit(self, event: str, **fields) -> None:
        sys.stderr.write(
            json.dumps({"event": event, "time": round(time.time(), 3)} | fields, ensure_ascii=False) + "\n"
        )
        sys.stderr.flush()

    def started(self, unit: Unit, slot: str) -> None:
        self.emit("start", source=unit.source, page=unit.page_index + 1, worker=slot)

    def finished(self, unit: Unit, result: dict) -> None:
        self.rate.tick()
        eta = self.rate.eta_seconds
        self.emit(
            "page",
            source=unit.source,
            page=unit.page_index + 1,
            state=result["state"],
            error=result.get("error"),
            review=result.get("reasons"),
            seconds=round(result["timings"].get("total", 0.0), 3),
            outputs=[o["path"] for o in result["outputs"]],
            finished=self.rate.finished,
            total=self.rate.total,
            pages_per_min=round(self.rate.per_minute, 1),
            eta_s=None if eta is None else round(eta),
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

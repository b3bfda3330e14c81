"""Per-stage wall time, CPU time and peak RSS inside one benchmark process.

Peak RSS per stage uses Linux's resettable high-water mark: writing ``5`` to ``/proc/self/clear_refs`` resets
``VmHWM`` to the current RSS, so the ``VmHWM`` read at the end of a stage is the peak reached during that stage.
Stages may nest (recognition inside OCR): a reset for an inner stage first hands the peak seen so far to the
stages around it, so every stage's peak stays right.
"""

from __future__ import annotations

import resource
import time
from contextlib import contextmanager
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kb(field: str) -> int:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _can_reset_peak() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


class StageMeter:
    """Collects ``{stage: {"wall": s, "cpu": s, "peak_rss_mb": MB}}``; a stage entered twice accumulates."""

    def __init__(self):
        self.stages: dict[str, dict[str, float]] = {}
        self._open: list[list] = []  # [name, peak_kb seen so far] of the stages currently running
        self.resettable = _can_reset_peak()

    def _hand_peak_to_open_stages(self) -> int:
        peak = _status_kb("VmHWM")
        for entry in self._open:
            entry[1] = max(entry[1], peak)
        return peak

    @contextmanager
    def stage(self, name: str):
        self._hand_peak_to_open_stages()
        if self.resettable:
            _CLEAR_REFS.write_text("5")
        entry = [name, _status_kb("VmRSS")]
        self._open.append(entry)
        wall, cpu = time.perf_counter(), time.process_time()  # process_time counts every thread
        try:
            yield
        finally:
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            self._hand_peak_to_open_stages()
            self._open.remove(entry)
            s = self.stages.setdefault(name, {"wall": 0.0, "cpu": 0.0, "peak_rss_mb": 0.0})
            s["wall"] += wall
            s["cpu"] += cpu
            s["peak_rss_mb"] = max(s["peak_rss_mb"], entry[1] / 1024)

    def process_peak_mb(self) -> float:
        """Peak RSS of the whole process: the largest stage peak (VmHWM is reset per stage) or, without resets,
        the kernel's own maximum."""
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stage_peak = max((s["peak_rss_mb"] for s in self.stages.values()), default=0.0)
        return max(stage_peak, _status_kb("VmHWM") / 1024) if self.resettable else own

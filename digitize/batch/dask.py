"""Running a batch on a dask.distributed cluster (``--scheduler tcp://host:8786``).

Workers run `runner.process_unit` on the shared input paths and write outputs to the shared OUTDIR; the
manifest stays with the client, its only writer. At most one page per worker thread is submitted at a time,
so a submitted page is a running page: its timeout clock is right, and Ctrl-C has little to put back.
"""

from __future__ import annotations

import time
from pathlib import Path

from distributed import Client, Future, wait
from distributed.worker import get_worker

from ..ocr.base import default_threads
from .manifest import IssueUnit
from .runner import Settings, failure_record, one_line, process_unit, time_limit


def _task(unit: IssueUnit, settings: Settings, outdir: str, threads_on_host: dict[str, int]) -> dict:
    """On a worker: onnxruntime threads so that all page threads of this host together fit its cores."""
    worker = get_worker()
    host = worker.address.rsplit(":", 1)[0]
    return process_unit(unit, settings, outdir, default_threads(threads_on_host.get(host, worker.state.nthreads)))


class DaskWorkers:
    def __init__(self, scheduler: str, settings: Settings, outdir: Path, page_timeout: float | None = None):
        self.client = Client(scheduler, timeout="30s")
        self.settings, self.outdir, self.page_timeout = settings, str(outdir), page_timeout
        self.running: dict[str, tuple[IssueUnit, Future, float]] = {}  # slot → (unit, future, submitted at)
        self._serial = 0

    def _threads_on_host(self) -> dict[str, int]:
        hosts: dict[str, int] = {}
        for address, info in self.client.scheduler_info(n_workers=-1)["workers"].items():
            host = address.rsplit(":", 1)[0]
            hosts[host] = hosts.get(host, 0) + info["nthreads"]
        return hosts

    def free_slots(self) -> list[str]:
        capacity = sum(self._threads_on_host().values())
        free = max(0, capacity - len(self.running))
        names = []
        for _ in range(free):
            self._serial += 1
            names.append(f"dask-{self._serial}")
        return names

    def submit(self, slot: str, unit: IssueUnit) -> None:
        # pure=False: a page is redone when asked, never served from a cached result.
        future = self.client.submit(
            _task, unit, self.settings, self.outdir, self._threads_on_host(), pure=False, key=f"page-{slot}"
        )
        self.running[slot] = (unit, future, time.monotonic())

    def in_flight(self) -> list[IssueUnit]:
        return [unit for unit, _, _ in self.running.values()]

    def poll(self, timeout: float) -> list[tuple[IssueUnit, dict]]:
        finished = []
        if self.running:
            try:
                wait([f for _, f, _ in self.running.values()], timeout=timeout, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished within ``timeout``: look at the clocks below
                pass
        else:
            time.sleep(timeout)
        now = time.monotonic()
        for slot, (unit, future, submitted) in list(self.running.items()):
            if future.status == "finished":
                finished.append((unit, future.result()))
            elif future.status in ("error", "cancelled"):
                # KilledWorker: the page took down a worker process as many times as the scheduler allows.
                exc = future.exception() if future.status == "error" else None
                if exc is None:
                    reason = "cancelled by the scheduler"
                else:
                    reason = "worker crashed (KilledWorker)" if type(exc).__name__ == "KilledWorker" else one_line(exc)
                finished.append((unit, failure_record(unit, reason)))
            elif self.page_timeout and now - submitted > time_limit(unit, self.page_timeout):
                self._stop_hung(future)
                finished.append(
                    (unit, failure_record(unit, f"timed out after {time_limit(unit, self.page_timeout):g} s"))
                )
            else:
                continue
            del self.running[slot]
        return finished

    def _stop_hung(self, future) -> None:
        """A thread cannot be stopped: restart the worker process running the page (workers have nannies)."""
        busy = [w for w, keys in self.client.processing().items() if future.key in keys]
        future.cancel()
        if busy:
            try:
                self.client.restart_workers(busy, timeout=60)
            except Exception:  # no nanny: the page's thread runs on; its result is ignored
                pass

    def close(self) -> None:
        self.client.cancel([f for _, f, _ in self.running.values()])
        self.running.clear()
        self.client.close()

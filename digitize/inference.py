"""ONNX Runtime sessions with the project's thread settings, shared by the OCR engines and by preprocessing
(which runs rapidocr's detector and orientation classifier); here so neither stage imports the other for it."""

from __future__ import annotations

import os


def onnx_session(path: str | os.PathLike, threads: int, arena: bool = True):
    """An onnxruntime CPU session with our thread settings: ``threads`` intra-op threads, spinning off
    (spinning threads steal the other core from a second worker; off, 2 threads stay faster than 1).
    ``arena=False`` returns each run's memory at once instead of keeping the largest run's arena: for a model
    run on large inputs (whole-page detection tiles) that keeps resident memory to one run's need."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.log_severity_level = 3
    opts.enable_cpu_mem_arena = arena
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])

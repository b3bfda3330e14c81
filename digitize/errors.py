"""Errors shared across layers. They live at the bottom so a reader (which may refuse a file) need not import
the stage that loads pages."""

from __future__ import annotations

import os


class InputError(Exception):
    """A file that cannot be read as a page. ``str()`` is one line: ``path: reason``."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path = str(path)
        self.reason = " ".join(str(reason).split())  # one line, even when it quotes a library's message
        super().__init__(f"{self.path}: {self.reason}")

"""The exit codes of every command, in one place (README "Bad inputs and exit codes" lists them).

A leaf module (it imports nothing of digitize), so that the CLI and the batch runner both use it."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURES = 1  # completed, but some inputs failed (the others are written)
    INVALID = 1  # validate: some file is invalid (an alias of FAILURES)
    USAGE = 2  # bad option or argument, unreadable input of diff/repair/convert, OUTDIR in use
    ENGINE = 3  # the OCR engine (or, for validate, the schemas) could not be loaded: nothing was processed
    OUTPUT = 4  # an output could not be written: the run stops there
    NEEDS_REVIEW = 5  # run/batch --strict: every input was written, but some pages need review (quality.REASONS)
    INTERRUPTED = 130  # batch stopped by Ctrl-C/SIGTERM (resumable)

"""``python -m digitize.batch batch|status …``: the batch commands without the main CLI (tests, workers)."""

from ..cli.batch import batch_main

if __name__ == "__main__":
    batch_main()

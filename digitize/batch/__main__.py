"""``python -m digitize.batch batch|status …``: the batch commands without the main CLI (tests, workers)."""

import click

from .command import batch_command, status_command


@click.group()
def main() -> None:
    """Batch digitization."""


main.add_command(batch_command)
main.add_command(status_command)

if __name__ == "__main__":
    main()

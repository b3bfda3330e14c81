"""``python -m digitize.cli``: the same as the ``digitize`` command."""

from . import main

main()

"""Batch digitization at archive scale: a resumable SQLite manifest, local worker processes or a Dask
cluster, one page per work unit. The commands are `command.batch_command` and `command.status_command`."""

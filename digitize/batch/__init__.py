"""Batch digitization at archive scale: a resumable SQLite manifest, local worker processes or a Dask
cluster, one issue (a file's pages, or a folder's) per work unit. The commands are in `digitize.cli.batch`."""

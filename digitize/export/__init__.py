"""Exporters: the page model to library formats (ALTO, …)."""

"""Reports of `digitize diff`: the self-contained HTML page (`render_html`) and the index of a batch
(`render_index`)."""

from .html import PageImageError, named_page_image, page_image_uri, render_html
from .index import render_index

__all__ = ["PageImageError", "named_page_image", "page_image_uri", "render_html", "render_index"]

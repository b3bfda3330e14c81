"""Reports of `digitize diff`: the self-contained HTML page (`render_html`)."""

from .html import PageImageError, named_page_image, page_image_uri, render_html

__all__ = ["PageImageError", "named_page_image", "page_image_uri", "render_html"]

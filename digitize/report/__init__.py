"""Reports of `digitize diff`: the self-contained HTML page (`render_html`)."""

from .html import page_image_uri, render_html

__all__ = ["page_image_uri", "render_html"]

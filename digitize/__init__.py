"""digitize: printed pages to faithful text and library-grade XML."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("digitize")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

from .pipeline import process  # noqa: E402

__all__ = ["process", "__version__"]

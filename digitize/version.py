"""The installed version of digitize (a leaf module: writers name the software without importing the package)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("digitize")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

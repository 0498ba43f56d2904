"""coreflect: a Discord bot for reflecting together, anonymously."""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _package_version


def version() -> str:
    """The installed package's version, from its metadata."""
    try:
        return _package_version("coreflect")
    except PackageNotFoundError:
        return "unknown (not installed)"

"""Storage: the SQLite database behind the bot, and the only package that contains SQL."""

from bot.storage.errors import (
    CheckinAlreadyOpen,
    DatabaseTooNew,
    DuplicateProjectName,
    StorageError,
)
from bot.storage.store import Store

__all__ = [
    "CheckinAlreadyOpen",
    "DatabaseTooNew",
    "DuplicateProjectName",
    "StorageError",
    "Store",
]

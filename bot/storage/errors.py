"""What the store raises when a request cannot be met; each message says what and why."""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """Base class for every error raised by bot.storage."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer version of the bot than this one."""

    def __init__(self, path: Path | str, found: int, supported: int) -> None:
        super().__init__(
            f"database {path} has schema version {found}, but this version of the bot only "
            f"knows versions up to {supported}; upgrade the bot or restore a backup"
        )
        self.path = path
        self.found = found
        self.supported = supported


class DuplicateProjectName(StorageError):
    """A project with the same name (ignoring case) already exists in the server."""

    def __init__(self, guild_id: int, name: str) -> None:
        super().__init__(f"guild {guild_id} already has a project named {name!r}")
        self.guild_id = guild_id
        self.name = name


class CheckinAlreadyOpen(StorageError):
    """The project already has an open check-in."""

    def __init__(self, project_id: int) -> None:
        super().__init__(f"project {project_id} already has an open check-in")
        self.project_id = project_id

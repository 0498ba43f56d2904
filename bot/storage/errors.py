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


class SecretMismatch(StorageError):
    """The database's answers were keyed with a different secret than the one given."""

    def __init__(self, path: Path | str, source: str) -> None:
        super().__init__(
            f"the database {path} was set up with a different secret than {source}. "
            "Its answers can only be read, and counted once per person, with the secret it "
            "was made with: restore that key file (or COREFLECT_SECRET) from your backup and "
            "start again. Only if you mean to start over with no answers, move the database "
            "away as well"
        )
        self.path = path
        self.source = source

"""Numbered, append-only schema migrations tracked with PRAGMA user_version.

A migration may rebuild a table (SQLite's 12-step procedure: create the new table, copy,
drop the old one, rename): foreign keys are switched off around the migration's transaction
(PRAGMA foreign_keys is a no-op inside one), so dropping `projects` does not cascade into
every participant, and `PRAGMA foreign_key_check` must find nothing before it commits.
Before an existing database is migrated, a copy of it is taken beside it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.storage.errors import DatabaseTooNew, StorageError

log = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "bot.storage.migrations"
BACKUP_MODE = 0o600
_FILE_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


@dataclass(frozen=True, slots=True, order=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """The file's statements, split where SQLite itself sees a complete statement."""
        found: list[str] = []
        start = 0
        for end in (i + 1 for i, char in enumerate(self.sql) if char == ";"):
            candidate = self.sql[start:end]
            # Handles semicolons inside strings, comments and trigger bodies.
            if sqlite3.complete_statement(candidate):
                found.append(candidate.strip())
                start = end
        if self.sql[start:].strip() and _has_code(self.sql[start:]):
            raise StorageError(f"migration {self.name} ends with an unterminated statement")
        return found


def _has_code(sql: str) -> bool:
    """Whether some text is more than whitespace and `--` comments."""
    return any(line.split("--", 1)[0].strip() for line in sql.splitlines())


def load_migrations(package: str = MIGRATIONS_PACKAGE) -> list[Migration]:
    """Every migration in `package` (the bot's own by default), checked to be numbered
    1, 2, 3… without gaps."""
    root = resources.files(package)
    found = sorted(
        Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8"))
        for entry in root.iterdir()
        if (match := _FILE_NAME.fullmatch(entry.name))
    )
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise StorageError(
                f"migration {migration.name} should be numbered {expected:04d}: "
                "migrations must be numbered 0001, 0002, … without gaps or repeats"
            )
    return found


async def user_version(db: aiosqlite.Connection) -> int:
    """The schema version recorded in the database file."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(
    db: aiosqlite.Connection,
    path: Path | str,
    migrations: Sequence[Migration] | str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> int:
    """Bring the database up to the newest migration; return the resulting version.

    `migrations` is the bot's own by default; tests pass a package name or a list. Each
    migration runs in its own BEGIN IMMEDIATE transaction that also sets user_version, so a
    crash leaves the database at a whole version; foreign keys are off around it and checked
    before it commits. An existing database (version 1 or more) is first copied to
    `<name>.pre-NNNN-<UTC time>.bak` beside it (time from `clock`, else the system's).
    `db` must be in autocommit mode.
    """
    if migrations is None:
        migrations = load_migrations()
    elif isinstance(migrations, str):
        migrations = load_migrations(migrations)
    migrations = sorted(migrations)
    newest = migrations[-1].version if migrations else 0
    current = await user_version(db)
    if current > newest:
        raise DatabaseTooNew(path, current, newest)
    pending = migrations[current:]
    if pending and current >= 1:
        await backup_before_migrating(db, Path(path), pending[0], clock() if clock else None)
    for migration in pending:
        await _apply(db, path, migration, newest)
    return max(current, newest)


def backup_path(path: Path, migration: Migration, now: datetime | None = None) -> Path:
    """Where the copy taken before `migration` goes: beside the database."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    return path.with_name(f"{path.name}.pre-{migration.version:04d}-{stamp}.bak")


async def backup_before_migrating(
    db: aiosqlite.Connection, path: Path, first: Migration, now: datetime | None = None
) -> Path:
    """Copy the database, as it is, to an owner-only file beside it before it is migrated."""
    target = backup_path(path, first, now)
    await copy_database(db, target)
    log.warning(
        "database %s is at version %d and will be migrated; a copy was saved to %s",
        path,
        await user_version(db),
        target,
    )
    return target


async def copy_database(db: aiosqlite.Connection, target: Path) -> None:
    """A consistent copy of the open database into a new owner-only file (VACUUM INTO).

    The file is made empty with mode 0600 first, so the copy is never readable by others;
    it must not exist yet.
    """
    new_owner_only_file(target)
    try:
        await db.execute("VACUUM INTO ?", (str(target),))
    except BaseException:
        remove_file(target)
        raise


def new_owner_only_file(path: Path) -> None:
    """Create an empty file only its owner can read; FileExistsError if there is one."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, BACKUP_MODE))
    path.chmod(BACKUP_MODE)  # os.open's mode is masked by the umask


def remove_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


async def _apply(
    db: aiosqlite.Connection, path: Path | str, migration: Migration, newest: int
) -> None:
    # Off before the transaction (it cannot change inside one), so a migration that rebuilds
    # a table does not cascade its DROP into the rows that refer to it.
    async with db.execute("PRAGMA foreign_keys") as cursor:
        row = await cursor.fetchone()
    enforced = bool(row and row[0])
    await db.execute("PRAGMA foreign_keys = OFF")
    try:
        await _apply_in_transaction(db, path, migration, newest)
    finally:
        if enforced:
            await db.execute("PRAGMA foreign_keys = ON")


async def _apply_in_transaction(
    db: aiosqlite.Connection, path: Path | str, migration: Migration, newest: int
) -> None:
    await db.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        current = await user_version(db)
        if current > newest:
            raise DatabaseTooNew(path, current, newest)
        if current >= migration.version:
            await db.execute("COMMIT")
            return
        for statement in migration.statements():
            await db.execute(statement)
        async with db.execute("PRAGMA foreign_key_check") as cursor:
            broken = await cursor.fetchall()
        if broken:
            raise StorageError(f"migration {migration.name} leaves broken foreign keys: {broken}")
        # PRAGMA takes no parameters; the version is an int we parsed from the file name.
        await db.execute(f"PRAGMA user_version = {migration.version:d}")
        await db.execute("COMMIT")
    except BaseException as exc:
        if db.in_transaction:
            await db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise StorageError(f"migration {migration.name} failed on {path}: {exc}") from exc
        raise
    log.info("database %s migrated to version %d (%s)", path, migration.version, migration.name)

"""Numbered, append-only schema migrations tracked with PRAGMA user_version."""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.storage.errors import DatabaseTooNew, StorageError

log = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "bot.storage.migrations"
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


def load_migrations() -> list[Migration]:
    """Every migration shipped with the bot, checked to be numbered 1, 2, 3… without gaps."""
    root = resources.files(MIGRATIONS_PACKAGE)
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


async def migrate(db: aiosqlite.Connection, path: Path | str) -> int:
    """Bring the database up to the newest migration; return the resulting version.

    Each migration runs in its own BEGIN IMMEDIATE transaction that also sets user_version,
    so a crash leaves the database at a whole version. `db` must be in autocommit mode.
    """
    migrations = load_migrations()
    newest = migrations[-1].version if migrations else 0
    current = await user_version(db)
    if current > newest:
        raise DatabaseTooNew(path, current, newest)
    for migration in migrations[current:]:
        await _apply(db, path, migration, newest)
    return max(current, newest)


async def _apply(
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

"""Schema migrations, the version check and the connection settings, on real files."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.storage import migrate
from bot.storage.errors import DatabaseTooNew, StorageError
from bot.storage.migrate import Migration, load_migrations
from bot.storage.store import Store


def _user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[0].name == "0001_initial.sql"


async def test_new_database_is_created_at_the_newest_version(db_path: Path, secret: bytes) -> None:
    store = await Store.open(db_path, secret=secret)
    await store.close()

    assert _user_version(db_path) == len(load_migrations())
    assert {"projects", "checkins", "invitations", "responses", "answers"} <= _tables(db_path)


async def test_reopening_a_current_database_changes_nothing(db_path: Path, secret: bytes) -> None:
    store = await Store.open(db_path, secret=secret)
    await store.close()
    store = await Store.open(db_path, secret=secret)
    await store.close()

    assert _user_version(db_path) == len(load_migrations())


async def test_a_database_newer_than_the_code_is_refused(db_path: Path, secret: bytes) -> None:
    newest = len(load_migrations())
    db_path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute(f"PRAGMA user_version = {newest + 5}")

    with pytest.raises(DatabaseTooNew) as refused:
        await Store.open(db_path, secret=secret)

    message = str(refused.value)
    assert str(db_path) in message
    assert str(newest + 5) in message
    assert str(newest) in message
    assert _user_version(db_path) == newest + 5
    assert _tables(db_path) == set()


async def test_a_failing_migration_leaves_the_database_at_the_previous_version(
    db_path: Path, secret: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Migration(
        2,
        "0002_broken.sql",
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    monkeypatch.setattr(migrate, "load_migrations", lambda: [*load_migrations()[:1], broken])

    with pytest.raises(StorageError, match=r"0002_broken\.sql"):
        await Store.open(db_path, secret=secret)

    assert _user_version(db_path) == 1
    assert "half_done" not in _tables(db_path)
    assert "projects" in _tables(db_path)


def test_statements_are_split_where_sqlite_sees_them_end() -> None:
    migration = Migration(
        1,
        "0001_x.sql",
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (a TEXT DEFAULT 'x;y');\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 'z'; END;\n"
        "-- trailing comment\n",
    )

    statements = migration.statements()

    assert len(statements) == 2
    assert statements[0].endswith("DEFAULT 'x;y');")
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_an_unterminated_statement_is_refused() -> None:
    with pytest.raises(StorageError, match="unterminated"):
        Migration(1, "0001_x.sql", "CREATE TABLE t (a);\nCREATE TABLE u (b)").statements()


async def test_connection_uses_wal_full_sync_and_foreign_keys(store: Store, db_path: Path) -> None:
    # synchronous and foreign_keys are per connection, so ask the store's own connection.
    db = store._connection()

    async def pragma(name: str) -> object:
        async with db.execute(f"PRAGMA {name}") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return row[0]

    assert await pragma("journal_mode") == "wal"
    assert await pragma("synchronous") == 2  # FULL
    assert await pragma("foreign_keys") == 1
    assert await pragma("busy_timeout") == 5000
    assert await pragma("secure_delete") == 1
    # WAL is a property of the file: any other connection sees it too.
    with closing(sqlite3.connect(db_path)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_parent_directories_are_created(tmp_path: Path, secret: bytes) -> None:
    path = tmp_path / "a" / "b" / "bot.sqlite3"
    store = await Store.open(path, secret=secret)
    await store.close()
    assert path.exists()


async def test_a_short_secret_is_refused(db_path: Path) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        await Store.open(db_path, secret=b"too short")


async def test_a_closed_store_refuses_work(db_path: Path, secret: bytes) -> None:
    store = await Store.open(db_path, secret=secret)
    await store.close()
    await store.close()  # closing twice is harmless

    with pytest.raises(StorageError, match="closed"):
        await store.list_projects(1)

"""`coreflect backup`: a consistent, owner-only copy of the live database, the key kept apart."""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.keys import load_secret
from bot.storage.backup import BackupError, backup
from bot.storage.store import Store
from tests.storage.test_rebuild_migration import contents, fill

WHEN = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)


def same_bytes(one: Path, other: Path) -> bool:
    return one.read_bytes() == other.read_bytes()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "config" / "secret.key"
    load_secret(None, path)  # made as on a first start
    return path


@pytest.fixture
def key_secret(key_file: Path) -> bytes:
    return load_secret(None, key_file, may_create=False)


async def test_a_backup_of_the_running_database_is_whole_owner_only_and_opens(
    db_path: Path, key_file: Path, key_secret: bytes, tmp_path: Path
) -> None:
    await fill(db_path, key_secret)
    running = await Store.open(db_path, secret=key_secret)  # the bot is running
    try:
        made = backup(db_path, key_file, tmp_path / "backups", now=WHEN)
    finally:
        await running.close()

    folder = tmp_path / "backups" / "coreflect-20261201T233000Z"
    assert made.database == folder / db_path.name
    assert made.key is None  # the key only when asked, and never in this folder
    assert sorted(p.name for p in folder.iterdir()) == [db_path.name]
    assert mode(folder) == 0o700
    assert mode(made.database) == 0o600
    assert contents(made.database) == contents(db_path)
    # Restoring: the copy opens with the same key, everything in it.
    restored = await Store.open(made.database, secret=key_secret)
    try:
        (project,) = await restored.list_all_projects()
        assert len(await restored.list_participants(project.id)) == 3
    finally:
        await restored.close()


async def test_the_key_goes_to_its_own_folder_elsewhere_and_matches_the_database(
    db_path: Path, key_file: Path, key_secret: bytes, tmp_path: Path
) -> None:
    await fill(db_path, key_secret)

    made = backup(db_path, key_file, tmp_path / "db", key_folder=tmp_path / "keys", now=WHEN)

    assert made.key == tmp_path / "keys" / "coreflect-key-20261201T233000Z" / key_file.name
    assert same_bytes(made.key, key_file)
    assert mode(made.key) == 0o600
    assert mode(made.key.parent) == 0o700
    assert made.key_matches is True
    assert not list((tmp_path / "db").rglob(key_file.name))


async def test_with_key_puts_the_key_beside_the_database_copy_not_in_its_folder(
    db_path: Path, key_file: Path, key_secret: bytes, tmp_path: Path
) -> None:
    await fill(db_path, key_secret)

    made = backup(db_path, key_file, tmp_path / "b", with_key=True, now=WHEN)

    assert made.key == tmp_path / "b" / "coreflect-20261201T233000Z-key" / key_file.name
    assert made.database.parent == tmp_path / "b" / "coreflect-20261201T233000Z"
    assert sorted(p.name for p in made.database.parent.iterdir()) == [db_path.name]
    assert mode(made.key) == 0o600


async def test_a_key_folder_inside_the_backup_folder_is_refused_before_anything_is_copied(
    db_path: Path, key_file: Path, key_secret: bytes, tmp_path: Path
) -> None:
    await fill(db_path, key_secret)

    for key_folder in (tmp_path / "b", tmp_path / "b" / "keys"):
        with pytest.raises(BackupError, match="would carry the key"):
            backup(db_path, key_file, tmp_path / "b", key_folder=key_folder, now=WHEN)
    assert not (tmp_path / "b").exists()
    with pytest.raises(BackupError, match="data folder would carry the key"):
        backup(db_path, key_file, tmp_path / "b", key_folder=db_path.parent / "k", now=WHEN)
    with pytest.raises(BackupError, match="inside the data folder"):
        backup(db_path, key_file, db_path.parent / "b", now=WHEN)
    assert not (tmp_path / "b").exists()


def test_without_a_database_nothing_is_made(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database"):
        backup(tmp_path / "data" / "none.sqlite3", None, tmp_path / "b", now=WHEN)

    assert not (tmp_path / "data" / "none.sqlite3").exists()
    assert list((tmp_path / "b").iterdir()) == []


async def test_the_command_reads_the_settings_and_says_where_things_went(
    db_path: Path,
    key_file: Path,
    key_secret: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await fill(db_path, key_secret)
    monkeypatch.setenv("COREFLECT_DB", str(db_path))
    monkeypatch.setenv("COREFLECT_KEY_FILE", str(key_file))
    monkeypatch.delenv("COREFLECT_SECRET", raising=False)

    assert main(["backup", str(tmp_path / "b"), "--key-dir", str(tmp_path / "k")]) == 0

    printed = capsys.readouterr().out
    (copy,) = (tmp_path / "b").glob(f"coreflect-*/{db_path.name}")
    (key,) = (tmp_path / "k").glob(f"coreflect-key-*/{key_file.name}")
    assert str(copy) in printed
    assert str(key) in printed
    with closing(sqlite3.connect(copy)) as db:
        assert db.execute("SELECT count(*) FROM participants").fetchone()[0] == 3

    assert main(["backup", str(tmp_path / "b"), "--key-dir", str(tmp_path / "b")]) == 2
    assert "would carry the key" in capsys.readouterr().out

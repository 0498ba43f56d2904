"""The store when a write goes wrong: refused as busy, interrupted, a roll-back that fails,
an open that fails late. Nothing is left half done, the write-ahead log never holds two
transactions, and nothing is left running."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

import bot.storage.store as store_module
from bot.storage.store import Store
from tests.bot.test_anonymity_at_rest import (
    cancelled_before_begin,
    log_before_each_emptying,
    wal_transactions,
)
from tests.storage.arrange import ANA, BEN, MakeProject


async def test_an_erasure_and_the_rebuild_after_it_go_through_the_log_one_at_a_time(
    store: Store, db_path: Path, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An erasure is a write, then a rebuild of the file (VACUUM, which goes through the
    log too): the erasure is emptied from the log before the rebuild begins."""
    project = await make_project()
    await store.add_participant(project.id, ANA, ["Ana"])
    await store.log_emptied()
    snapshots = log_before_each_emptying(monkeypatch, db_path)
    assert await store.delete_project(project.id)
    await store.log_emptied()
    transactions = [len(wal_transactions(snapshot)) for snapshot in snapshots]
    assert transactions.count(1) >= 2  # the erasure, then the rebuild, each alone
    assert all(count <= 1 for count in transactions)


async def test_a_write_refused_as_busy_leaves_the_log_alone(
    db_path: Path, secret: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the database's write lock: the write is refused, and as it
    wrote nothing the store does not try to empty the log (which would wait as long again
    for the same lock, and say it could not)."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 20)
    store = await Store.open(db_path, secret=secret)
    snapshots = log_before_each_emptying(monkeypatch, db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await store.set_dm_channel(ANA, 5)  # several statements (`_writing`)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await store.set_facilitator_role(1, 2)  # one hand-over (`_write_at_once`)
        await store.log_emptied()
        assert snapshots == []  # no checkpoint tried
        other.execute("ROLLBACK")
        await store.set_dm_channel(ANA, 5)
        assert await store.get_dm_channel(ANA) == 5
    finally:
        other.close()
        await store.close()


def roll_back_fails_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's next roll-back of a write fails, as on a failing disk."""
    roll_back = store_module._roll_back
    failures: list[bool] = []

    def fails_once(conn: sqlite3.Connection) -> None:
        if not failures:
            failures.append(True)
            raise sqlite3.OperationalError("disk I/O error")
        roll_back(conn)

    monkeypatch.setattr(store_module, "_roll_back", fails_once)


async def test_a_refused_write_whose_roll_back_failed_is_rolled_back_before_the_next(
    store: Store,
    make_project: MakeProject,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A write refused inside its transaction (a project name taken), whose roll-back then
    fails: the next write finds the transaction left open, rolls it back and goes on,
    instead of being refused like every write after it."""
    await make_project()
    await store.log_emptied()
    roll_back_fails_once(monkeypatch)
    with pytest.raises(sqlite3.OperationalError, match="disk"):
        await make_project()  # the same name again
    with caplog.at_level(logging.ERROR, logger="bot.storage.store"):
        await store.set_dm_channel(BEN, 6)
    assert "left half done" in caplog.text
    assert await store.get_dm_channel(BEN) == 6
    assert [p.name for p in await store.list_all_projects()] == ["Community Garden"]


async def test_a_write_whose_roll_back_failed_is_rolled_back_before_the_next(
    db_path: Path, secret: bytes, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A write interrupted before its BEGIN ran, whose roll-back then fails (the disk): the
    next write finds the transaction left open, rolls it back and goes on, instead of being
    refused like every write after it."""
    store = await Store.open(db_path, secret=secret)
    roll_back_fails_once(monkeypatch)
    try:
        write = await cancelled_before_begin(store, lambda: store.set_dm_channel(ANA, 5))
        with pytest.raises(sqlite3.OperationalError, match="disk"):
            write.result()
        with caplog.at_level(logging.ERROR, logger="bot.storage.store"):
            await store.set_dm_channel(BEN, 6)
        assert "left half done" in caplog.text
        assert await store.get_dm_channel(BEN) == 6
        assert await store.get_dm_channel(ANA) is None
    finally:
        await store.close()


async def test_a_store_that_fails_to_open_late_leaves_no_thread_behind(
    db_path: Path, secret: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last step of opening fails (or is cancelled): the connection is closed, and its
    thread, which is not a daemon, no longer keeps the process from ending."""

    async def fails(self: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "_add_missing_response_rows", fails)
    before = set(threading.enumerate())
    with pytest.raises(sqlite3.OperationalError, match="disk"):
        await Store.open(db_path, secret=secret)
    for _ in range(500):  # the thread ends soon after the connection closes
        if not set(threading.enumerate()) - before:
            break
        await asyncio.sleep(0.01)
    assert not set(threading.enumerate()) - before

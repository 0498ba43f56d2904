"""Fixtures for the storage tests: a real SQLite file per test and a raw look inside it."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.store import Store


@pytest.fixture
def secret() -> bytes:
    return bytes(range(32))


@pytest.fixture
def now() -> datetime:
    return datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "coreflect.sqlite3"


@pytest.fixture
async def store(db_path: Path, secret: bytes, now: datetime) -> AsyncIterator[Store]:
    store = await Store.open(db_path, secret=secret, clock=lambda: now)
    yield store
    await store.close()


@pytest.fixture
def raw(db_path: Path, store: Store) -> Iterator[sqlite3.Connection]:
    """A second, plain connection to the same file: what anyone holding the file would see."""
    connection = sqlite3.connect(db_path, isolation_level=None)
    yield connection
    connection.close()

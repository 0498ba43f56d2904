"""Fixtures for the storage tests: a real SQLite file per test and a raw look inside it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.models import Response
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


class FakeSummariser:
    """Stands in for `ResultsService.summariser` when a test closes a check-in: records what
    the close handed over (the submitted responses, how many were invited, the names to
    redact) and freezes small figures (valid JSON) that say how many took part."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[Response], int, list[str]]] = []

    def __call__(
        self, responses: list[Response], invited: int, names: list[str]
    ) -> tuple[str, str | None]:
        self.calls.append((responses, invited, names))
        figures = {"format": 1, "took_part": len(responses), "invited": invited}
        return json.dumps(figures), None


@pytest.fixture
def summarise() -> FakeSummariser:
    return FakeSummariser()

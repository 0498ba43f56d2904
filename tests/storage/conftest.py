"""Fixtures for the storage tests: a real SQLite file per test, a raw look inside it, and
the projects and check-ins most tests start from."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.models import Phase, Project, Response, Thresholds
from bot.core.schedule import plan_project
from bot.storage.store import Store
from tests.storage.arrange import (
    ANA,
    BEN,
    CAT,
    FRAMEWORK,
    GUILD,
    CloseCheckin,
    MakeProject,
    OpenCheckin,
    new_project,
)


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


@pytest.fixture
def make_project(store: Store) -> MakeProject:
    """Create a project (see `new_project`) with the check-ins plan_project gives it."""

    async def make(
        name: str = "Community Garden",
        guild_id: int = GUILD,
        starts_on: date = date(2025, 3, 3),
        ends_on: date = date(2025, 6, 30),
    ) -> Project:
        project = new_project(name, guild_id, starts_on, ends_on)
        return await store.create_project(project, plan_project(project))

    return make


@pytest.fixture
def open_checkin(store: Store, now: datetime) -> OpenCheckin:
    """Open a week-long check-in on a project now and return its id."""

    async def open_(project_id: int, invitees: tuple[int, ...] = (ANA, BEN, CAT)) -> int:
        checkin = await store.open_checkin(
            project_id,
            Phase.BEGINNING,
            FRAMEWORK,
            now,
            now + timedelta(days=7),
            Thresholds(),
            invitees,
        )
        return checkin.id

    return open_


@pytest.fixture
def close(store: Store, now: datetime, summarise: FakeSummariser) -> CloseCheckin:
    """Close a check-in now, its results worked out by `summarise`."""

    async def close_(checkin_id: int) -> bool:
        return await store.close_checkin(checkin_id, now, summarise)

    return close_


@pytest.fixture
async def project(make_project: MakeProject) -> Project:
    """The default project (see `new_project`)."""
    return await make_project()


@pytest.fixture
async def checkin_id(project: Project, open_checkin: OpenCheckin) -> int:
    """A check-in open on `project`, Ana, Ben and Cat invited."""
    return await open_checkin(project.id)

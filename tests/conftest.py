"""Shared fixtures: settings on a temporary database, and the real bot on SimCord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import simcord

from bot.app import CoreflectBot, create_bot
from bot.settings import Settings
from bot.simworld import VirtualClock, running

# Each scheduler wake costs SimCord a little real time; days of virtual time stay quick if the
# scheduler re-reads the database daily rather than every quarter hour as in production.
TEST_MAX_SLEEP = 86400.0
TEST_SECRET = "test-secret-" + "0123456789abcdef" * 3


def settings_for(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings on a database in `tmp_path`, as the tests run the bot, with these changes."""
    # No gap between DMs: a short sleep would be waited out for real while SimCord settles.
    # The pacing tests set their own gap and drive it with virtual time.
    values: dict[str, Any] = {
        "database_path": tmp_path / "coreflect.sqlite3",
        "secret": TEST_SECRET,
        "dm_gap_seconds": 0.0,
        "scheduler_max_sleep": TEST_MAX_SLEEP,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def make_bot(settings: Settings, clock: VirtualClock):  # type: ignore[no-untyped-def]
    """Build a fresh bot on the same database (for restarts)."""

    def build() -> CoreflectBot:
        return create_bot(settings, clock=clock)

    return build


@pytest_asyncio.fixture
async def env(make_bot, clock: VirtualClock) -> AsyncIterator[simcord.Env]:  # type: ignore[no-untyped-def]
    """A running simulated Discord with the real bot logged in; whatever the bot raised
    during the test fails it at teardown."""
    # Each SimCord operation must settle within `bot.simworld.SETTLE_TIMEOUT` real seconds,
    # and sleeps shorter than it are waited out for real during a click: so the bot's own
    # short sleeps (DM gap) are 0 here and its retries are longer than this.
    async with running(make_bot(), clock) as world:
        yield world

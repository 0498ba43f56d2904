"""Shared fixtures: settings on a temporary database, and the real bot on SimCord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio
import simcord

from bot.app import CoreflectBot, create_bot
from bot.settings import Settings

SETTLE_TIMEOUT = 15.0
# Each scheduler wake costs SimCord a little real time; days of virtual time stay quick if the
# scheduler re-reads the database daily rather than every quarter hour as in production.
TEST_MAX_SLEEP = 86400.0
TEST_SECRET = "test-secret-" + "0123456789abcdef" * 3


class EnvClock:
    """The bot's injected clock, reading SimCord's virtual time once the world exists."""

    def __init__(self) -> None:
        self.env: simcord.Env | None = None

    def __call__(self) -> datetime:
        assert self.env is not None, "the clock was read before the simulated world started"
        return self.env.now()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # No gap between DMs: a short sleep would be waited out for real while SimCord settles.
    # The pacing tests set their own gap and drive it with virtual time.
    return Settings(
        database_path=tmp_path / "coreflect.sqlite3",
        secret=TEST_SECRET,
        dm_gap_seconds=0.0,
        scheduler_max_sleep=TEST_MAX_SLEEP,
    )


@pytest.fixture
def clock() -> EnvClock:
    return EnvClock()


@pytest.fixture
def make_bot(settings: Settings, clock: EnvClock):  # type: ignore[no-untyped-def]
    """Build a fresh bot on the same database (for restarts)."""

    def build() -> CoreflectBot:
        return create_bot(settings, clock=clock)

    return build


@pytest_asyncio.fixture
async def env(make_bot, clock: EnvClock) -> AsyncIterator[simcord.Env]:  # type: ignore[no-untyped-def]
    """A running simulated Discord with the real bot logged in."""
    # Every SimCord operation (a click, or advancing virtual time by days) must settle within
    # this many real seconds; sleeps shorter than it are waited out for real during a click,
    # so the bot's own short sleeps (DM gap) are 0 here and its retries are longer than this.
    world = simcord.Env(make_bot(), settle_timeout=SETTLE_TIMEOUT)
    clock.env = world
    await world.start()
    try:
        yield world
    finally:
        await world.shutdown()
        await world.bot.close()  # closes the database, as a real shutdown does
        if world.check_errors:
            world._raise_errors_since(world._errors_acknowledged)

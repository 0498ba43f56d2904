"""The scheduler lease through the real bot on SimCord: a second process started by mistake on
the same database schedules nothing while the first runs, and takes over once the first has
stopped (at once if it released the lease, when the lease expires if it died without a word).

SimCord runs one bot per event loop, so the second process is a second bot of the same
settings with its own database connection, services and scheduler, sending through the one
simulated Discord the first bot is connected to: two processes with one token reach the
same Discord. Nothing here sleeps for real; the lease lives ten minutes of virtual time.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
import simcord

from bot.app import CoreflectBot
from bot.core.models import Phase
from bot.exts._messenger import DiscordMessenger
from bot.services.lease import LEASE_TTL
from bot.settings import Settings
from tests.bot.world import PROJECT, World, make_world

OPENS = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)  # SimCord's clock starts at midnight


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # A production-like sleep, so both schedulers keep the production lease of ten minutes.
    return dataclasses.replace(settings, scheduler_max_sleep=600.0)


@pytest_asyncio.fixture
async def second(  # type: ignore[no-untyped-def]
    env: simcord.Env, make_bot, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[CoreflectBot]:
    """A second bot on the same database, started after the first."""
    caplog.set_level(logging.INFO, logger="bot.services.lease")
    other: CoreflectBot = make_bot()
    await other.open_store()  # its own connection to the same file
    messenger = DiscordMessenger(env.bot, prompts=other.prompts, frameworks=other.frameworks)
    other.services = other.build_services(messenger)
    # SimCord runs on virtual time what the bot it drives starts (a private hook, as in
    # tests/bot/world.py): the second scheduler's sleeps must be virtual too.
    with env._bot_scope():
        other.scheduler.start()
    await env.settle()
    try:
        yield other
    finally:
        await other.scheduler.stop()
        await other.store.close()


async def advance_to(env: simcord.Env, moment: datetime) -> None:
    await env.advance_time((moment - env.now()).total_seconds())


async def a_project_opening_at_one(env: simcord.Env) -> World:
    world = make_world(env, members=3)
    await world.create_project(
        starts="2026-01-01", ends="2026-03-01", timezone="Europe/London", checkin_time="01:00"
    )
    await world.join_all()
    return world


def invitations(world: World) -> list[list[datetime]]:
    """When each member got an invitation to the beginning check-in."""
    found = []
    for member in world.members:
        channel = member.user.dm_channel
        messages = channel.history() if channel is not None else []
        found.append([m.created_at for m in messages if "It's time to reflect" in m.content])
    return found


async def test_a_second_process_on_the_same_database_sends_nothing_twice(
    env: simcord.Env, second: CoreflectBot, caplog: pytest.LogCaptureFixture
):
    world = await a_project_opening_at_one(env)

    await advance_to(env, OPENS + timedelta(hours=2))

    assert invitations(world) == [[OPENS]] * 3  # one each, from the first bot
    assert env.bot.scheduler.lease.held
    assert not second.scheduler.lease.held
    # It said so once, though it looked again many times in those hours.
    logged = [*caplog.get_records("setup"), *caplog.get_records("call")]
    assert [r.getMessage() for r in logged if r.name == "bot.services.lease"].count(
        "another process runs the scheduler of this database: this one schedules nothing "
        "until that one stops"
    ) == 1


async def test_when_the_first_dies_the_second_takes_over_once_its_lease_expires(
    env: simcord.Env, second: CoreflectBot
):
    world = await a_project_opening_at_one(env)
    await advance_to(env, OPENS - timedelta(minutes=1))
    # The first process dies without a word: its database is gone before it could release.
    await env.bot.store.close()
    await env.bot.scheduler.stop()
    expiry = await second.store.lease_expiry()
    assert expiry is not None and OPENS < expiry <= OPENS - timedelta(minutes=1) + LEASE_TTL

    await advance_to(env, expiry - timedelta(seconds=1))
    assert invitations(world) == [[]] * 3  # due, but nobody may schedule yet
    await advance_to(env, expiry + timedelta(minutes=1))

    assert invitations(world) == [[expiry]] * 3  # the second took over, and sent each one
    assert second.scheduler.lease.held


async def test_when_the_first_stops_cleanly_the_second_takes_over_at_its_next_look(
    env: simcord.Env, second: CoreflectBot
):
    world = await a_project_opening_at_one(env)
    await advance_to(env, OPENS - timedelta(minutes=1))
    await env.bot.scheduler.stop()  # as on SIGTERM: the lease is released
    assert await second.store.lease_expiry() is None

    await advance_to(env, OPENS + LEASE_TTL)

    [[sent]] = {tuple(times) for times in invitations(world)}
    assert OPENS <= sent < OPENS + LEASE_TTL
    assert second.scheduler.lease.held


async def test_a_check_in_opened_by_the_other_process_is_not_left_out_of_the_agenda(
    env: simcord.Env, second: CoreflectBot
):
    # The second process opens a check-in through its own services: its wake-up reaches only
    # its own scheduler, which does not hold the lease. The first still learns of it (the
    # store names its invitations as due), and the second, once it takes the lease over,
    # reads its agenda afresh rather than trusting what it knew before.
    world = make_world(env, members=3)
    await world.create_project(starts="2026-03-02", ends="2026-06-01")
    await world.join_all()
    project = await second.store.find_project(env.guild.id, PROJECT)
    assert project is not None
    checkin = await second.services.checkins.open_checkin(project, Phase.BEGINNING)
    opened = env.now()

    await env.advance_time(LEASE_TTL.total_seconds())  # the first's longest sleep, and more

    assert [len(times) for times in invitations(world)] == [1, 1, 1]  # once each
    # At its next look, at most its longest sleep later (as before it kept an agenda).
    assert all(opened <= times[0] <= opened + LEASE_TTL for times in invitations(world)), (
        opened,
        invitations(world),
    )
    assert checkin.id in env.bot.scheduler.agenda.entries
    reads = second.scheduler.agenda.reads
    await env.bot.scheduler.stop()  # the lease is released
    await env.advance_time(LEASE_TTL.total_seconds())
    assert second.scheduler.lease.held
    assert second.scheduler.agenda.reads > reads
    assert checkin.id in second.scheduler.agenda.entries

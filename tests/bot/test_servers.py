"""A server that removes the bot: its data is erased after the grace period, unless the bot is
added back first. Driven through the real bot on SimCord, on virtual time."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
import simcord

from bot.settings import Settings, SettingsError
from tests.bot.world import (
    PROJECT,
    World,
    add_bot_back,
    advance_to,
    answer,
    make_world,
    remove_bot,
)

# Every table that holds a server's data, directly or under one of its projects.
GUILD_TABLES = (
    "projects",
    "guild_settings",
    "audit_log",
    "guild_departures",
    "server_frameworks",
)
PROJECT_TABLES = (
    "participants",
    "checkins",
    "scheduled_checkins",
    "redaction_names",
    "invitations",
    "responses",
    "answers",
)


def held(path: Path, guild_id: int) -> dict[str, int]:
    """How many rows of each table belong to the server."""
    counts: dict[str, int] = {}
    with closing(sqlite3.connect(path)) as db:
        for table in GUILD_TABLES:
            counts[table] = db.execute(
                f"SELECT count(*) FROM {table} WHERE guild_id = ?",
                (guild_id,),
            ).fetchone()[0]
        projects = "SELECT id FROM projects WHERE guild_id = ?"
        for table in PROJECT_TABLES:
            if table in ("invitations", "responses", "answers"):
                where = f"checkin_id IN (SELECT id FROM checkins WHERE project_id IN ({projects}))"
            else:
                where = f"project_id IN ({projects})"
            counts[table] = db.execute(
                f"SELECT count(*) FROM {table} WHERE {where}",
                (guild_id,),
            ).fetchone()[0]
    return counts


async def a_server_with_answers(env: simcord.Env) -> World:
    world = make_world(env, members=3)
    await world.create_project()
    await world.join_all()
    await world.facilitator.slash(world.channel, "settings thresholds", scores=3, comments=3)
    await world.open_checkin()
    for member in world.members:
        await answer(member, 4)
    return world


async def test_a_server_that_removed_the_bot_is_erased_after_30_days(env):
    world = await a_server_with_answers(env)
    other = make_world(env, members=2)
    await other.create_project(name="Other Board")
    await other.join_all()
    path = env.bot.store.path
    before = held(path, world.guild.id)
    assert all(before[table] for table in GUILD_TABLES[:3] + PROJECT_TABLES)
    kept = held(path, other.guild.id)

    removed_at = env.now()
    await remove_bot(env, world)
    assert held(path, world.guild.id)["guild_departures"] == 1

    await advance_to(env, removed_at + timedelta(days=29, hours=23))
    assert held(path, world.guild.id) == {**before, "guild_departures": 1}  # not yet

    await advance_to(env, removed_at + timedelta(days=30, minutes=1))
    assert set(held(path, world.guild.id).values()) == {0}
    # The server that kept the bot keeps its data (its check-in has run meanwhile).
    still = held(path, other.guild.id)
    for table in ("projects", "participants", "scheduled_checkins", "audit_log"):
        assert still[table] == kept[table], table
    assert still["checkins"] == 1
    assert await env.bot.store.find_project(other.guild.id, "Other Board") is not None


async def test_a_server_that_adds_the_bot_back_in_time_keeps_everything(env):
    world = await a_server_with_answers(env)
    path = env.bot.store.path
    before = held(path, world.guild.id)

    removed_at = env.now()
    removed = await remove_bot(env, world)
    await advance_to(env, removed_at + timedelta(days=20))
    await add_bot_back(env, removed)
    assert held(path, world.guild.id)["guild_departures"] == 0

    await advance_to(env, removed_at + timedelta(days=45))
    after = held(path, world.guild.id)
    assert {table: after[table] for table in GUILD_TABLES} == {
        table: before[table] for table in GUILD_TABLES
    }
    assert after["answers"] == before["answers"]
    assert after["participants"] == before["participants"]
    assert await env.bot.store.find_project(world.guild.id, PROJECT) is not None


async def test_the_grace_period_is_a_setting(env):
    world = await a_server_with_answers(env)
    env.bot.services.guilds.removed_server_days = 2  # as if COREFLECT_REMOVED_SERVER_DAYS=2
    removed_at = env.now()
    await remove_bot(env, world)

    await advance_to(env, removed_at + timedelta(days=2, minutes=1))
    assert set(held(env.bot.store.path, world.guild.id).values()) == {0}


async def test_nothing_new_happens_on_a_server_while_it_has_removed_the_bot(env):
    away, stays = make_world(env, members=2), make_world(env, members=2)
    for world in (away, stays):
        await world.create_project()
        await world.join_all()
        await world.open_checkin()  # nobody answers: reminders fall due
    sent = {m.id: len(m.user.dm_channel.history()) for m in away.members + stays.members}
    removed_at = env.now()
    await remove_bot(env, away)

    await advance_to(env, removed_at + timedelta(days=8))

    def new_dms(world: World) -> int:
        return sum(len(m.user.dm_channel.history()) - sent[m.id] for m in world.members)

    assert new_dms(stays) > 0  # the server that kept the bot was reminded
    assert new_dms(away) == 0  # the one that removed it was not
    project = await env.bot.store.find_project(away.guild.id, PROJECT)
    [checkin] = await env.bot.store.list_checkins(project.id)
    assert not checkin.is_open  # its check-in still closed on time; its data is kept


def test_the_grace_period_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).removed_server_days == 30
    assert Settings.from_env({"COREFLECT_REMOVED_SERVER_DAYS": "7"}).removed_server_days == 7
    for wrong in ("0", "-3", "two", "4000"):
        with pytest.raises(SettingsError, match="COREFLECT_REMOVED_SERVER_DAYS"):
            Settings.from_env({"COREFLECT_REMOVED_SERVER_DAYS": wrong})

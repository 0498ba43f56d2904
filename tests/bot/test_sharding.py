"""COREFLECT_SHARDS: the same bot over several gateway connections, on a sharded SimCord.

SimCord runs an AutoShardedBot over simulated shards: each server belongs to the shard its
id falls to, and the bot must answer on every one. With `auto` the real bot asks Discord for
the recommended count when it connects; SimCord has no such endpoint, so the simulated
world is told the count (as Discord would answer it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

import discord
import pytest
import simcord
from discord.ext import commands

from bot.__main__ import main
from bot.app import CoreflectBot, ShardedCoreflectBot, create_bot
from bot.settings import Settings
from bot.simworld import SETTLE_TIMEOUT, VirtualClock
from tests.bot.world import PROJECT, reply_text


@asynccontextmanager
async def sharded_world(
    settings: Settings,
    clock: VirtualClock,
    shards: int | Literal["auto"],
    *,
    discord_recommends: int | None = None,
) -> AsyncIterator[simcord.Env]:
    """The real bot with COREFLECT_SHARDS=`shards`, logged in to a sharded SimCord."""
    bot = create_bot(dataclasses.replace(settings, shards=shards), clock=clock)
    world = simcord.Env(bot, settle_timeout=SETTLE_TIMEOUT, shard_count=discord_recommends)
    clock.env = world
    await world.start()
    try:
        yield world
    finally:
        await world.shutdown()
        await bot.close()
        world.raise_errors()


async def create_project_on(env: simcord.Env, shard_id: int, name: str) -> str:
    """A facilitator in a server of shard `shard_id` creates a project; what they see."""
    guild = env.create_guild(name=f"Server {shard_id}", shard_id=shard_id)
    channel = guild.create_text_channel("youth-board")
    lead = guild.create_role("Lead", permissions=discord.Permissions(manage_guild=True))
    facilitator = guild.add_member(env.create_user(f"sam{shard_id}"), roles=[lead])
    result = await facilitator.slash(
        channel,
        "project create",
        name=name,
        channel=channel,
        starts="2026-01-05",
        ends="2026-06-26",
    )
    return reply_text(result)


def test_without_shards_the_bot_is_the_plain_one(settings: Settings) -> None:
    bot = create_bot(settings)
    assert type(bot) is CoreflectBot
    assert not isinstance(bot, commands.AutoShardedBot)


@pytest.mark.parametrize(("shards", "count"), [(2, 2), (1, 1), ("auto", None)])
def test_shards_make_an_auto_sharded_bot(
    settings: Settings, shards: int | Literal["auto"], count: int | None
) -> None:
    bot = create_bot(dataclasses.replace(settings, shards=shards))
    assert isinstance(bot, ShardedCoreflectBot)
    assert isinstance(bot, CoreflectBot)  # what the tests and the tree know it by
    assert isinstance(bot, commands.AutoShardedBot)
    assert bot.shard_count == count  # None: Discord says how many when the bot connects


@pytest.mark.parametrize(
    ("value", "shards"), [("auto", "auto"), ("Auto", "auto"), ("2", 2), (" 16 ", 16)]
)
def test_coreflect_shards_is_auto_or_a_number(value: str, shards: int | str) -> None:
    assert Settings.from_env({"COREFLECT_SHARDS": value}).shards == shards
    assert Settings.from_env({}).shards is None


@pytest.mark.parametrize("value", ["0", "-2", "two", "2.5", "auto,2", ""])
def test_a_bad_shard_count_stops_the_start_in_one_sentence(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the machine's
    monkeypatch.setenv("COREFLECT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COREFLECT_SHARDS", value)
    assert main(["run"]) == 2
    out = capsys.readouterr().out
    assert out == (
        "COREFLECT_SHARDS must be auto (as many shards as Discord recommends) or a whole "
        "number of shards, 1 or more\n"
    )


@pytest.mark.parametrize(("shards", "recommended"), [(2, None), ("auto", 2)])
async def test_a_sharded_bot_answers_commands_in_servers_on_every_shard(
    settings: Settings, clock: VirtualClock, shards: int | Literal["auto"], recommended: int | None
) -> None:
    async with sharded_world(settings, clock, shards, discord_recommends=recommended) as env:
        assert isinstance(env.bot, ShardedCoreflectBot)
        assert env.bot.shard_count == 2
        assert sorted(env.bot.shards) == [0, 1]
        for shard_id in (0, 1):
            name = f"{PROJECT} {shard_id}"
            text = await create_project_on(env, shard_id, name)
            assert name in text, text
        # Each project's server is on its own shard, and the bot saw both.
        stored = await env.bot.store.list_all_projects()
        guilds = [env.bot.get_guild(project.guild_id) for project in stored]
        assert sorted(guild.shard_id for guild in guilds if guild is not None) == [0, 1]

"""`python -m bench.memory coreflect|noop SERVERS`: one bot in a SimCord world of SERVERS
servers with 5 projects each; prints the process's peak resident memory (KiB, VmHWM) last.

Run as a child process by `bench`, once per bot, so each figure is one process's own peak.
The real bot's projects (and 5 members joined to each) are written with the store before it
starts; it then connects, runs its first scheduler pass, and answers `/project list` in
some servers. The no-op bot connects to the same world and does nothing.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import simcord
from discord.ext import commands

# Nothing of the bot (nor of the rest of the benchmark, which imports it) is imported at the
# top: the no-op bot's process must not carry the real bot's modules.

PROJECTS_PER_SERVER = 5
MEMBERS = 5


@dataclass
class Server:
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    facilitator: simcord.MemberActor
    members: list[simcord.MemberActor]


def make_server(env: simcord.Env, index: int) -> Server:
    guild = env.create_guild(name=f"Server {index}")
    channel = guild.create_text_channel("youth-board")
    lead = guild.create_role("Lead", permissions=discord.Permissions(manage_guild=True))
    facilitator = guild.add_member(env.create_user(f"sam{index}"), roles=[lead])
    members = [guild.add_member(env.create_user(f"member{index}-{m}")) for m in range(MEMBERS)]
    return Server(guild, channel, facilitator, members)


def noop_bot() -> commands.Bot:
    return commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        help_command=None,
    )


async def fill(database: Path, worlds: list[Server]) -> None:
    from datetime import UTC, date, datetime
    from datetime import time as day_time

    from bench.build import FRAMEWORK, Clock, fast_store
    from bot.core.models import NewProject

    store = await fast_store(database, Clock(datetime(2026, 1, 1, tzinfo=UTC)))
    try:
        for g, world in enumerate(worlds):
            for p in range(PROJECTS_PER_SERVER):
                project = await store.create_project(
                    NewProject(
                        guild_id=world.guild.id,
                        name=f"Project {g}-{p}",
                        channel_id=world.channel.id,
                        starts_on=date(2026, 3, 2),
                        ends_on=date(2026, 6, 26),
                        framework_id=FRAMEWORK,
                        timezone="Europe/London",
                        checkin_time=day_time(10),
                        window_days=7,
                    )
                )
                for member in world.members:
                    await store.add_participant(project.id, member.id, [member.user.name])
    finally:
        await store.close()


async def run(kind: str, servers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "coreflect.sqlite3"
        clock: Any = None
        bot: discord.Client
        if kind == "coreflect":
            from bench.sim import coreflect_bot

            bot, clock = coreflect_bot(database)
        else:
            bot = noop_bot()
        env = simcord.Env(bot, settle_timeout=600.0)
        if clock is not None:
            clock.env = env
        worlds = [make_server(env, g) for g in range(servers)]
        if kind == "coreflect":
            await fill(database, worlds)
        await env.start()
        try:
            await env.advance_time(60)
            if kind == "coreflect":
                for world in worlds[:: max(1, servers // 20)]:
                    await world.facilitator.slash(world.channel, "project list")
            await env.advance_time(60)
        finally:
            try:
                await env.shutdown()
            finally:
                await bot.close()


def peak_kib() -> int:
    """This process's peak resident memory, KiB. VmHWM, not ru_maxrss: Linux carries
    ru_maxrss across fork and exec, so a child started by a big parent reports the parent's
    size at the fork whatever it does itself."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    kind, servers = sys.argv[1], int(sys.argv[2])
    if kind not in ("coreflect", "noop"):
        print("usage: python -m bench.memory coreflect|noop SERVERS", file=sys.stderr)
        return 2
    asyncio.run(run(kind, servers))
    print(peak_kib())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bench.memory coreflect|noop SERVERS`: one bot in a SimCord world of SERVERS
servers with 5 projects each; prints the peak resident memory (KiB, VmHWM) of the process
the bot ran in, last.

Run by `bench` once per bot, so each figure is one process's own peak. The real bot's
projects (and 5 members joined to each) are in its database before it starts; it then
connects, runs its first scheduler pass, and answers `/project list` in some servers. The
no-op bot connects to the same world and does nothing.

What makes the two figures comparable:

- Each bot runs in a process of its own (`measure`), started by this command, which only
  waits for it. The figure is that process's VmHWM, which a child does not inherit.
- The database is written before the real bot's process exists, by another child (`fill`),
  with the store's own methods (bench.build's bulk path). Writing 5,000 projects and 25,000
  participants is the benchmark's work, not the bot's: its SQLite pages, its second
  connection and its temporary objects are not in the bot's peak.
- Both processes build the same world the same way (`make_server`, in the same order)
  before anything else happens in it. SimCord allocates its ids from a virtual clock that
  starts at the same instant in every process, with a sequence per millisecond, so the
  same calls give the same ids: the projects `fill` wrote name the guilds, channels and
  members the bot then sees. Each child prints a digest of the world's ids, and this
  command refuses to print a figure when they differ (`WorldMismatch`).
- The measured processes import the same things first (this module: discord, simcord,
  discord.ext.commands); the real bot's then imports only what running the bot takes: its
  settings, `create_bot` and the virtual clock it reads (`bot.simworld`, the bot's own
  SimCord driver). Nothing else of the benchmark (bench.sim, bench.build) is loaded in it.
"""

from __future__ import annotations

import asyncio
import hashlib
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import simcord
from discord.ext import commands

from bench import SECRET

# Nothing of the bot (nor of the rest of the benchmark, which imports it) is imported at the
# top: the no-op bot's process must not carry the real bot's modules.

PROJECTS_PER_SERVER = 5
MEMBERS = 5
MAX_SLEEP = 86400.0  # the scheduler's longest sleep, as in bench.sim
USAGE = (
    "usage: python -m bench.memory coreflect|noop SERVERS\n"
    "       python -m bench.memory fill DATABASE SERVERS\n"
    "       python -m bench.memory measure coreflect SERVERS DATABASE\n"
    "       python -m bench.memory measure noop SERVERS"
)


class WorldMismatch(RuntimeError):
    """The database was filled for another world than the one the bot was measured in."""


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


def make_world(env: simcord.Env, servers: int) -> list[Server]:
    return [make_server(env, g) for g in range(servers)]


def world_digest(worlds: list[Server]) -> str:
    """A digest of every id the fill and the bot rely on, in order."""
    digest = hashlib.sha256()
    for world in worlds:
        ids = [world.guild.id, world.channel.id, world.facilitator.id]
        ids += [member.id for member in world.members]
        digest.update(",".join(map(str, ids)).encode() + b";")
    return digest.hexdigest()


def noop_bot() -> commands.Bot:
    return commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        help_command=None,
    )


def coreflect_bot(database: Path) -> tuple[discord.Client, Any]:
    """The real bot as bench.sim builds it (`coreflect_bot`), without the rest of the
    benchmark that module imports."""
    from bot.app import create_bot
    from bot.settings import Settings
    from bot.simworld import VirtualClock

    clock = VirtualClock()
    settings = Settings(
        database_path=database,
        secret=SECRET.decode(),
        dm_gap_seconds=0.0,
        scheduler_max_sleep=MAX_SLEEP,
    )
    return create_bot(settings, clock=clock), clock


async def fill(database: Path, servers: int) -> str:
    """Writes the world's projects and members into `database`; returns the world's digest.
    The world is built, never started: only its ids are needed."""
    from datetime import UTC, date, datetime
    from datetime import time as day_time

    from bench.build import FRAMEWORK, Clock, fast_store
    from bot.core.models import NewProject

    worlds = make_world(simcord.Env(noop_bot()), servers)
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
    return world_digest(worlds)


async def measure(servers: int, database: Path | None) -> str:
    """Runs one bot in the world, the real one on `database` or the no-op one without;
    returns the world's digest."""
    clock: Any = None
    bot: discord.Client
    if database is not None:
        bot, clock = coreflect_bot(database)
    else:
        bot = noop_bot()
    env = simcord.Env(bot, settle_timeout=600.0)
    if clock is not None:
        clock.env = env
    worlds = make_world(env, servers)
    digest = world_digest(worlds)
    await env.start()
    try:
        await env.advance_time(60)
        if database is not None:
            for world in worlds[:: max(1, servers // 20)]:
                await world.facilitator.slash(world.channel, "project list")
        await env.advance_time(60)
    finally:
        try:
            await env.shutdown()
        finally:
            await bot.close()
    return digest


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


def child(*args: str) -> list[str]:
    """The words a `python -m bench.memory ...` child printed on its last line."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", *args],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return done.stdout.splitlines()[-1].split()


def peak_of(kind: str, servers: int) -> int:
    """VmHWM (KiB) of a process running `kind` in the world, on a database filled before it."""
    if kind == "noop":
        _, kib = child("measure", kind, str(servers))
        return int(kib)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "coreflect.sqlite3"
        (filled,) = child("fill", str(database), str(servers))
        digest, kib = child("measure", kind, str(servers), str(database))
    if digest != filled:
        raise WorldMismatch(f"filled for world {filled[:12]}, measured in {digest[:12]}")
    return int(kib)


def main(argv: list[str]) -> int:
    match argv:
        case ["coreflect" | "noop" as kind, servers]:
            print(peak_of(kind, int(servers)))
        case ["fill", database, servers]:
            print(asyncio.run(fill(Path(database), int(servers))))
        case ["measure", "coreflect", servers, database]:
            print(asyncio.run(measure(int(servers), Path(database))), peak_kib())
        case ["measure", "noop", servers]:
            print(asyncio.run(measure(int(servers), None)), peak_kib())
        case _:
            print(USAGE, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The benchmark's SimCord side: the real bot or a trivial one in a simulated world, clocks
on what they do, and a sampler of event-loop stalls.

SimCord's time is virtual, but the work the bot does is real: every figure here is real time
(`time.perf_counter`) or CPU time around what happens inside one SimCord run.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import simcord
from discord import app_commands
from discord.ext import commands

from bench import SECRET
from bot.app import CoreflectBot, create_bot, settle_long_lived
from bot.settings import Settings
from bot.simworld import VirtualClock, World, arrange, labels

PROJECT = "Youth Board"
SETTLE_TIMEOUT = 120.0
MAX_SLEEP = 86400.0
NAMES = ["amira", "ben", "chidi", "dana", "eli", "farah", "gus", "hana", "ivo", "jo"]
SCALE = ["Not yet", "A little", "Partly", "Mostly", "Fully"]


EnvClock = VirtualClock  # the bot's clock, reading SimCord's virtual time


def coreflect_settings(database: Path, *, dm_gap: float = 0.0) -> Settings:
    return Settings(
        database_path=database,
        secret=SECRET.decode(),
        dm_gap_seconds=dm_gap,
        scheduler_max_sleep=MAX_SLEEP,
    )


def copy_database(source: Path | None, folder: Path) -> Path:
    """A private copy of a cached database (the run writes to it), or a new path."""
    target = folder / "coreflect.sqlite3"
    if source is not None:
        shutil.copyfile(source, target)
        target.chmod(0o600)
    return target


class TimedLog(list[Any]):
    """SimCord's record of REST requests, with the real time each one arrived."""

    def __init__(self, entries: list[Any]) -> None:
        super().__init__(entries)
        self.times = [0.0] * len(entries)

    def append(self, entry: Any) -> None:
        self.times.append(time.perf_counter())
        super().append(entry)


def timed_log(env: simcord.Env) -> TimedLog:
    log = env.backend.http_requests
    if not isinstance(log, TimedLog):
        log = TimedLog(log)
        env.backend.http_requests = log
    return log


async def ack_time(env: simcord.Env, action: Awaitable[Any]) -> tuple[float, Any]:
    """Real seconds from sending an interaction to the bot's first answer to it (the callback
    that acknowledges it: a message, an edit, a deferral or a modal), and the result."""
    log = timed_log(env)
    start_index = len(log)
    start = time.perf_counter()
    result = await action
    for index in range(start_index, len(log)):
        entry = log[index]
        if entry.method == "POST" and entry.path.startswith("/interactions/"):
            return log.times[index] - start, result
    raise RuntimeError("the bot never acknowledged the interaction")


@dataclass
class LoopLag:
    """Samples the event loop: sleeps 1 ms again and again, and keeps the longest overshoot
    (how long the loop was busy with something else)."""

    interval: float = 0.001
    longest: float = 0.0
    samples: int = 0
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    async def _sample(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.interval)
            lag = time.perf_counter() - start - self.interval
            self.samples += 1
            self.longest = max(self.longest, lag)

    def start(self) -> None:
        self.longest, self.samples = 0.0, 0
        self._task = asyncio.get_running_loop().create_task(self._sample())

    async def stop(self) -> float:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        return self.longest


@contextmanager
def cpu_clock() -> Iterator[Callable[[], float]]:
    """CPU seconds of this process spent inside the block (read the result after it)."""
    start = time.process_time()
    spent: list[float] = []
    yield lambda: spent[0]
    spent.append(time.process_time() - start)


# -- worlds --------------------------------------------------------------------------------------


def make_world(env: simcord.Env, members: int, name: str = "Riverside") -> World:
    return arrange(env, name, [NAMES[i % len(NAMES)] + str(i) for i in range(members)])


async def start_env(bot: discord.Client, clock: EnvClock | None = None) -> simcord.Env:
    env = simcord.Env(bot, settle_timeout=SETTLE_TIMEOUT)
    if clock is not None:
        clock.env = env
    await env.start()
    timed_log(env)
    return env


async def stop_env(env: simcord.Env) -> None:
    try:
        await env.shutdown()
    finally:
        await env.bot.close()  # closes the database, whose thread would keep the process up


def set_the_simulation_aside() -> None:
    """Takes what the simulated Discord has kept so far out of the garbage collector's walks
    (`gc.collect`, then `gc.freeze`), between two measured interactions.

    SimCord lives in the bot's process and keeps a record of every request, interaction and
    message; on Discord all of that is on Discord's side. Left in the collector's sight it
    grows by about 20,000 objects a check-in, and each full collection that walks it (a
    few a run, 15-190 ms each) lands on whichever acknowledgement is being timed: with a
    few dozen samples of a kind, that one sample is the kind's p99. Both bots get the same
    treatment, at the same points of the same script; the bot's own objects that live on
    are fewer than ten a check-in, so freezing them hides nothing of its own.
    """
    gc.collect()
    gc.freeze()


def coreflect_bot(database: Path, *, dm_gap: float = 0.0) -> tuple[CoreflectBot, EnvClock]:
    clock = EnvClock()
    return create_bot(coreflect_settings(database, dm_gap=dm_gap), clock=clock), clock


class Answering:
    """One member going through a check-in in DMs, always on the message they look at."""

    def __init__(self, env: simcord.Env, member: simcord.MemberActor) -> None:
        self.env = env
        self.user = member.user
        self.message: Any = member.user.dm_channel.last_message

    async def click(self, label: str) -> tuple[float, Any]:
        seconds, result = await ack_time(self.env, self.user.click(self.message, label=label))
        if result.response is not None and not result.followups:
            self.message = result.response.message
        return seconds, result

    async def rate(self, value: int) -> float:
        label = next(t for t in labels(self.message) if t.startswith(f"{value} ·"))
        return (await self.click(label))[0]


# -- the trivial bot ------------------------------------------------------------------------------


class TrivialSteps(discord.ui.View):
    """A DM step like the real bot's: five rating buttons and Submit, nothing stored."""

    def __init__(self) -> None:
        super().__init__(timeout=None)
        for value, label in enumerate(SCALE, start=1):
            self.add_item(
                discord.ui.Button(label=f"{value} · {label}", custom_id=f"trivial:rate:{value}")
            )
        self.add_item(discord.ui.Button(label="Submit", custom_id="trivial:submit"))


def trivial_bot() -> commands.Bot:
    """A discord.py bot that answers the benchmark's interactions at once, with no work: the
    same slash commands (a one-line ephemeral reply) and DM buttons (an edit in place)."""
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        help_command=None,
    )
    project = app_commands.Group(name="project", description="Projects")
    checkin = app_commands.Group(name="checkin", description="Check-ins")
    mydata = app_commands.Group(name="mydata", description="Your data")

    @project.command(name="show", description="One project")
    async def project_show(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"{name}: 10 participants", ephemeral=True)

    @checkin.command(name="status", description="How many have answered")
    async def checkin_status(interaction: discord.Interaction, project: str) -> None:
        await interaction.response.send_message(f"{project}: 3 of 10", ephemeral=True)

    @mydata.command(name="show", description="Your answers")
    async def mydata_show(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Your answers", ephemeral=True)

    @app_commands.command(name="start", description="A DM with buttons")
    async def start(interaction: discord.Interaction) -> None:
        await interaction.user.send("Step 1 of 10", view=TrivialSteps())
        await interaction.response.send_message("Sent", ephemeral=True)

    @app_commands.command(name="invite", description="DMs everyone in bench_targets")
    async def invite(interaction: discord.Interaction) -> None:
        # The CPU baseline for invitations: open each DM channel and send, as cheaply as
        # discord.py can (SimCord's own work, and discord.py's, without the bot's).
        await interaction.response.defer(ephemeral=True)
        steps = TrivialSteps()  # built once, as the real bot builds its invitation once
        for user_id in getattr(bot, "bench_targets", []):
            channel = await bot.create_dm(discord.Object(id=user_id))
            await channel.send("You are invited", view=steps)
        await interaction.followup.send("Sent", ephemeral=True)

    commands_: list[app_commands.Group | app_commands.Command[Any, Any, Any]]
    commands_ = [project, checkin, mydata, start, invite]
    for command in commands_:
        bot.tree.add_command(command)

    @bot.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            await interaction.response.edit_message(content="Step 2 of 10", view=TrivialSteps())

    # What the real bot does with what it builds to start (`bot.app.settle_long_lived`), the
    # trivial one does too: in one process with the simulated world, freezing also takes
    # the world's objects out of the collector's walks, and the comparison is of the bots'
    # own work, not of a collector walking the simulation for one of them only.
    async def setup_hook() -> None:
        await bot.tree.sync()
        settle_long_lived()

    @bot.event
    async def on_ready() -> None:
        settle_long_lived()

    close = bot.close

    async def close_and_unfreeze() -> None:
        await close()
        gc.unfreeze()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    bot.close = close_and_unfreeze  # type: ignore[method-assign]
    return bot


def noop_bot() -> commands.Bot:
    """A discord.py bot that does nothing at all (the memory baseline)."""
    return commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        help_command=None,
    )

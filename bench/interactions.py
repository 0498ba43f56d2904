"""Interaction acks: the real bot on a big database against a trivial bot, same interactions.

Each run plays the same script in a fresh SimCord world: a facilitator and members in one
server; every member rates every component and submits; after each member, the facilitator
asks `/checkin status` and `/project show` and the member asks `/mydata show`, four times
over (`COMMAND_ROUNDS`). The real bot does this twice (two check-ins of one project, the
first closed before the second opens), on a copy of the cached database, so its history is
there; the trivial bot answers the same clicks and commands with no work at all. Between
members, both set the simulation's own objects aside (`set_the_simulation_aside`).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import simcord

from bench.sim import (
    PROJECT,
    Answering,
    World,
    ack_time,
    copy_database,
    coreflect_bot,
    make_world,
    set_the_simulation_aside,
    start_env,
    stop_env,
    trivial_bot,
)

KINDS = ("rating click", "Submit", "/checkin status", "/project show", "/mydata show")
# Each member's three commands are asked this many times over: a p99 of one sample in 40
# is that run's slowest, whichever hiccup of the machine it met.
COMMAND_ROUNDS = 4


@dataclass
class Acks:
    """Real seconds to each acknowledgement, by kind of interaction."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})

    def add(self, kind: str, value: float) -> None:
        self.seconds[kind].append(value)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def _commands(world: World, member: simcord.MemberActor, acks: Acks) -> None:
    env, facilitator, channel = world.env, world.facilitator, world.channel
    for _ in range(COMMAND_ROUNDS):
        seconds, _ = await ack_time(
            env, facilitator.slash(channel, "checkin status", project=PROJECT)
        )
        acks.add("/checkin status", seconds)
        seconds, _ = await ack_time(env, facilitator.slash(channel, "project show", name=PROJECT))
        acks.add("/project show", seconds)
        seconds, _ = await ack_time(env, member.slash(channel, "mydata show"))
        acks.add("/mydata show", seconds)


async def real_run(database: Path | None, members: int, components: int) -> Acks:
    """The real bot, on a copy of `database`: two check-ins answered in full."""
    acks = Acks()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as folder:
        bot, clock = coreflect_bot(copy_database(database, Path(folder)))
        env = await start_env(bot, clock)
        try:
            world = make_world(env, members)
            await world.create_project(PROJECT)
            await world.join_all()
            for phase in ("extra", "extra"):
                await world.facilitator.slash(
                    world.channel, "checkin open", project=PROJECT, phase=phase
                )
                await env.advance_time(1)
                for member in world.members:
                    answering = Answering(env, member)
                    await answering.click("Start")
                    for _ in range(components):
                        acks.add("rating click", await answering.rate(rng.randint(1, 5)))
                    await answering.click("Yes")
                    await answering.click("Not sure")
                    await answering.click("Next")
                    seconds, _ = await answering.click("Submit")
                    acks.add("Submit", seconds)
                    await _commands(world, member, acks)
                    set_the_simulation_aside()
                await world.facilitator.slash(world.channel, "checkin close", project=PROJECT)
                await env.advance_time(60)
        finally:
            await stop_env(env)
    return acks


async def trivial_run(members: int, components: int) -> Acks:
    """The trivial bot, the same clicks and commands in the same kind of world."""
    acks = Acks()
    rng = random.Random(3)
    env = await start_env(trivial_bot())
    try:
        world = make_world(env, members)
        for _ in range(2):
            for member in world.members:
                await member.slash(world.channel, "start")
                answering = Answering(env, member)
                for _ in range(components):
                    acks.add("rating click", await answering.rate(rng.randint(1, 5)))
                seconds, _ = await answering.click("Submit")
                acks.add("Submit", seconds)
                await _commands(world, member, acks)
                set_the_simulation_aside()
    finally:
        await stop_env(env)
    return acks


@dataclass
class AckFigures:
    """Per kind: p50 and p99 of each bot (medians over runs), and their ratios."""

    real: dict[str, tuple[float, float]]
    trivial: dict[str, tuple[float, float]]
    samples: dict[str, int]

    def ratio(self, kind: str, which: int) -> float:
        return self.real[kind][which] / self.trivial[kind][which]


def _summarise(runs: list[Acks]) -> tuple[dict[str, tuple[float, float]], dict[str, int]]:
    out: dict[str, tuple[float, float]] = {}
    samples: dict[str, int] = {}
    for kind in KINDS:
        p50 = statistics.median(percentile(r.seconds[kind], 0.50) for r in runs)
        p99 = statistics.median(percentile(r.seconds[kind], 0.99) for r in runs)
        out[kind] = (p50, p99)
        samples[kind] = len(runs[0].seconds[kind])
    return out, samples


def measure(database: Path | None, runs: int, members: int, components: int = 10) -> AckFigures:
    """Alternate runs of the trivial bot and the real one; medians of their percentiles."""
    real: list[Acks] = []
    trivial: list[Acks] = []
    for _ in range(runs):
        trivial.append(asyncio.run(trivial_run(members, components)))
        real.append(asyncio.run(real_run(database, members, components)))
    real_figures, samples = _summarise(real)
    trivial_figures, _ = _summarise(trivial)
    return AckFigures(real_figures, trivial_figures, samples)

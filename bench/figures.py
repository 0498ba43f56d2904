"""The benchmark's figures other than interaction acks: each a function returning numbers."""

from __future__ import annotations

import asyncio
import cProfile
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path

import simcord

from bench.build import (
    COMMENT,
    FRAMEWORK,
    Clock,
    fast_store,
    library,
)
from bench.sim import (
    NAMES,
    PROJECT,
    EnvClock,
    LoopLag,
    World,
    copy_database,
    coreflect_bot,
    make_world,
    start_env,
    stop_env,
    timed_log,
    trivial_bot,
)
from bot.app import CoreflectBot, settle_long_lived
from bot.core import redaction
from bot.core.models import Answer, DirectionChoice, NewProject, Phase, Response, Thresholds
from bot.core.schedule import PlannedCheckin
from bot.core.summary import RedactedAhead, comment_redactor, summarise_checkin

# -- helpers --------------------------------------------------------------------------------------


def real_bot(env: simcord.Env) -> CoreflectBot:
    bot = env.bot
    assert isinstance(bot, CoreflectBot)
    return bot


async def create_and_join(world: World, name: str = PROJECT) -> None:
    await world.create_project(name)
    await world.join_all()


def comment_text(rng: random.Random, count: int) -> str:
    """A comment that names two members (redaction has work to do), with an e-mail address."""
    first, second = rng.randrange(count), rng.randrange(count)
    return (
        f"{NAMES[first % len(NAMES)]}{first} and {NAMES[second % len(NAMES)]}{second} said so. "
        f"{COMMENT} Write to someone{first}@example.org."
    )


async def answer_through_store(env: simcord.Env, world: World, *, comments: bool) -> None:
    """Every member answers the open check-in in full (the store calls a click makes)."""
    bot = real_bot(env)
    store = bot.store
    project = await store.find_project(world.guild.id, PROJECT)
    assert project is not None
    checkin = await store.current_checkin(project.id)
    assert checkin is not None
    framework = bot.frameworks.for_checkin(checkin)
    rng = random.Random(7)
    for member in world.members:
        for component in framework.components:
            await store.record_rating(checkin.id, member.id, component.key, rng.randint(1, 5))
            if comments:
                text = comment_text(rng, len(world.members))
                await store.record_comment(checkin.id, member.id, component.key, text)
        for check in framework.direction_checks:
            await store.record_choice(checkin.id, member.id, check.key, DirectionChoice.YES)
        await store.set_submitted(checkin.id, member.id, True)


# -- the close of a big check-in ------------------------------------------------------------------


async def close_stall_run(
    database: Path | None, members: int, profiler: cProfile.Profile | None = None
) -> float:
    """The longest loop stall while a check-in of `members` members, every component rated
    and commented, closes and its summary (with chart) is posted (under `profiler`, if
    given: the close alone)."""
    with tempfile.TemporaryDirectory() as folder:
        bot, clock = coreflect_bot(copy_database(database, Path(folder)))
        env = await start_env(bot, clock)
        try:
            world = make_world(env, members)
            await create_and_join(world)
            await world.facilitator.slash(
                world.channel, "checkin open", project=PROJECT, phase="beginning"
            )
            await env.advance_time(1)
            await answer_through_store(env, world, comments=True)
            lag = LoopLag()
            lag.start()
            if profiler is not None:
                profiler.enable()
            await world.facilitator.slash(world.channel, "checkin close", project=PROJECT)
            await env.advance_time(60)
            if profiler is not None:
                profiler.disable()
            return await lag.stop()
        finally:
            await stop_env(env)


def close_stall(database: Path | None, members: int, runs: int) -> float:
    return statistics.median(asyncio.run(close_stall_run(database, members)) for _ in range(runs))


# -- the disk ------------------------------------------------------------------------------------


def disk_flushes(count: int = 200) -> tuple[float, float]:
    """Seconds one flush to disk (fsync) of a 4 KiB write takes where the benchmark keeps
    its databases (the temporary folder), p50 and p99 of `count`.

    Every answer is on disk before the bot says so (`synchronous=FULL`), and its emptying of
    the write-ahead log flushes twice more: a click's ack can be no quicker than this
    machine's flushes, which the trivial bot never waits for.
    """
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "flush"
        with path.open("wb") as file:
            for _ in range(count):
                file.write(b"x" * 4096)
                file.flush()
                start = time.perf_counter()
                os.fsync(file.fileno())
                timings.append(time.perf_counter() - start)
    timings.sort()
    return timings[len(timings) // 2], timings[min(len(timings) - 1, round(0.99 * len(timings)))]


# -- summary maths --------------------------------------------------------------------------------


def summary_inputs(participants: int) -> tuple[list[Response], list[str]]:
    framework = library()[FRAMEWORK]
    rng = random.Random(participants)
    names = [f"{NAMES[i % len(NAMES)]}{i}" for i in range(participants)]
    names += [f"Member {i}" for i in range(participants)]
    responses = []
    for _ in range(participants):
        answers = {
            c.key: Answer(c.key, rating=rng.randint(1, 5), comment=comment_text(rng, participants))
            for c in framework.components
        }
        for check in framework.direction_checks:
            answers[check.key] = Answer(check.key, choice=DirectionChoice.YES)
        responses.append(Response(answers, submitted=True))
    return responses, names


def _comments(responses: list[Response]) -> list[str]:
    return [
        answer.comment.strip()
        for response in responses
        for answer in response.answers.values()
        if answer.comment
    ]


def forget_redactions() -> None:
    """Everything the redaction of comments keeps from one close for the next (the group's
    `Redactor`, name patterns, folded characters): as in a worker process just started."""
    comment_redactor.cache_clear()
    redaction._name_pattern.cache_clear()
    redaction._fold.cache_clear()


def summary_maths(participants: int, runs: int, *, redacted_ahead: bool = True) -> float:
    """Median CPU seconds of `summarise_checkin` for that many participants, each of whom
    rated and commented on every component (comments naming members, so redaction works).

    `redacted_ahead`: as the running bot closes a check-in, with each comment redacted when
    it was written (bot.services.redacting; `comment_redaction` times that part); without
    it, as in a close that comes before the copies are made again in the background (after
    a restart, a name added since the comments, or an erasure): every comment redacted here,
    each run as in a worker process that has not redacted these names before (nothing of
    their redaction kept from an earlier run: `forget_redactions`).

    CPU time of this thread, not wall time: the maths is one thread's pure computation, and
    on a shared machine wall time also counts whatever else ran (runs varied by half)."""
    framework = library()[FRAMEWORK]
    responses, names = summary_inputs(participants)
    hidden = tuple(names)
    redactor = comment_redactor(hidden)
    ahead = (
        RedactedAhead(hidden, {text: redactor.redact(text) for text in _comments(responses)})
        if redacted_ahead
        else None
    )
    timings = []
    for run in range(runs):
        # The close runs this in a worker process holding little else; here the benchmark's
        # process holds what its earlier figures left, which a full collection in the middle
        # of a run would walk: collected first, as the worker's heap would be.
        if not redacted_ahead:
            forget_redactions()
        gc.collect()
        start = time.thread_time()
        summarise_checkin(
            framework,
            Thresholds(),
            Phase.BEGINNING,
            invited=participants,
            responses=responses,
            names=names,
            rng=random.Random(run),
            ahead=ahead,
        )
        timings.append(time.thread_time() - start)
    return statistics.median(timings)


def comment_redaction(participants: int, runs: int) -> float:
    """Median CPU seconds to redact one comment of the maths' check-in under its names, as
    the bot does in a thread when the comment is written (the redaction built beforehand)."""
    responses, names = summary_inputs(participants)
    hidden, comments = tuple(names), _comments(responses)
    redactor = comment_redactor(hidden)  # the group's redaction, built once
    timings = []
    for _ in range(runs):
        gc.collect()
        start = time.thread_time()
        for text in comments:
            redactor.redact(text)
        timings.append((time.thread_time() - start) / len(comments))
    return statistics.median(timings)


# -- a scheduler pass -----------------------------------------------------------------------------


@dataclass
class PassFigures:
    seconds: float  # median of the passes
    stall: float  # the longest loop stall during any of them


async def scheduler_pass_run(database: Path, passes: int) -> PassFigures:
    with tempfile.TemporaryDirectory() as folder:
        bot, clock = coreflect_bot(copy_database(database, Path(folder)))
        env = await start_env(bot, clock)
        try:
            await env.advance_time(1)  # the first pass after connecting, not measured
            timings, lag = [], LoopLag()
            lag.start()
            for _ in range(passes):
                start = time.perf_counter()
                await bot.scheduler.run_due()
                timings.append(time.perf_counter() - start)
            stall = await lag.stop()
            return PassFigures(statistics.median(timings), stall)
        finally:
            await stop_env(env)


def scheduler_pass(database: Path, passes: int) -> PassFigures:
    return asyncio.run(scheduler_pass_run(database, passes))


# -- REST requests --------------------------------------------------------------------------------


@dataclass
class RestFigures:
    cold_invitation: float
    warm_invitation: float
    reminder: float
    summary: float
    summary_paths: list[str]


def _bot_requests(env: simcord.Env, since: int) -> list[tuple[str, str]]:
    """The requests after `since` that are not answers to interactions."""
    return [
        (r.method, r.path)
        for r in env.http_requests[since:]
        if not r.path.startswith(("/interactions/", "/webhooks/"))
    ]


async def _restart(env: simcord.Env, clock: EnvClock, database: Path) -> None:
    """A fresh process on the same database: no users or DM channels in memory."""
    old = real_bot(env)
    bot, new_clock = coreflect_bot(database)
    new_clock.env = env
    await env.restart_bot(bot)
    await old.store.close()  # the old process is gone: its database connection too
    timed_log(env)


async def to_daytime(env: simcord.Env) -> None:
    """SimCord's clock starts at midnight; reminders wait for the day."""
    await env.advance_time(10 * 3600)


async def rest_run(members: int) -> RestFigures:
    with tempfile.TemporaryDirectory() as folder:
        database = copy_database(None, Path(folder))
        bot, clock = coreflect_bot(database)
        env = await start_env(bot, clock)
        try:
            await to_daytime(env)
            world = make_world(env, members)
            await create_and_join(world)
            await _restart(env, clock, database)
            before = len(env.http_requests)
            await world.facilitator.slash(
                world.channel, "checkin open", project=PROJECT, phase="beginning"
            )
            await env.advance_time(1)
            cold = len(_bot_requests(env, before)) / members

            await answer_through_store(env, world, comments=True)
            dms = {m.user.dm_channel.id for m in world.members}
            before = len(env.http_requests)
            await world.facilitator.slash(world.channel, "checkin close", project=PROJECT)
            await env.advance_time(120)
            posted = [
                (method, path)
                for method, path in _bot_requests(env, before)
                if not any(str(dm) in path for dm in dms)
            ]
            summary = float(len(posted))

            await env.advance_time(3600)  # the closed check-in's DMs are emptied meanwhile
            await _restart(env, clock, database)
            before = len(env.http_requests)
            await world.facilitator.slash(
                world.channel, "checkin open", project=PROJECT, phase="extra"
            )
            await env.advance_time(1)
            warm = len(_bot_requests(env, before)) / members

            before = len(env.http_requests)
            await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
            await env.advance_time(1)
            reminder = len(_bot_requests(env, before)) / members
            paths = [f"{method} {path}" for method, path in posted]
            return RestFigures(cold, warm, reminder, summary, paths)
        finally:
            await stop_env(env)


def rest_requests(members: int) -> RestFigures:
    return asyncio.run(rest_run(members))


# -- CPU per invitation ---------------------------------------------------------------------------


async def invitation_cpu_run(
    members: int, profiler: cProfile.Profile | None = None
) -> tuple[float, float]:
    """CPU seconds of this process for `members` invitations by the real bot (dm_gap 0,
    cold DM channels), and for the same DMs sent by a bare discord.py bot in the same kind
    of world (SimCord's own share, and discord.py's)."""
    with tempfile.TemporaryDirectory() as folder:
        database = copy_database(None, Path(folder))
        bot, clock = coreflect_bot(database)
        env = await start_env(bot, clock)
        try:
            world = make_world(env, members)
            await create_and_join(world)
            await _restart(env, clock, database)
            if profiler is not None:
                profiler.enable()
            start = time.process_time()
            await world.facilitator.slash(
                world.channel, "checkin open", project=PROJECT, phase="beginning"
            )
            await env.advance_time(1)
            real = time.process_time() - start
            if profiler is not None:
                profiler.disable()
        finally:
            await stop_env(env)
    env = await start_env(trivial_bot())
    try:
        world = make_world(env, members)
        targets = [m.id for m in world.members]
        trivial = env.bot
        trivial.bench_targets = targets  # type: ignore[attr-defined]
        # The real bot restarted after its world was made (so its DM channels are cold), and
        # settled what it had then as it got ready: the bare bot's world is settled too, so
        # neither measure holds the collector walking the world and the other not.
        settle_long_lived()
        start = time.process_time()
        await world.facilitator.slash(world.channel, "invite")
        await env.advance_time(1)
        baseline = time.process_time() - start
    finally:
        await stop_env(env)
    return real, baseline


def invitation_cpu(members: int, runs: int) -> tuple[float, float]:
    """Median CPU seconds per invitation: the real bot's, and the part above the baseline."""
    per, net = [], []
    for _ in range(runs):
        real, baseline = asyncio.run(invitation_cpu_run(members))
        per.append(real / members)
        net.append((real - baseline) / members)
    return statistics.median(per), statistics.median(net)


# -- a burst of openings --------------------------------------------------------------------------


@dataclass
class BurstFigures:
    checkins: int
    members: int
    sent: int  # invitations sent (all of them unless sending stopped)
    last_invitation: float  # virtual seconds from the opening to the last invitation sent
    per_second: float | None  # the bot's global pace, if it has one
    gap: float  # seconds between two DMs of one check-in
    real_seconds: float


IDLE_STEPS = 30  # steps with no invitation sent before the burst is given up
OPENS_ON = date(2026, 1, 5)
OPENS_AT = datetime(2026, 1, 5, 10, tzinfo=UTC)  # 10:00 in London in January


async def _fill_burst(
    database: Path, worlds: list[World], per_guild: int, members: int
) -> list[int]:
    """Projects whose beginning opens at the same minute, written with the store; returns
    the text channel ids (everything else the bot posts to is a DM)."""
    store = await fast_store(database, Clock(datetime(2026, 1, 1, tzinfo=UTC)))
    framework = library()[FRAMEWORK]
    try:
        for g, world in enumerate(worlds):
            for p in range(per_guild):
                project = await store.create_project(
                    NewProject(
                        guild_id=world.guild.id,
                        name=f"Project {g}-{p}",
                        channel_id=world.channel.id,
                        starts_on=OPENS_ON,
                        ends_on=date(2026, 6, 26),
                        framework_id=framework.id,
                        timezone="Europe/London",
                        checkin_time=day_time(10),
                        window_days=7,
                    ),
                    [PlannedCheckin(Phase.BEGINNING, OPENS_AT, OPENS_AT + timedelta(days=7))],
                )
                for member in world.members[p * members : (p + 1) * members]:
                    await store.add_participant(project.id, member.id, [member.user.name])
        await store._connection().execute("VACUUM")
    finally:
        await store.close()
    return [w.channel.id for w in worlds]


async def burst_run(checkins: int, members: int, gap: float, step: float) -> BurstFigures:
    per_guild = 5
    guilds = max(1, checkins // per_guild)
    with tempfile.TemporaryDirectory() as folder:
        database = copy_database(None, Path(folder))
        bot, clock = coreflect_bot(database, dm_gap=gap)
        env = simcord.Env(bot, settle_timeout=600.0)
        clock.env = env
        worlds = [make_world(env, per_guild * members, name=f"Server {g}") for g in range(guilds)]
        channels = set(await _fill_burst(database, worlds, per_guild, members))
        await env.start()
        real_start = time.perf_counter()
        try:
            pacer = getattr(real_bot(env).checkins, "pacer", None)
            interval = getattr(pacer, "interval", None)
            per_second = 1.0 / interval if interval else None
            await env.advance_time(max(0.0, (OPENS_AT - env.now()).total_seconds() - 1))
            expected = guilds * per_guild * members
            sent, last = 0, 0.0
            limit = OPENS_AT + timedelta(hours=12)
            seen = reported = idle = 0
            while sent < expected and env.now() < limit and idle < IDLE_STEPS:
                await env.advance_time(step)
                log = env.http_requests
                before = sent
                for entry in log[seen:]:
                    if (
                        entry.method == "POST"
                        and entry.path.startswith("/channels/")
                        and entry.path.endswith("/messages")
                        and int(entry.path.split("/")[2]) not in channels
                    ):
                        sent += 1
                seen = len(log)
                idle = idle + 1 if sent == before else 0
                if sent > before:
                    last = (env.now() - OPENS_AT).total_seconds()
                if sent * 10 // expected > reported:
                    reported = sent * 10 // expected
                    print(f"  {sent:,} of {expected:,} invitations sent", file=sys.stderr)
            return BurstFigures(
                guilds * per_guild,
                members,
                sent,
                last,
                per_second,
                gap,
                time.perf_counter() - real_start,
            )
        finally:
            await stop_env(env)


def burst(checkins: int, members: int, gap: float = 1.0) -> BurstFigures:
    """Virtual time is advanced in steps of 1% of the ideal time (10 s at least): the last
    invitation's time is known to within one step."""
    ideal = checkins * members / 5.0
    return asyncio.run(burst_run(checkins, members, gap, max(10.0, ideal / 100)))

"""Databases for the benchmark, built through the store's own API.

The bulk path: the same `Store` methods a running bot calls, in a loop in one process, with
two changes that alter the speed of the build and not what it stores: the connection runs
with `synchronous = OFF` while building, and the store's compaction after each close (a
VACUUM of the whole file) is deferred to one VACUUM at the end.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from bench import SECRET
from bot.core.frameworks import Framework, FrameworkLibrary
from bot.core.models import Delivery, DirectionChoice, NewProject, Phase, Thresholds
from bot.core.prompts import Prompts
from bot.core.schedule import PlannedCheckin
from bot.data import default_prompts_file, shipped_frameworks
from bot.services.redacting import AheadOfClose
from bot.services.results import ResultsService
from bot.storage.store import Store

FRAMEWORK = "ten-components"
GUILD_BASE = 10**17
CHANNEL_BASE = 2 * 10**17
USER_BASE = 3 * 10**17
PHASES = (Phase.BEGINNING, Phase.MIDDLE, Phase.EXTRA)
PLANNED_END = datetime(2030, 6, 3, 9, tzinfo=UTC)
COMMENT = "It felt like the group listened this time, though the timing was hard for some."


def library() -> FrameworkLibrary:
    return FrameworkLibrary.from_directories([shipped_frameworks()], FRAMEWORK)


def prompts() -> Prompts:
    return Prompts.load(default_prompts_file())


def answers_per_response(framework: Framework) -> int:
    """Answer rows one finished questionnaire stores: every component and direction check."""
    return len(framework.components) + len(framework.direction_checks)


@dataclass(frozen=True)
class Shape:
    """How big a database is: servers, projects, closed check-ins per project, members."""

    guilds: int
    projects: int
    checkins_per_project: int
    members: int

    def answers(self, framework: Framework) -> int:
        return (self.projects * self.checkins_per_project * self.members) * answers_per_response(
            framework
        )


def shape_for(answers: int, framework: Framework, projects: int = 1000, guilds: int = 200) -> Shape:
    """The issue's database: 1,000 projects in 200 servers, three closed check-ins each,
    with as many members per project as it takes to store about `answers` answers."""
    projects = min(projects, max(1, answers // (3 * 3 * answers_per_response(framework))))
    guilds = max(1, min(guilds, projects // 5))
    members = max(3, round(answers / (projects * 3 * answers_per_response(framework))))
    return Shape(guilds, projects, 3, members)


class Clock:
    """A settable clock for the store while building."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def user_id(project: int, member: int) -> int:
    return USER_BASE + project * 10_000 + member


async def fast_store(path: Path, clock: Clock) -> Store:
    """The store, opened for a bulk build (see the module's docstring)."""
    connect = aiosqlite.connect
    aiosqlite.connect = functools.partial(connect, check_same_thread=False)
    try:
        store = await Store.open(path, secret=SECRET, clock=clock)
    finally:
        aiosqlite.connect = connect
    db = store._connection()
    await db.execute("PRAGMA synchronous = OFF")

    async def inline(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    db._execute = inline  # type: ignore[method-assign]

    async def later() -> None:
        return None

    store._compact = later  # type: ignore[method-assign]
    return store


async def answer(
    store: Store,
    framework: Framework,
    checkin_id: int,
    user: int,
    rng: random.Random,
    comments: bool,
) -> None:
    """One member's whole questionnaire, one store call per click, then Submit."""
    for component in framework.components:
        await store.record_rating(checkin_id, user, component.key, rng.randint(1, 5))
        if comments:
            await store.record_comment(checkin_id, user, component.key, COMMENT)
    for check in framework.direction_checks:
        await store.record_choice(checkin_id, user, check.key, rng.choice(list(DirectionChoice)))
    await store.set_submitted(checkin_id, user, True)


async def build(
    path: Path,
    shape: Shape,
    *,
    progress: Callable[[str], None] | None = None,
    open_last: bool = True,
) -> None:
    """A database of `shape`: every project with its members and its closed check-ins,
    (beginning, middle, one extra), one more open check-in per project (with `open_last`)
    that nobody has answered yet, and the end check-in planned years ahead."""
    frameworks = library()
    framework = frameworks[FRAMEWORK]
    clock = Clock(datetime(2025, 1, 6, 10, tzinfo=UTC))
    store = await fast_store(path, clock)
    results = ResultsService(
        store=store, frameworks=frameworks, prompts=prompts(), ahead=AheadOfClose(store)
    )
    rng = random.Random(12)
    snapshot = framework.snapshot()
    try:
        for p in range(shape.projects):
            guild = GUILD_BASE + p % shape.guilds
            project = await store.create_project(
                NewProject(
                    guild_id=guild,
                    name=f"Project {p}",
                    channel_id=CHANNEL_BASE + p,
                    starts_on=date(2025, 1, 6),
                    ends_on=date(2025, 6, 30),
                    framework_id=FRAMEWORK,
                    timezone="Europe/London",
                    checkin_time=time(10),
                    window_days=7,
                ),
                [PlannedCheckin(Phase.END, PLANNED_END, PLANNED_END + timedelta(days=7))],
            )
            users = [user_id(p, m) for m in range(shape.members)]
            for m, user in enumerate(users):
                await store.add_participant(project.id, user, [f"member{m}"])
            phases = [PHASES[min(i, 2)] for i in range(shape.checkins_per_project)]
            for i, phase in enumerate(phases):
                opened = clock.now + timedelta(days=8 * i)
                checkin = await store.open_checkin(
                    project.id,
                    phase,
                    FRAMEWORK,
                    opened,
                    opened + timedelta(days=7),
                    Thresholds(),
                    users,
                    framework_snapshot=snapshot,
                )
                for user in users:
                    await answer(store, framework, checkin.id, user, rng, comments=False)
                await store.close_checkin(
                    checkin.id, opened + timedelta(days=7), results.summariser(checkin)
                )
                await store.set_summary_message(checkin.id, None)
            if open_last:
                opened = clock.now + timedelta(days=8 * len(phases))
                current = await store.open_checkin(
                    project.id,
                    Phase.EXTRA,
                    FRAMEWORK,
                    opened,
                    opened + timedelta(days=3650),
                    Thresholds(),
                    users,
                    framework_snapshot=snapshot,
                )
                # Delivered already (to users SimCord does not have), so a bot started on
                # this database has nothing to send until the benchmark's own check-ins.
                for user in users:
                    await store.record_delivery(
                        current.id, user, Delivery.DELIVERED, dm_channel_id=user + 1
                    )
            if progress is not None and (p + 1) % max(1, shape.projects // 10) == 0:
                progress(f"  built {p + 1} of {shape.projects} projects")
        await Store._compact.__get__(store)()  # the one deferred compaction
    finally:
        await store.close()


Step = Callable[[], Awaitable[None]]


async def time_build(path: Path, shape: Shape) -> float:
    loop = asyncio.get_running_loop()
    start = loop.time()
    await build(path, shape)
    return loop.time() - start


CACHE = Path(__file__).resolve().parent / ".cache"


def cached_database(answers: int, progress: Callable[[str], None]) -> tuple[Path, Shape]:
    """A database of about `answers` answers, built once and kept in bench/.cache (the
    schema version and shape are in its name, so a new migration builds a new one)."""
    from bot.storage.migrate import load_migrations

    framework = library()[FRAMEWORK]
    shape = shape_for(answers, framework)
    version = len(load_migrations())
    name = (
        f"v{version}-g{shape.guilds}-p{shape.projects}-c{shape.checkins_per_project}"
        f"-m{shape.members}.sqlite3"
    )
    path = CACHE / name
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        partial = path.with_suffix(".building")
        for leftover in CACHE.glob(partial.name + "*"):
            leftover.unlink()
        progress(f"building {name} ({shape.answers(framework):,} answers), once")
        asyncio.run(build(partial, shape, progress=progress))
        partial.rename(path)
    return path, shape

"""What the storage tests arrange with: the people and servers, a new project, and a raw look
at the rows (the fixtures that use them are in conftest.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import date, time

from bot.core.models import NewProject, Project

# Realistic Discord snowflakes, distinct enough that a substring search means something.
GUILD = 811234567890123401
OTHER_GUILD = 822345678901234502
ANA = 733456789012345603
BEN = 744567890123456704
CAT = 755678901234567805
DAN = 766789012345678906  # invited nowhere unless a test says so
EVE = 777890123456789007
FAY = 788901234567890108
GUS = 799012345678901209
HAL = 700123456789012310
IDA = 711234567890123411
CHANNEL = 899999999999999901
FRAMEWORK = "ten-components"

MakeProject = Callable[..., Awaitable[Project]]
OpenCheckin = Callable[..., Awaitable[int]]
CloseCheckin = Callable[[int], Awaitable[bool]]


def new_project(
    name: str = "Community Garden",
    guild_id: int = GUILD,
    starts_on: date = date(2025, 3, 3),
    ends_on: date = date(2025, 6, 30),
) -> NewProject:
    """The project most tests use: three check-ins from 3 March to 30 June 2025, in London."""
    return NewProject(
        guild_id=guild_id,
        name=name,
        channel_id=CHANNEL,
        starts_on=starts_on,
        ends_on=ends_on,
        framework_id=FRAMEWORK,
        timezone="Europe/London",
        checkin_time=time(10, 0),
        window_days=7,
    )


def rows(raw: sqlite3.Connection, sql: str, *params: object) -> list[tuple[object, ...]]:
    return raw.execute(sql, params).fetchall()


def count(raw: sqlite3.Connection, table: str) -> int:
    (value,) = raw.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(value)


def counts(raw: sqlite3.Connection, *tables: str) -> dict[str, int]:
    """How many rows each table holds."""
    return {table: count(raw, table) for table in tables}

"""A migration that rebuilds a table keeps every row that refers to it; a broken one is refused.

The migrations here are test-only: the bot's own five, plus a sixth handed to the runner as a
list, so the shipped numbering stays 0001…0005.
"""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.core.models import NewProject, Phase, Thresholds
from bot.core.schedule import plan_checkins
from bot.storage.errors import StorageError
from bot.storage.migrate import Migration, load_migrations
from bot.storage.store import Store

GUILD = 811234567890123401
CHANNEL = 899999999999999901
PEOPLE = (733456789012345603, 744567890123456704, 755678901234567805)
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

# SQLite's 12-step procedure: make the new table, copy, drop the old one, rename the new one.
# The new table gains a column, as a real migration that rebuilds would.
REBUILD_PROJECTS = """
CREATE TABLE projects_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id        INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    name_key        TEXT    NOT NULL,
    channel_id      INTEGER NOT NULL,
    starts_on       TEXT    NOT NULL,
    ends_on         TEXT    NOT NULL,
    framework_id    TEXT    NOT NULL,
    timezone        TEXT    NOT NULL,
    checkin_time    TEXT    NOT NULL CHECK (checkin_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    window_days     INTEGER NOT NULL CHECK (window_days >= 1),
    card_message_id INTEGER,
    created_at      TEXT    NOT NULL,
    archived        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (guild_id, name_key)
);
INSERT INTO projects_new (id, guild_id, name, name_key, channel_id, starts_on, ends_on,
                          framework_id, timezone, checkin_time, window_days, card_message_id,
                          created_at)
SELECT id, guild_id, name, name_key, channel_id, starts_on, ends_on, framework_id, timezone,
       checkin_time, window_days, card_message_id, created_at
FROM projects;
DROP TABLE projects;
ALTER TABLE projects_new RENAME TO projects;
"""

# The same, but one project is left behind: its participants would point at nothing.
REBUILD_LOSING_A_PROJECT = REBUILD_PROJECTS.replace("FROM projects;", "FROM projects WHERE 0;")

KEPT_TABLES = (
    "participants",
    "checkins",
    "invitations",
    "responses",
    "answers",
    "scheduled_checkins",
    "redaction_names",
    "audit_log",
)


NEXT = len(load_migrations()) + 1  # the test migration comes after every shipped one


def with_sixth(sql: str) -> list[Migration]:
    return [*load_migrations(), Migration(NEXT, f"{NEXT:04d}_rebuild_projects.sql", sql)]


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as db:
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("projects", *KEPT_TABLES)
        }


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


async def fill(path: Path, secret: bytes) -> None:
    """A project with participants, a check-in with invitations, responses and answers."""
    store = await Store.open(path, secret=secret, clock=lambda: NOW)
    try:
        project = NewProject(
            guild_id=GUILD,
            name="Community Garden",
            channel_id=CHANNEL,
            starts_on=date(2025, 3, 3),
            ends_on=date(2025, 6, 30),
            framework_id="ten-components",
            timezone="Europe/London",
            checkin_time=time(10, 0),
            window_days=7,
        )
        plan = plan_checkins(project.starts_on, project.ends_on, project.timezone, time(10, 0), 7)
        created = await store.create_project(project, plan)
        for number, person in enumerate(PEOPLE):
            await store.add_participant(created.id, person, [f"member{number}"])
        checkin = await store.open_checkin(
            created.id,
            Phase.EXTRA,
            "ten-components",
            NOW,
            NOW + timedelta(days=7),
            Thresholds(),
            PEOPLE,
        )
        for number, person in enumerate(PEOPLE):
            assert await store.record_rating(checkin.id, person, "purpose", 1 + number)
            assert await store.record_comment(checkin.id, person, "purpose", f"note {number}")
        await store.add_audit(GUILD, PEOPLE[0], "project.create", project="Community Garden")
    finally:
        await store.close()


async def test_a_migration_that_rebuilds_projects_keeps_every_row_under_them(
    db_path: Path, secret: bytes
) -> None:
    await fill(db_path, secret)
    before = contents(db_path)
    assert all(before[table] for table in ("participants", "invitations", "responses", "answers"))

    store = await Store.open(db_path, secret=secret, migrations=with_sixth(REBUILD_PROJECTS))
    try:
        assert user_version(db_path) == NEXT
        after = contents(db_path)
        for table in KEPT_TABLES:
            assert after[table] == before[table], table
        # Every project row, with the new column at its default.
        assert after["projects"] == [(*row, 0) for row in before["projects"]]
        # Foreign keys are enforced again: erasing the project takes everything under it.
        (project,) = await store.list_all_projects()
        assert await store.delete_project(project.id)
        emptied = contents(db_path)
        assert all(not emptied[table] for table in KEPT_TABLES if table != "audit_log")
    finally:
        await store.close()


async def test_a_migration_that_would_leave_rows_pointing_at_nothing_is_rolled_back(
    db_path: Path, secret: bytes
) -> None:
    await fill(db_path, secret)
    before = contents(db_path)

    with pytest.raises(StorageError, match="broken foreign keys"):
        await Store.open(db_path, secret=secret, migrations=with_sixth(REBUILD_LOSING_A_PROJECT))

    assert user_version(db_path) == len(load_migrations())
    assert contents(db_path) == before


async def test_an_existing_database_is_copied_beside_it_before_it_is_migrated(
    db_path: Path, secret: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    await fill(db_path, secret)
    before = contents(db_path)

    store = await Store.open(
        db_path, secret=secret, clock=lambda: NOW, migrations=with_sixth(REBUILD_PROJECTS)
    )
    await store.close()

    (copy,) = db_path.parent.glob("*.bak")
    assert copy.name == f"{db_path.name}.pre-{NEXT:04d}-20250303T090000.000000Z.bak"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert user_version(copy) == len(load_migrations())  # as it was before the migration
    assert contents(copy) == before
    assert str(copy) in caplog.text


async def test_a_new_or_current_database_is_not_copied(db_path: Path, secret: bytes) -> None:
    store = await Store.open(db_path, secret=secret)  # new: version 0 before migrating
    await store.close()
    store = await Store.open(db_path, secret=secret)  # current: nothing to migrate
    await store.close()

    assert list(db_path.parent.glob("*.bak")) == []

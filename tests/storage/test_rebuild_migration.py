"""A migration that rebuilds a table keeps every row that refers to it; a broken one is refused.

The migrations here are test-only: the bot's own, plus one more handed to the runner as a list,
so the shipped numbering stays as it is.
"""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.models import Phase, Thresholds
from bot.core.schedule import plan_project
from bot.storage.errors import StorageError
from bot.storage.migrate import Migration, load_migrations
from bot.storage.store import Store
from tests.storage.arrange import ANA, BEN, CAT, FRAMEWORK, GUILD, new_project

PEOPLE = (ANA, BEN, CAT)
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def projects_table() -> tuple[str, list[str]]:
    """The projects table as the shipped migrations leave it: its CREATE TABLE and columns."""
    with closing(sqlite3.connect(":memory:")) as db:
        for migration in load_migrations():
            db.executescript(migration.sql)
        (create,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'projects'").fetchone()
        columns = [str(info[1]) for info in db.execute("PRAGMA table_info(projects)")]
    return str(create), columns


def rebuild_projects() -> str:
    """SQLite's 12-step procedure: make the new table, copy, drop the old one, rename the new
    one. The new table is the shipped one (derived, so it follows the migrations) gaining a
    column before its table constraints, as a real migration that rebuilds would."""
    create, columns = projects_table()
    head, constraints = create.split("\n    UNIQUE (", 1)
    assert head.startswith("CREATE TABLE projects ("), create
    new_table = (
        head.replace("CREATE TABLE projects (", "CREATE TABLE projects_new (", 1)
        + "\n    archived INTEGER NOT NULL DEFAULT 0,\n    UNIQUE ("
        + constraints
    )
    listed = ", ".join(columns)
    return f"""
{new_table};
INSERT INTO projects_new ({listed})
SELECT {listed}
FROM projects;
DROP TABLE projects;
ALTER TABLE projects_new RENAME TO projects;
"""


REBUILD_PROJECTS = rebuild_projects()

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


Contents = dict[str, list[tuple[object, ...]]]


def contents(path: Path) -> Contents:
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
        project = new_project()
        created = await store.create_project(project, plan_project(project))
        for number, person in enumerate(PEOPLE):
            await store.add_participant(created.id, person, [f"member{number}"])
        checkin = await store.open_checkin(
            created.id, Phase.EXTRA, FRAMEWORK, NOW, NOW + timedelta(days=7), Thresholds(), PEOPLE
        )
        for number, person in enumerate(PEOPLE):
            assert await store.record_rating(checkin.id, person, "purpose", 1 + number)
            assert await store.record_comment(checkin.id, person, "purpose", f"note {number}")
        await store.add_audit(GUILD, PEOPLE[0], "project.create", project=project.name)
    finally:
        await store.close()


@pytest.fixture
async def before(db_path: Path, secret: bytes) -> Contents:
    """What a filled database holds before any test migration runs."""
    await fill(db_path, secret)
    return contents(db_path)


async def test_a_migration_that_rebuilds_projects_keeps_every_row_under_them(
    db_path: Path, secret: bytes, before: Contents
) -> None:
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
    db_path: Path, secret: bytes, before: Contents
) -> None:
    with pytest.raises(StorageError, match="broken foreign keys"):
        await Store.open(db_path, secret=secret, migrations=with_sixth(REBUILD_LOSING_A_PROJECT))

    assert user_version(db_path) == len(load_migrations())
    assert contents(db_path) == before


async def test_an_existing_database_is_copied_beside_it_before_it_is_migrated(
    db_path: Path, secret: bytes, before: Contents, caplog: pytest.LogCaptureFixture
) -> None:
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

"""The bot's SQLite store: every query of the bot, mapping rows to bot.core.models.

One aiosqlite connection in autocommit mode; every write runs in BEGIN IMMEDIATE … COMMIT
under an asyncio lock, and reads take the same lock so they never see half a write.
Answers are stored under `respondent_key(secret, checkin_id, user_id)`, computed here so
callers never handle the key and the answer tables never hold a user id (DESIGN.md §5, §8).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.models import (
    COMMENT_MAX_CHARS,
    Answer,
    AuditEntry,
    Checkin,
    CheckinStatus,
    Delivery,
    DirectionChoice,
    GuildSettings,
    Invitation,
    MemberDataErased,
    NewProject,
    Participant,
    Phase,
    Project,
    Response,
    ScheduledCheckin,
    SlotState,
    Thresholds,
)
from bot.core.schedule import MAX_REMINDERS, Dated, PlannedCheckin
from bot.keys import MIN_SECRET_LENGTH, respondent_key
from bot.storage.errors import CheckinAlreadyOpen, DuplicateProjectName, StorageError
from bot.storage.migrate import migrate

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
BUSY_TIMEOUT_MS = 5000

# Heads of the queries that map rows to Project / Checkin; columns are prefixed so joins
# of both tables stay unambiguous. Callers append literal WHERE/ORDER BY clauses.
_PROJECT_COLUMNS = (
    "id, guild_id, name, channel_id, starts_on, ends_on, framework_id, timezone, "
    "checkin_time, window_days, card_message_id"
)
_CHECKIN_COLUMNS = (
    "id, project_id, phase, framework_id, opened_at, closes_at, closed_at, status, "
    "scores_threshold, comments_threshold, summary_message_id, reminded_at, reminder_rounds, "
    "summary_due, summary_attempts, summary_retry_at"
)


def _prefixed(alias: str, columns: str) -> str:
    """ "id, name" for alias "p" → "p.id AS p_id, p.name AS p_name"."""
    return ", ".join(f"{alias}.{c} AS {alias}_{c}" for c in columns.split(", "))


_PROJECT_FIELDS = _prefixed("p", _PROJECT_COLUMNS)
_CHECKIN_FIELDS = _prefixed("c", _CHECKIN_COLUMNS)
_SELECT_PROJECTS = f"SELECT {_PROJECT_FIELDS} FROM projects AS p "  # noqa: S608
_SELECT_CHECKINS = f"SELECT {_CHECKIN_FIELDS} FROM checkins AS c "  # noqa: S608
_SELECT_INVITED_CHECKINS = (
    f"SELECT {_PROJECT_FIELDS}, {_CHECKIN_FIELDS} "  # noqa: S608 (the fields are constants)
    "FROM invitations AS i JOIN checkins AS c ON c.id = i.checkin_id "
    "JOIN projects AS p ON p.id = c.project_id "
)
_SELECT_SCHEDULE = (
    "SELECT s.project_id, s.phase, s.opens_at, s.closes_at, s.state, s.checkin_id, "
    "s.announced, c.status AS checkin_status "
    "FROM scheduled_checkins AS s LEFT JOIN checkins AS c ON c.id = s.checkin_id "
)


def _system_clock() -> datetime:
    return datetime.now(UTC)


def name_key(name: str) -> str:
    """The form of a project name that must be unique in a server: spaces collapsed, casefolded."""
    return " ".join(name.split()).casefold()


class Store:
    """The bot's database. Open with `await Store.open(path, secret=...)`; `close()` on shutdown."""

    def __init__(self, db: aiosqlite.Connection, path: Path, secret: bytes, clock: Clock) -> None:
        self._db: aiosqlite.Connection | None = db
        self._path = path
        self._secret = secret
        self._clock = clock
        self._lock = asyncio.Lock()

    # -- lifecycle -----------------------------------------------------------------------------

    @classmethod
    async def open(cls, path: Path | str, *, secret: bytes, clock: Clock | None = None) -> Store:
        """Open (creating if needed) and migrate the database at `path`."""
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"the secret must be at least {MIN_SECRET_LENGTH} bytes")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            await _run(db, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            async with db.execute("PRAGMA journal_mode = WAL") as cursor:
                row = await cursor.fetchone()
            if row is None or str(row[0]).lower() != "wal":
                raise StorageError(f"database {path} could not be switched to WAL mode")
            await _run(db, "PRAGMA synchronous = FULL")
            await _run(db, "PRAGMA foreign_keys = ON")
            # Overwrite deleted content so erased answers do not linger in free pages.
            await _run(db, "PRAGMA secure_delete = ON")
            await migrate(db, path)
        except BaseException:
            await db.close()
            raise
        db.row_factory = aiosqlite.Row
        log.info("opened database %s", path)
        return cls(db, path, secret, clock or _system_clock)

    async def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        async with self._lock:
            db, self._db = self._db, None
            if db is None:
                return
            await db.close()
        log.info("closed database %s", self._path)

    @property
    def path(self) -> Path:
        """Where the database file lives."""
        return self._path

    def _connection(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError(f"database {self._path} is closed")
        return self._db

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT around the body, rolled back if it raises."""
        async with self._lock:
            db = self._connection()
            await db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                await db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise

    async def _checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it, so erased content
        (overwritten there by secure_delete) does not linger in the -wal file."""
        async with self._lock:
            await _run(self._connection(), "PRAGMA wal_checkpoint(TRUNCATE)")

    async def _select(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """Every row of one read."""
        async with self._reading() as db:
            return list(await _all(db, sql, params))

    async def _select_one(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        """The first row of one read, or None."""
        async with self._reading() as db:
            return await _one(db, sql, params)

    @contextlib.asynccontextmanager
    async def _reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, while no write is half done."""
        async with self._lock:
            yield self._connection()

    def _respondent(self, checkin_id: int, user_id: int) -> str:
        return respondent_key(self._secret, checkin_id, user_id)

    # -- guild settings ------------------------------------------------------------------------

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults if it has none stored."""
        row = await self._select_one(
            "SELECT facilitator_role_id, facilitator_channel_id, scores_threshold, "
            "comments_threshold "
            "FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return GuildSettings(guild_id=guild_id)
        return GuildSettings(
            guild_id=guild_id,
            facilitator_role_id=row["facilitator_role_id"],
            facilitator_channel_id=row["facilitator_channel_id"],
            thresholds=Thresholds(row["scores_threshold"], row["comments_threshold"]),
        )

    async def set_facilitator_role(self, guild_id: int, role_id: int | None) -> None:
        """Set (or clear, with None) the server's facilitator role."""
        defaults = Thresholds()
        async with self._writing() as db:
            await _run(
                db,
                "INSERT INTO guild_settings "
                "(guild_id, facilitator_role_id, scores_threshold, comments_threshold) "
                "VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET "
                "facilitator_role_id = excluded.facilitator_role_id",
                (guild_id, role_id, defaults.scores, defaults.comments),
            )

    async def set_facilitator_channel(self, guild_id: int, channel_id: int | None) -> None:
        """Set (or clear, with None) where notices for the server's facilitators go."""
        defaults = Thresholds()
        async with self._writing() as db:
            await _run(
                db,
                "INSERT INTO guild_settings "
                "(guild_id, facilitator_channel_id, scores_threshold, comments_threshold) "
                "VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET "
                "facilitator_channel_id = excluded.facilitator_channel_id",
                (guild_id, channel_id, defaults.scores, defaults.comments),
            )

    async def set_thresholds(self, guild_id: int, thresholds: Thresholds) -> None:
        """Set the server's anonymity thresholds for check-ins opened from now on."""
        _check_thresholds(thresholds)
        async with self._writing() as db:
            await _run(
                db,
                "INSERT INTO guild_settings (guild_id, scores_threshold, comments_threshold) "
                "VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET "
                "scores_threshold = excluded.scores_threshold, "
                "comments_threshold = excluded.comments_threshold",
                (guild_id, thresholds.scores, thresholds.comments),
            )

    # -- projects ------------------------------------------------------------------------------

    async def create_project(
        self, project: NewProject, plan: Sequence[PlannedCheckin] = ()
    ) -> Project:
        """Store a new project with its planned check-ins; DuplicateProjectName if the server
        has one of that name. Planned check-ins already over are stored as missed, quietly."""
        key = name_key(project.name)
        async with self._writing() as db:
            if await _one(
                db,
                "SELECT 1 FROM projects WHERE guild_id = ? AND name_key = ?",
                (project.guild_id, key),
            ):
                raise DuplicateProjectName(project.guild_id, project.name)
            project_id = await _insert(
                db,
                "INSERT INTO projects (guild_id, name, name_key, channel_id, starts_on, ends_on, "
                "framework_id, timezone, checkin_time, window_days, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    project.guild_id,
                    project.name,
                    key,
                    project.channel_id,
                    project.starts_on.isoformat(),
                    project.ends_on.isoformat(),
                    project.framework_id,
                    project.timezone,
                    _hhmm(project.checkin_time),
                    project.window_days,
                    _utc_text(self._clock()),
                ),
            )
            await _plan(db, project_id, plan, self._clock())
        described = {f.name: getattr(project, f.name) for f in dataclasses.fields(project)}
        described["checkin_time"] = time.fromisoformat(_hhmm(project.checkin_time))
        return Project(**described, id=project_id)

    async def get_project(self, project_id: int) -> Project | None:
        """The project with this id, or None."""
        row = await self._select_one(_SELECT_PROJECTS + "WHERE p.id = ?", (project_id,))
        return _project(row) if row else None

    async def find_project(self, guild_id: int, name: str) -> Project | None:
        """The server's project of this name, ignoring case and extra spaces, or None."""
        row = await self._select_one(
            _SELECT_PROJECTS + "WHERE p.guild_id = ? AND p.name_key = ?",
            (guild_id, name_key(name)),
        )
        return _project(row) if row else None

    async def list_projects(self, guild_id: int) -> list[Project]:
        """The server's projects, by name."""
        rows = await self._select(
            _SELECT_PROJECTS + "WHERE p.guild_id = ? ORDER BY p.name_key, p.id",
            (guild_id,),
        )
        return [_project(row) for row in rows]

    async def list_all_projects(self) -> list[Project]:
        """Every project in every server, oldest first."""
        rows = await self._select(_SELECT_PROJECTS + "ORDER BY p.id")
        return [_project(row) for row in rows]

    async def update_project(
        self, project_id: int, changed: Dated, moved: Sequence[PlannedCheckin]
    ) -> Project | None:
        """Change a project's dates and times and move its check-ins not opened yet.

        Check-ins that opened (or were missed) meanwhile keep their times. None if the
        project is gone.
        """
        async with self._writing() as db:
            updated = await _run(
                db,
                "UPDATE projects SET starts_on = ?, ends_on = ?, timezone = ?, checkin_time = ?, "
                "window_days = ? WHERE id = ?",
                (
                    changed.starts_on.isoformat(),
                    changed.ends_on.isoformat(),
                    changed.timezone,
                    _hhmm(changed.checkin_time),
                    changed.window_days,
                    project_id,
                ),
            )
            if not updated:
                return None
            await db.executemany(
                "UPDATE scheduled_checkins SET opens_at = ?, closes_at = ? "
                "WHERE project_id = ? AND phase = ? AND state = 'planned'",
                [
                    (_utc_text(p.opens_at), _utc_text(p.closes_at), project_id, p.phase.value)
                    for p in moved
                ],
            )
            await _plan(db, project_id, moved, self._clock())
            row = await _one(db, _SELECT_PROJECTS + "WHERE p.id = ?", (project_id,))
        return _project(row) if row else None

    async def set_card_message(self, project_id: int, message_id: int | None) -> None:
        """Remember the message holding the project's Join/Leave card."""
        async with self._writing() as db:
            await _run(
                db, "UPDATE projects SET card_message_id = ? WHERE id = ?", (message_id, project_id)
            )

    async def delete_project(self, project_id: int) -> bool:
        """Erase the project and everything that belongs to it; False if there was none."""
        async with self._writing() as db:
            deleted = await _run(db, "DELETE FROM projects WHERE id = ?", (project_id,)) > 0
        await self._checkpoint()
        return deleted

    # -- schedule ------------------------------------------------------------------------------

    async def list_schedule(self, project_id: int) -> list[ScheduledCheckin]:
        """The project's beginning, middle and end check-ins as scheduled, in order."""
        rows = await self._select(
            _SELECT_SCHEDULE + "WHERE s.project_id = ? ORDER BY s.opens_at", (project_id,)
        )
        return [_scheduled(row) for row in rows]

    async def list_planned(self) -> list[ScheduledCheckin]:
        """Every check-in not opened yet, in every server, soonest first (for the scheduler)."""
        rows = await self._select(
            _SELECT_SCHEDULE + "WHERE s.state = 'planned' ORDER BY s.opens_at, s.project_id"
        )
        return [_scheduled(row) for row in rows]

    async def mark_missed(self, project_id: int, phase: Phase) -> bool:
        """A planned check-in whose window passed: missed, facilitators not told yet."""
        async with self._writing() as db:
            marked = await _run(
                db,
                "UPDATE scheduled_checkins SET state = 'missed', announced = 0 "
                "WHERE project_id = ? AND phase = ? AND state = 'planned'",
                (project_id, Phase(phase).value),
            )
        return marked == 1

    async def list_unannounced(self) -> list[ScheduledCheckin]:
        """Missed check-ins the facilitators have not been told about yet."""
        rows = await self._select(
            _SELECT_SCHEDULE
            + "WHERE s.state = 'missed' AND s.announced = 0 ORDER BY s.opens_at, s.project_id",
        )
        return [_scheduled(row) for row in rows]

    async def mark_announced(self, missed: Sequence[ScheduledCheckin]) -> None:
        async with self._writing() as db:
            await db.executemany(
                "UPDATE scheduled_checkins SET announced = 1 WHERE project_id = ? AND phase = ?",
                [(slot.project_id, slot.phase.value) for slot in missed],
            )

    # -- retention -----------------------------------------------------------------------------

    async def purge_comments(self, closed_before: datetime) -> int:
        """Erase the comment text of check-ins closed before `closed_before`, keeping ratings
        and choices (the aggregates); how many comments were erased."""
        async with self._writing() as db:
            erased = await _run(
                db,
                "UPDATE answers SET comment = NULL WHERE comment IS NOT NULL AND checkin_id IN "
                "(SELECT id FROM checkins WHERE status = 'closed' AND closed_at < ?)",
                (_utc_text(closed_before),),
            )
            # An answer that was only a comment (e.g. "anything else") has nothing left.
            await _run(
                db,
                "DELETE FROM answers WHERE comment IS NULL AND rating IS NULL "
                "AND choice IS NULL AND skipped = 0",
            )
        if erased:
            await self._checkpoint()
        return erased

    async def oldest_comment_close(self) -> datetime | None:
        """When the longest-closed check-in that still holds comment text closed."""
        row = await self._select_one(
            "SELECT min(c.closed_at) AS closed FROM checkins AS c WHERE c.status = 'closed' "
            "AND EXISTS (SELECT 1 FROM answers AS a "
            "WHERE a.checkin_id = c.id AND a.comment IS NOT NULL)",
        )
        return _parse_utc(row["closed"]) if row and row["closed"] else None

    # -- audit log -------------------------------------------------------------------------------

    async def add_audit(
        self,
        guild_id: int,
        actor_id: int,
        action: str,
        *,
        project: str | None = None,
        detail: str = "",
    ) -> None:
        """Record a facilitator's action (never an answer)."""
        async with self._writing() as db:
            await _run(
                db,
                "INSERT INTO audit_log (guild_id, at, actor_id, action, project, detail) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, _utc_text(self._clock()), actor_id, action, project, detail),
            )

    async def list_audit(self, guild_id: int, limit: int) -> list[AuditEntry]:
        """The server's latest facilitator actions, newest first."""
        rows = await self._select(
            "SELECT at, actor_id, action, project, detail FROM audit_log "
            "WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [
            AuditEntry(
                at=_parse_utc(row["at"]),
                actor_id=row["actor_id"],
                action=row["action"],
                project=row["project"],
                detail=row["detail"],
            )
            for row in rows
        ]

    # -- participants --------------------------------------------------------------------------

    async def add_participant(self, project_id: int, user_id: int, names: Sequence[str]) -> bool:
        """Add a participant (or refresh their names); True if they were not one before."""
        names_json = json.dumps(list(dict.fromkeys(names)), ensure_ascii=False)
        async with self._writing() as db:
            existed = await _one(
                db,
                "SELECT 1 FROM participants WHERE project_id = ? AND user_id = ?",
                (project_id, user_id),
            )
            await _run(
                db,
                "INSERT INTO participants (project_id, user_id, names) VALUES (?, ?, ?) "
                "ON CONFLICT (project_id, user_id) DO UPDATE SET names = excluded.names",
                (project_id, user_id, names_json),
            )
        return existed is None

    async def remove_participant(self, project_id: int, user_id: int) -> bool:
        """Remove a participant; False if they were not one."""
        async with self._writing() as db:
            removed = await _run(
                db,
                "DELETE FROM participants WHERE project_id = ? AND user_id = ?",
                (project_id, user_id),
            )
        return removed > 0

    async def list_participants(self, project_id: int) -> list[Participant]:
        """The project's participants, by user id."""
        rows = await self._select(
            "SELECT user_id, names FROM participants WHERE project_id = ? ORDER BY user_id",
            (project_id,),
        )
        return [
            Participant(project_id, row["user_id"], tuple(json.loads(row["names"]))) for row in rows
        ]

    async def count_participants(self, project_id: int) -> int:
        """How many members have joined the project."""
        async with self._reading() as db:
            return await _count(
                db, "SELECT count(*) FROM participants WHERE project_id = ?", (project_id,)
            )

    async def is_participant(self, project_id: int, user_id: int) -> bool:
        """Whether the member has joined the project."""
        row = await self._select_one(
            "SELECT 1 FROM participants WHERE project_id = ? AND user_id = ?",
            (project_id, user_id),
        )
        return row is not None

    # -- check-ins -----------------------------------------------------------------------------

    async def open_checkin(
        self,
        project_id: int,
        phase: Phase,
        framework_id: str,
        opened_at: datetime,
        closes_at: datetime,
        thresholds: Thresholds,
        invitees: Sequence[int],
    ) -> Checkin:
        """Open a check-in with a pending invitation per invitee; CheckinAlreadyOpen if one is.

        A beginning, middle or end check-in opened by hand takes the place of the scheduled
        one of that phase if it has not opened yet, so the scheduler will not open it again.
        """
        _check_thresholds(thresholds)
        if closes_at <= opened_at:
            raise ValueError("a check-in must close after it opens")
        async with self._writing() as db:
            checkin = await self._insert_checkin(
                db, project_id, phase, framework_id, opened_at, closes_at, thresholds, invitees
            )
            await _claim_planned(db, checkin)
        return checkin

    async def open_scheduled_checkin(
        self,
        project_id: int,
        phase: Phase,
        framework_id: str,
        now: datetime,
        thresholds: Thresholds,
        invitees: Sequence[int],
    ) -> Checkin | None:
        """Open a planned check-in now, closing when its window ends; exactly once.

        None if it is no longer planned (opened or missed already), its window has ended, or
        another check-in of the project is still open (it can open once that one closes).
        """
        _check_thresholds(thresholds)
        async with self._writing() as db:
            slot = await _one(
                db,
                "SELECT closes_at FROM scheduled_checkins "
                "WHERE project_id = ? AND phase = ? AND state = 'planned'",
                (project_id, Phase(phase).value),
            )
            if slot is None or _parse_utc(slot["closes_at"]) <= now:
                return None
            if await _one(
                db, "SELECT 1 FROM checkins WHERE project_id = ? AND status = 'open'", (project_id,)
            ):
                return None
            checkin = await self._insert_checkin(
                db,
                project_id,
                phase,
                framework_id,
                now,
                _parse_utc(slot["closes_at"]),
                thresholds,
                invitees,
            )
            await _claim_planned(db, checkin)
        return checkin

    async def _insert_checkin(
        self,
        db: aiosqlite.Connection,
        project_id: int,
        phase: Phase,
        framework_id: str,
        opened_at: datetime,
        closes_at: datetime,
        thresholds: Thresholds,
        invitees: Sequence[int],
    ) -> Checkin:
        opened_text, closes_text = _utc_text(opened_at), _utc_text(closes_at)
        if not await _one(db, "SELECT 1 FROM projects WHERE id = ?", (project_id,)):
            raise StorageError(f"there is no project {project_id}")
        if await _one(
            db,
            "SELECT 1 FROM checkins WHERE project_id = ? AND status = 'open'",
            (project_id,),
        ):
            raise CheckinAlreadyOpen(project_id)
        try:
            checkin_id = await _insert(
                db,
                "INSERT INTO checkins (project_id, phase, framework_id, opened_at, closes_at, "
                "status, scores_threshold, comments_threshold) "
                "VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
                (
                    project_id,
                    Phase(phase).value,
                    framework_id,
                    opened_text,
                    closes_text,
                    thresholds.scores,
                    thresholds.comments,
                ),
            )
        except sqlite3.IntegrityError as exc:  # the partial unique index, as a backstop
            raise CheckinAlreadyOpen(project_id) from exc
        await db.executemany(
            "INSERT INTO invitations (checkin_id, user_id, names) VALUES (?, ?, coalesce("
            "(SELECT names FROM participants WHERE project_id = ? AND user_id = ?), '[]'))",
            [(checkin_id, user, project_id, user) for user in dict.fromkeys(invitees)],
        )
        return Checkin(
            id=checkin_id,
            project_id=project_id,
            phase=Phase(phase),
            framework_id=framework_id,
            opened_at=_parse_utc(opened_text),
            closes_at=_parse_utc(closes_text),
            thresholds=thresholds,
        )

    async def get_checkin(self, checkin_id: int) -> Checkin | None:
        """The check-in with this id, or None."""
        row = await self._select_one(_SELECT_CHECKINS + "WHERE c.id = ?", (checkin_id,))
        return _checkin(row) if row else None

    async def current_checkin(self, project_id: int) -> Checkin | None:
        """The project's open check-in, or None."""
        row = await self._select_one(
            _SELECT_CHECKINS + "WHERE c.project_id = ? AND c.status = 'open'",
            (project_id,),
        )
        return _checkin(row) if row else None

    async def list_checkins(self, project_id: int) -> list[Checkin]:
        """The project's check-ins, oldest first."""
        rows = await self._select(
            _SELECT_CHECKINS + "WHERE c.project_id = ? ORDER BY c.opened_at, c.id",
            (project_id,),
        )
        return [_checkin(row) for row in rows]

    async def list_open_checkins(self) -> list[Checkin]:
        """Every open check-in in every server, soonest to close first (for the scheduler)."""
        rows = await self._select(
            _SELECT_CHECKINS + "WHERE c.status = 'open' ORDER BY c.closes_at, c.id",
        )
        return [_checkin(row) for row in rows]

    async def close_checkin(self, checkin_id: int, closed_at: datetime) -> bool:
        """Close an open check-in, its summary now due; False if it was already closed."""
        async with self._writing() as db:
            closed = await _run(
                db,
                "UPDATE checkins SET status = 'closed', closed_at = ?, summary_due = 1 "
                "WHERE id = ? AND status = 'open'",
                (_utc_text(closed_at), checkin_id),
            )
        return closed == 1

    async def set_summary_message(self, checkin_id: int, message_id: int | None) -> None:
        """Record that the summary was posted (its first message) or could not be (None)."""
        async with self._writing() as db:
            await _run(
                db,
                "UPDATE checkins SET summary_message_id = ?, summary_due = 0 WHERE id = ?",
                (message_id, checkin_id),
            )

    async def summary_failed(self, checkin_id: int, retry_at: datetime | None) -> None:
        """Posting the summary failed: try again from `retry_at`, or (None) give up."""
        async with self._writing() as db:
            await _run(
                db,
                "UPDATE checkins SET summary_attempts = summary_attempts + 1, "
                "summary_retry_at = ?, summary_due = ? WHERE id = ?",
                (_utc_text(retry_at) if retry_at else None, int(retry_at is not None), checkin_id),
            )

    async def list_summaries_due(self, now: datetime | None = None) -> list[Checkin]:
        """Closed check-ins whose summary is still to be posted (e.g. after a restart), and
        with `now`, only those due to be tried now."""
        rows = await self._select(
            _SELECT_CHECKINS + "WHERE c.status = 'closed' AND c.summary_due = 1 "
            "AND (? IS NULL OR c.summary_retry_at IS NULL OR c.summary_retry_at <= ?) "
            "ORDER BY c.id",
            (_utc_text(now) if now else None, _utc_text(now) if now else None),
        )
        return [_checkin(row) for row in rows]

    async def advance_reminder_rounds(self, checkin_id: int, done: int, rounds: int) -> bool:
        """Move the automatic reminder rounds done from `done` to `rounds`, once."""
        async with self._writing() as db:
            moved = await _run(
                db,
                "UPDATE checkins SET reminder_rounds = ? "
                "WHERE id = ? AND reminder_rounds = ? AND status = 'open'",
                (rounds, checkin_id, done),
            )
        return moved == 1

    async def mark_reminded(self, checkin_id: int, now: datetime, gap: timedelta) -> bool:
        """Record a reminder at `now` unless one was recorded less than `gap` ago (then False)."""
        async with self._writing() as db:
            marked = await _run(
                db,
                "UPDATE checkins SET reminded_at = ? "
                "WHERE id = ? AND (reminded_at IS NULL OR reminded_at <= ?)",
                (_utc_text(now), checkin_id, _utc_text(now - gap)),
            )
        return marked == 1

    # -- invitations ---------------------------------------------------------------------------

    async def get_invitation(self, checkin_id: int, user_id: int) -> Invitation | None:
        """The member's invitation to the check-in, or None if they were not invited."""
        row = await self._select_one(
            "SELECT * FROM invitations WHERE checkin_id = ? AND user_id = ?",
            (checkin_id, user_id),
        )
        return _invitation(row) if row else None

    async def add_invitation(self, checkin_id: int, user_id: int) -> bool:
        """Invite a member to an open check-in; False if it is closed or they already are."""
        async with self._writing() as db:
            if not await _one(
                db, "SELECT 1 FROM checkins WHERE id = ? AND status = 'open'", (checkin_id,)
            ):
                return False
            added = await _run(
                db,
                "INSERT INTO invitations (checkin_id, user_id, names) SELECT c.id, ?, "
                "coalesce((SELECT p.names FROM participants AS p "
                "WHERE p.project_id = c.project_id AND p.user_id = ?), '[]') "
                "FROM checkins AS c WHERE c.id = ? "
                "ON CONFLICT (checkin_id, user_id) DO NOTHING",
                (user_id, user_id, checkin_id),
            )
        return added == 1

    async def invitee_names(self, checkin_id: int) -> list[str]:
        """Every name the check-in's invitees went by when invited (to redact from comments)."""
        rows = await self._select(
            "SELECT names FROM invitations WHERE checkin_id = ?", (checkin_id,)
        )
        return sorted({name for row in rows for name in json.loads(row["names"])})

    async def list_invitations(self, checkin_id: int) -> list[Invitation]:
        """Everyone invited to the check-in, by user id."""
        rows = await self._select(
            "SELECT * FROM invitations WHERE checkin_id = ? ORDER BY user_id",
            (checkin_id,),
        )
        return [_invitation(row) for row in rows]

    async def list_undelivered(self, checkin_id: int, now: datetime) -> list[Invitation]:
        """Invitations to send now: pending, due for a try, to members still in the project."""
        rows = await self._select(
            "SELECT i.* FROM invitations AS i "
            "JOIN checkins AS c ON c.id = i.checkin_id "
            "JOIN participants AS p ON p.project_id = c.project_id AND p.user_id = i.user_id "
            "WHERE i.checkin_id = ? AND i.delivery = 'pending' "
            "AND (i.next_attempt_at IS NULL OR i.next_attempt_at <= ?) ORDER BY i.user_id",
            (checkin_id, _utc_text(now)),
        )
        return [_invitation(row) for row in rows]

    async def next_delivery_attempt(self) -> datetime | None:
        """When the next invitation of an open check-in is due to be tried again."""
        row = await self._select_one(
            "SELECT min(i.next_attempt_at) AS due FROM invitations AS i "
            "JOIN checkins AS c ON c.id = i.checkin_id "
            "WHERE c.status = 'open' AND i.delivery = 'pending' "
            "AND i.next_attempt_at IS NOT NULL",
        )
        return _parse_utc(row["due"]) if row and row["due"] else None

    async def record_delivery(
        self,
        checkin_id: int,
        user_id: int,
        delivery: Delivery,
        *,
        dm_channel_id: int | None = None,
        dm_message_id: int | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """Record one attempt at the invitation DM (and, if pending, when to try again); ids
        given as None keep their old value."""
        async with self._writing() as db:
            await _run(
                db,
                "UPDATE invitations SET delivery = ?, attempts = attempts + 1, "
                "next_attempt_at = ?, "
                "dm_channel_id = coalesce(?, dm_channel_id), "
                "dm_message_id = coalesce(?, dm_message_id) "
                "WHERE checkin_id = ? AND user_id = ?",
                (
                    Delivery(delivery).value,
                    _utc_text(retry_at) if retry_at else None,
                    dm_channel_id,
                    dm_message_id,
                    checkin_id,
                    user_id,
                ),
            )

    async def reminder_targets(
        self, checkin_id: int, limit: int, spacing: timedelta, now: datetime
    ) -> list[Invitation]:
        """Who may get a reminder now: invited, still in the project, reached by DM, not
        finished or declined, reminded fewer than `limit` times and not within `spacing`."""
        rows = await self._select(
            "SELECT i.* FROM invitations AS i "
            "JOIN checkins AS c ON c.id = i.checkin_id "
            "JOIN participants AS p ON p.project_id = c.project_id AND p.user_id = i.user_id "
            "WHERE i.checkin_id = ? AND i.finished = 0 AND i.declined = 0 "
            "AND i.delivery = 'delivered' AND i.reminders < ? "
            "AND (i.last_reminded_at IS NULL OR i.last_reminded_at <= ?) "
            "ORDER BY i.user_id",
            (checkin_id, limit, _utc_text(now - spacing)),
        )
        return [_invitation(row) for row in rows]

    async def record_reminder(self, checkin_id: int, user_id: int, now: datetime) -> bool:
        """Count one reminder sent to the member; False if they already had the most allowed."""
        async with self._writing() as db:
            counted = await _run(
                db,
                "UPDATE invitations SET reminders = reminders + 1, last_reminded_at = ? "
                "WHERE checkin_id = ? AND user_id = ? AND reminders < ?",
                (_utc_text(now), checkin_id, user_id, MAX_REMINDERS),
            )
        return counted == 1

    async def get_dm_channel(self, user_id: int) -> int | None:
        """The id of the member's DM channel with the bot, if known."""
        row = await self._select_one(
            "SELECT channel_id FROM dm_channels WHERE user_id = ?", (user_id,)
        )
        return row["channel_id"] if row else None

    async def set_dm_channel(self, user_id: int, channel_id: int | None) -> None:
        """Remember (or forget, with None) the member's DM channel with the bot."""
        async with self._writing() as db:
            if channel_id is None:
                await _run(db, "DELETE FROM dm_channels WHERE user_id = ?", (user_id,))
            else:
                await _run(
                    db,
                    "INSERT INTO dm_channels (user_id, channel_id) VALUES (?, ?) "
                    "ON CONFLICT (user_id) DO UPDATE SET channel_id = excluded.channel_id",
                    (user_id, channel_id),
                )

    async def set_declined(self, checkin_id: int, user_id: int, declined: bool) -> None:
        """Record whether the member pressed "Not this time"."""
        async with self._writing() as db:
            await _run(
                db,
                "UPDATE invitations SET declined = ? WHERE checkin_id = ? AND user_id = ?",
                (int(declined), checkin_id, user_id),
            )

    async def open_checkins_for_user(
        self, user_id: int, guild_id: int | None = None
    ) -> list[tuple[Project, Checkin]]:
        """Open check-ins the member was invited to (optionally in one server), by closing time."""
        rows = await self._select(
            _SELECT_INVITED_CHECKINS
            + "WHERE i.user_id = ? AND c.status = 'open' AND (? IS NULL OR p.guild_id = ?) "
            "ORDER BY c.closes_at, c.id",
            (user_id, guild_id, guild_id),
        )
        return [(_project(row), _checkin(row)) for row in rows]

    # -- answers -------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _answering(
        self, checkin_id: int, user_id: int
    ) -> AsyncIterator[tuple[aiosqlite.Connection, str] | None]:
        """A write transaction for the member's answers, or None if they may not answer now.

        The check (check-in open, member invited) runs in the same transaction as the write,
        so a concurrent close cannot slip between them.
        """
        async with self._writing() as db:
            allowed = await _one(
                db,
                "SELECT 1 FROM checkins AS c JOIN invitations AS i ON i.checkin_id = c.id "
                "WHERE c.id = ? AND c.status = 'open' AND i.user_id = ?",
                (checkin_id, user_id),
            )
            if allowed is None:
                yield None
                return
            respondent = self._respondent(checkin_id, user_id)
            await _run(
                db,
                "INSERT INTO responses (checkin_id, respondent) VALUES (?, ?) "
                "ON CONFLICT (checkin_id, respondent) DO NOTHING",
                (checkin_id, respondent),
            )
            yield db, respondent

    async def record_rating(
        self, checkin_id: int, user_id: int, item: str, rating: int | None
    ) -> bool:
        """Store a rating, or Skip when None; keeps the comment. False if not allowed."""
        async with self._answering(checkin_id, user_id) as answering:
            if answering is None:
                return False
            db, respondent = answering
            await _run(
                db,
                "INSERT INTO answers (checkin_id, respondent, item, rating, skipped) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (checkin_id, respondent, item) DO UPDATE SET "
                "rating = excluded.rating, skipped = excluded.skipped, "
                "choice = CASE WHEN excluded.skipped THEN NULL ELSE choice END",
                (checkin_id, respondent, item, rating, int(rating is None)),
            )
        return True

    async def record_choice(
        self, checkin_id: int, user_id: int, item: str, choice: DirectionChoice | None
    ) -> bool:
        """Store a direction-check choice, or Skip when None; keeps the comment."""
        value = DirectionChoice(choice).value if choice is not None else None
        async with self._answering(checkin_id, user_id) as answering:
            if answering is None:
                return False
            db, respondent = answering
            await _run(
                db,
                "INSERT INTO answers (checkin_id, respondent, item, choice, skipped) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (checkin_id, respondent, item) DO UPDATE SET "
                "choice = excluded.choice, skipped = excluded.skipped, "
                "rating = CASE WHEN excluded.skipped THEN NULL ELSE rating END",
                (checkin_id, respondent, item, value, int(value is None)),
            )
        return True

    async def record_comment(
        self, checkin_id: int, user_id: int, item: str, comment: str | None
    ) -> bool:
        """Store (or clear, with None or blank text) a comment; keeps the rating or choice."""
        text = comment.strip() if comment else None
        if text and len(text) > COMMENT_MAX_CHARS:
            raise ValueError(f"a comment is at most {COMMENT_MAX_CHARS} characters")
        async with self._answering(checkin_id, user_id) as answering:
            if answering is None:
                return False
            db, respondent = answering
            await _run(
                db,
                "INSERT INTO answers (checkin_id, respondent, item, comment) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (checkin_id, respondent, item) DO UPDATE SET "
                "comment = excluded.comment",
                (checkin_id, respondent, item, text or None),
            )
            # Clearing the only thing an answer held leaves nothing worth a row.
            await _run(
                db,
                "DELETE FROM answers WHERE checkin_id = ? AND respondent = ? AND item = ? "
                "AND rating IS NULL AND skipped = 0 AND choice IS NULL AND comment IS NULL",
                (checkin_id, respondent, item),
            )
        return True

    async def set_submitted(self, checkin_id: int, user_id: int, submitted: bool) -> bool:
        """Mark the member's answers submitted (or reopened), and their invitation finished."""
        async with self._answering(checkin_id, user_id) as answering:
            if answering is None:
                return False
            db, respondent = answering
            await _run(
                db,
                "UPDATE responses SET submitted = ? WHERE checkin_id = ? AND respondent = ?",
                (int(submitted), checkin_id, respondent),
            )
            await _run(
                db,
                "UPDATE invitations SET finished = ? WHERE checkin_id = ? AND user_id = ?",
                (int(submitted), checkin_id, user_id),
            )
        return True

    # -- reading answers -----------------------------------------------------------------------

    async def get_response(self, checkin_id: int, user_id: int) -> Response:
        """The member's own answers to the check-in (empty if none)."""
        async with self._reading() as db:
            return await _response(db, checkin_id, self._respondent(checkin_id, user_id))

    async def list_responses(self, checkin_id: int) -> list[Response]:
        """Every respondent's answers to the check-in, in an order that says nothing about who."""
        rows = await self._select(
            "SELECT r.respondent, r.submitted, a.item, a.rating, a.skipped, a.choice, "
            "a.comment FROM responses AS r LEFT JOIN answers AS a "
            "ON a.checkin_id = r.checkin_id AND a.respondent = r.respondent "
            "WHERE r.checkin_id = ? ORDER BY r.respondent, a.item",
            (checkin_id,),
        )
        grouped: dict[str, tuple[bool, dict[str, Answer]]] = {}
        for row in rows:
            _, answers = grouped.setdefault(row["respondent"], (bool(row["submitted"]), {}))
            if row["item"] is not None:
                answers[row["item"]] = _answer(row)
        return [Response(answers, submitted) for submitted, answers in grouped.values()]

    async def count_submitted(self, checkin_id: int) -> int:
        """How many respondents have submitted their answers."""
        async with self._reading() as db:
            return await _count(
                db,
                "SELECT count(*) FROM responses WHERE checkin_id = ? AND submitted = 1",
                (checkin_id,),
            )

    async def member_responses(
        self, guild_id: int, user_id: int
    ) -> list[tuple[Project, Checkin, Response]]:
        """The member's own stored answers in the server, per check-in, oldest first."""
        async with self._reading() as db:
            rows = await _all(
                db,
                _SELECT_INVITED_CHECKINS
                + "WHERE i.user_id = ? AND p.guild_id = ? ORDER BY c.opened_at, c.id",
                (user_id, guild_id),
            )
            found: list[tuple[Project, Checkin, Response]] = []
            for row in rows:
                checkin = _checkin(row)
                respondent = self._respondent(checkin.id, user_id)
                if await _has_response(db, checkin.id, respondent):
                    response = await _response(db, checkin.id, respondent)
                    found.append((_project(row), checkin, response))
        return found

    async def delete_member_data(self, guild_id: int, user_id: int) -> MemberDataErased:
        """Erase the member's answers on the server and take them out of its projects.

        Invitations to closed check-ins stay (they were invited) but no longer count as
        finished; invitations to open check-ins go, as the member has left those projects.
        """
        async with self._writing() as db:
            invited = await _all(
                db,
                "SELECT c.id, c.status FROM invitations AS i "
                "JOIN checkins AS c ON c.id = i.checkin_id "
                "JOIN projects AS p ON p.id = c.project_id "
                "WHERE i.user_id = ? AND p.guild_id = ?",
                (user_id, guild_id),
            )
            answers = checkins = 0
            for checkin_id, status in invited:
                respondent = self._respondent(checkin_id, user_id)
                answers += await _count(
                    db,
                    "SELECT count(*) FROM answers WHERE checkin_id = ? AND respondent = ?",
                    (checkin_id, respondent),
                )
                checkins += await _run(
                    db,
                    "DELETE FROM responses WHERE checkin_id = ? AND respondent = ?",
                    (checkin_id, respondent),
                )
                if status == CheckinStatus.OPEN.value:
                    sql = "DELETE FROM invitations WHERE checkin_id = ? AND user_id = ?"
                else:
                    sql = (
                        "UPDATE invitations SET finished = 0, names = '[]' "
                        "WHERE checkin_id = ? AND user_id = ?"
                    )
                await _run(db, sql, (checkin_id, user_id))
            projects = await _run(
                db,
                "DELETE FROM participants WHERE user_id = ? "
                "AND project_id IN (SELECT id FROM projects WHERE guild_id = ?)",
                (user_id, guild_id),
            )
            await _run(db, "DELETE FROM dm_channels WHERE user_id = ?", (user_id,))
        await self._checkpoint()
        return MemberDataErased(answers=answers, checkins=checkins, projects=projects)


# -- helpers -----------------------------------------------------------------------------------


async def _one(
    db: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()
) -> aiosqlite.Row | None:
    async with db.execute(sql, params) as cursor:
        return await cursor.fetchone()


async def _all(
    db: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()
) -> Iterable[aiosqlite.Row]:
    async with db.execute(sql, params) as cursor:
        return await cursor.fetchall()


async def _run(db: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> int:
    """Execute one statement; how many rows it changed."""
    async with db.execute(sql, params) as cursor:
        return cursor.rowcount


async def _insert(db: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> int:
    """Execute one INSERT; the new row's id."""
    async with db.execute(sql, params) as cursor:
        row_id = cursor.lastrowid
    if row_id is None:
        raise StorageError("an insert returned no row id")
    return row_id


async def _count(db: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> int:
    row = await _one(db, sql, params)
    return int(row[0]) if row else 0


async def _has_response(db: aiosqlite.Connection, checkin_id: int, respondent: str) -> bool:
    row = await _one(
        db,
        "SELECT 1 FROM responses WHERE checkin_id = ? AND respondent = ?",
        (checkin_id, respondent),
    )
    return row is not None


async def _response(db: aiosqlite.Connection, checkin_id: int, respondent: str) -> Response:
    submitted = await _one(
        db,
        "SELECT submitted FROM responses WHERE checkin_id = ? AND respondent = ?",
        (checkin_id, respondent),
    )
    rows = await _all(
        db,
        "SELECT item, rating, skipped, choice, comment FROM answers "
        "WHERE checkin_id = ? AND respondent = ? ORDER BY item",
        (checkin_id, respondent),
    )
    return Response(
        answers={row["item"]: _answer(row) for row in rows},
        submitted=bool(submitted and submitted["submitted"]),
    )


def _check_thresholds(thresholds: Thresholds) -> None:
    problem = thresholds.problem()
    if problem is not None:
        raise ValueError(f"thresholds not allowed ({problem}): {thresholds}")


def _utc_text(moment: datetime) -> str:
    """An aware datetime as ISO-8601 UTC text with fixed width, so text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: the store only takes aware datetimes")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _project(row: aiosqlite.Row) -> Project:
    return Project(
        id=row["p_id"],
        guild_id=row["p_guild_id"],
        name=row["p_name"],
        channel_id=row["p_channel_id"],
        starts_on=date.fromisoformat(row["p_starts_on"]),
        ends_on=date.fromisoformat(row["p_ends_on"]),
        framework_id=row["p_framework_id"],
        timezone=row["p_timezone"],
        checkin_time=time.fromisoformat(row["p_checkin_time"]),
        window_days=row["p_window_days"],
        card_message_id=row["p_card_message_id"],
    )


def _checkin(row: aiosqlite.Row) -> Checkin:
    closed_at, reminded_at = row["c_closed_at"], row["c_reminded_at"]
    return Checkin(
        id=row["c_id"],
        project_id=row["c_project_id"],
        phase=Phase(row["c_phase"]),
        framework_id=row["c_framework_id"],
        opened_at=_parse_utc(row["c_opened_at"]),
        closes_at=_parse_utc(row["c_closes_at"]),
        thresholds=Thresholds(row["c_scores_threshold"], row["c_comments_threshold"]),
        status=CheckinStatus(row["c_status"]),
        closed_at=_parse_utc(closed_at) if closed_at else None,
        summary_message_id=row["c_summary_message_id"],
        reminded_at=_parse_utc(reminded_at) if reminded_at else None,
        reminder_rounds=row["c_reminder_rounds"],
        summary_due=bool(row["c_summary_due"]),
        summary_attempts=row["c_summary_attempts"],
        summary_retry_at=_parse_utc(retry) if (retry := row["c_summary_retry_at"]) else None,
    )


def _scheduled(row: aiosqlite.Row) -> ScheduledCheckin:
    return ScheduledCheckin(
        project_id=row["project_id"],
        phase=Phase(row["phase"]),
        opens_at=_parse_utc(row["opens_at"]),
        closes_at=_parse_utc(row["closes_at"]),
        state=SlotState(row["state"]),
        checkin_id=row["checkin_id"],
        checkin_open=row["checkin_status"] == CheckinStatus.OPEN.value,
        announced=bool(row["announced"]),
    )


async def _claim_planned(db: aiosqlite.Connection, checkin: Checkin) -> None:
    """The planned check-in of this phase (if not opened yet) is now this one."""
    await _run(
        db,
        "UPDATE scheduled_checkins SET state = 'opened', checkin_id = ? "
        "WHERE project_id = ? AND phase = ? AND state = 'planned'",
        (checkin.id, checkin.project_id, checkin.phase.value),
    )


async def _plan(
    db: aiosqlite.Connection, project_id: int, plan: Sequence[PlannedCheckin], now: datetime
) -> None:
    """Add planned check-ins not stored yet; those already over count as missed, quietly."""
    await db.executemany(
        "INSERT INTO scheduled_checkins (project_id, phase, opens_at, closes_at, state) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, phase) DO NOTHING",
        [
            (
                project_id,
                p.phase.value,
                _utc_text(p.opens_at),
                _utc_text(p.closes_at),
                (SlotState.MISSED if p.closes_at <= now else SlotState.PLANNED).value,
            )
            for p in plan
        ],
    )


def _invitation(row: aiosqlite.Row) -> Invitation:
    reminded = row["last_reminded_at"]
    return Invitation(
        checkin_id=row["checkin_id"],
        user_id=row["user_id"],
        delivery=Delivery(row["delivery"]),
        finished=bool(row["finished"]),
        declined=bool(row["declined"]),
        dm_channel_id=row["dm_channel_id"],
        dm_message_id=row["dm_message_id"],
        attempts=row["attempts"],
        next_attempt_at=_parse_utc(n) if (n := row["next_attempt_at"]) else None,
        reminders=row["reminders"],
        last_reminded_at=_parse_utc(reminded) if reminded else None,
    )


def _answer(row: aiosqlite.Row) -> Answer:
    choice = row["choice"]
    return Answer(
        item=row["item"],
        rating=row["rating"],
        skipped=bool(row["skipped"]),
        choice=DirectionChoice(choice) if choice else None,
        comment=row["comment"],
    )

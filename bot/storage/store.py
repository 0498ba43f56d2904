"""The bot's SQLite store: every query of the bot, mapping rows to bot.core.models.

One aiosqlite connection in autocommit mode; every write runs in BEGIN IMMEDIATE … COMMIT
under an asyncio lock, and reads take the same lock so they never see half a write.
Answers are stored under `respondent_key(secret, checkin_id, user_id)`, computed here so
callers never handle the key and the answer tables never hold a user id (DESIGN.md §5, §8).

What a copy of the data folder must not reveal shapes the writes:
- every invitee's response row is made when the check-in opens, in key order, and answering
  only changes keyed rows (`responses`, `answers`), never a row that names the member;
- who has finished is worked out by keying each invitee when a count or a reminder needs it;
- after every write the write-ahead log is checkpointed and truncated, so the `-wal` file
  never holds the history of earlier transactions to be read one by one: the emptying runs
  as soon as the store is free after the commit (so an interaction's answer does not wait
  for it), and before any next write, so the log holds at most the one latest transaction,
  and only for that moment;
- the close freezes the results, clears per-person bookkeeping and compacts the file;
- the database and its journal files are owner-only, and the secret's fingerprint is kept,
  so the bot never counts answers under a second key.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

import aiosqlite

from bot.core.flow import AnswerChange, ChangeKind
from bot.core.models import (
    COMMENT_MAX_CHARS,
    PRIORITY_PREFIX,
    Answer,
    AnsweringView,
    AuditEntry,
    Checkin,
    CheckinCounts,
    CheckinStanding,
    CheckinStatus,
    Delivery,
    DirectionChoice,
    DmMessage,
    FrozenResults,
    GuildSettings,
    Invitation,
    MemberDataErased,
    NewProject,
    Participant,
    Phase,
    Project,
    ProjectOverview,
    ReminderTarget,
    Response,
    ScheduledCheckin,
    SlotState,
    Thresholds,
    priority_item,
)
from bot.core.schedule import MAX_REMINDERS, Dated, PlannedCheckin
from bot.keys import MIN_SECRET_LENGTH, respondent_key, secret_fingerprint
from bot.storage.errors import (
    CheckinAlreadyOpen,
    DuplicateProjectName,
    SecretMismatch,
    StorageError,
)
from bot.storage.migrate import Migration, migrate

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Turns a closed check-in's submitted responses (of distinct invitees), the number invited
# and the names to redact into its frozen results: the figures and the comments (JSON).
Summariser = Callable[[list[Response], int, list[str]], tuple[str, str | None]]
BUSY_TIMEOUT_MS = 5000
GUILD_SETTINGS_KEPT = 4096  # servers whose settings are kept in memory
OWNER_ONLY_FILE = 0o600
OWNER_ONLY_FOLDER = 0o700
JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")

# Heads of the queries that map rows to Project / Checkin; columns are prefixed so joins
# of both tables stay unambiguous. Callers append literal WHERE/ORDER BY clauses.
_PROJECT_COLUMNS = (
    "id, guild_id, name, channel_id, starts_on, ends_on, framework_id, timezone, "
    "checkin_time, window_days, card_message_id, language"
)
_CHECKIN_COLUMNS = (
    "id, project_id, phase, framework_id, opened_at, closes_at, closed_at, status, "
    "scores_threshold, comments_threshold, summary_message_id, reminded_at, reminder_rounds, "
    "summary_due, summary_attempts, summary_retry_at, framework_snapshot"
)


def _prefixed(alias: str, columns: str) -> str:
    """ "id, name" for alias "p" → "p.id AS p_id, p.name AS p_name"."""
    return ", ".join(f"{alias}.{c} AS {alias}_{c}" for c in columns.split(", "))


_PROJECT_FIELDS = _prefixed("p", _PROJECT_COLUMNS)
_CHECKIN_FIELDS = _prefixed("c", _CHECKIN_COLUMNS)
_SELECT_PROJECTS = f"SELECT {_PROJECT_FIELDS} FROM projects AS p "  # noqa: S608
_SELECT_CHECKINS = f"SELECT {_CHECKIN_FIELDS} FROM checkins AS c "  # noqa: S608
_SELECT_PROJECTS_WITH_PARTICIPANTS = (
    f"SELECT {_PROJECT_FIELDS}, "  # noqa: S608 (the fields are constants)
    "(SELECT count(*) FROM participants WHERE project_id = p.id) AS p_participants "
    "FROM projects AS p "
)
# A check-in with no frozen figures (open, or closed by a version that froze none): only
# there is who finished worked out (`Store._counts_of`); a closed one's is in its figures.
_UNFROZEN = "(c.status = 'open' OR c.results IS NULL)"
# A project's invitations: each of an unfrozen check-in's with its invitee, the others' as a
# count per delivery state (so nobody is keyed for them, however long the history).
_SELECT_PROJECT_INVITATIONS = (
    f"SELECT i.checkin_id, i.delivery, CASE WHEN {_UNFROZEN} THEN i.user_id END AS user_id, "  # noqa: S608
    "COUNT(*) AS n "
    "FROM invitations AS i JOIN checkins AS c ON c.id = i.checkin_id WHERE c.project_id = ? "
    "GROUP BY i.checkin_id, i.delivery, 3"
)
# ...and the unfrozen check-ins' response states.
_SELECT_PROJECT_RESPONSES = (
    "SELECT r.checkin_id, r.respondent, r.submitted FROM responses AS r "  # noqa: S608
    f"JOIN checkins AS c ON c.id = r.checkin_id WHERE c.project_id = ? AND {_UNFROZEN}"
)
_SELECT_CHECKINS_WITH_RESULTS = (
    f"SELECT {_CHECKIN_FIELDS}, c.results AS c_results FROM checkins AS c "  # noqa: S608
)
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


_T = TypeVar("_T")


class DueWork(NamedTuple):
    """Which kinds of scheduler work have something due (`Store.due_work`)."""

    summaries: bool  # a closed check-in's summary to post (or try again)
    closings: bool  # an open check-in whose window has ended
    openings: bool  # a planned check-in whose opening has come
    comments: bool  # comment text past its retention period
    missed: bool  # missed check-ins the facilitators have not been told about
    screens: bool  # a closed check-in still marked as having messages in DMs to empty
    invitations: bool  # an invitation of an open check-in to send now
    departures: bool  # a server whose grace period has ended
    departed: bool  # a server that removed the bot, whose data is still kept


_DUE_WORK = (
    "SELECT "
    "EXISTS (SELECT 1 FROM checkins WHERE status = 'closed' AND summary_due = 1 "
    "AND (summary_retry_at IS NULL OR summary_retry_at <= ?1)), "
    "EXISTS (SELECT 1 FROM checkins WHERE status = 'open' AND closes_at <= ?1), "
    "EXISTS (SELECT 1 FROM scheduled_checkins WHERE state = 'planned' AND opens_at <= ?1), "
    "EXISTS (SELECT 1 FROM checkins WHERE status = 'closed' AND holds_comments = 1 "
    "AND closed_at < ?2), "
    "EXISTS (SELECT 1 FROM scheduled_checkins WHERE state = 'missed' AND announced = 0), "
    "EXISTS (SELECT 1 FROM checkins WHERE status = 'closed' AND screens_pending = 1), "
    "EXISTS (SELECT 1 FROM invitations AS i JOIN checkins AS c ON c.id = i.checkin_id "
    "JOIN participants AS p ON p.project_id = c.project_id AND p.user_id = i.user_id "
    "WHERE i.delivery = 'pending' AND c.status = 'open' "
    "AND (i.next_attempt_at IS NULL OR i.next_attempt_at <= ?1)), "
    "EXISTS (SELECT 1 FROM guild_departures WHERE erase_after <= ?1), "
    "EXISTS (SELECT 1 FROM guild_departures)"
)


class OpenCheckinTimes(NamedTuple):
    """An open check-in as the scheduler plans its reminders (`Store.open_checkin_times`)."""

    checkin_id: int
    project_id: int
    guild_id: int
    opened_at: datetime
    closes_at: datetime
    reminder_rounds: int
    timezone: str


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
        # A transaction was committed since the write-ahead log was last emptied.
        self._log_written = False
        self._emptying: asyncio.Task[None] | None = None
        # Servers' settings as last read or written by this process (read on every
        # facilitator command, written rarely, and only through this store).
        self._guild_settings: dict[int, GuildSettings] = {}

    # -- lifecycle -----------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        secret: bytes,
        clock: Clock | None = None,
        secret_source: str = "the secret",
        migrations: Sequence[Migration] | str | None = None,
    ) -> Store:
        """Open (creating if needed) and migrate the database at `path`.

        The database keeps a fingerprint of the secret that keys its answers; opening it with
        another secret raises SecretMismatch (`secret_source` says where the secret came from),
        so nobody can answer a second time under a new key. `migrations` replaces the bot's
        own (a package name or a list), for tests of the migration runner.
        """
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"the secret must be at least {MIN_SECRET_LENGTH} bytes")
        path = Path(path)
        _prepare_owner_only(path)
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
            await migrate(db, path, migrations, clock)
            await _check_fingerprint(db, path, secret, secret_source)
            # Whatever an earlier run left in the log (a crash leaves its last write) goes
            # into the file now, not at the first write.
            emptied = await _truncate_log(db)
        except BaseException:
            await db.close()
            raise
        db.row_factory = aiosqlite.Row
        _restrict_journal_files(path)
        log.info("opened database %s", path)
        store = cls(db, path, secret, clock or _system_clock)
        store._log_written = not emptied  # if it was busy, the first write empties it first
        try:
            await store._add_missing_response_rows()
        except BaseException:
            await store.close()  # or the connection's thread would keep the process alive
            raise
        return store

    async def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        async with self._lock:
            db, self._db = self._db, None
            if db is None:
                return
            try:
                await self._empty_log(db)
            finally:
                await db.close()
        if self._emptying is not None:
            await asyncio.wait({self._emptying})  # it finds the store closed and ends
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
        """BEGIN IMMEDIATE … COMMIT around the body, rolled back if it raises; the
        write-ahead log is emptied right after (see `_committed`)."""
        async with self._lock:
            db = self._connection()
            await self._empty_log(db)
            changes = db.total_changes
            try:
                await db.execute("BEGIN IMMEDIATE")
                yield db
                await db.execute("COMMIT")
            except BaseException as exc:
                if not isinstance(exc, Exception):
                    self._committed(True)  # cancelled: before a wait that may be cancelled too
                # Asked on the connection's thread, after whatever was queued there before
                # (a statement whose wait was cancelled still runs, BEGIN included).
                try:
                    await _on_thread(db, _roll_back)
                finally:
                    self._failed(db, changes, exc)
                raise
            self._committed(db.total_changes != changes)

    async def _write_at_once(self, body: Callable[[sqlite3.Connection], _T]) -> _T:
        """BEGIN IMMEDIATE, `body`, COMMIT (or ROLLBACK if it raises) in one hand-over to the
        connection's thread: a write of several statements for the wait of one. The
        write-ahead log is emptied right after (see `_committed`)."""
        async with self._lock:
            db = self._connection()
            await self._empty_log(db)
            changes = db.total_changes
            try:
                result = await _on_thread(db, lambda conn: _transaction(conn, body))
            except BaseException as exc:
                self._failed(db, changes, exc)
                raise
            self._committed(db.total_changes != changes)
            return result

    async def _read_at_once(self, body: Callable[[sqlite3.Connection], _T]) -> _T:
        """`body`'s statements in one hand-over to the connection's thread, while no write is
        half done."""
        async with self._reading() as db:
            return await _on_thread(db, body)

    def _failed(self, db: aiosqlite.Connection, changes: int, exc: BaseException) -> None:
        """After a write that raised `exc` (`changes`: `total_changes` before it): the log
        is emptied as soon as the store is free if the write may have put anything into it.

        A write whose wait was cancelled goes on on the connection's thread, and may commit
        after this: it counts as written. Any other failure ended there, rolled back (a
        BEGIN refused as busy changed nothing), or left its transaction open if the
        roll-back failed, which the emptying then rolls back (`_checkpoint`)."""
        cancelled = not isinstance(exc, Exception)
        self._committed(cancelled or db.in_transaction or db.total_changes != changes)

    def _committed(self, changed: bool) -> None:
        """After a write: empty the write-ahead log as soon as the store is free, if the
        write `changed` any row (one that changed none, such as a conditional write that
        did not apply or a check that found nothing to do, put nothing into it).

        The answer to the interaction that wrote is not kept waiting for the checkpoint (its
        commit is already durable), and every write first empties the log of the one before
        (`_empty_log`), so the log never holds two transactions to be compared, and the one
        it holds only until the store is next free (normally the next turn of the loop).
        """
        if not changed:
            return
        self._log_written = True
        if self._emptying is None or self._emptying.done():
            self._emptying = asyncio.get_running_loop().create_task(self._empty_log_soon())

    async def _empty_log_soon(self) -> None:
        async with self._lock:
            if self._db is None:
                return
            try:
                await self._empty_log(self._db)
            except Exception:
                log.exception("the write-ahead log could not be emptied; it is tried again later")

    async def _empty_log(self, db: aiosqlite.Connection) -> None:
        """Checkpoint and truncate the write-ahead log if a transaction went into it since it
        was last emptied (the caller holds the lock)."""
        if self._log_written and await _truncate_log(db):
            self._log_written = False

    async def log_emptied(self) -> None:
        """Until the write-ahead log of the writes so far has been emptied (for tests)."""
        if self._emptying is not None:
            await asyncio.wait({self._emptying})

    async def _compact(self) -> None:
        """Rebuild the file in key order, so no old page (or the order pages were made in)
        survives, then empty the log the rebuild went through."""
        async with self._lock:
            db = self._connection()
            await self._empty_log(db)  # the write before it (an erasure) first, on its own
            self._committed(True)  # even if this wait is cancelled: the rebuild goes on
            await _run(db, "VACUUM")
            self._log_written = not await _truncate_log(db)

    async def _select(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """Every row of one read (one hand-over to the connection's thread)."""
        return await self._read_at_once(lambda conn: _rows(conn, sql, params))

    async def _select_one(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        """The first row of one read, or None (one hand-over to the connection's thread)."""
        return await self._read_at_once(lambda conn: _row(conn, sql, params))

    async def _select_as(
        self, build: Callable[[aiosqlite.Row], _T], sql: str, params: Sequence[Any] = ()
    ) -> list[_T]:
        """Every row of one read, each made into what `build` makes of it."""
        return [build(row) for row in await self._select(sql, params)]

    async def _select_one_as(
        self, build: Callable[[aiosqlite.Row], _T], sql: str, params: Sequence[Any] = ()
    ) -> _T | None:
        """The first row of one read made into what `build` makes of it, or None."""
        row = await self._select_one(sql, params)
        return build(row) if row else None

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement in a write transaction of its own; how many rows it changed."""
        return await self._write_at_once(lambda conn: _changed(conn, sql, params))

    async def _write_if(self, sql: str, params: Sequence[Any] = ()) -> bool:
        """One conditional statement on one row (named by its key) in a write transaction of
        its own; whether it took effect."""
        return await self._write(sql, params) > 0

    @contextlib.asynccontextmanager
    async def _reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, while no write is half done."""
        async with self._lock:
            yield self._connection()

    def _respondent(self, checkin_id: int, user_id: int) -> str:
        return respondent_key(self._secret, checkin_id, user_id)

    # -- guild settings ------------------------------------------------------------------------

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults if it has none stored (kept in memory after
        the first read; every write of them here forgets them)."""
        kept = self._guild_settings.get(guild_id)
        if kept is not None:
            return kept
        found = await self._read_guild_settings(guild_id)
        if len(self._guild_settings) >= GUILD_SETTINGS_KEPT:
            del self._guild_settings[next(iter(self._guild_settings))]  # the oldest read
        self._guild_settings[guild_id] = found
        return found

    async def _read_guild_settings(self, guild_id: int) -> GuildSettings:
        row = await self._select_one(
            "SELECT facilitator_role_id, facilitator_channel_id, scores_threshold, "
            "comments_threshold, language "
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
            language=row["language"],
        )

    async def set_facilitator_role(self, guild_id: int, role_id: int | None) -> None:
        """Set (or clear, with None) the server's facilitator role."""
        await self._set_guild_setting(guild_id, "facilitator_role_id", role_id)

    async def set_facilitator_channel(self, guild_id: int, channel_id: int | None) -> None:
        """Set (or clear, with None) where notices for the server's facilitators go."""
        await self._set_guild_setting(guild_id, "facilitator_channel_id", channel_id)

    async def _set_guild_setting(
        self,
        guild_id: int,
        column: Literal["facilitator_role_id", "facilitator_channel_id", "language"],
        value: int | str | None,
    ) -> None:
        """Set one column of the server's settings, making its row (with the default
        thresholds) if it has none."""
        defaults = Thresholds()
        # `column` is one of the literals above, never text from outside.
        await self._write(
            f"INSERT INTO guild_settings (guild_id, {column}, scores_threshold, "  # noqa: S608
            "comments_threshold) VALUES (?, ?, ?, ?) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}",
            (guild_id, value, defaults.scores, defaults.comments),
        )
        # Forgotten after the write: a read that began before it has kept what it read by
        # now, and every later read finds the new row.
        self._guild_settings.pop(guild_id, None)

    async def set_guild_language(self, guild_id: int, language: str | None) -> None:
        """Set (or clear, with None: English) the server's language."""
        await self._set_guild_setting(guild_id, "language", language)

    async def set_thresholds(self, guild_id: int, thresholds: Thresholds) -> None:
        """Set the server's anonymity thresholds for check-ins opened from now on."""
        _check_thresholds(thresholds)
        await self._write(
            "INSERT INTO guild_settings (guild_id, scores_threshold, comments_threshold) "
            "VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET "
            "scores_threshold = excluded.scores_threshold, "
            "comments_threshold = excluded.comments_threshold",
            (guild_id, thresholds.scores, thresholds.comments),
        )
        self._guild_settings.pop(guild_id, None)  # after the write, as above

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
                "framework_id, timezone, checkin_time, window_days, created_at, language) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    project.language,
                ),
            )
            await _plan(db, project_id, plan, self._clock())
        described = {f.name: getattr(project, f.name) for f in dataclasses.fields(project)}
        described["checkin_time"] = time.fromisoformat(_hhmm(project.checkin_time))
        return Project(**described, id=project_id)

    async def get_project(self, project_id: int) -> Project | None:
        """The project with this id, or None."""
        return await self._read_at_once(lambda conn: _project_with_id(conn, project_id))

    async def find_project(self, guild_id: int, name: str) -> Project | None:
        """The server's project of this name, ignoring case and extra spaces, or None."""
        return await self._read_at_once(lambda conn: _project_named(conn, guild_id, name))

    async def list_projects(self, guild_id: int) -> list[Project]:
        """The server's projects, by name."""
        return await self._select_as(
            _project,
            _SELECT_PROJECTS + "WHERE p.guild_id = ? ORDER BY p.name_key, p.id",
            (guild_id,),
        )

    async def list_all_projects(self) -> list[Project]:
        """Every project in every server, oldest first."""
        return await self._select_as(_project, _SELECT_PROJECTS + "ORDER BY p.id")

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

    async def set_project_framework(self, project_id: int, framework_id: str) -> bool:
        """Switch the project's framework (check-ins already opened keep their own)."""
        return await self._write_if(
            "UPDATE projects SET framework_id = ? WHERE id = ?", (framework_id, project_id)
        )

    async def set_project_language(self, project_id: int, language: str | None) -> bool:
        """Set (or clear, with None: the server's) the project's language."""
        return await self._write_if(
            "UPDATE projects SET language = ? WHERE id = ?", (language, project_id)
        )

    async def member_language(self, guild_id: int, user_id: int) -> str | None:
        """The language a member chose for this server's DMs and answering, or None."""
        row = await self._select_one(
            "SELECT language FROM member_languages WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return None if row is None else str(row["language"])

    async def set_member_language(self, guild_id: int, user_id: int, language: str | None) -> None:
        """Set a member's language on this server, or forget it (None: the project's)."""
        if language is None:
            await self._write(
                "DELETE FROM member_languages WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            return
        await self._write(
            "INSERT INTO member_languages (guild_id, user_id, language) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET language = excluded.language",
            (guild_id, user_id, language),
        )

    async def set_card_message(self, project_id: int, message_id: int | None) -> None:
        """Remember the message holding the project's Join/Leave card."""
        await self._write(
            "UPDATE projects SET card_message_id = ? WHERE id = ?", (message_id, project_id)
        )

    async def delete_project(self, project_id: int) -> bool:
        """Erase the project and everything that belongs to it; False if there was none."""
        async with self._writing() as db:
            deleted = await _run(db, "DELETE FROM projects WHERE id = ?", (project_id,)) > 0
        if deleted:
            await self._compact()  # like every erasure: no page of it survives in the file
        return deleted

    # -- schedule ------------------------------------------------------------------------------

    async def list_schedule(self, project_id: int) -> list[ScheduledCheckin]:
        """The project's beginning, middle and end check-ins as scheduled, in order."""
        return await self._select_as(
            _scheduled,
            _SELECT_SCHEDULE + "WHERE s.project_id = ? ORDER BY s.opens_at",
            (project_id,),
        )

    async def list_planned(self) -> list[ScheduledCheckin]:
        """Every check-in not opened yet, in every server, soonest first (for the scheduler)."""
        return await self._select_as(
            _scheduled,
            _SELECT_SCHEDULE + "WHERE s.state = 'planned' ORDER BY s.opens_at, s.project_id",
        )

    async def due_work(self, now: datetime, comments_closed_before: datetime) -> DueWork:
        """Which kinds of the scheduler's work have something due at `now`, in one statement
        (each an indexed probe of the rows due), so a pass reads the rest only for those."""
        row = await self._select_one(_DUE_WORK, (_utc_text(now), _utc_text(comments_closed_before)))
        return DueWork(*(bool(value) for value in (row or (0,) * len(DueWork._fields))))

    async def list_planned_due(self, now: datetime) -> list[ScheduledCheckin]:
        """The check-ins not opened yet whose time has come by `now`, soonest first: only
        those (a partial index of the planned ones, by opening time), for a scheduler pass."""
        return await self._select_as(
            _scheduled,
            _SELECT_SCHEDULE + "WHERE s.state = 'planned' AND s.opens_at <= ? "
            "ORDER BY s.opens_at, s.project_id",
            (_utc_text(now),),
        )

    async def next_opening(self, after: datetime) -> datetime | None:
        """When the next check-in not opened yet opens, later than `after`."""
        row = await self._select_one(
            "SELECT min(opens_at) AS due FROM scheduled_checkins "
            "WHERE state = 'planned' AND opens_at > ?",
            (_utc_text(after),),
        )
        return _parse_utc(row["due"]) if row and row["due"] else None

    async def mark_missed(self, project_id: int, phase: Phase) -> bool:
        """A planned check-in whose window passed: missed, facilitators not told yet."""
        return await self._write_if(
            "UPDATE scheduled_checkins SET state = 'missed', announced = 0 "
            "WHERE project_id = ? AND phase = ? AND state = 'planned'",
            (project_id, Phase(phase).value),
        )

    async def list_unannounced(self) -> list[ScheduledCheckin]:
        """Missed check-ins the facilitators have not been told about yet."""
        return await self._select_as(
            _scheduled,
            _SELECT_SCHEDULE
            + "WHERE s.state = 'missed' AND s.announced = 0 ORDER BY s.opens_at, s.project_id",
        )

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
        erased = 0
        async with self._writing() as db:
            # Only check-ins still holding comments are read (a partial index of them).
            expired = await _all(
                db,
                "SELECT id, project_id FROM checkins "
                "WHERE status = 'closed' AND holds_comments = 1 AND closed_at < ?",
                (_utc_text(closed_before),),
            )
            for checkin_id, _ in expired:
                erased += await _run(
                    db,
                    "UPDATE answers SET comment = NULL "
                    "WHERE checkin_id = ? AND comment IS NOT NULL",
                    (checkin_id,),
                )
                # An answer that was only a comment (e.g. "anything else") has nothing left.
                await _run(
                    db,
                    "DELETE FROM answers WHERE checkin_id = ? AND comment IS NULL "
                    "AND rating IS NULL AND choice IS NULL AND skipped = 0",
                    (checkin_id,),
                )
                await _run(db, "UPDATE checkins SET holds_comments = 0 WHERE id = ?", (checkin_id,))
            # Names of people no longer in a project are kept only while its comments may
            # still be shown.
            for project_id in sorted({project_id for _, project_id in expired}):
                await _run(
                    db,
                    "DELETE FROM redaction_names WHERE project_id = ? AND NOT EXISTS ("
                    "SELECT 1 FROM checkins AS c WHERE c.project_id = ? AND ("
                    "c.status = 'open' OR c.results_comments IS NOT NULL "
                    "OR c.holds_comments = 1)) "
                    "AND name NOT IN (SELECT j.value FROM participants AS pa, "
                    "json_each(pa.names) AS j WHERE pa.project_id = ?)",
                    (project_id, project_id, project_id),
                )
        if erased:
            await self._compact()
        return erased

    async def oldest_comment_close(self) -> datetime | None:
        """When the longest-closed check-in that still holds comment text closed."""
        row = await self._select_one(
            "SELECT min(closed_at) AS closed FROM checkins "
            "WHERE status = 'closed' AND holds_comments = 1",
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
        await self._write(
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
            await _add_names(db, [project_id], names)
        return existed is None

    async def add_redaction_names(self, project_id: int, names: Sequence[str]) -> None:
        """Names to hide in the project's comments (a facilitator who acted on it)."""
        async with self._writing() as db:
            await _add_names(db, [project_id], names)

    async def refresh_member_names(
        self, user_id: int, names: Sequence[str], guild_id: int | None = None
    ) -> list[int]:
        """Names the member goes by now (a new nickname, say), added to every project they
        take part in (in one server, or any), so later comments that use them are hidden;
        the ids of those projects."""
        async with self._writing() as db:
            rows = await _all(
                db,
                "SELECT pa.project_id FROM participants AS pa "
                "JOIN projects AS p ON p.id = pa.project_id "
                "WHERE pa.user_id = ? AND (? IS NULL OR p.guild_id = ?)",
                (user_id, guild_id, guild_id),
            )
            project_ids = [row[0] for row in rows]
            await _add_names(db, project_ids, names)
        return project_ids

    async def redaction_names(self, project_id: int) -> list[str]:
        """Every name to hide in the project's comments."""
        rows = await self._select(
            "SELECT name FROM redaction_names WHERE project_id = ? ORDER BY name", (project_id,)
        )
        return [row[0] for row in rows]

    async def checkin_redaction_names(self, checkin_id: int) -> tuple[str, ...]:
        """Every name to hide in the comments of this check-in's project, in the order its
        close hands them to the summary."""
        rows = await self._select(_CHECKIN_REDACTION_NAMES, (checkin_id,))
        return tuple(row[0] for row in rows)

    async def open_checkins_with_comments(self) -> list[tuple[int, int]]:
        """The open check-ins that hold a comment, as (check-in id, project id)."""
        rows = await self._select(
            "SELECT c.id, c.project_id FROM checkins AS c "
            "WHERE c.status = 'open' AND EXISTS (SELECT 1 FROM answers AS a "
            "WHERE a.checkin_id = c.id AND a.comment IS NOT NULL) ORDER BY c.closes_at, c.id"
        )
        return [(row[0], row[1]) for row in rows]

    async def checkin_comments(self, checkin_id: int) -> tuple[tuple[str, ...], list[str]]:
        """`checkin_redaction_names` and every comment written to the check-in so far (each
        text once), in one read: to redact them before its close."""

        def read(conn: sqlite3.Connection) -> tuple[tuple[str, ...], list[str]]:
            names = tuple(row[0] for row in conn.execute(_CHECKIN_REDACTION_NAMES, (checkin_id,)))
            rows = conn.execute(
                "SELECT DISTINCT comment FROM answers WHERE checkin_id = ? AND comment IS NOT NULL",
                (checkin_id,),
            )
            return names, [row[0] for row in rows]

        return await self._read_at_once(read)

    async def remove_participant(self, project_id: int, user_id: int) -> bool:
        """Remove a participant; False if they were not one."""
        return await self._write_if(
            "DELETE FROM participants WHERE project_id = ? AND user_id = ?",
            (project_id, user_id),
        )

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
        *,
        framework_snapshot: str | None = None,
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
                db,
                project_id,
                phase,
                framework_id,
                opened_at,
                closes_at,
                thresholds,
                invitees,
                framework_snapshot,
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
        *,
        framework_snapshot: str | None = None,
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
                framework_snapshot,
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
        framework_snapshot: str | None = None,
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
                "status, scores_threshold, comments_threshold, framework_snapshot) "
                "VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?)",
                (
                    project_id,
                    Phase(phase).value,
                    framework_id,
                    opened_text,
                    closes_text,
                    thresholds.scores,
                    thresholds.comments,
                    framework_snapshot,
                ),
            )
        except sqlite3.IntegrityError as exc:  # the partial unique index, as a backstop
            raise CheckinAlreadyOpen(project_id) from exc
        users = list(dict.fromkeys(invitees))
        await db.executemany(
            "INSERT INTO invitations (checkin_id, user_id) VALUES (?, ?)",
            [(checkin_id, user) for user in users],
        )
        await self._add_response_rows(db, checkin_id, users)
        return Checkin(
            id=checkin_id,
            project_id=project_id,
            phase=Phase(phase),
            framework_id=framework_id,
            opened_at=_parse_utc(opened_text),
            closes_at=_parse_utc(closes_text),
            thresholds=thresholds,
            framework_snapshot=framework_snapshot,
        )

    async def _add_response_rows(
        self, db: aiosqlite.Connection, checkin_id: int, users: Iterable[int]
    ) -> None:
        """An empty response row per invitee, inserted in key order: every invitee has one
        from the start, so neither a row's existence nor its place says who began."""
        keys = sorted(self._respondent(checkin_id, user) for user in users)
        await db.executemany(
            "INSERT INTO responses (checkin_id, respondent) VALUES (?, ?) "
            "ON CONFLICT (checkin_id, respondent) DO NOTHING",
            [(checkin_id, key) for key in keys],
        )

    async def _add_missing_response_rows(self) -> None:
        """Open check-ins of an older version get a response row for every invitee.

        Only a check-in with fewer response rows than invitations lacks any: every version
        since gives each invitee theirs when they are invited, and an erasure takes both
        away. So a start with every row in place keys nobody (one HMAC per invitee of every
        open check-in, on the event loop, was a start that grew with the instance)."""
        async with self._writing() as db:
            rows = await _all(
                db,
                "SELECT i.checkin_id, i.user_id FROM checkins AS c "
                "JOIN invitations AS i ON i.checkin_id = c.id WHERE c.status = 'open' "
                "AND (SELECT count(*) FROM responses AS r WHERE r.checkin_id = c.id) "
                "< (SELECT count(*) FROM invitations AS n WHERE n.checkin_id = c.id)",
            )
            by_checkin: dict[int, list[int]] = {}
            for checkin_id, user_id in rows:
                by_checkin.setdefault(checkin_id, []).append(user_id)
            for checkin_id, users in by_checkin.items():
                await self._add_response_rows(db, checkin_id, users)

    async def get_checkin(self, checkin_id: int) -> Checkin | None:
        """The check-in with this id, or None."""
        return await self._select_one_as(
            _checkin, _SELECT_CHECKINS + "WHERE c.id = ?", (checkin_id,)
        )

    async def current_checkin(self, project_id: int) -> Checkin | None:
        """The project's open check-in, or None."""
        return await self._read_at_once(lambda conn: _open_checkin_of(conn, project_id))

    async def list_checkins(self, project_id: int) -> list[Checkin]:
        """The project's check-ins, oldest first."""
        return await self._select_as(
            _checkin,
            _SELECT_CHECKINS + "WHERE c.project_id = ? ORDER BY c.opened_at, c.id",
            (project_id,),
        )

    async def list_open_checkins(self) -> list[Checkin]:
        """Every open check-in in every server, soonest to close first (for the scheduler)."""
        return [checkin for _, checkin in await self.open_checkins_with_projects()]

    async def open_checkins_with_projects(self) -> list[tuple[Project, Checkin]]:
        """`list_open_checkins`, each with its project, in one read."""
        return await self._select_as(
            _project_and_checkin,
            f"SELECT {_PROJECT_FIELDS}, {_CHECKIN_FIELDS} FROM checkins AS c "  # noqa: S608
            "JOIN projects AS p ON p.id = c.project_id "
            "WHERE c.status = 'open' ORDER BY c.closes_at, c.id",
        )

    async def checkins_closing(self, now: datetime) -> list[Checkin]:
        """The open check-ins whose window has ended by `now`, soonest first: only those."""
        return await self._select_as(
            _checkin,
            _SELECT_CHECKINS + "WHERE c.status = 'open' AND c.closes_at <= ? "
            "ORDER BY c.closes_at, c.id",
            (_utc_text(now),),
        )

    async def next_closing(self, after: datetime) -> datetime | None:
        """When the next open check-in's window ends, later than `after`."""
        row = await self._select_one(
            "SELECT min(closes_at) AS due FROM checkins WHERE status = 'open' AND closes_at > ?",
            (_utc_text(after),),
        )
        return _parse_utc(row["due"]) if row and row["due"] else None

    async def open_checkin_times(self) -> list[OpenCheckinTimes]:
        """Every open check-in with only what the scheduler plans its reminders from (no
        framework snapshot, no whole project): one narrow read, rebuilt rarely."""
        return await self._select_as(
            _open_checkin_times,
            "SELECT c.id, c.project_id, p.guild_id, c.opened_at, c.closes_at, "
            "c.reminder_rounds, p.timezone FROM checkins AS c "
            "JOIN projects AS p ON p.id = c.project_id WHERE c.status = 'open'",
        )

    async def close_checkin(
        self, checkin_id: int, closed_at: datetime, summarise: Summariser
    ) -> bool:
        """Close an open check-in and freeze its results, its summary now due; False if it
        was already closed.

        In one transaction: the submitted responses of distinct invitees are summarised by
        `summarise` and stored, the check-in is closed, and the per-person bookkeeping that
        could tie someone to their row (reminders, declines, delivery attempts) is cleared.
        Then the file is compacted, so no page from before the close survives.
        """
        async with self._writing() as db:
            if not await _one(
                db, "SELECT 1 FROM checkins WHERE id = ? AND status = 'open'", (checkin_id,)
            ):
                return False
            await self._freeze(db, checkin_id, summarise)
            await _run(
                db,
                "UPDATE checkins SET status = 'closed', closed_at = ?, summary_due = 1, "
                "screens_pending = 1, holds_comments = EXISTS (SELECT 1 FROM answers AS a "
                "WHERE a.checkin_id = checkins.id AND a.comment IS NOT NULL) "
                "WHERE id = ? AND status = 'open'",
                (_utc_text(closed_at), checkin_id),
            )
            await _run(
                db,
                "UPDATE responses SET declined = 0, reminders = 0, last_reminded_at = NULL "
                "WHERE checkin_id = ?",
                (checkin_id,),
            )
            # An invitation not sent by now never will be (pending ones are open check-ins').
            await _run(
                db,
                "UPDATE invitations SET attempts = 0, next_attempt_at = NULL, "
                "delivery = CASE delivery WHEN 'pending' THEN 'failed' ELSE delivery END "
                "WHERE checkin_id = ?",
                (checkin_id,),
            )
        await self._compact()
        return True

    async def _freeze(
        self, db: aiosqlite.Connection, checkin_id: int, summarise: Summariser
    ) -> None:
        responses = [r for r in await self._invitee_responses(db, checkin_id) if r.submitted]
        invited = await _count(
            db, "SELECT count(*) FROM invitations WHERE checkin_id = ?", (checkin_id,)
        )
        names = await _all(db, _CHECKIN_REDACTION_NAMES, (checkin_id,))
        # Pure CPU (the maths, redacting every comment): in a thread, so the event loop goes
        # on answering clicks while a large check-in closes.
        figures, comments = await asyncio.to_thread(
            summarise, responses, invited, [row[0] for row in names]
        )
        await _run(
            db,
            "UPDATE checkins SET results = ?, results_comments = ? WHERE id = ?",
            (figures, comments, checkin_id),
        )

    async def freeze_unfrozen(self, checkin_id: int, summarise: Summariser) -> bool:
        """Freeze the results of a check-in closed by an older version, which kept none;
        once (False if it has results already or is open)."""
        async with self._writing() as db:
            if not await _one(
                db,
                "SELECT 1 FROM checkins WHERE id = ? AND status = 'closed' AND results IS NULL",
                (checkin_id,),
            ):
                return False
            await self._freeze(db, checkin_id, summarise)
        return True

    async def get_results(self, checkin_id: int) -> FrozenResults | None:
        """The frozen results of a closed check-in (figures and comments, as JSON texts)."""
        row = await self._select_one(
            "SELECT results, results_comments FROM checkins WHERE id = ? AND status = 'closed'",
            (checkin_id,),
        )
        if row is None or row["results"] is None:
            return None
        return FrozenResults(row["results"], row["results_comments"])

    async def set_summary_message(self, checkin_id: int, message_id: int | None) -> None:
        """Record that the summary was posted (its first message) or could not be (None);
        either way its comments are not needed any more and are dropped."""
        await self._write(
            "UPDATE checkins SET summary_message_id = ?, summary_due = 0, "
            "results_comments = NULL WHERE id = ?",
            (message_id, checkin_id),
        )

    async def summary_failed(self, checkin_id: int, retry_at: datetime | None) -> None:
        """Posting the summary failed: try again from `retry_at`, or (None) give up, dropping
        the comments that were waiting for it."""
        await self._write(
            "UPDATE checkins SET summary_attempts = summary_attempts + 1, "
            "summary_retry_at = ?, summary_due = ?, "
            "results_comments = CASE WHEN ? THEN results_comments END WHERE id = ?",
            (
                _utc_text(retry_at) if retry_at else None,
                int(retry_at is not None),
                int(retry_at is not None),
                checkin_id,
            ),
        )

    async def list_dm_messages(self, limit: int = 100) -> list[DmMessage]:
        """Check-in messages in members' DMs still to be emptied: of closed check-ins (the
        invitations, and the reminders kept in keyed rows, matched to members by keying)."""
        async with self._reading() as db:
            rows = await _all(
                db,
                "SELECT m.checkin_id, m.user_id, m.channel_id, m.message_id "
                "FROM checkins AS c JOIN dm_messages AS m ON m.checkin_id = c.id "
                "WHERE c.status = 'closed' AND c.screens_pending = 1 "
                "ORDER BY c.id, m.user_id, m.message_id LIMIT ?",
                (limit,),
            )
            found = [_dm_message(row) for row in rows]
            if len(found) < limit:
                found += await self._reminder_messages(db, limit - len(found))
        return found

    async def screens_unsettled(self, closed_before: datetime) -> bool:
        """Whether a check-in closed before `closed_before` is still marked as having
        messages in DMs to empty (a partial index of those: one probe)."""
        row = await self._select_one(
            "SELECT 1 FROM checkins WHERE status = 'closed' AND screens_pending = 1 "
            "AND closed_at < ? LIMIT 1",
            (_utc_text(closed_before),),
        )
        return row is not None

    async def settle_screens(self, closed_before: datetime) -> int:
        """Check-ins closed before `closed_before` with no message left in anyone's DMs
        (none was ever sent, say) have nothing to empty there: marked so, once, so no later
        pass looks through them again; how many."""
        return await self._write(
            "UPDATE checkins SET screens_pending = 0 "
            "WHERE status = 'closed' AND screens_pending = 1 AND closed_at < ? "
            "AND NOT EXISTS (SELECT 1 FROM dm_messages AS m WHERE m.checkin_id = checkins.id) "
            "AND NOT EXISTS (SELECT 1 FROM responses AS r "
            "WHERE r.checkin_id = checkins.id AND r.reminder_messages != '[]')",
            (_utc_text(closed_before),),
        )

    async def _reminder_messages(self, db: aiosqlite.Connection, limit: int) -> list[DmMessage]:
        keyed = await _all(
            db,
            "SELECT r.checkin_id, r.respondent, r.reminder_messages "
            "FROM checkins AS c JOIN responses AS r ON r.checkin_id = c.id "
            "WHERE c.status = 'closed' AND c.screens_pending = 1 "
            "AND r.reminder_messages != '[]' LIMIT ?",
            (limit,),
        )
        found: list[DmMessage] = []
        for checkin_id, respondent, messages in keyed:
            user_id = (await self._invitee_keys(db, checkin_id)).get(respondent)
            if user_id is None:
                continue  # a row under no invitee's key: nobody to empty a message for
            found += await _keyed_dm_messages(db, checkin_id, user_id, messages)
        return found[:limit]

    async def forget_dm_message(self, message: DmMessage) -> None:
        """The message was emptied (or is gone): forget it."""
        respondent = self._respondent(message.checkin_id, message.user_id)
        async with self._writing() as db:
            await _run(
                db,
                "DELETE FROM dm_messages WHERE checkin_id = ? AND user_id = ? AND message_id = ?",
                (message.checkin_id, message.user_id, message.message_id),
            )
            await _run(
                db,
                "UPDATE responses SET reminder_messages = coalesce(("
                "SELECT json_group_array(j.value) FROM json_each(reminder_messages) AS j "
                "WHERE j.value != ?), '[]') "
                "WHERE checkin_id = ? AND respondent = ? AND reminder_messages != '[]'",
                (message.message_id, message.checkin_id, respondent),
            )
            await _settle_screens(db, message.checkin_id)

    async def list_summaries_due(self, now: datetime | None = None) -> list[Checkin]:
        """Closed check-ins whose summary is still to be posted (e.g. after a restart), and
        with `now`, only those due to be tried now."""
        return await self._select_as(
            _checkin,
            _SELECT_CHECKINS + "WHERE c.status = 'closed' AND c.summary_due = 1 "
            "AND (? IS NULL OR c.summary_retry_at IS NULL OR c.summary_retry_at <= ?) "
            "ORDER BY c.id",
            (_utc_text(now) if now else None, _utc_text(now) if now else None),
        )

    async def advance_reminder_rounds(self, checkin_id: int, done: int, rounds: int) -> bool:
        """Move the automatic reminder rounds done from `done` to `rounds`, once."""
        return await self._write_if(
            "UPDATE checkins SET reminder_rounds = ? "
            "WHERE id = ? AND reminder_rounds = ? AND status = 'open'",
            (rounds, checkin_id, done),
        )

    async def mark_reminded(self, checkin_id: int, now: datetime, gap: timedelta) -> bool:
        """Record a reminder at `now` unless one was recorded less than `gap` ago (then False)."""
        return await self._write_if(
            "UPDATE checkins SET reminded_at = ? "
            "WHERE id = ? AND (reminded_at IS NULL OR reminded_at <= ?)",
            (_utc_text(now), checkin_id, _utc_text(now - gap)),
        )

    # -- invitations ---------------------------------------------------------------------------

    async def get_invitation(self, checkin_id: int, user_id: int) -> Invitation | None:
        """The member's invitation to the check-in, or None if they were not invited."""
        return await self._select_one_as(
            _invitation,
            "SELECT * FROM invitations WHERE checkin_id = ? AND user_id = ?",
            (checkin_id, user_id),
        )

    async def add_invitation(self, checkin_id: int, user_id: int) -> bool:
        """Invite a member to an open check-in; False if it is closed or they already are."""
        async with self._writing() as db:
            if not await _one(
                db, "SELECT 1 FROM checkins WHERE id = ? AND status = 'open'", (checkin_id,)
            ):
                return False
            added = await _run(
                db,
                "INSERT INTO invitations (checkin_id, user_id) VALUES (?, ?) "
                "ON CONFLICT (checkin_id, user_id) DO NOTHING",
                (checkin_id, user_id),
            )
            if added:
                await self._add_response_rows(db, checkin_id, [user_id])
        return added == 1

    async def list_invitations(self, checkin_id: int) -> list[Invitation]:
        """Everyone invited to the check-in, by user id."""
        return await self._select_as(
            _invitation,
            "SELECT * FROM invitations WHERE checkin_id = ? ORDER BY user_id",
            (checkin_id,),
        )

    async def list_undelivered(self, checkin_id: int, now: datetime) -> list[Invitation]:
        """Invitations to send now: pending, due for a try, to members still in the project."""
        return [invitation for invitation, _ in await self.invitations_due(checkin_id, now)]

    async def checkins_with_invitations_due(self, now: datetime) -> set[int]:
        """The open check-ins with an invitation to send now (to someone still in the
        project), read from the pending invitations alone."""
        ids = await self._select_as(
            lambda row: int(row[0]),
            "SELECT DISTINCT i.checkin_id FROM invitations AS i "
            "JOIN checkins AS c ON c.id = i.checkin_id "
            "JOIN participants AS p ON p.project_id = c.project_id AND p.user_id = i.user_id "
            "WHERE i.delivery = 'pending' AND c.status = 'open' "
            "AND (i.next_attempt_at IS NULL OR i.next_attempt_at <= ?)",
            (_utc_text(now),),
        )
        return set(ids)

    async def invitations_due(
        self, checkin_id: int, now: datetime
    ) -> list[tuple[Invitation, int | None]]:
        """`list_undelivered`, each with the member's DM channel if known: all a round of
        invitations needs to read, in one statement."""
        return await self._select_as(
            lambda row: (_invitation(row), row["known_channel"]),
            "SELECT i.*, dc.channel_id AS known_channel FROM invitations AS i "
            "JOIN checkins AS c ON c.id = i.checkin_id "
            "JOIN participants AS p ON p.project_id = c.project_id AND p.user_id = i.user_id "
            "LEFT JOIN dm_channels AS dc ON dc.user_id = i.user_id "
            "WHERE i.checkin_id = ? AND i.delivery = 'pending' "
            "AND (i.next_attempt_at IS NULL OR i.next_attempt_at <= ?) ORDER BY i.user_id",
            (checkin_id, _utc_text(now)),
        )

    async def next_delivery_attempt(self, after: datetime | None = None) -> datetime | None:
        """When the next invitation of an open check-in, to someone still in its project, is
        due to be tried again (one who left is never tried, so never waited for); with
        `after`, the next one due after that moment."""
        row = await self._select_one(
            "SELECT min(i.next_attempt_at) AS due FROM invitations AS i "
            "JOIN checkins AS c ON c.id = i.checkin_id "
            "JOIN participants AS p ON p.project_id = c.project_id AND p.user_id = i.user_id "
            "WHERE c.status = 'open' AND i.delivery = 'pending' "
            "AND i.next_attempt_at IS NOT NULL AND i.next_attempt_at > ?",
            ("" if after is None else _utc_text(after),),
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
        remember_channel: bool = False,
    ) -> None:
        """Record one attempt at the invitation DM (and, if pending, when to try again); a
        channel given as None keeps its old value. The message sent is remembered so it can
        be emptied when the check-in closes; with `remember_channel`, the channel is kept as
        the member's DM channel for later DMs too (one write for both)."""
        params = (
            Delivery(delivery).value,
            _utc_text(retry_at) if retry_at else None,
            dm_channel_id,
            checkin_id,
            user_id,
        )

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE invitations SET delivery = ?, attempts = attempts + 1, "
                "next_attempt_at = ?, "
                "dm_channel_id = coalesce(?, dm_channel_id) "
                "WHERE checkin_id = ? AND user_id = ?",
                params,
            ).close()
            if dm_message_id is not None:
                channel_id = dm_channel_id
                if channel_id is None:
                    row = _row(
                        conn,
                        "SELECT dm_channel_id FROM invitations "
                        "WHERE checkin_id = ? AND user_id = ?",
                        (checkin_id, user_id),
                    )
                    channel_id = row[0] if row is not None else None
                if channel_id is not None:
                    conn.execute(
                        _REMEMBER_DM_MESSAGE, (checkin_id, user_id, channel_id, dm_message_id)
                    ).close()
            if remember_channel and dm_channel_id is not None:
                conn.execute(_UPSERT_DM_CHANNEL, (user_id, dm_channel_id)).close()

        await self._write_at_once(write)

    async def reminder_targets(
        self, checkin_id: int, limit: int, spacing: timedelta, now: datetime
    ) -> list[ReminderTarget]:
        """Who may get a reminder now: invited, still in the project, reached by DM, not
        finished or declined, reminded fewer than `limit` times and not within `spacing`.

        Worked out by keying each invitee; in key order, so the order in which their keyed
        rows are then written says nothing about who they are.
        """
        async with self._reading() as db:
            states = await self._response_states(db, checkin_id)
            rows = await _all(
                db,
                "SELECT i.user_id, i.dm_channel_id FROM invitations AS i "
                "JOIN checkins AS c ON c.id = i.checkin_id "
                "JOIN participants AS p ON p.project_id = c.project_id AND p.user_id = i.user_id "
                "WHERE i.checkin_id = ? AND i.delivery = 'delivered'",
                (checkin_id,),
            )
        latest = _utc_text(now - spacing)
        targets = []
        for row in rows:
            state = states.get(row["user_id"])
            if state is not None and _may_remind(state, limit, latest):
                targets.append(
                    (
                        state["respondent"],
                        ReminderTarget(row["user_id"], state["reminders"], row["dm_channel_id"]),
                    )
                )
        return [target for _, target in sorted(targets)]

    async def reminder_target(
        self, checkin_id: int, user_id: int, limit: int, spacing: timedelta, now: datetime
    ) -> ReminderTarget | None:
        """The member, if they may get a reminder now (as `reminder_targets`); else None."""
        async with self._reading() as db:
            invitation = await _one(
                db,
                "SELECT i.dm_channel_id FROM invitations AS i "
                "JOIN checkins AS c ON c.id = i.checkin_id "
                "JOIN participants AS p ON p.project_id = c.project_id AND p.user_id = i.user_id "
                "WHERE i.checkin_id = ? AND i.user_id = ? AND i.delivery = 'delivered'",
                (checkin_id, user_id),
            )
            state = await _one(
                db,
                "SELECT submitted, declined, reminders, last_reminded_at FROM responses "
                "WHERE checkin_id = ? AND respondent = ?",
                (checkin_id, self._respondent(checkin_id, user_id)),
            )
        if invitation is None or state is None:
            return None
        if not _may_remind(state, limit, _utc_text(now - spacing)):
            return None
        return ReminderTarget(user_id, state["reminders"], invitation["dm_channel_id"])

    async def record_reminder(
        self,
        checkin_id: int,
        user_id: int,
        now: datetime,
        *,
        dm_channel_id: int | None = None,
        dm_message_id: int | None = None,
    ) -> bool:
        """Count one reminder sent to the member, and remember its message (to be emptied at
        the close), both in their keyed row: only those who have not finished get reminders,
        so nothing naming them may record one. False if they already had the most allowed.
        (`dm_channel_id` is not stored there: it would name them; the invitation has it.)"""
        respondent = self._respondent(checkin_id, user_id)
        return await self._write_if(
            "UPDATE responses SET reminders = reminders + 1, last_reminded_at = ?, "
            "reminder_messages = CASE WHEN ? IS NULL THEN reminder_messages "
            "ELSE json_insert(reminder_messages, '$[#]', ?) END "
            "WHERE checkin_id = ? AND respondent = ? AND reminders < ?",
            (
                _utc_text(now),
                dm_message_id,
                dm_message_id,
                checkin_id,
                respondent,
                MAX_REMINDERS,
            ),
        )

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
                await _upsert_dm_channel(db, user_id, channel_id)

    async def open_checkins_for_user(
        self, user_id: int, guild_id: int | None = None
    ) -> list[tuple[Project, Checkin]]:
        """Open check-ins the member was invited to (optionally in one server), by closing time."""
        return await self._select_as(
            _project_and_checkin,
            _SELECT_INVITED_CHECKINS
            + "WHERE i.user_id = ? AND c.status = 'open' AND (? IS NULL OR p.guild_id = ?) "
            "ORDER BY c.closes_at, c.id",
            (user_id, guild_id, guild_id),
        )

    # -- answers -------------------------------------------------------------------------------

    async def answering_view(self, checkin_id: int, user_id: int) -> AnsweringView | None:
        """The check-in, its project and the member's answers, in one read; None if there is
        no such check-in or the member was not invited to it."""
        respondent = self._respondent(checkin_id, user_id)

        def read(conn: sqlite3.Connection) -> AnsweringView | None:
            row = _row(
                conn,
                f"SELECT {_CHECKIN_FIELDS} FROM checkins AS c "  # noqa: S608 (constant fields)
                "JOIN invitations AS i ON i.checkin_id = c.id AND i.user_id = ? WHERE c.id = ?",
                (user_id, checkin_id),
            )
            if row is None:
                return None
            checkin = _checkin(row)
            project = _project_with_id(conn, checkin.project_id)
            return AnsweringView(project, checkin, _response_now(conn, checkin_id, respondent))

        return await self._read_at_once(read)

    async def change_answer(
        self, checkin_id: int, user_id: int, change: AnswerChange
    ) -> Response | None:
        """Store one change to the member's answers and return them as they now are, in one
        write; None if they may not answer now (closed, not invited).

        The check (check-in open, member invited, their response row there) runs in the same
        transaction as the write, so a concurrent close cannot slip between them. The write
        changes keyed rows only: nothing that names the member changes while they answer.
        """
        change = _stored_form(change)
        respondent = self._respondent(checkin_id, user_id)

        def write(conn: sqlite3.Connection) -> Response | None:
            allowed = _row(
                conn,
                "SELECT 1 FROM checkins AS c JOIN invitations AS i ON i.checkin_id = c.id "
                "JOIN responses AS r ON r.checkin_id = c.id AND r.respondent = ? "
                "WHERE c.id = ? AND c.status = 'open' AND i.user_id = ?",
                (respondent, checkin_id, user_id),
            )
            if allowed is None:
                return None
            for sql, params in _change_statements(checkin_id, respondent, change):
                conn.execute(sql, params).close()
            return _response_now(conn, checkin_id, respondent)

        return await self._write_at_once(write)

    async def change_answer_in_view(
        self, checkin_id: int, user_id: int, change: AnswerChange
    ) -> AnsweringView | None:
        """As `change_answer`, and the check-in and its project with the answers, all in one
        write: a click that knows what it changes needs no read first. None if the member may
        not answer now (closed, not invited) or the project is gone: `answering_view` says
        which."""
        change = _stored_form(change)
        respondent = self._respondent(checkin_id, user_id)

        def write(conn: sqlite3.Connection) -> AnsweringView | None:
            row = _row(
                conn,
                f"SELECT {_CHECKIN_FIELDS} FROM checkins AS c "  # noqa: S608 (constant fields)
                "JOIN invitations AS i ON i.checkin_id = c.id AND i.user_id = ? "
                "JOIN responses AS r ON r.checkin_id = c.id AND r.respondent = ? "
                "WHERE c.id = ? AND c.status = 'open'",
                (user_id, respondent, checkin_id),
            )
            if row is None:
                return None
            checkin = _checkin(row)
            project = _project_with_id(conn, checkin.project_id)
            if project is None:
                return None
            for sql, params in _change_statements(checkin_id, respondent, change):
                conn.execute(sql, params).close()
            return AnsweringView(project, checkin, _response_now(conn, checkin_id, respondent))

        return await self._write_at_once(write)

    async def record_rating(
        self, checkin_id: int, user_id: int, item: str, rating: int | None
    ) -> bool:
        """Store a rating, or Skip when None; keeps the comment. False if not allowed."""
        change = AnswerChange(ChangeKind.RATING, item, rating=rating)
        return await self.change_answer(checkin_id, user_id, change) is not None

    async def record_choice(
        self, checkin_id: int, user_id: int, item: str, choice: DirectionChoice | None
    ) -> bool:
        """Store a direction-check choice, or Skip when None; keeps the comment."""
        value = DirectionChoice(choice) if choice is not None else None
        change = AnswerChange(ChangeKind.CHOICE, item, choice=value)
        return await self.change_answer(checkin_id, user_id, change) is not None

    async def record_comment(
        self, checkin_id: int, user_id: int, item: str, comment: str | None
    ) -> bool:
        """Store (or clear, with None or blank text) a comment; keeps the rating or choice."""
        change = AnswerChange(ChangeKind.COMMENT, item, comment=comment)
        return await self.change_answer(checkin_id, user_id, change) is not None

    async def set_submitted(self, checkin_id: int, user_id: int, submitted: bool) -> bool:
        """Mark the member's answers submitted (or reopened)."""
        change = AnswerChange(ChangeKind.SUBMITTED, flag=submitted)
        return await self.change_answer(checkin_id, user_id, change) is not None

    async def set_declined(self, checkin_id: int, user_id: int, declined: bool) -> bool:
        """Record whether the member pressed "Not this time" (in their keyed row)."""
        change = AnswerChange(ChangeKind.DECLINED, flag=declined)
        return await self.change_answer(checkin_id, user_id, change) is not None

    # -- reading answers -----------------------------------------------------------------------

    async def get_response(self, checkin_id: int, user_id: int) -> Response:
        """The member's own answers to the check-in (empty if none)."""
        async with self._reading() as db:
            return await _response(db, checkin_id, self._respondent(checkin_id, user_id))

    async def list_responses(self, checkin_id: int) -> list[Response]:
        """The answers of the check-in's invitees, one response each, in an order that says
        nothing about who (a row under any other key is not counted)."""
        async with self._reading() as db:
            return await self._invitee_responses(db, checkin_id)

    async def _invitee_keys(self, db: aiosqlite.Connection, checkin_id: int) -> dict[str, int]:
        """Each invitee's respondent key, and their user id."""
        rows = await _all(db, "SELECT user_id FROM invitations WHERE checkin_id = ?", (checkin_id,))
        return {self._respondent(checkin_id, row[0]): row[0] for row in rows}

    async def _invitee_responses(self, db: aiosqlite.Connection, checkin_id: int) -> list[Response]:
        keys = await self._invitee_keys(db, checkin_id)
        rows = await _all(
            db,
            "SELECT r.respondent, r.submitted, a.item, a.rating, a.skipped, a.choice, "
            "a.comment FROM responses AS r LEFT JOIN answers AS a "
            "ON a.checkin_id = r.checkin_id AND a.respondent = r.respondent "
            "WHERE r.checkin_id = ? ORDER BY r.respondent, a.item",
            (checkin_id,),
        )
        grouped: dict[str, tuple[bool, list[aiosqlite.Row]]] = {}
        for row in rows:
            if row["respondent"] not in keys:
                continue
            _, answers = grouped.setdefault(row["respondent"], (bool(row["submitted"]), []))
            if row["item"] is not None:
                answers.append(row)
        return [
            _response_of(answers, submitted=submitted) for submitted, answers in grouped.values()
        ]

    async def _response_states(
        self, db: aiosqlite.Connection, checkin_id: int
    ) -> dict[int, aiosqlite.Row]:
        """Each invitee's response row (submitted, declined, reminders), by user id: how far
        someone got is worked out here, by keying them, and stored nowhere beside their id."""
        keys = await self._invitee_keys(db, checkin_id)
        rows = await _all(
            db,
            "SELECT respondent, submitted, declined, reminders, last_reminded_at "
            "FROM responses WHERE checkin_id = ?",
            (checkin_id,),
        )
        return {keys[row["respondent"]]: row for row in rows if row["respondent"] in keys}

    async def count_submitted(self, checkin_id: int) -> int:
        """How many distinct invitees have submitted their answers."""
        async with self._reading() as db:
            states = await self._response_states(db, checkin_id)
        return sum(bool(row["submitted"]) for row in states.values())

    async def open_checkin_standing(
        self, guild_id: int, name: str
    ) -> tuple[Project, CheckinStanding | None] | None:
        """The server's project of this name (as `find_project`), its open check-in and that
        check-in's counts, in one read; None if there is no such project, and no standing if
        nothing is open."""

        def read(conn: sqlite3.Connection) -> tuple[Project, CheckinStanding | None] | None:
            project = _project_named(conn, guild_id, name)
            if project is None:
                return None
            checkin = _open_checkin_of(conn, project.id)
            if checkin is None:
                return project, None
            return project, CheckinStanding(checkin, self._counts_now(conn, checkin.id))

        return await self._read_at_once(read)

    async def checkin_counts(self, checkin_id: int) -> CheckinCounts:
        """How many were invited, have finished, were reached by DM or could not be: counts,
        never who (one hand-over to the connection's thread)."""
        return await self._read_at_once(lambda conn: self._counts_now(conn, checkin_id))

    def _counts_now(self, conn: sqlite3.Connection, checkin_id: int) -> CheckinCounts:
        """On the connection's thread: the check-in's counts (as `checkin_counts`)."""
        invitations = _rows(
            conn,
            "SELECT user_id, delivery, 1 AS n FROM invitations WHERE checkin_id = ?",
            (checkin_id,),
        )
        responses = _rows(
            conn, "SELECT respondent, submitted FROM responses WHERE checkin_id = ?", (checkin_id,)
        )
        return self._counts_of(checkin_id, invitations, responses)

    def _counts_of(
        self,
        checkin_id: int,
        invitations: Iterable[sqlite3.Row],
        responses: Iterable[sqlite3.Row] | None,
    ) -> CheckinCounts:
        """A check-in's counts from its invitations (user, delivery, and `n` where a row
        stands for several) and response states (respondent, submitted): who has finished is
        worked out by keying each invitee. Without `responses`, finished is not counted."""
        keys = set()
        by_delivery: dict[Delivery, int] = {}
        for row in invitations:
            if responses is not None:
                keys.add(self._respondent(checkin_id, row["user_id"]))
            delivery = Delivery(row["delivery"])
            by_delivery[delivery] = by_delivery.get(delivery, 0) + row["n"]
        finished = None
        if responses is not None:
            states = {row["respondent"]: row for row in responses if row["respondent"] in keys}
            finished = sum(bool(row["submitted"]) for row in states.values())
        return CheckinCounts(
            invited=sum(by_delivery.values()),
            finished=finished,
            delivered=by_delivery.get(Delivery.DELIVERED, 0),
            undeliverable=by_delivery.get(Delivery.FAILED, 0),
        )

    async def project_overview(self, guild_id: int, name: str) -> ProjectOverview | None:
        """The server's project of this name (as `find_project`) with how many joined it, its
        schedule and its check-ins with their counts and frozen figures, or None: five
        statements whatever its history, in one hand-over to the connection's thread."""

        def read(conn: sqlite3.Connection) -> ProjectOverview | None:
            row = _row(
                conn,
                _SELECT_PROJECTS_WITH_PARTICIPANTS + "WHERE p.guild_id = ? AND p.name_key = ?",
                (guild_id, name_key(name)),
            )
            if row is None:
                return None
            project = _project(row)
            schedule = _rows(
                conn, _SELECT_SCHEDULE + "WHERE s.project_id = ? ORDER BY s.opens_at", (project.id,)
            )
            checkins = _rows(
                conn,
                _SELECT_CHECKINS_WITH_RESULTS + "WHERE c.project_id = ? ORDER BY c.opened_at, c.id",
                (project.id,),
            )
            invitations: dict[int, list[sqlite3.Row]] = {}
            for each in _rows(conn, _SELECT_PROJECT_INVITATIONS, (project.id,)):
                invitations.setdefault(each["checkin_id"], []).append(each)
            responses: dict[int, list[sqlite3.Row]] = {}
            for each in _rows(conn, _SELECT_PROJECT_RESPONSES, (project.id,)):
                responses.setdefault(each["checkin_id"], []).append(each)
            standings = []
            for checkin_row in checkins:
                checkin = _checkin(checkin_row)
                figures = checkin_row["c_results"] if not checkin.is_open else None
                counts = self._counts_of(
                    checkin.id,
                    invitations.get(checkin.id, ()),
                    responses.get(checkin.id, ()) if figures is None else None,
                )
                frozen = FrozenResults(figures) if figures is not None else None
                standings.append(CheckinStanding(checkin, counts, frozen))
            return ProjectOverview(
                project=project,
                participants=row["p_participants"],
                schedule=tuple(_scheduled(r) for r in schedule),
                checkins=tuple(standings),
            )

        return await self._read_at_once(read)

    async def member_responses(
        self, guild_id: int, user_id: int
    ) -> list[tuple[Project, Checkin, Response]]:
        """The member's own stored answers in the server, per check-in, oldest first (one
        hand-over to the connection's thread)."""

        def read(conn: sqlite3.Connection) -> list[tuple[Project, Checkin, Response]]:
            rows = _rows(
                conn,
                _SELECT_INVITED_CHECKINS
                + "WHERE i.user_id = ? AND p.guild_id = ? ORDER BY c.opened_at, c.id",
                (user_id, guild_id),
            )
            found: list[tuple[Project, Checkin, Response]] = []
            for row in rows:
                checkin = _checkin(row)
                respondent = self._respondent(checkin.id, user_id)
                response = _response_now(conn, checkin.id, respondent)
                if response.answers or response.submitted:
                    found.append((_project(row), checkin, response))
            return found

        return await self._read_at_once(read)

    async def delete_member_data(self, guild_id: int, user_id: int) -> MemberDataErased:
        """Erase the member's answers on the server and take them out of its projects.

        Invitations to closed check-ins stay (they were invited; the results were frozen at
        the close, so nothing shown changes); invitations to open check-ins go, as the member
        has left those projects. The check-in messages in their DMs are handed back to be
        emptied. The names to redact stay with the projects (they name nobody's answers),
        so the member stays hidden in comments still to be shown.
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
            messages: list[DmMessage] = []
            for checkin_id, status in invited:
                respondent = self._respondent(checkin_id, user_id)
                counted = await _one(
                    db,
                    "SELECT r.submitted, count(a.item) FROM responses AS r "
                    "LEFT JOIN answers AS a "
                    "ON a.checkin_id = r.checkin_id AND a.respondent = r.respondent "
                    "WHERE r.checkin_id = ? AND r.respondent = ?",
                    (checkin_id, respondent),
                )
                if counted is not None and (counted[0] or counted[1]):
                    answers += counted[1]
                    checkins += 1
                reminded = await _one(
                    db,
                    "SELECT reminder_messages FROM responses "
                    "WHERE checkin_id = ? AND respondent = ?",
                    (checkin_id, respondent),
                )
                if reminded is not None:
                    messages += await _keyed_dm_messages(db, checkin_id, user_id, reminded[0])
                await _run(
                    db,
                    "DELETE FROM responses WHERE checkin_id = ? AND respondent = ?",
                    (checkin_id, respondent),
                )
                if status == CheckinStatus.OPEN.value:
                    await _run(
                        db,
                        "DELETE FROM invitations WHERE checkin_id = ? AND user_id = ?",
                        (checkin_id, user_id),
                    )
                messages += await _take_dm_messages(db, checkin_id, user_id)
                await _settle_screens(db, checkin_id)
            projects = await _run(
                db,
                "DELETE FROM participants WHERE user_id = ? "
                "AND project_id IN (SELECT id FROM projects WHERE guild_id = ?)",
                (user_id, guild_id),
            )
            await _run(db, "DELETE FROM dm_channels WHERE user_id = ?", (user_id,))
            await _run(
                db,
                "DELETE FROM member_languages WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
        await self._compact()
        return MemberDataErased(
            answers=answers, checkins=checkins, projects=projects, messages=tuple(messages)
        )

    # -- servers the bot left --------------------------------------------------------------------

    async def record_departure(
        self, guild_id: int, left_at: datetime, erase_after: datetime
    ) -> None:
        """The bot was removed from the server: erase its data after `erase_after`, unless it
        is added back first. A second removal keeps the first, earlier erasure date."""
        await self._write(
            "INSERT INTO guild_departures (guild_id, left_at, erase_after) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO NOTHING",
            (guild_id, _utc_text(left_at), _utc_text(erase_after)),
        )

    async def cancel_departure(self, guild_id: int) -> bool:
        """The bot is back on the server: keep its data; False if no erasure was waiting."""
        # Read first: this runs for every server each time the bot connects.
        if (
            await self._select_one("SELECT 1 FROM guild_departures WHERE guild_id = ?", (guild_id,))
            is None
        ):
            return False
        async with self._writing() as db:
            return (
                await _run(db, "DELETE FROM guild_departures WHERE guild_id = ?", (guild_id,)) > 0
            )

    async def departures_due(self, now: datetime) -> list[int]:
        """Servers whose grace period has ended, longest due first."""
        rows = await self._select(
            "SELECT guild_id FROM guild_departures WHERE erase_after <= ? "
            "ORDER BY erase_after, guild_id",
            (_utc_text(now),),
        )
        return [int(row["guild_id"]) for row in rows]

    async def departed_guilds(self) -> set[int]:
        """Servers the bot was removed from whose data is still kept (their grace period)."""
        rows = await self._select("SELECT guild_id FROM guild_departures")
        return {int(row["guild_id"]) for row in rows}

    async def next_departure(self) -> datetime | None:
        """When the next server's data falls due to be erased."""
        row = await self._select_one("SELECT min(erase_after) AS due FROM guild_departures")
        return _parse_utc(row["due"]) if row and row["due"] else None

    async def erase_guild(self, guild_id: int) -> bool:
        """Erase everything of one server: its projects with all that hangs off them (check-ins,
        invitations, answers, participants, names to redact, DM bookkeeping), its settings, its
        own frameworks, its audit log and its departure row; then compact. False if nothing
        was stored."""
        async with self._writing() as db:
            erased = await _run(db, "DELETE FROM projects WHERE guild_id = ?", (guild_id,))
            for table in (
                "guild_settings",
                "audit_log",
                "guild_departures",
                "server_frameworks",
                "member_languages",
            ):
                # The table names are constants of this loop.
                erased += await _run(
                    db,
                    f"DELETE FROM {table} WHERE guild_id = ?",  # noqa: S608
                    (guild_id,),
                )
        self._guild_settings.pop(guild_id, None)  # after the write, as in _set_guild_setting
        await self._compact()
        return erased > 0

    # -- the scheduler lease ---------------------------------------------------------------------

    async def take_lease(self, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take the scheduler lease for `holder` until `now + ttl` if it is free, expired or
        already `holder`'s (renewing it); False while another holder's lease runs."""
        async with self._writing() as db:
            changed = await _run(
                db,
                "INSERT INTO scheduler_lease (id, holder, expires_at) VALUES (1, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, "
                "expires_at = excluded.expires_at "
                "WHERE scheduler_lease.holder = excluded.holder "
                "OR scheduler_lease.expires_at <= ?",
                (holder, _utc_text(now + ttl), _utc_text(now)),
            )
        return changed > 0

    async def release_lease(self, holder: str) -> bool:
        """Give up `holder`'s lease, so another process may take it at once; False if
        `holder` did not hold it."""
        async with self._writing() as db:
            return await _run(db, "DELETE FROM scheduler_lease WHERE holder = ?", (holder,)) > 0

    async def lease_expiry(self) -> datetime | None:
        """When the current scheduler lease runs out, if anyone holds one."""
        row = await self._select_one("SELECT expires_at FROM scheduler_lease WHERE id = 1")
        return _parse_utc(row["expires_at"]) if row else None

    # -- a server's own frameworks ---------------------------------------------------------------

    async def list_server_frameworks(self, guild_id: int) -> list[tuple[str, str]]:
        """The server's own frameworks as (id, JSON body), by id; never another server's."""
        rows = await self._select(
            "SELECT framework_id, body FROM server_frameworks WHERE guild_id = ? "
            "ORDER BY framework_id",
            (guild_id,),
        )
        return [(str(row["framework_id"]), str(row["body"])) for row in rows]

    async def get_server_framework(self, guild_id: int, framework_id: str) -> str | None:
        """One of the server's own frameworks as JSON, or None."""
        row = await self._select_one(
            "SELECT body FROM server_frameworks WHERE guild_id = ? AND framework_id = ?",
            (guild_id, framework_id),
        )
        return str(row["body"]) if row else None

    async def put_server_framework(self, guild_id: int, framework_id: str, body: str) -> None:
        """Store one of the server's frameworks (JSON), replacing what it had under that id."""
        await self._write(
            "INSERT INTO server_frameworks (guild_id, framework_id, body, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, framework_id) DO UPDATE SET "
            "body = excluded.body, updated_at = excluded.updated_at",
            (guild_id, framework_id, body, _utc_text(self._clock())),
        )

    async def delete_server_framework(self, guild_id: int, framework_id: str) -> bool:
        """Delete one of the server's frameworks unless a project of the server uses it (checked
        in the same statement); False if it had none by that id or a project uses it."""
        return await self._write_if(
            "DELETE FROM server_frameworks WHERE guild_id = ? AND framework_id = ? "
            "AND NOT EXISTS (SELECT 1 FROM projects WHERE guild_id = ? AND framework_id = ?)",
            (guild_id, framework_id, guild_id, framework_id),
        )

    async def projects_using_framework(self, guild_id: int, framework_id: str) -> list[str]:
        """The names of the server's projects on this framework, by name."""
        rows = await self._select(
            "SELECT name FROM projects WHERE guild_id = ? AND framework_id = ? ORDER BY name_key",
            (guild_id, framework_id),
        )
        return [str(row["name"]) for row in rows]


# -- helpers -----------------------------------------------------------------------------------


def _prepare_owner_only(path: Path) -> None:
    """Make the database's folder (0700) and file (0600) owner-only before SQLite opens it;
    SQLite gives the journal files the database file's mode."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=OWNER_ONLY_FOLDER)
        path.parent.chmod(OWNER_ONLY_FOLDER)  # mkdir's mode is masked by the umask
    if not path.exists():
        log.warning("creating a new, empty database at %s", path.resolve())
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE))
    path.chmod(OWNER_ONLY_FILE)
    _restrict_journal_files(path)


def _restrict_journal_files(path: Path) -> None:
    """Journal files left by an older version, or by a copy, become owner-only too."""
    for suffix in JOURNAL_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).chmod(OWNER_ONLY_FILE)


async def _truncate_log(db: aiosqlite.Connection) -> bool:
    """Copy the write-ahead log into the database file and truncate it to nothing; whether
    it was (not if another connection was reading: it is tried again at the next write).

    Done after every write, so the `-wal` file never holds a history of transactions that
    could be read one by one (a member's invitation row written just before a keyed answer,
    an old version of a rewritten comment); what is left is only the current state, where
    rows sit in key order and erased content is overwritten (secure_delete).
    """
    emptied = await _on_thread(db, _checkpoint)
    if not emptied:
        log.warning("the write-ahead log could not be emptied (busy); it is tried again later")
    return emptied


def _checkpoint(conn: sqlite3.Connection) -> bool:
    """On the connection's thread: `_truncate_log`'s checkpoint, after rolling back any
    transaction left open there. Asked there, not on the event loop: a write whose wait was
    cancelled goes on on the thread, and the loop would see it half done and leave the log
    as it was for the next write to join it."""
    if conn.in_transaction:
        # Every transaction begins and ends while the store's lock is held, and a write that
        # fails or is cancelled rolls back here before the lock is let go: one still open
        # is one whose roll-back failed, and no later write could begin.
        log.error("a write was left half done (its roll-back failed); rolling it back now")
        conn.execute("ROLLBACK")
    row = _row(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    return row is None or not row[0]


def _roll_back(conn: sqlite3.Connection) -> None:
    """On the connection's thread: ROLLBACK, if a transaction is open."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


async def _check_fingerprint(
    db: aiosqlite.Connection, path: Path, secret: bytes, source: str
) -> None:
    """The database's answers were keyed with this secret; remember it the first time."""
    fingerprint = secret_fingerprint(secret)
    row = await _one(db, "SELECT value FROM store_meta WHERE name = 'secret_fingerprint'")
    if row is None:
        await _run(
            db,
            "INSERT INTO store_meta (name, value) VALUES ('secret_fingerprint', ?) "
            "ON CONFLICT (name) DO NOTHING",
            (fingerprint,),
        )
        return
    if row[0] != fingerprint:
        raise SecretMismatch(path, source)


def database_holds_answers(path: Path) -> bool:
    """Whether the database at `path` exists and was keyed with a secret (or holds answers),
    read without creating or migrating anything (blocking: call it in a thread)."""
    if not path.exists():
        return False
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if (
            "store_meta" in tables
            and db.execute("SELECT 1 FROM store_meta WHERE name = 'secret_fingerprint'").fetchone()
        ):
            return True
        return "responses" in tables and bool(
            db.execute("SELECT 1 FROM responses LIMIT 1").fetchone()
        )


async def _on_thread(db: aiosqlite.Connection, work: Callable[[sqlite3.Connection], _T]) -> _T:
    """Run `work` on the sqlite3 connection in the connection's own thread, in one hand-over.

    Each call of aiosqlite's API is a round trip to that thread (an execute, a fetch and a
    cursor's close are three); a click's few statements done in one saves most of its wait.
    `Connection._execute` is aiosqlite's own way to run a function there (stable since 0.17).
    """
    result: _T = await db._execute(lambda: work(db._conn))
    return result


def _transaction(conn: sqlite3.Connection, body: Callable[[sqlite3.Connection], _T]) -> _T:
    """On the connection's thread: `body` inside BEGIN IMMEDIATE … COMMIT, rolled back if it
    raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = body(conn)
        conn.execute("COMMIT")
    except BaseException:
        _roll_back(conn)
        raise
    return result


def _row(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
    """On the connection's thread: the first row of one statement, or None."""
    cursor = conn.execute(sql, params)
    try:
        row: sqlite3.Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _changed(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> int:
    """On the connection's thread: execute one statement; how many rows it changed."""
    cursor = conn.execute(sql, params)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
    """On the connection's thread: every row of one statement."""
    cursor = conn.execute(sql, params)
    try:
        return list(cursor.fetchall())
    finally:
        cursor.close()


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


_CHECKIN_REDACTION_NAMES = (
    "SELECT n.name FROM redaction_names AS n JOIN checkins AS c "
    "ON c.project_id = n.project_id WHERE c.id = ? ORDER BY n.name"
)
_RESPONSE_STATE = (
    "SELECT submitted, declined FROM responses WHERE checkin_id = ? AND respondent = ?"
)
_RESPONSE_ANSWERS = (
    "SELECT item, rating, skipped, choice, comment FROM answers "
    "WHERE checkin_id = ? AND respondent = ? ORDER BY item"
)


async def _response(db: aiosqlite.Connection, checkin_id: int, respondent: str) -> Response:
    state = await _one(db, _RESPONSE_STATE, (checkin_id, respondent))
    rows = await _all(db, _RESPONSE_ANSWERS, (checkin_id, respondent))
    return _response_of(
        rows,
        submitted=bool(state and state["submitted"]),
        declined=bool(state and state["declined"]),
    )


def _stored_form(change: AnswerChange) -> AnswerChange:
    """The change as stored: a comment without the spaces around it, None if blank; a
    comment over COMMENT_MAX_CHARS is refused (ValueError)."""
    if change.kind is not ChangeKind.COMMENT:
        return change
    text = change.comment.strip() if change.comment else None
    if text and len(text) > COMMENT_MAX_CHARS:
        raise ValueError(f"a comment is at most {COMMENT_MAX_CHARS} characters")
    return dataclasses.replace(change, comment=text or None)


def _project_with_id(conn: sqlite3.Connection, project_id: int) -> Project | None:
    """On the connection's thread: the project with this id, or None."""
    row = _row(conn, _SELECT_PROJECTS + "WHERE p.id = ?", (project_id,))
    return _project(row) if row is not None else None


def _project_named(conn: sqlite3.Connection, guild_id: int, name: str) -> Project | None:
    """On the connection's thread: the server's project of this name (any case), or None."""
    row = _row(
        conn,
        _SELECT_PROJECTS + "WHERE p.guild_id = ? AND p.name_key = ?",
        (guild_id, name_key(name)),
    )
    return _project(row) if row is not None else None


def _open_checkin_of(conn: sqlite3.Connection, project_id: int) -> Checkin | None:
    """On the connection's thread: the project's open check-in, or None."""
    row = _row(
        conn, _SELECT_CHECKINS + "WHERE c.project_id = ? AND c.status = 'open'", (project_id,)
    )
    return _checkin(row) if row is not None else None


def _response_now(conn: sqlite3.Connection, checkin_id: int, respondent: str) -> Response:
    """On the connection's thread: one respondent's answers (as `_response`)."""
    state = _row(conn, _RESPONSE_STATE, (checkin_id, respondent))
    return _response_of(
        _rows(conn, _RESPONSE_ANSWERS, (checkin_id, respondent)),
        submitted=bool(state and state["submitted"]),
        declined=bool(state and state["declined"]),
    )


def _response_of(
    rows: Iterable[aiosqlite.Row], *, submitted: bool, declined: bool = False
) -> Response:
    """One respondent's answer rows as a Response: a pick of the priorities step (an item
    "priority:<key>") goes to `priorities`, every other row to `answers`."""
    answers: dict[str, Answer] = {}
    picks: list[str] = []
    for row in rows:
        item = row["item"]
        if item.startswith(PRIORITY_PREFIX):
            picks.append(item.removeprefix(PRIORITY_PREFIX))
        else:
            answers[item] = _answer(row)
    return Response(answers, submitted, declined, priorities=tuple(sorted(picks)))


def _change_statements(
    checkin_id: int, respondent: str, change: AnswerChange
) -> list[tuple[str, tuple[Any, ...]]]:
    """The SQL of one answering change, on the member's keyed rows only."""
    item = change.item
    if change.kind is ChangeKind.RATING:
        return [
            (
                "INSERT INTO answers (checkin_id, respondent, item, rating, skipped) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (checkin_id, respondent, item) DO UPDATE SET "
                "rating = excluded.rating, skipped = excluded.skipped, "
                "choice = CASE WHEN excluded.skipped THEN NULL ELSE choice END",
                (checkin_id, respondent, item, change.rating, int(change.rating is None)),
            )
        ]
    if change.kind is ChangeKind.CHOICE:
        value = change.choice.value if change.choice is not None else None
        return [
            (
                "INSERT INTO answers (checkin_id, respondent, item, choice, skipped) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (checkin_id, respondent, item) DO UPDATE SET "
                "choice = excluded.choice, skipped = excluded.skipped, "
                "rating = CASE WHEN excluded.skipped THEN NULL ELSE rating END",
                (checkin_id, respondent, item, value, int(value is None)),
            )
        ]
    if change.kind is ChangeKind.COMMENT:
        return [
            (
                "INSERT INTO answers (checkin_id, respondent, item, comment) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (checkin_id, respondent, item) DO UPDATE SET "
                "comment = excluded.comment",
                (checkin_id, respondent, item, change.comment),
            ),
            # Clearing the only thing an answer held leaves nothing worth a row.
            (
                "DELETE FROM answers WHERE checkin_id = ? AND respondent = ? AND item = ? "
                "AND rating IS NULL AND skipped = 0 AND choice IS NULL AND comment IS NULL",
                (checkin_id, respondent, item),
            ),
        ]
    if change.kind is ChangeKind.PRIORITIES:
        # The picks replace any earlier ones: one keyed row per picked component.
        return [
            (
                "DELETE FROM answers WHERE checkin_id = ? AND respondent = ? "
                "AND substr(item, 1, ?) = ?",
                (checkin_id, respondent, len(PRIORITY_PREFIX), PRIORITY_PREFIX),
            ),
            *(
                (
                    "INSERT INTO answers (checkin_id, respondent, item, rating) "
                    "VALUES (?, ?, ?, 1)",
                    (checkin_id, respondent, priority_item(key)),
                )
                for key in change.keys
            ),
        ]
    column = "submitted" if change.kind is ChangeKind.SUBMITTED else "declined"
    return [
        (
            f"UPDATE responses SET {column} = ? "  # noqa: S608 (one of two constant names)
            f"WHERE checkin_id = ? AND respondent = ? AND {column} != ?",
            (int(change.flag), checkin_id, respondent, int(change.flag)),
        )
    ]


_REMEMBER_DM_MESSAGE = (
    "INSERT INTO dm_messages (checkin_id, user_id, channel_id, message_id) "
    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
_UPSERT_DM_CHANNEL = (
    "INSERT INTO dm_channels (user_id, channel_id) VALUES (?, ?) "
    "ON CONFLICT (user_id) DO UPDATE SET channel_id = excluded.channel_id"
)


async def _remember_dm_message(
    db: aiosqlite.Connection, checkin_id: int, user_id: int, channel_id: int, message_id: int
) -> None:
    await _run(db, _REMEMBER_DM_MESSAGE, (checkin_id, user_id, channel_id, message_id))


async def _upsert_dm_channel(db: aiosqlite.Connection, user_id: int, channel_id: int) -> None:
    await _run(db, _UPSERT_DM_CHANNEL, (user_id, channel_id))


async def _settle_screens(db: aiosqlite.Connection, checkin_id: int) -> None:
    """A closed check-in whose DM screens are all emptied has nothing left to do there."""
    await _run(
        db,
        "UPDATE checkins SET screens_pending = 0 WHERE id = ? AND screens_pending = 1 "
        "AND NOT EXISTS (SELECT 1 FROM dm_messages WHERE checkin_id = ?) "
        "AND NOT EXISTS (SELECT 1 FROM responses "
        "WHERE checkin_id = ? AND reminder_messages != '[]')",
        (checkin_id, checkin_id, checkin_id),
    )


async def _take_dm_messages(
    db: aiosqlite.Connection, checkin_id: int, user_id: int
) -> list[DmMessage]:
    """The member's check-in messages of one check-in, forgotten as they are handed over."""
    rows = await _all(
        db,
        "SELECT checkin_id, user_id, channel_id, message_id FROM dm_messages "
        "WHERE checkin_id = ? AND user_id = ? ORDER BY message_id",
        (checkin_id, user_id),
    )
    await _run(
        db, "DELETE FROM dm_messages WHERE checkin_id = ? AND user_id = ?", (checkin_id, user_id)
    )
    return [_dm_message(row) for row in rows]


async def _keyed_dm_messages(
    db: aiosqlite.Connection, checkin_id: int, user_id: int, message_ids: str
) -> list[DmMessage]:
    """The reminder messages kept in a member's keyed row, in the channel of their invitation."""
    channel = await _one(
        db,
        "SELECT dm_channel_id FROM invitations WHERE checkin_id = ? AND user_id = ?",
        (checkin_id, user_id),
    )
    if channel is None or channel[0] is None:
        return []
    return [
        DmMessage(checkin_id, user_id, channel[0], message_id)
        for message_id in json.loads(message_ids)
    ]


def _dm_message(row: aiosqlite.Row) -> DmMessage:
    return DmMessage(
        checkin_id=row["checkin_id"],
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
    )


async def _add_names(
    db: aiosqlite.Connection, project_ids: Sequence[int], names: Sequence[str]
) -> None:
    cleaned = sorted({" ".join(name.split()) for name in names} - {""})
    await db.executemany(
        "INSERT INTO redaction_names (project_id, name) VALUES (?, ?) "
        "ON CONFLICT (project_id, name) DO NOTHING",
        [(project_id, name) for project_id in project_ids for name in cleaned],
    )


def _may_remind(state: aiosqlite.Row, limit: int, latest: str) -> bool:
    """A response row not submitted or declined, reminded fewer than `limit` times, and not
    since `latest`."""
    last = state["last_reminded_at"]
    return (
        not state["submitted"]
        and not state["declined"]
        and state["reminders"] < limit
        and (last is None or last <= latest)
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


def _project_and_checkin(row: aiosqlite.Row) -> tuple[Project, Checkin]:
    return _project(row), _checkin(row)


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
        language=row["p_language"],
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
        framework_snapshot=row["c_framework_snapshot"],
    )


def _open_checkin_times(row: aiosqlite.Row) -> OpenCheckinTimes:
    checkin_id, project_id, guild_id, opened_at, closes_at, rounds, zone = row
    return OpenCheckinTimes(
        checkin_id, project_id, guild_id, _parse_utc(opened_at), _parse_utc(closes_at), rounds, zone
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
    return Invitation(
        checkin_id=row["checkin_id"],
        user_id=row["user_id"],
        delivery=Delivery(row["delivery"]),
        dm_channel_id=row["dm_channel_id"],
        attempts=row["attempts"],
        next_attempt_at=_parse_utc(n) if (n := row["next_attempt_at"]) else None,
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

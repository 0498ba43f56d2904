"""The scheduler: one task that sleeps until the next thing is due, then does it.

Due things, in the order they are done on each pass:
1. summaries of closed check-ins not posted yet (a restart between closing and posting);
2. closing check-ins whose window has ended;
3. opening planned check-ins whose time has come: at once if their window has not ended
   (also after downtime), otherwise they are marked missed;
4. telling facilitators, in one message per channel, about check-ins that were missed;
5. emptying the answering screens of closed check-ins in members' DMs;
6. sending invitations not sent yet (after an opening, a join, or a restart);
7. automatic reminder rounds;
8. erasing the data of servers the bot was removed from, once their grace period is over.
While a server has removed the bot, nothing new happens there (steps 3, 6 and 7 skip it).

The DMs of steps 5 to 7 take time (one a second per check-in, a few a second across the
bot: see `Pacer`), so a pass does not send them itself: it starts one background run per
check-in (and one for emptying screens) that sends what is due, at the shared pace, while
later passes go on closing, opening and posting summaries on time. A check-in never has two
runs at once; when a run ends, the scheduler looks again if something of it is due sooner
than it planned to.

A pass reads only what is due by time: check-ins whose window has ended, planned ones whose
opening has come, invitations and summaries due (each through an index of those moments). The
automatic reminders are planned from an agenda kept in memory between passes: for each open
check-in only its server, its window's end and when its next reminder round is due (no whole
project, no framework snapshot). The agenda is read again, in one narrow statement, when the
scheduler is woken (every command that opens, closes or edits a check-in or project wakes it),
when a pass opens a check-in, when this process takes the lease (another may have changed
things meanwhile), when the store names an open check-in the agenda does not know, and at
least every AGENDA_REFRESH as a safety net (a command run by another process on the same
database). A DM run updates its own check-in's entry when it ends. The agenda only decides
when to look: every run reads its check-in and project again before sending anything.

Every transition is a conditional write in the store (`... WHERE state = 'planned'`,
`... WHERE status = 'open'`), so it happens once even if a facilitator's command races the
scheduler or the bot restarts in the middle. Nothing polls: the task computes the next due
moment from the database and sleeps until then (at most MAX_SLEEP, so a suspended machine or
a changed system clock is noticed); `wake()` cuts the sleep short when a project changes.

An item that fails (one check-in that cannot be closed, one server that cannot be erased) is
logged and backed off: tried again after 1 minute, then 10 minutes, then every hour, while
the rest of the pass goes on; `next_due` counts the back-off, so a failing item never spins
the loop. The back-off is kept in memory: a restart tries everything again at once.

Only the process that holds the database's scheduler lease runs passes (bot/services/lease.py):
a second bot on the same database waits, and takes over when the first stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from bot.core.models import Project, ScheduledCheckin
from bot.core.prompts import Prompts
from bot.core.schedule import in_zone
from bot.core.text import MESSAGE_LIMIT, shorten
from bot.services.checkins import CheckinService
from bot.services.lease import LEASE_TTL, SchedulerLease
from bot.services.messaging import Messenger
from bot.storage.store import Store

log = logging.getLogger(__name__)


# Seconds: re-read the schedule at least this often, so a host that was suspended or had its
# clock corrected is noticed (asyncio's sleep runs on a clock that stops during suspend).
MAX_SLEEP = 900.0
DEFAULT_COMMENT_DAYS = 180  # comment text is kept this long after a check-in closes
MIN_SLEEP = 1.0  # seconds between two passes, so a fault can never spin the loop
ERROR_SLEEP = 60.0  # seconds to wait after a pass failed unexpectedly
# After an item's 1st, 2nd, 3rd… failure it is next tried this much later; then stays at the last.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))

# The scheduler's agenda of open check-ins is read again at least this often (seconds of the
# injected clock), so a change made by another process sharing the database is seen.
AGENDA_REFRESH = timedelta(seconds=MAX_SLEEP)

# A closed check-in with no message left to empty in DMs is marked as done with this long after
# it closed (a DM still in flight when it closed is recorded well within it).
SETTLE_SCREENS = timedelta(hours=1)

BackoffKey = tuple[str, int]

# What each kind of item is called in the log; with the item's id, the key of its back-off.
SUMMARY = "posting the summary of check-in"
CLOSING = "closing check-in"
PURGE = "erasing old comments"
MISSED = "announcing missed check-ins"
DM_CLEAR = "emptying check-in messages in DMs"
DELIVER = "sending invitations of check-in"
REMIND = "reminding for check-in"
ERASE = "erasing the data of removed server"
OPENING = "opening a check-in of project"


class Backoff:
    """Failing items, keyed by (what, item id): how often they failed, and when to try next."""

    def __init__(self) -> None:
        self._failures: dict[BackoffKey, tuple[int, datetime]] = {}

    def until(self, key: BackoffKey) -> datetime | None:
        """When the item may next be tried, if it is backed off."""
        entry = self._failures.get(key)
        return entry[1] if entry else None

    def waiting(self, key: BackoffKey, now: datetime) -> bool:
        until = self.until(key)
        return until is not None and until > now

    def failed(self, key: BackoffKey, now: datetime) -> datetime:
        count = self._failures.get(key, (0, now))[0] + 1
        until = now + BACKOFF[min(count, len(BACKOFF)) - 1]
        self._failures[key] = (count, until)
        return until

    def succeeded(self, key: BackoffKey) -> None:
        self._failures.pop(key, None)

    def later(self, key: BackoffKey, moment: datetime) -> datetime:
        """`moment`, or the end of the item's back-off if that is later."""
        until = self.until(key)
        return max(moment, until) if until is not None else moment

    def earliest(self, what: str, after: datetime) -> datetime | None:
        """The soonest end, later than `after`, of a back-off of one kind of item."""
        ends = (u for (w, _), (_, u) in self._failures.items() if w == what and u > after)
        return min(ends, default=None)


class AgendaEntry(NamedTuple):
    """An open check-in as a pass needs it to decide whether its DMs are due."""

    checkin_id: int
    guild_id: int
    closes_at: datetime
    reminder_at: datetime | None  # the next automatic reminder round, if one remains


class Agenda:
    """The open check-ins between passes (see the module's docstring): when it was read, and
    whether something may have changed since."""

    def __init__(self) -> None:
        self.entries: dict[int, AgendaEntry] = {}
        self.read_at: datetime | None = None
        self.stale = True
        self.reads = 0  # how many times it was read from the store (for tests)

    def needs_reading(self, now: datetime) -> bool:
        read_at = self.read_at
        # A clock set back is not trusted either.
        return self.stale or read_at is None or not read_at <= now < read_at + AGENDA_REFRESH

    def fill(self, entries: list[AgendaEntry], now: datetime) -> None:
        """What was read at `now` (it stays stale if it was woken while being read)."""
        self.entries = {entry.checkin_id: entry for entry in entries}
        self.read_at = now
        self.reads += 1

    def put(self, entry: AgendaEntry) -> None:
        self.entries[entry.checkin_id] = entry

    def forget(self, checkin_id: int) -> None:
        self.entries.pop(checkin_id, None)


class Scheduler:
    """Runs every project's check-ins on time; start once the bot is connected."""

    def __init__(
        self,
        *,
        store: Store,
        checkins: CheckinService,
        messenger: Messenger,
        prompts: Prompts,
        clock: Callable[[], datetime],
        max_sleep: float | None = None,
        comment_days: int = DEFAULT_COMMENT_DAYS,
        heartbeat: Callable[[datetime], None] | None = None,
    ) -> None:
        self.heartbeat = heartbeat  # told the time of each completed pass (`coreflect health`)
        self.comment_days = timedelta(days=comment_days)
        self.max_sleep = MAX_SLEEP if max_sleep is None else max_sleep
        self.store = store
        self.checkins = checkins
        self.messenger = messenger
        self.prompts = prompts
        self.clock = clock
        self._task: asyncio.Task[None] | None = None
        self._sleeper: asyncio.Future[None] | None = None
        self._woken = False
        self.backoff = Backoff()
        self._runs: dict[BackoffKey, asyncio.Task[None]] = {}  # DM runs going on, by item
        self._planned: datetime | None = None  # when the sleeping task means to look again
        # The soonest a DM run asked to be looked at again by (`_look_again_if_sooner`).
        self._look_at: datetime | None = None
        self.agenda = Agenda()
        # One scheduler per database (bot/services/lease.py). One told to sleep longer than
        # usual (the tests' virtual days) keeps a lease of three sleeps, so renewing it never
        # wakes it more often than its passes.
        ttl = LEASE_TTL if self.max_sleep <= MAX_SLEEP else timedelta(seconds=3 * self.max_sleep)
        self.lease = SchedulerLease(store=store, clock=clock, ttl=ttl)

    # -- the task --------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the scheduler task (once); it catches up on anything missed first."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="coreflect-scheduler")

    async def stop(self) -> None:
        task, self._task = self._task, None
        runs = [task, *self._runs.values()] if task is not None else [*self._runs.values()]
        self._runs.clear()
        for running in runs:
            running.cancel()
        for running in runs:
            with contextlib.suppress(asyncio.CancelledError):
                await running

    async def wait_for_runs(self) -> None:
        """Until every DM run going on has ended (for a clean stop, and for tests)."""
        while self._runs:
            await asyncio.gather(*self._runs.values(), return_exceptions=True)

    def wake(self) -> None:
        """Something changed (a project, a check-in): look at the schedule again now, the
        agenda of open check-ins read afresh."""
        self.agenda.stale = True
        self._rouse()

    def closed(self, checkin_id: int) -> None:
        """A check-in was closed by hand: out of the agenda, and look again now (a scheduled
        check-in may have been waiting for it). Nothing else of the agenda changed, so it is
        not read again: with many check-ins open that read is the costly part of a pass."""
        self.agenda.forget(checkin_id)
        self._rouse()

    def planned(self) -> None:
        """New check-ins were planned (a project created): look again now. No open check-in
        changed, so the agenda stands; a pass that opens one reads it afresh."""
        self._rouse()

    def _rouse(self) -> None:
        """Cut the sleep short (the agenda is up to date)."""
        self._woken = True
        if self._sleeper is not None and not self._sleeper.done():
            self._sleeper.cancel()

    async def _run(self) -> None:
        try:
            await self._passes()
        finally:
            await self.lease.release()  # stopped (or cancelled): another process may take over

    async def _wait_for_lease(self) -> None:
        """No pass without the lease: while another process holds it, sleep until it could be
        taken (its holder renews it, releases it on stop, or stopped without a word)."""
        while True:
            try:
                held = self.lease.held
                if await self.lease.hold():
                    if not held:  # (again): another process may have changed anything
                        self.agenda.stale = True
                    return
                delay = await self.lease.seconds_until_free(self.max_sleep)
            except Exception:
                log.exception("could not take the scheduler lease; again in %d s", ERROR_SLEEP)
                delay = ERROR_SLEEP
            await asyncio.sleep(delay)

    async def _passes(self) -> None:
        log.info("scheduler started")
        while True:
            self._woken = False
            self._look_at = None
            await self._wait_for_lease()
            try:
                await self.run_due()
                if self.heartbeat is not None:
                    await asyncio.to_thread(self.heartbeat, self.clock())
                delay = await self.seconds_until_next()
            except Exception:
                log.exception("a scheduler pass failed; trying again in %d s", ERROR_SLEEP)
                delay = ERROR_SLEEP
            await self._sleep(delay)

    async def _sleep(self, delay: float) -> None:
        """Sleep `delay` seconds, or less: until `wake()` (at once), or until the moment a
        DM run asks to be looked at again by (`_look_again_if_sooner`), whether it asked
        during the pass or during this sleep."""
        until = self.clock() + timedelta(seconds=delay)
        while not self._woken:
            if self._look_at is not None:
                until = min(until, self._look_at)
                self._look_at = None
            # Never longer than asked: a clock set back meanwhile does not stretch it.
            seconds = min(delay, (until - self.clock()).total_seconds())
            if seconds <= 0:
                return
            # Sleeping on a separate future lets wake() end the sleep without cancelling
            # this task in the middle of a transition.
            self._planned = until
            sleeper = self._sleeper = asyncio.ensure_future(asyncio.sleep(seconds))
            try:
                await asyncio.wait({sleeper})
            finally:
                sleeper.cancel()  # the scheduler stopped while it slept: no sleep left over
                self._sleeper = None
                self._planned = None
            if not sleeper.cancelled():
                return  # slept its course

    async def seconds_until_next(self) -> float:
        """How long to sleep before the next pass."""
        due = await self.next_due()
        if due is None:
            return self.max_sleep
        seconds = (due - self.clock()).total_seconds()
        return min(self.max_sleep, max(MIN_SLEEP, seconds))

    # -- one pass --------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _attempt(self, what: str, item: int) -> AsyncIterator[bool]:
        """Around one item: yields whether to try it now (False while it is backed off); an
        unexpected error is logged and backs the item off, so the pass goes on with the rest."""
        key = (what, item)
        if self.backoff.waiting(key, self.clock()):
            yield False
            return
        try:
            yield True
        except Exception:
            until = self.backoff.failed(key, self.clock())
            log.exception("%s %s failed; trying it again at %s", what, item, until.isoformat())
        else:
            self.backoff.succeeded(key)

    async def run_due(self) -> None:
        """Do everything that is due now, in order; one item's failure does not stop the rest.

        One statement first says which kinds of work have something due; only those are read
        (a pass with nothing due reads nothing more, the agenda being up to date)."""
        due = await self.store.due_work(self.clock(), self.clock() - self.comment_days)
        if due.summaries:
            for checkin in await self.store.list_summaries_due(self.clock()):
                async with self._attempt(SUMMARY, checkin.id) as go:
                    if go:
                        await self.checkins.post_summary(checkin.id)
        closed = opened = False
        if due.closings:
            for checkin in await self.store.checkins_closing(self.clock()):
                async with self._attempt(CLOSING, checkin.id) as go:
                    if go:
                        closed |= await self.checkins.close_checkin(checkin) is not None
                        self.agenda.forget(checkin.id)
        # A server that removed the bot keeps its data for a while, but nothing new happens
        # there: no openings, invitations or reminders (closing and clean-up go on).
        away = await self.store.departed_guilds() if due.departed else set()
        if due.openings:
            opened = await self._open_due(away)
        if due.comments:
            async with self._attempt(PURGE, 0) as go:
                if go:
                    await self._purge_comments()
        if due.missed or opened:  # `opened`: one may just have been marked missed
            async with self._attempt(MISSED, 0) as go:
                if go:
                    await self._announce_missed()
        if (due.screens or closed) and not self._running(DM_CLEAR, 0):
            if await self.store.list_dm_messages(limit=1):
                self._start_run(DM_CLEAR, 0, self._clear_screens())
            elif await self.store.screens_unsettled(self.clock() - SETTLE_SCREENS):
                # Nothing left to empty anywhere: check-ins closed a while ago that are still
                # marked are settled, so later passes do not look through them again.
                await self.store.settle_screens(self.clock() - SETTLE_SCREENS)
        inviting: set[int] = set()
        if due.invitations or opened:
            inviting = await self.store.checkins_with_invitations_due(self.clock())
        for entry in await self._sendable(away, inviting):
            if self._dms_due(entry, inviting):
                self._start_run(DELIVER, entry.checkin_id, self._send_dms(entry.checkin_id))
        if due.departures:
            for guild_id in await self.store.departures_due(self.clock()):
                async with self._attempt(ERASE, guild_id) as go:
                    if go:
                        with self.checkins.results.ahead.erasing():  # its comments kept too
                            await self.store.erase_guild(guild_id)
                        self.checkins.languages.forget_server(guild_id)
                        log.info("erased the data of server %s, which removed the bot", guild_id)

    # -- DM runs ---------------------------------------------------------------------------------

    def _running(self, what: str, item: int) -> bool:
        return (what, item) in self._runs

    def _start_run(self, what: str, item: int, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` in the background, once at a time per item."""
        key = (what, item)

        async def run() -> None:
            try:
                await work
            finally:
                self._runs.pop(key, None)

        self._runs[key] = asyncio.create_task(run(), name=f"coreflect-{what}-{item}")

    def _dms_due(self, entry: AgendaEntry, inviting: set[int]) -> bool:
        """Whether the check-in has invitations to send now (it is in `inviting`), or a
        reminder round due."""
        now = self.clock()
        checkin_id = entry.checkin_id
        sending = not self.backoff.waiting((DELIVER, checkin_id), now)
        if sending and checkin_id in inviting:
            return True
        if entry.closes_at <= now or self.backoff.waiting((REMIND, checkin_id), now):
            return False
        return entry.reminder_at is not None and entry.reminder_at <= now

    async def _send_dms(self, checkin_id: int) -> None:
        """One check-in's run: its invitations due, then its reminder round if due. It reads
        the check-in and its project itself (the agenda holds neither)."""
        checkin = await self.store.get_checkin(checkin_id)
        project = await self.store.get_project(checkin.project_id) if checkin else None
        if checkin is None or project is None or not checkin.is_open:
            self.agenda.forget(checkin_id)
            return
        async with self._attempt(DELIVER, checkin.id) as go:
            if go:
                await self.checkins.deliver_pending(project, checkin)
        current = await self.store.get_checkin(checkin.id)
        if current is not None and current.is_open and current.closes_at > self.clock():
            async with self._attempt(REMIND, checkin.id) as go:
                if go:
                    await self.checkins.remind_due(project, current)
        await self._look_again_if_sooner(await self._next_for(project, checkin.id))

    async def _clear_screens(self) -> None:
        async with self._attempt(DM_CLEAR, 0) as go:
            if go:
                await self.checkins.clear_dm_messages()
        if await self.store.list_dm_messages(limit=1):
            await self._look_again_if_sooner(self.backoff.later((DM_CLEAR, 0), self.clock()))

    async def _next_for(self, project: Project, checkin_id: int) -> datetime | None:
        """When something of this check-in's DMs is next due (a retry, a reminder round);
        the check-in's agenda entry is brought up to date on the way."""
        checkin = await self.store.get_checkin(checkin_id)
        if checkin is None or not checkin.is_open:
            self.agenda.forget(checkin_id)
            return None
        self.agenda.put(
            AgendaEntry(
                checkin.id,
                project.guild_id,
                checkin.closes_at,
                self.checkins.next_reminder_at(project, checkin),
            )
        )
        # Each retry at its moment, and a first try not made yet (a round that failed before
        # it) at once: either when the check-in's back-off ends, if a round failed.
        now = self.clock()
        moments = [
            self.backoff.later((DELIVER, checkin.id), invitation.next_attempt_at or now)
            for invitation in await self.store.list_undelivered(checkin.id, checkin.closes_at)
        ]
        if at := self.checkins.next_reminder_at(project, checkin):
            moments.append(self.backoff.later((REMIND, checkin.id), at))
        return min(moments, default=None)

    async def _look_again_if_sooner(self, due: datetime | None) -> None:
        """Have the scheduler look again by `due` (a DM run's next moment), if it meant to
        look later: the sleep under way, or the one after the pass under way, ends then.

        A moment already come counts as `MIN_SLEEP` from now. A run that ends with its own
        work still due left it undone (stopped, or failing in a way it does not raise), and
        looking again at once would only start it again: never sooner than the least sleep
        between two passes, so no such fault can spin the loop."""
        if due is None:
            return
        due = max(due, self.clock() + timedelta(seconds=MIN_SLEEP))
        if self._planned is not None and due >= self._planned:
            return  # the sleep under way ends sooner
        self._look_at = due if self._look_at is None else min(self._look_at, due)
        if self._sleeper is not None and not self._sleeper.done():
            self._sleeper.cancel()  # and sleeps again, until `due`

    async def _open_due(self, away: set[int]) -> bool:
        """Open (or mark missed) the planned check-ins whose time has come; whether any
        changed."""
        changed = False
        for slot in await self.store.list_planned_due(self.clock()):
            now = self.clock()
            if slot.closes_at <= now:
                if await self.store.mark_missed(slot.project_id, slot.phase):
                    log.info("check-in %s of project %s missed", slot.phase, slot.project_id)
                    changed = True
                continue
            project = await self.store.get_project(slot.project_id)
            if project is not None and project.guild_id not in away:
                async with self._attempt(OPENING, project.id) as go:
                    if go and await self.checkins.open_scheduled(project, slot) is not None:
                        self.agenda.stale = True
                        changed = True
        return changed

    async def next_due(self) -> datetime | None:
        """The next moment something is due, from the database; an item that is backed off
        is due when its back-off ends."""
        now = self.clock()
        later = self.backoff.later
        moments: list[datetime] = []
        if await self.store.list_unannounced():
            moments.append(later((MISSED, 0), now))
        if not self._running(DM_CLEAR, 0) and await self.store.list_dm_messages(limit=1):
            moments.append(later((DM_CLEAR, 0), now))
        for checkin in await self.store.list_summaries_due():
            moments.append(later((SUMMARY, checkin.id), checkin.summary_retry_at or now))
        away = await self.store.departed_guilds()
        retry = await self.store.next_delivery_attempt()
        # Only check-ins of servers that removed the bot may be waiting, or check-ins whose
        # runs are sending now (each run looks again when it ends).
        held_up = retry is not None and retry <= now and bool(away or self._runs)
        if held_up and not await self._deliveries_due(away):
            # Those due now are all held up: the next to look at is the next still to come
            # (of any server: one that removed the bot costs a look, not a wait of others).
            retry = await self.store.next_delivery_attempt(after=now)
        if retry is not None:
            moments.append(self._unless_backed_off(DELIVER, retry))
        # A round of invitations that failed goes on when its back-off ends, whether or not
        # what it had left to send has a moment of its own (one never tried has none).
        if (resumes := self.backoff.earliest(DELIVER, after=now)) is not None:
            moments.append(resumes)
        if (closed := await self.store.oldest_comment_close()) is not None:
            moments.append(later((PURGE, 0), closed + self.comment_days))
        if (opening := await self.store.next_opening(now)) is not None:
            moments.append(opening)
        for slot in await self.store.list_planned_due(now):
            # One whose time has come but could not open (another check-in of the project is
            # still open) is next looked at when that one closes, or when its own window ends.
            moments.append(slot.closes_at)
            until = self.backoff.until((OPENING, slot.project_id))
            if until is not None and until > now:
                moments.append(until)
        for checkin in await self.store.checkins_closing(now):  # backed off, or just due
            moments.append(later((CLOSING, checkin.id), checkin.closes_at))
        if (closing := await self.store.next_closing(now)) is not None:
            moments.append(closing)
        for entry in await self._sendable(away):
            if entry.reminder_at is not None:
                moments.append(later((REMIND, entry.checkin_id), entry.reminder_at))
        if (erase := await self.store.next_departure()) is not None:
            moments.append(self._unless_backed_off(ERASE, erase))
        return min(moments, default=None)

    async def _sendable(self, away: set[int], known: set[int] | None = None) -> list[AgendaEntry]:
        """The open check-ins whose DMs are the scheduler's to look at now: not of a server
        that removed the bot, with no run of theirs sending (it looks again when it ends).
        From the agenda, read again first if it may be out of date or does not know a
        check-in of `known` (ids the store just named as open)."""
        now = self.clock()
        entries = self.agenda.entries
        if self.agenda.needs_reading(now) or (known and not known <= entries.keys()):
            await self._read_agenda(now)
            entries = self.agenda.entries
        return [
            entry
            for entry in entries.values()
            if entry.guild_id not in away and not self._running(DELIVER, entry.checkin_id)
        ]

    async def _read_agenda(self, now: datetime) -> None:
        """Read the open check-ins afresh, in one narrow statement."""
        self.agenda.stale = False  # a wake-up while this reads makes it stale again
        rows = await self.store.open_checkin_times()
        moment = self.checkins.reminder_moment
        entries = [
            AgendaEntry(
                row.checkin_id,
                row.guild_id,
                row.closes_at,
                moment(row.opened_at, row.closes_at, row.reminder_rounds, row.timezone),
            )
            for row in rows
        ]
        self.agenda.fill(entries, now)

    async def _deliveries_due(self, away: set[int]) -> bool:
        """Whether an invitation of a server the bot is still on is due to be sent now."""
        inviting = await self.store.checkins_with_invitations_due(self.clock())
        if not inviting:
            return False
        return any(entry.checkin_id in inviting for entry in await self._sendable(away, inviting))

    def _unless_backed_off(self, what: str, moment: datetime) -> datetime:
        """A moment the store gives for a kind of item as a whole: if it has come while such
        an item is backed off, that is what holds it up; wait for the back-off to end."""
        now = self.clock()
        soonest = self.backoff.earliest(what, after=now)
        if moment <= now and soonest is not None:
            return soonest
        return moment

    # -- retention -------------------------------------------------------------------------------

    async def _purge_due(self) -> bool:
        """Whether some check-in's comment text is past its retention period (one read, so a
        pass with nothing to erase writes nothing)."""
        closed = await self.store.oldest_comment_close()
        return closed is not None and closed + self.comment_days <= self.clock()

    async def _purge_comments(self) -> None:
        """Comment text goes `comment_days` after its check-in closed; the numbers stay."""
        erased = await self.store.purge_comments(self.clock() - self.comment_days)
        if erased:
            log.info("erased %d comments older than the retention period", erased)

    # -- missed check-ins ------------------------------------------------------------------------

    async def _announce_missed(self) -> None:
        """Tell facilitators about missed check-ins: one message per channel."""
        missed = await self.store.list_unannounced()
        if not missed:
            return
        by_channel: dict[int, list[tuple[Project, ScheduledCheckin]]] = defaultdict(list)
        for slot in missed:
            project = await self.store.get_project(slot.project_id)
            if project is None:
                continue
            settings = await self.store.get_guild_settings(project.guild_id)
            channel = settings.facilitator_channel_id or project.channel_id
            by_channel[channel].append((project, slot))
        for channel_id, slots in by_channel.items():
            server = await self.checkins.languages.server(slots[0][0].guild_id)
            with self.prompts.using(server):
                text = self._missed_notice(slots)
            if await self.messenger.post_notice(channel_id, text):
                continue
            fallbacks = {project.channel_id for project, _ in slots} - {channel_id}
            posted = [await self.messenger.post_notice(c, text) for c in sorted(fallbacks)]
            if not any(posted):
                log.warning("could not tell anyone about %d missed check-ins", len(slots))
        await self.store.mark_announced(missed)

    def _missed_notice(self, slots: list[tuple[Project, ScheduledCheckin]]) -> str:
        """One message listing missed check-ins; if too many to fit, the rest are counted."""
        p = self.prompts
        items = [
            p(
                "scheduler.missed_item",
                phase=p.phase(slot.phase),
                project=shorten(project.name, 80),
                due=p.moment(in_zone(slot.opens_at, project.timezone)),
                timezone=project.timezone,
            )
            for project, slot in slots
        ]
        shown, more = len(items), list[str]()
        while True:
            lines = [p("scheduler.missed_header"), *items[:shown], *more]
            text = "\n".join([*lines, p("scheduler.missed_footer")])
            if len(text) <= MESSAGE_LIMIT:
                return text
            shown -= 1
            more = [p("scheduler.missed_more", count=len(items) - shown)]

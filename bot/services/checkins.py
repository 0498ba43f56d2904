"""The check-in lifecycle: open (invite by DM), remind, close (post the anonymised summary)."""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.custom_ids import message_nonce
from bot.core.framework_edit import FrameworkEditError, FrameworkIncomplete
from bot.core.frameworks import FrameworkGone, FrameworkLibrary
from bot.core.frozen import thaw
from bot.core.models import (
    Checkin,
    CheckinStanding,
    Delivery,
    DmMessage,
    Invitation,
    Phase,
    Project,
    ScheduledCheckin,
)
from bot.core.prompts import Prompts
from bot.core.schedule import (
    MAX_REMINDERS,
    REMINDER_SPACING,
    DueReminder,
    next_reminder,
    out_of_quiet_hours,
    reminder_plan,
    reminder_refusal,
)
from bot.services.frameworks import FrameworkService
from bot.services.languages import LanguageService
from bot.services.messaging import DmResult, Messenger
from bot.services.pacer import Pacer
from bot.services.results import ResultsService
from bot.storage.store import Store

log = logging.getLogger(__name__)

REMIND_GAP = timedelta(hours=12)  # between two reminders a facilitator asks for
DEFAULT_DM_GAP = 1.0  # seconds between two DMs of one check-in
DELIVERY_ATTEMPTS = 4  # tries per invitation when Discord fails on its side
RETRY_DELAYS = (  # before the second, third and fourth try
    timedelta(seconds=30),
    timedelta(minutes=5),
    timedelta(hours=1),
)
SUMMARY_RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


@dataclass(frozen=True, slots=True)
class CheckinProgress:
    """Counts only: never who."""

    checkin: Checkin
    invited: int
    finished: int
    delivered: int
    undeliverable: int


def progress_of(standing: CheckinStanding) -> CheckinProgress:
    """A check-in's progress from its counts, or from its frozen figures once closed."""
    counts = standing.counts
    if standing.frozen is not None:
        summary = thaw(standing.frozen.figures)
        invited, finished = summary.invited, summary.took_part
    else:
        assert counts.finished is not None  # counted wherever no figures are frozen
        invited, finished = counts.invited, counts.finished
    return CheckinProgress(
        standing.checkin,
        invited=invited,
        finished=finished,
        delivered=counts.delivered,
        undeliverable=counts.undeliverable,
    )


@dataclass(frozen=True, slots=True)
class ClosedCheckin:
    checkin: Checkin
    took_part: int
    invited: int
    summary_posted: bool


@dataclass(frozen=True, slots=True)
class RemindOutcome:
    """What a facilitator's reminder did: how many were sent, or why none could be."""

    sent: int = 0
    refusal: str | None = None  # a prompt key
    after: datetime | None = None  # when it may be tried again


class CheckinService:
    """Opens, reminds and closes check-ins; the only place that changes their state.

    DMs go out at the pace of one `Pacer` for the whole bot (a few a second, and for one
    check-in one after another, `dm_gap` seconds apart), so check-ins sending at the same
    time share the pace instead of waiting for each other. Each DM is
    recorded before the next is sent, carries a nonce derived from what it is, and is never
    sent twice at once to the same person (an in-process claim), so a retried or racing send
    cannot reach anyone twice.
    """

    def __init__(
        self,
        *,
        store: Store,
        frameworks: FrameworkLibrary,
        prompts: Prompts,
        messenger: Messenger,
        results: ResultsService,
        clock: Callable[[], datetime],
        dm_gap: float = DEFAULT_DM_GAP,
        pacer: Pacer | None = None,
        server_frameworks: FrameworkService | None = None,
        languages: LanguageService | None = None,
    ) -> None:
        self.store = store
        self.languages = languages or LanguageService(store=store, prompts=prompts)
        self.frameworks = frameworks
        # Resolves a project's framework, shipped or its server's own, when a check-in opens.
        self.server_frameworks = server_frameworks or FrameworkService(store, frameworks)
        self.prompts = prompts
        self.messenger = messenger
        self.results = results
        self.clock = clock
        self.dm_gap = dm_gap
        self.pacer = pacer or Pacer(gap=dm_gap)
        self._claimed: set[tuple[str, int, int]] = set()  # (what, check-in, user) sent or in flight
        self._stopped: set[int] = set()  # check-ins closed by this process: send no more
        self._closing: Counter[int] = Counter()  # closes (or deletions) under way, by check-in
        # Invitations sent whose record failed: the next round records them, sending nothing.
        self._unrecorded: dict[tuple[str, int, int], DmResult] = {}

    # -- opening and inviting --------------------------------------------------------------------

    async def open_checkin(
        self, project: Project, phase: Phase, *, window_days: int | None = None
    ) -> Checkin:
        """Open a check-in now (invitations pending); raises CheckinAlreadyOpen, FrameworkGone
        if the project's framework file has been removed, or FrameworkIncomplete (saying what
        is missing; a FrameworkEditError) if it is the server's own and not finished.

        The check-in keeps a snapshot of its framework, so later edits to the file change
        nothing of it. The DMs go out from the scheduler's next pass (`deliver_pending`).
        """
        framework = await self.server_frameworks.for_opening(project)
        now = self.clock()
        settings = await self.store.get_guild_settings(project.guild_id)
        participants = await self.store.list_participants(project.id)
        checkin = await self.store.open_checkin(
            project.id,
            phase,
            project.framework_id,
            now,
            now + timedelta(days=window_days or project.window_days),
            settings.thresholds,
            [p.user_id for p in participants],
            framework_snapshot=framework.snapshot(),
        )
        log.info("opened check-in %s of project %s by hand", checkin.id, project.id)
        return checkin

    async def open_scheduled(self, project: Project, slot: ScheduledCheckin) -> Checkin | None:
        """Open a planned check-in now, once; None if it cannot open (yet).

        If the project's framework file has been removed, or the server's own framework is not
        finished, the check-in is not opened: it is marked missed and the facilitators are
        told why.
        """
        try:
            framework = await self.server_frameworks.for_opening(project)
        except FrameworkGone:
            await self._framework_gone(project, slot)
            return None
        except FrameworkEditError as refused:  # the server's own, unfinished or over a limit
            await self._framework_gone(project, slot, refused)
            return None
        settings = await self.store.get_guild_settings(project.guild_id)
        participants = await self.store.list_participants(project.id)
        checkin = await self.store.open_scheduled_checkin(
            project.id,
            slot.phase,
            project.framework_id,
            self.clock(),
            settings.thresholds,
            [p.user_id for p in participants],
            framework_snapshot=framework.snapshot(),
        )
        if checkin is not None:
            log.info("opened scheduled check-in %s of project %s", checkin.id, project.id)
        return checkin

    async def _framework_gone(
        self,
        project: Project,
        slot: ScheduledCheckin,
        refused: FrameworkEditError | None = None,
    ) -> None:
        """A scheduled check-in whose framework is gone, or is the server's own and cannot be
        used yet (`refused` says why): missed, with a notice saying why."""
        if not await self.store.mark_missed(project.id, slot.phase):
            return  # another pass got here first
        await self.store.mark_announced([slot])
        log.warning(
            "check-in %s of project %s not opened: framework %r is %s",
            slot.phase.value,
            project.id,
            project.framework_id,
            "gone" if refused is None else f"not usable ({refused.key})",
        )
        p = self.prompts.lang(await self.languages.server(project.guild_id))
        phase = p.phase(slot.phase)
        if isinstance(refused, FrameworkIncomplete):
            text = p(
                "framework_edit.scheduled_incomplete",
                phase=phase,
                project=project.name,
                framework=refused.title or project.framework_id,
                missing=refused.values["missing"],
            )
        elif refused is not None:
            text = p(
                "framework_edit.scheduled_unusable",
                phase=phase,
                project=project.name,
                framework=project.framework_id,
                reason=p(refused.key, **refused.values),
            )
        else:
            text = p(
                "scheduler.framework_gone",
                phase=phase,
                project=project.name,
                framework=project.framework_id,
            )
        await self.messenger.post_notice(await self._notice_channel(project), text)

    async def _notice_channel(self, project: Project) -> int:
        """Where facilitators are told things: their channel if set, else the project's."""
        settings = await self.store.get_guild_settings(project.guild_id)
        return settings.facilitator_channel_id or project.channel_id

    async def deliver_pending(self, project: Project, checkin: Checkin) -> int:
        """Send the invitations of an open check-in that are due, paced; how many were tried.

        One read for the whole round, then one write per invitation: each DM is recorded
        before the next is sent. A failure on Discord's side is tried again on a later pass
        (RETRY_DELAYS), so one member's trouble never holds up everyone else's DMs.
        """
        tried = 0
        for invitation, known_channel in await self.store.invitations_due(checkin.id, self.clock()):
            await self.pacer.turn(checkin.id)
            if checkin.id in self._stopped or self._closing[checkin.id]:
                break  # closed (or its project deleted) meanwhile: nothing more goes out
            if await self._invite(project, checkin, invitation, known_channel) is not None:
                tried += 1
        if tried:
            log.info("check-in %s: %d invitations sent or tried", checkin.id, tried)
        return tried

    @contextlib.contextmanager
    def closing(self, checkin_id: int) -> Iterator[None]:
        """Around a close of the check-in, or the deletion of its project: a round under way
        sends nothing more meanwhile, even if this loses a race. If the close fails, the
        check-in is still open and, once no other close is under way, sends again (left
        stopped, its retries would stay due and the scheduler would wake for them again and
        again with nothing to do). Once it is closed or gone, it sends nothing more, whatever
        another close under way does, and what this process claimed of it is forgotten (a
        send still in flight keeps its claim until then, so a resumed round cannot repeat
        it)."""
        self._closing[checkin_id] += 1
        try:
            yield
            self._stopped.add(checkin_id)
            self._claimed = {key for key in self._claimed if key[1] != checkin_id}
            self._unrecorded = {
                key: sent for key, sent in self._unrecorded.items() if key[1] != checkin_id
            }
        finally:
            self._closing[checkin_id] -= 1
            if not self._closing[checkin_id]:
                del self._closing[checkin_id]

    async def invite(self, project: Project, checkin: Checkin, user_id: int) -> DmResult | None:
        """DM one pending invitation once (a member who just joined); None if it is not due
        (sent, being sent, or the member left). `checkin` must be open."""
        invitation = await self.store.get_invitation(checkin.id, user_id)
        if (
            not checkin.is_open
            or invitation is None
            or invitation.delivery is not Delivery.PENDING
            or not await self.store.is_participant(project.id, user_id)
        ):
            return None
        return await self._invite(
            project, checkin, invitation, await self.store.get_dm_channel(user_id)
        )

    async def _invite(
        self,
        project: Project,
        checkin: Checkin,
        invitation: Invitation,
        known_channel: int | None,
    ) -> DmResult | None:
        """Send one pending invitation and record how it went, in one write; None if this
        process has sent or is sending it already.

        A refused DM (the member does not accept DMs) is recorded and never retried; a
        failure on Discord's side is tried again later, up to DELIVERY_ATTEMPTS times.
        """
        user_id = invitation.user_id
        key = ("invite", checkin.id, user_id)
        sent = self._unrecorded.pop(key, None)  # sent already; only its record is missing
        if sent is None and key in self._claimed:
            return None
        self._claimed.add(key)  # kept once sent: a round read earlier cannot send it again
        result = DmResult(Delivery.PENDING)
        try:
            result = sent or await self.messenger.send_invitation(
                user_id,
                project,
                checkin,
                channel_id=known_channel,
                nonce=message_nonce("invite", checkin.id, user_id),
            )
            delivery, retry_at = result.delivery, None
            if delivery is Delivery.PENDING:
                if invitation.attempts + 1 >= DELIVERY_ATTEMPTS:
                    delivery = Delivery.FAILED  # given up: counted as not reachable by DM
                else:
                    retry_at = self.clock() + RETRY_DELAYS[invitation.attempts]
            channel = result.channel_id if result.delivery is Delivery.DELIVERED else None
            await self.store.record_delivery(
                checkin.id,
                user_id,
                delivery,
                dm_channel_id=result.channel_id,
                dm_message_id=result.message_id,
                retry_at=retry_at,
                remember_channel=channel is not None and channel != known_channel,
            )
            return result
        except BaseException:
            # Sent, but not recorded: its claim stays, so it is not sent twice; left at that,
            # it would stay due and never be tried, and the scheduler would keep waking for
            # it. The round fails (backed off), and the next one records it.
            if result.delivery is not Delivery.PENDING:
                self._unrecorded[key] = result
            raise
        finally:
            if result.delivery is Delivery.PENDING:
                self._claimed.discard(key)  # to be tried again

    async def _record_dm(self, user_id: int, result: DmResult) -> None:
        if result.delivery is Delivery.DELIVERED and result.channel_id is not None:
            await self.store.set_dm_channel(user_id, result.channel_id)

    async def current(self, project: Project) -> Checkin | None:
        """The project's open check-in, if any."""
        return await self.store.current_checkin(project.id)

    async def join_open_checkin(
        self, project: Project, checkin: Checkin, user_id: int
    ) -> DmResult | None:
        """A member who joins while `checkin` is open is invited to it too."""
        if not await self.store.add_invitation(checkin.id, user_id):
            return None
        return await self.invite(project, checkin, user_id)

    async def open_progress(
        self, guild_id: int, name: str
    ) -> tuple[Project, CheckinProgress | None] | None:
        """The server's project called `name` (any case) and its open check-in's progress,
        read at once; None if there is no such project, no progress if nothing is open."""
        found = await self.store.open_checkin_standing(guild_id, name.strip())
        if found is None:
            return None
        project, standing = found
        return project, progress_of(standing) if standing is not None else None

    async def progress(self, checkin: Checkin) -> CheckinProgress:
        """Counts only. A closed check-in's come from its frozen results, so erasing someone's
        answers afterwards changes none of them."""
        counts = await self.store.checkin_counts(checkin.id)
        frozen = None if checkin.is_open else await self.store.get_results(checkin.id)
        return progress_of(CheckinStanding(checkin, counts, frozen))

    # -- reminders -------------------------------------------------------------------------------

    async def remind(self, project: Project, checkin: Checkin) -> RemindOutcome:
        """A facilitator's reminder: refused at night, in the last hour, or within 12 h of the
        last one; otherwise DMs those who may still get one (at most two each in all)."""
        now = self.clock()
        refusal = reminder_refusal(now, checkin.closes_at, project.timezone)
        if refusal is not None:
            return RemindOutcome(refusal=refusal, after=out_of_quiet_hours(now, project.timezone))
        if not await self.store.mark_reminded(checkin.id, now, REMIND_GAP):
            current = await self.store.get_checkin(checkin.id)
            last = current.reminded_at if current and current.reminded_at else now
            return RemindOutcome(refusal="errors.remind_too_soon", after=last + REMIND_GAP)
        return RemindOutcome(sent=await self.send_reminders(project, checkin))

    async def remind_due(self, project: Project, checkin: Checkin) -> None:
        """Send the automatic reminder round that is due now, if any."""
        due = self._next_round(project, checkin)
        if due is None or due.at > self.clock():
            return
        sent = await self.send_reminders(project, checkin)
        log.info("check-in %s: reminder round %d, %d sent", checkin.id, due.round + 1, sent)
        await self.store.advance_reminder_rounds(checkin.id, checkin.reminder_rounds, due.round + 1)

    def next_reminder_at(self, project: Project, checkin: Checkin) -> datetime | None:
        """When the check-in's next automatic reminder round is due, if one remains."""
        due = self._next_round(project, checkin)
        return due.at if due else None

    def reminder_moment(
        self, opened_at: datetime, closes_at: datetime, done: int, zone: str
    ) -> datetime | None:
        """`next_reminder_at` from only the times it depends on (the scheduler's agenda).

        It never moves earlier as time passes, and once None stays None, so it can be kept
        until the check-in's rounds, window or project's timezone change."""
        plan = reminder_plan(opened_at, closes_at, zone)
        due = next_reminder(plan, done, self.clock(), closes_at, zone)
        return due.at if due else None

    def _next_round(self, project: Project, checkin: Checkin) -> DueReminder | None:
        plan = reminder_plan(checkin.opened_at, checkin.closes_at, project.timezone)
        return next_reminder(
            plan, checkin.reminder_rounds, self.clock(), checkin.closes_at, project.timezone
        )

    async def send_reminders(self, project: Project, checkin: Checkin) -> int:
        """DM a reminder, paced, to everyone who may get one now; how many were delivered."""
        counts = await self.store.checkin_counts(checkin.id)
        assert counts.finished is not None  # checkin_counts always counts who finished
        targets = await self.store.reminder_targets(
            checkin.id, MAX_REMINDERS, REMINDER_SPACING, self.clock()
        )
        sent = 0
        for target in targets:
            await self.pacer.turn(checkin.id)
            current = await self.store.get_checkin(checkin.id)
            if (
                current is None
                or not current.is_open
                or reminder_refusal(self.clock(), current.closes_at, project.timezone)
            ):
                break  # closed meanwhile, or it became night or the last hour
            result = await self._remind_one(
                project, current, target.user_id, counts.finished, counts.invited
            )
            if result is None:
                continue
            sent += result.delivery is Delivery.DELIVERED
        return sent

    async def _remind_one(
        self, project: Project, checkin: Checkin, user_id: int, answered: int, invited: int
    ) -> DmResult | None:
        key = ("remind", checkin.id, user_id)
        if key in self._claimed:
            return None
        self._claimed.add(key)
        try:
            now = self.clock()
            # Read again: they may have finished while earlier reminders went out.
            target = await self.store.reminder_target(
                checkin.id, user_id, MAX_REMINDERS, REMINDER_SPACING, now
            )
            if target is None:
                return None
            result = await self.messenger.send_reminder(
                user_id,
                project,
                checkin,
                answered,
                invited,
                channel_id=target.dm_channel_id or await self.store.get_dm_channel(user_id),
                nonce=message_nonce("remind", checkin.id, user_id, target.reminders),
            )
            await self._record_dm(user_id, result)
            if result.delivery is Delivery.DELIVERED:
                await self.store.record_reminder(
                    checkin.id,
                    user_id,
                    now,
                    dm_channel_id=result.channel_id,
                    dm_message_id=result.message_id,
                )
            return result
        finally:
            self._claimed.discard(key)

    # -- closing ---------------------------------------------------------------------------------

    async def close_checkin(self, checkin: Checkin) -> ClosedCheckin | None:
        """Close once, freezing the results, and post the anonymised summary; None if it was
        already closed. The check-in messages in members' DMs are emptied afterwards, paced
        (`clear_dm_messages`, from the scheduler)."""
        with self.closing(checkin.id):  # closed after it, by this call or another
            closed = await self.store.close_checkin(
                checkin.id, self.clock(), self.results.summariser(checkin)
            )
        if not closed:
            return None
        log.info("closed check-in %s", checkin.id)
        return await self.post_summary(checkin.id)

    async def post_summary(self, checkin_id: int) -> ClosedCheckin | None:
        """Post the summary of a closed check-in whose summary is due; None if it is not."""
        key = ("summary", checkin_id, 0)
        if key in self._claimed:
            return None
        self._claimed.add(key)
        try:
            return await self._post_summary(checkin_id)
        finally:
            self._claimed.discard(key)

    async def _post_summary(self, checkin_id: int) -> ClosedCheckin | None:
        closed = await self.store.get_checkin(checkin_id)
        if closed is None or closed.is_open or not closed.summary_due:
            return None
        project = await self.store.get_project(closed.project_id)
        if project is None:
            return None
        post = await self.results.summary_post(project, closed)
        posted = await self.messenger.post_summary(
            project.channel_id, post, nonce=message_nonce("summary", closed.id)
        )
        if posted.message_id is None:
            await self._summary_failed(project, closed)
            return ClosedCheckin(closed, post.took_part, post.invited, False)
        await self.store.set_summary_message(closed.id, posted.message_id)
        if posted.missing:
            await self._summary_degraded(project, closed, posted.missing)
        return ClosedCheckin(closed, post.took_part, post.invited, True)

    async def _summary_degraded(
        self, project: Project, checkin: Checkin, missing: tuple[str, ...]
    ) -> None:
        """The summary went out without its chart or its thread: tell the facilitators what
        the bot lacked, so the next one is whole."""
        log.warning("summary of check-in %s posted without %s", checkin.id, ", ".join(missing))
        p = self.prompts.lang(await self.languages.server(project.guild_id))
        lines = [
            p(
                "scheduler.summary_degraded",
                phase=p.phase(checkin.phase),
                project=project.name,
                channel=f"<#{project.channel_id}>",
            )
        ]
        if "attach_files" in missing:
            lines.append(p("scheduler.summary_no_chart"))
        if any(name != "attach_files" for name in missing):
            lines.append(p("scheduler.summary_no_thread"))
        names = ", ".join(f"**{p(f'permissions.{name}')}**" for name in missing)
        lines.append(p("scheduler.summary_grant", permissions=names))
        await self.messenger.post_notice(await self._notice_channel(project), "\n".join(lines))

    # -- emptying check-in messages in DMs ----------------------------------------------------

    async def clear_dm_messages(self) -> int:
        """Empty the answering screens of closed check-ins in members' DMs, paced, so a
        member's own answers are not left readable there; how many were handled."""
        handled = 0
        for message in await self.store.list_dm_messages():
            await self.pacer.turn(message.checkin_id)
            p = self.prompts.lang(
                await self.languages.of_checkin(message.checkin_id, message.user_id)
            )
            await self.messenger.clear_dm(message, p("dm.checkin_closed"))
            await self.store.forget_dm_message(message)
            handled += 1
        return handled

    async def clear_erased(self, messages: Sequence[DmMessage]) -> None:
        """Empty the check-in messages of a member who just erased their answers."""
        for message in messages:
            p = self.prompts.lang(
                await self.languages.of_checkin(message.checkin_id, message.user_id)
            )
            await self.messenger.clear_dm(message, p("dm.answers_erased"))

    async def _summary_failed(self, project: Project, checkin: Checkin) -> None:
        """Try again later; after the last try, tell the facilitators."""
        attempt = checkin.summary_attempts
        if attempt < len(SUMMARY_RETRY_DELAYS):
            retry_at = self.clock() + SUMMARY_RETRY_DELAYS[attempt]
            log.warning(
                "summary of check-in %s not posted; trying again at %s", checkin.id, retry_at
            )
            await self.store.summary_failed(checkin.id, retry_at)
            return
        log.warning("summary of check-in %s could not be posted; giving up", checkin.id)
        await self.store.summary_failed(checkin.id, None)
        channel = await self._notice_channel(project)
        p = self.prompts.lang(await self.languages.server(project.guild_id))
        text = p(
            "scheduler.summary_failed",
            phase=p.phase(checkin.phase),
            project=project.name,
            channel=f"<#{project.channel_id}>",
        )
        await self.messenger.post_notice(channel, text)

"""The check-in lifecycle: open (invite by DM), remind, close (post the anonymised summary)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.frameworks import FrameworkLibrary
from bot.core.models import Checkin, Delivery, Phase, Project
from bot.core.prompts import Prompts
from bot.core.summary import render_summary, summarise_checkin
from bot.storage.store import Store

log = logging.getLogger(__name__)

REMIND_GAP = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class DmResult:
    """What happened to one DM: delivered, refused by Discord (DMs closed), or failed."""

    delivery: Delivery
    channel_id: int | None = None
    message_id: int | None = None


class Messenger(Protocol):
    """The small port through which services talk to Discord."""

    async def send_invitation(self, user_id: int, project: Project, checkin: Checkin) -> DmResult:
        """DM one participant the opening message of a check-in."""
        ...

    async def send_reminder(
        self, user_id: int, project: Project, checkin: Checkin, answered: int, invited: int
    ) -> DmResult:
        """DM one participant a reminder."""
        ...

    async def post_summary(self, channel_id: int, pages: list[str]) -> int | None:
        """Post the summary messages; the first message's id, or None if posting failed."""
        ...


@dataclass(frozen=True, slots=True)
class OpenedCheckin:
    checkin: Checkin
    invited: int
    delivered: int
    failed: int


@dataclass(frozen=True, slots=True)
class CheckinProgress:
    """Counts only: never who."""

    checkin: Checkin
    invited: int
    finished: int
    undeliverable: int


@dataclass(frozen=True, slots=True)
class ClosedCheckin:
    checkin: Checkin
    took_part: int
    invited: int
    summary_posted: bool


class CheckinService:
    """Opens, reminds and closes check-ins; the only place that changes their state."""

    def __init__(
        self,
        *,
        store: Store,
        frameworks: FrameworkLibrary,
        prompts: Prompts,
        messenger: Messenger,
        clock: Callable[[], datetime],
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.frameworks = frameworks
        self.prompts = prompts
        self.messenger = messenger
        self.clock = clock
        self._rng = rng or random.SystemRandom()

    async def open_checkin(
        self, project: Project, phase: Phase, *, window_days: int | None = None
    ) -> OpenedCheckin:
        """Open a check-in now and DM every participant; raises CheckinAlreadyOpen."""
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
        )
        delivered = failed = 0
        for participant in participants:
            result = await self.invite(project, checkin, participant.user_id)
            delivered += result.delivery is Delivery.DELIVERED
            failed += result.delivery is Delivery.FAILED
        log.info(
            "opened check-in %s of project %s: %d invited, %d delivered, %d undeliverable",
            checkin.id,
            project.id,
            len(participants),
            delivered,
            failed,
        )
        return OpenedCheckin(checkin, len(participants), delivered, failed)

    async def invite(self, project: Project, checkin: Checkin, user_id: int) -> DmResult:
        """DM one invitation and record what happened (a refused DM is never retried)."""
        result = await self.messenger.send_invitation(user_id, project, checkin)
        await self.store.record_delivery(
            checkin.id,
            user_id,
            result.delivery,
            dm_channel_id=result.channel_id,
            dm_message_id=result.message_id,
        )
        return result

    async def join_open_checkin(self, project: Project, user_id: int) -> DmResult | None:
        """A member who joins while a check-in is open is invited to it too."""
        checkin = await self.store.current_checkin(project.id)
        if checkin is None or not await self.store.add_invitation(checkin.id, user_id):
            return None
        return await self.invite(project, checkin, user_id)

    async def progress(self, checkin: Checkin) -> CheckinProgress:
        invitations = await self.store.list_invitations(checkin.id)
        return CheckinProgress(
            checkin,
            invited=len(invitations),
            finished=sum(i.finished for i in invitations),
            undeliverable=sum(i.delivery is Delivery.FAILED for i in invitations),
        )

    async def remind(self, project: Project, checkin: Checkin) -> int | None:
        """DM a reminder to those who have not finished; None if reminded in the last 12 h."""
        now = self.clock()
        if not await self.store.mark_reminded(checkin.id, now, REMIND_GAP):
            return None
        invitations = await self.store.list_invitations(checkin.id)
        still_in = {p.user_id for p in await self.store.list_participants(project.id)}
        answered = sum(i.finished for i in invitations)
        sent = 0
        for invitation in invitations:
            if invitation.finished or invitation.declined or invitation.user_id not in still_in:
                continue
            if invitation.delivery is Delivery.FAILED:
                continue
            result = await self.messenger.send_reminder(
                invitation.user_id, project, checkin, answered, len(invitations)
            )
            sent += result.delivery is Delivery.DELIVERED
        return sent

    async def close_checkin(self, checkin: Checkin) -> ClosedCheckin | None:
        """Close once and post the anonymised summary; None if it was already closed."""
        if not await self.store.close_checkin(checkin.id, self.clock()):
            return None
        closed = await self.store.get_checkin(checkin.id)
        project = await self.store.get_project(checkin.project_id)
        assert closed is not None and project is not None
        framework = self.frameworks.for_checkin(closed.framework_id)
        invitations = await self.store.list_invitations(closed.id)
        responses = await self.store.list_responses(closed.id)
        participants = await self.store.list_participants(project.id)
        names = [name for p in participants for name in p.names]
        summary = summarise_checkin(
            framework,
            closed.thresholds,
            closed.phase,
            invited=len(invitations),
            responses=responses,
            names=names,
            rng=self._rng,
        )
        pages = render_summary(
            summary,
            framework,
            self.prompts,
            project_name=project.name,
            phase_label=self.prompts.phase(closed.phase),
        )
        message_id = await self.messenger.post_summary(project.channel_id, pages)
        if message_id is not None:
            await self.store.set_summary_message(closed.id, message_id)
        else:
            log.warning("summary of check-in %s could not be posted", closed.id)
        return ClosedCheckin(closed, summary.took_part, len(invitations), message_id is not None)

"""Projects: creating, finding, rescheduling and deleting them; joining and leaving."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.frameworks import Framework, FrameworkLibrary
from bot.core.models import Checkin, NewProject, Project, ScheduledCheckin, Thresholds
from bot.core.schedule import Dated, plan_project, reschedule
from bot.services.checkins import CheckinProgress, CheckinService, progress_of
from bot.services.frameworks import FrameworkService
from bot.storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Joined:
    """A member joined: what the project asks, and its check-in open now (None if none),
    to which they are invited once they have been answered (`CheckinService.join_open_checkin`)."""

    project: Project
    framework: Framework
    thresholds: Thresholds
    open_checkin: Checkin | None


@dataclass(frozen=True, slots=True)
class ProjectShown:
    """A project for `/project show`: how many joined, its schedule and its check-ins'
    progress (counts only), oldest first."""

    project: Project
    participants: int
    schedule: tuple[ScheduledCheckin, ...]
    checkins: tuple[CheckinProgress, ...]


@dataclass(frozen=True, slots=True)
class NotJoined:
    """Why a Join or Leave click did nothing: a prompt key."""

    key: str
    project: Project | None = None


class ProjectService:
    def __init__(
        self,
        *,
        store: Store,
        frameworks: FrameworkLibrary,
        checkins: CheckinService,
        server_frameworks: FrameworkService | None = None,
    ) -> None:
        self.store = store
        self.frameworks = frameworks
        self.checkins = checkins
        self.server_frameworks = server_frameworks or FrameworkService(store, frameworks)

    async def find(self, guild_id: int, name: str) -> Project | None:
        """This server's project called `name` (any case, spaces around ignored)."""
        return await self.store.find_project(guild_id, name.strip())

    async def overview(self, guild_id: int, name: str) -> ProjectShown | None:
        """The server's project of this name (any case) as `/project show` shows it, read at
        once; None if there is none."""
        found = await self.store.project_overview(guild_id, name.strip())
        if found is None:
            return None
        return ProjectShown(
            found.project,
            found.participants,
            found.schedule,
            tuple(progress_of(standing) for standing in found.checkins),
        )

    async def in_guild(self, project_id: int, guild_id: int | None) -> Project | None:
        """The project, if it still exists and belongs to this server."""
        project = await self.store.get_project(project_id)
        if project is None or guild_id is None or project.guild_id != guild_id:
            return None
        return project

    async def all_in(self, guild_id: int) -> list[Project]:
        return await self.store.list_projects(guild_id)

    async def participants(self, project: Project) -> int:
        return await self.store.count_participants(project.id)

    async def schedule(self, project: Project) -> list[ScheduledCheckin]:
        return await self.store.list_schedule(project.id)

    async def thresholds(self, guild_id: int) -> Thresholds:
        return (await self.store.get_guild_settings(guild_id)).thresholds

    async def create(self, new: NewProject) -> Project:
        """Store the project with its planned check-ins; DuplicateProjectName if the server
        already has one of that name."""
        return await self.store.create_project(new, plan_project(new))

    async def card_posted(self, project: Project, message_id: int) -> None:
        await self.store.set_card_message(project.id, message_id)

    async def delete(self, project: Project) -> bool:
        """Erase the project and everything of it; its open check-in sends nothing more."""
        current = await self.store.current_checkin(project.id)
        if current is None:
            return await self.store.delete_project(project.id)
        with self.checkins.closing(current.id):
            deleted = await self.store.delete_project(project.id)
        self.checkins.results.ahead.take(current.id)  # its comments kept for a close
        return deleted

    async def reschedule(self, project: Project, changed: Dated, now: datetime) -> Project | None:
        """Move the project's dates and its check-ins not opened yet (InvalidScheduleChange
        if one that opened would move); the updated project, None if it is gone."""
        schedule = await self.store.list_schedule(project.id)
        moved = reschedule(schedule, plan_project(changed), now)
        return await self.store.update_project(project.id, changed, moved)

    async def switch_framework(self, project: Project, framework_id: str) -> Project | None:
        """Use another framework for the project's check-ins not opened yet; the updated
        project (None if it is gone)."""
        if not await self.store.set_project_framework(project.id, framework_id):
            return None
        return await self.store.get_project(project.id)

    async def join(
        self, project_id: int, guild_id: int | None, user_id: int, names: Sequence[str]
    ) -> Joined | NotJoined:
        """Join from the project card; invited at once to a check-in that is open."""
        project = await self.in_guild(project_id, guild_id)
        if project is None:
            return NotJoined("errors.project_gone")
        joined = await self.store.add_participant(project.id, user_id, names)
        self.checkins.results.ahead.names_changed([project.id])  # their names are hidden now
        if not joined:
            return NotJoined("card.already_joined", project)
        thresholds = await self.thresholds(project.guild_id)
        current = await self.store.current_checkin(project.id)
        # The open check-in's own framework, which outlives its file being removed.
        framework = (
            self.frameworks.for_checkin(current)
            if current
            else await self.server_frameworks.for_project(project)
        )
        return Joined(project, framework, thresholds, current)

    async def leave(self, project_id: int, guild_id: int | None, user_id: int) -> NotJoined:
        """Leave from the project card: "card.left", or why not."""
        project = await self.in_guild(project_id, guild_id)
        if project is None:
            return NotJoined("errors.project_gone")
        if await self.store.remove_participant(project.id, user_id):
            return NotJoined("card.left", project)
        return NotJoined("errors.not_participant", project)

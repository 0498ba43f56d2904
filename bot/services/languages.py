"""Which language the bot speaks to whom (issue 14).

A server has a language (its facilitators' replies, and new projects' default); a project may
have its own (its card, summaries, reports, reminders); a member may choose one for their DMs
and answering on a server, else they get the project's. English when nothing is set. Choices
are kept in memory once read: every click asks, and they change rarely.

Babel's data for a language (a few MB) is read only once the bot is to speak it: every
language these methods give has been read, off the event loop (`Prompts.warm` in a worker
thread) the first time it is given.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from bot.core.models import Project
from bot.core.prompts import Prompts
from bot.storage.store import Store

MEMBER_CACHE = 10_000  # members' choices kept in memory (most recently used)


class LanguageService:
    def __init__(self, *, store: Store, prompts: Prompts) -> None:
        self.store = store
        self.prompts = prompts
        self._members: OrderedDict[tuple[int, int], str | None] = OrderedDict()
        self._projects: dict[int, tuple[int, str | None]] = {}  # id: (server, own language)
        self._checkins: dict[int, int] = {}  # check-in id: its project's id

    def known(self, code: str | None) -> bool:
        return self.prompts.knows(code)

    async def choices(self) -> list[tuple[str, str]]:
        """(code, its own name) of every language there are prompts for, English first."""
        return [(code, await self.name(code)) for code in self.prompts.languages()]

    async def name(self, code: str) -> str:
        """A language's own name for itself ("Cymraeg"), its data read off the loop first."""
        return self.prompts.name_of(await self._read(code))

    async def _read(self, code: str) -> str:
        """`code`, once Babel's data for it is read (in a worker thread the first time)."""
        if self.prompts.unread(code):
            await asyncio.to_thread(self.prompts.warm, code)
        return code

    # A server's language.

    async def server(self, guild_id: int | None) -> str:
        if guild_id is None:
            return self.prompts.default
        # The store keeps a server's settings in memory once read.
        settings = await self.store.get_guild_settings(guild_id)
        return await self._read(self._usable(settings.language))

    async def set_server(self, guild_id: int, code: str | None) -> None:
        await self.store.set_guild_language(guild_id, code)

    # A project's language.

    async def project(self, project: Project) -> str:
        """The project's own language, else its server's."""
        own = self._projects.get(project.id, (0, project.language))[1]
        if own and self.known(own):
            return await self._read(own)
        return await self.server(project.guild_id)

    async def set_project(self, project: Project, code: str | None) -> bool:
        changed = await self.store.set_project_language(project.id, code)
        self._projects[project.id] = (project.guild_id, code)
        return changed

    async def of_checkin(self, checkin_id: int, user_id: int) -> str:
        """The language of a member answering this check-in (see `member`)."""
        project_id = self._checkins.get(checkin_id)
        if project_id is None:
            checkin = await self.store.get_checkin(checkin_id)
            if checkin is None:
                return self.prompts.default
            project_id = checkin.project_id
            if len(self._checkins) >= MEMBER_CACHE:
                self._checkins.clear()
            self._checkins[checkin_id] = project_id
        return await self.of_project(project_id, user_id)

    async def of_project(self, project_id: int, user_id: int) -> str:
        """The language of a member acting on this project (see `member`)."""
        place = self._projects.get(project_id)
        if place is None:
            project = await self.store.get_project(project_id)
            if project is None:
                return self.prompts.default
            place = self._remember(project)
        guild_id, own = place
        chosen = await self.chosen(guild_id, user_id)
        if chosen is not None:
            return chosen
        if own is not None and self.known(own):
            return await self._read(own)
        return await self.server(guild_id)

    def _remember(self, project: Project) -> tuple[int, str | None]:
        if len(self._projects) >= MEMBER_CACHE:
            self._projects.clear()
        place = self._projects[project.id] = (project.guild_id, project.language)
        return place

    # A member's language.

    async def chosen(self, guild_id: int, user_id: int) -> str | None:
        """What a member chose on this server (None: the project's, or the server's)."""
        key = (guild_id, user_id)
        if key in self._members:
            self._members.move_to_end(key)
        else:
            self._members[key] = await self.store.member_language(guild_id, user_id)
            if len(self._members) > MEMBER_CACHE:
                self._members.popitem(last=False)
        code = self._members[key]
        return await self._read(code) if code is not None and self.known(code) else None

    async def member(self, guild_id: int, user_id: int, project: Project | None = None) -> str:
        """The language a member reads: their own choice, else the project's, else the
        server's."""
        chosen = await self.chosen(guild_id, user_id)
        if chosen is not None:
            return chosen
        if project is not None:
            return await self.project(project)
        return await self.server(guild_id)

    async def set_member(self, guild_id: int, user_id: int, code: str | None) -> None:
        await self.store.set_member_language(guild_id, user_id, code)
        self._members[(guild_id, user_id)] = code

    def forget_member(self, guild_id: int, user_id: int) -> None:
        """A member's data was erased: their choice went with it."""
        self._members.pop((guild_id, user_id), None)

    def forget_server(self, guild_id: int) -> None:
        """A server's data was erased."""
        for key in [k for k in self._members if k[0] == guild_id]:
            del self._members[key]

    def _usable(self, code: str | None) -> str:
        return code if code is not None and self.known(code) else self.prompts.default

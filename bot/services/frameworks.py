"""The frameworks a server can use: the shipped ones, and its own (copied, edited, imported),
stored per server as drafts and usable by a check-in once every field is filled in.

A server framework's id never equals a shipped one's, so a project's `framework_id` names
exactly one framework: the shipped one, else its own server's. A server never sees another
server's frameworks.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from dataclasses import dataclass
from typing import Any

from bot.core import framework_edit as edit
from bot.core.framework_edit import FrameworkEditError
from bot.core.frameworks import Framework, FrameworkGone, FrameworkLibrary
from bot.core.models import Project
from bot.storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FrameworkChoice:
    """One framework a server can pick: shipped with the bot or its own, finished or not."""

    id: str
    title: str
    components: int
    server: bool
    complete: bool


def _shipped(framework: Framework) -> FrameworkChoice:
    return FrameworkChoice(
        framework.id, framework.title, len(framework.components), server=False, complete=True
    )


def _choice(draft: dict[str, Any]) -> FrameworkChoice:
    return FrameworkChoice(
        id=str(draft.get("id")),
        title=str(draft.get("title") or draft.get("id")),
        components=len(draft.get("components") or []),
        server=True,
        complete=not edit.missing(draft),
    )


class FrameworkService:
    """Shipped frameworks (from the library) and each server's own (from the store)."""

    def __init__(self, store: Store, frameworks: FrameworkLibrary) -> None:
        self.store = store
        self.frameworks = frameworks

    def shipped(self) -> list[FrameworkChoice]:
        """The frameworks that come with the bot, the default first."""
        return [_shipped(f) for f in self.frameworks.all()]

    async def available(self, guild_id: int) -> list[FrameworkChoice]:
        """The shipped frameworks (the default first), then the server's own, by id."""
        own = [_choice(json.loads(body)) for _, body in await self._own(guild_id)]
        return self.shipped() + own

    async def choice(
        self, guild_id: int, framework_id: str, language: str | None = None
    ) -> FrameworkChoice | None:
        """One framework a project of this server may use (shipped or its own), by id; its
        title in `language` where it has one."""
        shipped = self.frameworks.get(framework_id)
        if shipped is not None:
            return _shipped(shipped.in_language(language) if language else shipped)
        found = await self.draft(guild_id, framework_id)
        if found is None:
            return None
        chosen = _choice(found)
        words = (found.get("translations") or {}).get(language) if language else None
        title = words.get("title") if isinstance(words, dict) else None
        if isinstance(title, str) and title.strip():
            return dataclasses.replace(chosen, title=title.strip())
        return chosen

    async def _own(self, guild_id: int) -> list[tuple[str, str]]:
        """The server's frameworks, leaving out any whose id a shipped one has since taken
        (a host added a file of that name): the shipped one wins, as everywhere."""
        return [
            (framework_id, body)
            for framework_id, body in await self.store.list_server_frameworks(guild_id)
            if self.frameworks.get(framework_id) is None
        ]

    async def draft(self, guild_id: int, framework_id: str) -> dict[str, Any] | None:
        """One of the server's own frameworks as a draft to edit; None for a shipped one or
        one it does not have."""
        if self.frameworks.get(framework_id) is not None:
            return None
        body = await self.store.get_server_framework(guild_id, framework_id)
        return json.loads(body) if body is not None else None

    async def get(self, guild_id: int, framework_id: str) -> Framework | None:
        """A framework this server can use: shipped, or its own if finished."""
        shipped = self.frameworks.get(framework_id)
        if shipped is not None:
            return shipped
        draft = await self.draft(guild_id, framework_id)
        if draft is None:
            return None
        try:
            return edit.usable(draft)
        except FrameworkEditError:
            return None

    async def for_project(self, project: Project) -> Framework:
        """The framework a project's next check-in will ask, for showing it (a member who
        joins): its own if usable, else the default, as `FrameworkLibrary.by_id` does."""
        return await self.get(project.guild_id, project.framework_id) or self.frameworks.by_id(
            project.framework_id
        )

    async def for_opening(self, project: Project) -> Framework:
        """The framework a new check-in of the project opens with: shipped, else its server's
        own. FrameworkGone if there is none by that id, FrameworkIncomplete (saying what is
        missing) if the server's is not finished, FrameworkEditError if it breaks a limit
        (say, a copy of a host's framework with more than 12 components)."""
        shipped = self.frameworks.get(project.framework_id)
        if shipped is not None:
            return shipped
        draft = await self.draft(project.guild_id, project.framework_id)
        if draft is None:
            raise FrameworkGone(project.framework_id)
        return edit.usable(draft)

    async def _free_id(self, guild_id: int, name: str, *candidates: str) -> str:
        """The first of `candidates` no shipped framework and none of the server's has;
        FrameworkEditError naming the clash if none is free."""
        clash = ""
        for framework_id in candidates:
            if self.frameworks.get(framework_id) is not None:
                clash = clash or "shipped"
            elif await self.store.get_server_framework(guild_id, framework_id) is not None:
                clash = clash or "taken"
            else:
                return framework_id
        key = "framework_edit.shipped_id" if clash == "shipped" else "framework_edit.name_taken"
        raise FrameworkEditError(key, name=name, id=candidates[0])

    async def copy(self, guild_id: int, source_id: str, name: str) -> dict[str, Any]:
        """A new framework of the server's, copied from a shipped one or one of its own:
        `name` is its title, its id the name's slug. Stored and returned as a draft."""
        source: dict[str, Any] | Framework | None = self.frameworks.get(
            source_id
        ) or await self.draft(guild_id, source_id)
        if source is None:
            raise FrameworkEditError("framework_edit.unknown_framework", name=source_id)
        framework_id = await self._free_id(guild_id, name, edit.slug(name))
        draft = edit.copy_draft(source, title=name, framework_id=framework_id)
        await self.save(guild_id, draft)
        log.info("server %s copied framework %r to %r", guild_id, source_id, framework_id)
        return draft

    async def save(self, guild_id: int, draft: dict[str, Any]) -> None:
        """Store one of the server's drafts under its id (never a shipped id)."""
        framework_id = str(draft.get("id") or "")
        if self.frameworks.get(framework_id) is not None:
            raise FrameworkEditError(
                "framework_edit.shipped_not_editable", name=draft.get("title") or framework_id
            )
        if edit.slug(framework_id) != framework_id:  # an id the schema accepts, or refused
            raise FrameworkEditError("framework_edit.bad_name", name=framework_id)
        await self.store.put_server_framework(guild_id, framework_id, json.dumps(draft))

    async def import_(self, guild_id: int, text: str, filename: str) -> dict[str, Any]:
        """A framework file as a new framework of the server's: its own id if free, else its
        title's slug. Stored and returned as a draft; FrameworkEditError naming the field and
        line if the file is not a framework."""
        # Reading and checking up to 100 kB of YAML is tens of milliseconds of work: in a
        # thread, so the event loop goes on answering everyone else meanwhile.
        draft = await asyncio.to_thread(edit.import_yaml, text, filename=filename)
        title = str(draft["title"])
        candidates = [c for c in (str(draft.get("id") or ""), _slug_or_empty(title)) if c]
        if not candidates:
            raise FrameworkEditError("framework_edit.bad_name", name=title)
        draft["id"] = await self._free_id(guild_id, title, *candidates)
        await self.save(guild_id, draft)
        log.info("server %s imported framework %r from %s", guild_id, draft["id"], filename)
        return draft

    async def export(self, guild_id: int, framework_id: str) -> str | None:
        """A framework this server can see as a YAML file, shipped or its own; None if none."""
        shipped = self.frameworks.get(framework_id)
        draft = edit.draft_of(shipped) if shipped else await self.draft(guild_id, framework_id)
        return edit.export_yaml(draft) if draft is not None else None

    async def in_use(self, guild_id: int, framework_id: str) -> list[str]:
        """The names of the server's projects on this framework."""
        return await self.store.projects_using_framework(guild_id, framework_id)

    async def delete(self, guild_id: int, framework_id: str) -> list[str]:
        """Delete one of the server's frameworks: refused (the projects using it returned)
        while a project uses it; [] once deleted (or if it had none by that id)."""
        shipped = self.frameworks.get(framework_id)
        if shipped is not None:
            raise FrameworkEditError("framework_edit.shipped_not_editable", name=shipped.title)
        if await self.store.delete_server_framework(guild_id, framework_id):
            log.info("server %s deleted framework %r", guild_id, framework_id)
            return []
        return await self.in_use(guild_id, framework_id)


def _slug_or_empty(name: str) -> str:
    try:
        return edit.slug(name)
    except FrameworkEditError:
        return ""

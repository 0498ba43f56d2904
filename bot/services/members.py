"""A member's own data: what they answered, erasing it, their check-ins, their names."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.core.frameworks import Framework, FrameworkLibrary
from bot.core.models import Checkin, MemberDataErased, Project, Response
from bot.services.checkins import CheckinService
from bot.storage.store import Store

log = logging.getLogger(__name__)


class MemberService:
    def __init__(
        self,
        *,
        store: Store,
        frameworks: FrameworkLibrary,
        checkins: CheckinService,
    ) -> None:
        self.store = store
        self.frameworks = frameworks
        self.checkins = checkins
        # The names each member was last seen with, so an unchanged name costs no write.
        self._names_seen: dict[tuple[int, int | None], frozenset[str]] = {}

    async def answers(
        self, guild_id: int, user_id: int
    ) -> list[tuple[Project, Checkin, Framework, Response]]:
        """The member's own answers on this server, only for themselves to see."""
        found = await self.store.member_responses(guild_id, user_id)
        out = []
        for project, checkin, response in found:
            framework = self.frameworks.of_checkin(checkin)
            if framework is not None:
                out.append((project, checkin, framework, response))
        return out

    async def erase(self, guild_id: int, user_id: int) -> MemberDataErased:
        """Erase the member's answers on this server and take them out of its projects (and
        forget every comment kept for a close, theirs among them)."""
        with self.checkins.results.ahead.erasing():
            return await self.store.delete_member_data(guild_id, user_id)

    async def empty_screens(self, erased: MemberDataErased) -> None:
        """Empty the check-in messages in their DMs ("Your answers were erased")."""
        await self.checkins.clear_erased(erased.messages)

    async def open_checkins(
        self, user_id: int, guild_id: int | None
    ) -> list[tuple[Project, Checkin]]:
        """Check-ins open for the member (in this server, or anywhere from DMs)."""
        return await self.store.open_checkins_for_user(user_id, guild_id)

    async def seen(self, user_id: int, guild_id: int | None, names: Sequence[str]) -> None:
        """A member's current names (a nickname set after joining, say) are added to the
        names hidden in their projects' comments whenever they use the bot."""
        key = (user_id, guild_id)
        current = frozenset(names)
        if self._names_seen.get(key) == current:
            return
        self._names_seen[key] = current
        try:
            projects = await self.store.refresh_member_names(user_id, sorted(current), guild_id)
        except Exception:
            self._names_seen.pop(key, None)
            raise
        self.checkins.results.ahead.names_changed(projects)

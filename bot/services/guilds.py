"""A server's own settings, its facilitators' audit log, and the bot leaving or returning."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.models import AuditEntry, GuildSettings, Project, Thresholds
from bot.services.redacting import AheadOfClose
from bot.storage.store import Store

log = logging.getLogger(__name__)


class GuildService:
    def __init__(self, *, store: Store, removed_server_days: int, ahead: AheadOfClose) -> None:
        self.store = store
        self.removed_server_days = removed_server_days
        self.ahead = ahead  # comments redacted ahead of a close, made again if names change

    async def settings(self, guild_id: int) -> GuildSettings:
        return await self.store.get_guild_settings(guild_id)

    async def set_facilitator_role(self, guild_id: int, role_id: int | None) -> None:
        await self.store.set_facilitator_role(guild_id, role_id)

    async def set_facilitator_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self.store.set_facilitator_channel(guild_id, channel_id)

    async def set_thresholds(self, guild_id: int, thresholds: Thresholds) -> None:
        await self.store.set_thresholds(guild_id, thresholds)

    async def record(
        self,
        guild_id: int,
        actor_id: int,
        action: str,
        *,
        names: Sequence[str],
        project: Project | None = None,
        detail: str = "",
    ) -> None:
        """Log what a facilitator did (never answers). A facilitator who acts on a project is
        hidden in its comments like its members: `names` are theirs."""
        await self.store.add_audit(
            guild_id, actor_id, action, project=project.name if project else None, detail=detail
        )
        if project is not None and action != "project_delete":
            await self.store.add_redaction_names(project.id, names)
            self.ahead.names_changed([project.id])

    async def audit_log(self, guild_id: int, limit: int) -> list[AuditEntry]:
        return await self.store.list_audit(guild_id, limit)

    async def departed(self, guild_id: int, now: datetime) -> datetime:
        """The bot was removed from the server: its data is erased after the grace period
        (returned) unless the bot comes back first."""
        erase_after = now + timedelta(days=self.removed_server_days)
        await self.store.record_departure(guild_id, now, erase_after)
        return erase_after

    async def returned(self, guild_id: int) -> bool:
        """The bot is on the server again: True if a planned erasure was called off."""
        return await self.store.cancel_departure(guild_id)

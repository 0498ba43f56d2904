"""The Discord side of the services' messaging port: DMs and summary posts."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.core.models import Checkin, Delivery, Project
from bot.exts._shared import NO_MENTIONS
from bot.exts.checkin import _render
from bot.services.checkins import DmResult

if TYPE_CHECKING:
    from bot.app import CoreflectBot

log = logging.getLogger(__name__)

CANNOT_DM = 50007


class DiscordMessenger:
    """Sends what the check-in service asks for; never raises for a refused DM."""

    def __init__(self, bot: CoreflectBot) -> None:
        self.bot = bot

    async def _dm(self, user_id: int, screen: _render.Screen) -> DmResult:
        content, view = screen
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            if view is None:
                message = await user.send(content, allowed_mentions=NO_MENTIONS)
            else:
                message = await user.send(content, view=view, allowed_mentions=NO_MENTIONS)
        except discord.Forbidden as error:
            if error.code == CANNOT_DM:
                log.info("user %s does not accept DMs from the bot", user_id)
            else:
                log.warning("DM to user %s forbidden (code %s)", user_id, error.code)
            return DmResult(Delivery.FAILED)
        except discord.HTTPException as error:
            log.warning("DM to user %s failed: %s %s", user_id, error.status, error.code)
            return DmResult(Delivery.PENDING)
        return DmResult(Delivery.DELIVERED, message.channel.id, message.id)

    async def send_invitation(self, user_id: int, project: Project, checkin: Checkin) -> DmResult:
        framework = self.bot.frameworks.for_checkin(checkin.framework_id)
        return await self._dm(user_id, _render.invitation(self.bot, project, checkin, framework))

    async def send_reminder(
        self, user_id: int, project: Project, checkin: Checkin, answered: int, invited: int
    ) -> DmResult:
        screen = _render.reminder(self.bot, project, checkin, answered, invited)
        return await self._dm(user_id, screen)

    async def post_summary(self, channel_id: int, pages: list[str]) -> int | None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("summary channel %s is gone or not a text channel", channel_id)
            return None
        first: int | None = None
        try:
            for page in pages:
                message = await channel.send(page, allowed_mentions=NO_MENTIONS)
                first = first or message.id
        except discord.HTTPException as error:
            log.warning("posting a summary in %s failed: %s", channel_id, error.status)
        return first

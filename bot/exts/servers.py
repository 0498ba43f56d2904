"""Servers joining and leaving: the data of a server that removed the bot is erased later.

When the bot is removed from a server (kicked, or the server deleted), an erasure of all that
server's data is planned `COREFLECT_REMOVED_SERVER_DAYS` (default 30) days later; the scheduler
carries it out. If the bot is added back before then, or the server comes back after a Discord
outage, the erasure is cancelled and everything is kept.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.exts._context import services_of
from bot.services.bundle import Services

log = logging.getLogger(__name__)


class ServersCog(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        erase_after = await self.services.guilds.departed(guild.id, self.services.clock())
        log.info(
            "removed from server %s; its data will be erased after %s unless the bot is added back",
            guild.id,
            erase_after.isoformat(),
        )
        self.services.scheduler.wake()

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._back(guild)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self._back(guild)

    async def _back(self, guild: discord.Guild) -> None:
        if await self.services.guilds.returned(guild.id):
            log.info("back on server %s; its data is kept", guild.id)
            self.services.scheduler.wake()


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ServersCog(services_of(bot)))

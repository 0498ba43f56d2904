"""Keeping the names to redact up to date: every interaction brings a member's current names."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.exts._audit import member_names
from bot.exts._context import services_of
from bot.services.bundle import Services

log = logging.getLogger(__name__)


class NamesCog(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A member's current names (a nickname set after joining, say) are added to the
        names hidden in their projects' comments whenever they use the bot."""
        guild_id = interaction.guild.id if interaction.guild else None
        names = member_names(interaction.user)
        try:
            await self.services.members.seen(interaction.user.id, guild_id, names)
        except Exception:
            log.exception("the names of a member could not be refreshed")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(NamesCog(services_of(bot)))

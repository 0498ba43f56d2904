"""`/privacy`: what the bot stores, who can see what, and how to erase your data."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import DEFAULT_COMMENTS_THRESHOLD, DEFAULT_SCORES_THRESHOLD
from bot.exts._context import services_of
from bot.exts._replies import reply
from bot.services.bundle import Services


class PrivacyCog(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    @app_commands.command(name="privacy")
    async def privacy(self, interaction: discord.Interaction) -> None:
        """What the bot stores, who can see what, and how to erase your data."""
        scores = comments = None
        if interaction.guild is not None:
            settings = await self.services.guilds.settings(interaction.guild.id)
            scores, comments = settings.thresholds.scores, settings.thresholds.comments
        await reply(
            interaction,
            self.services.prompts(
                "privacy.text",
                scores=scores or DEFAULT_SCORES_THRESHOLD,
                comments=comments or DEFAULT_COMMENTS_THRESHOLD,
                retention=self.services.prompts(
                    "privacy.retention", count=self.services.comment_days
                ),
            ),
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(PrivacyCog(services_of(bot)))

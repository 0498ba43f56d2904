"""`/project` and the project card."""

from __future__ import annotations

from discord.ext import commands

from bot.exts._context import services_of
from bot.exts.projects._card import CardItem
from bot.exts.projects._cog import DeleteProjectItem, ProjectCog


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(CardItem, DeleteProjectItem)
    await bot.add_cog(ProjectCog(services_of(bot)))

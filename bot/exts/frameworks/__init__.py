"""`/framework`: the frameworks, and the server's own versions of them."""

from __future__ import annotations

from discord.ext import commands

from bot.exts._context import services_of
from bot.exts.frameworks._cog import FrameworkCog
from bot.exts.frameworks._forms import DeleteFrameworkButton, FrameworkForms, QuestionsButton


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(QuestionsButton, DeleteFrameworkButton)
    await bot.add_cog(FrameworkForms())
    await bot.add_cog(FrameworkCog(services_of(bot)))

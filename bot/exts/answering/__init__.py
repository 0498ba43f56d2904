"""Answering a check-in: `/reflect`, and the flow of buttons and comment boxes in DMs (and
in ephemeral messages in the server)."""

from __future__ import annotations

from discord.ext import commands

from bot.exts._context import services_of
from bot.exts.answering._items import FlowItem, PickItem
from bot.exts.answering._reflect import ReflectCog
from bot.exts.answering._submissions import CommentBoxes


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(FlowItem, PickItem)
    await bot.add_cog(CommentBoxes())
    await bot.add_cog(ReflectCog(services_of(bot)))


async def teardown(bot: commands.Bot) -> None:
    bot.remove_dynamic_items(FlowItem, PickItem)
    await bot.remove_cog(CommentBoxes.__cog_name__)
    await bot.remove_cog(ReflectCog.__cog_name__)

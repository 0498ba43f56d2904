"""The member's check-in flow in DMs (and ephemeral messages): buttons and comment box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.checkin._box import CommentBoxes
from bot.exts.checkin._items import FlowItem

if TYPE_CHECKING:
    from bot.app import CoreflectBot


async def setup(bot: CoreflectBot) -> None:
    bot.add_dynamic_items(FlowItem)
    await bot.add_cog(CommentBoxes())


async def teardown(bot: CoreflectBot) -> None:
    bot.remove_dynamic_items(FlowItem)
    await bot.remove_cog(CommentBoxes.__cog_name__)

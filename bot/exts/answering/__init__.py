"""Answering a check-in: `/reflect`, and the flow of buttons and comment boxes in DMs (and
in ephemeral messages in the server)."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.core.frameworks import Framework
from bot.core.models import Checkin, Project
from bot.core.prompts import Prompts
from bot.exts._context import services_of
from bot.exts.answering import _screens
from bot.exts.answering._items import FlowItem, PickItem, view_of
from bot.exts.answering._reflect import ReflectCog
from bot.exts.answering._screens import review_lines
from bot.exts.answering._submissions import CommentBoxes

# What the rest of the bot uses: the DMs that start a check-in (for the messenger), and the
# answers as the member reads them (for /mydata).
__all__ = ["Message", "invitation_dm", "reminder_dm", "review_lines", "setup", "teardown"]

Message = tuple[str, discord.ui.View | None]


def invitation_dm(p: Prompts, project: Project, checkin: Checkin, framework: Framework) -> Message:
    """The DM that opens a check-in, with its Start and Not this time buttons."""
    content, buttons = _screens.invitation(p, project, checkin, framework)
    return content, view_of(buttons)


def reminder_dm(
    p: Prompts, project: Project, checkin: Checkin, answered: int, invited: int
) -> Message:
    """A reminder DM, with its Start button."""
    content, buttons = _screens.reminder(p, project, checkin, answered, invited)
    return content, view_of(buttons)


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(FlowItem, PickItem)
    await bot.add_cog(CommentBoxes())
    await bot.add_cog(ReflectCog(services_of(bot)))


async def teardown(bot: commands.Bot) -> None:
    bot.remove_dynamic_items(FlowItem, PickItem)
    await bot.remove_cog(CommentBoxes.__cog_name__)
    await bot.remove_cog(ReflectCog.__cog_name__)

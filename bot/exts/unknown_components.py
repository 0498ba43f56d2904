"""Answers every button or menu click that none of the bot's buttons will answer.

discord.py hands a click to the DynamicItem whose template fully matches its `custom_id`
(or to a live in-memory view holding that id), and drops any other click silently, so the
member would see "This interaction failed". This listener answers exactly those others:
garbage, another version's prefix (`cr0:`, `cr2:`), an id out of range, a button of a
feature that no longer exists. Which clicks are whose is decided by the custom_id alone,
against the same templates the buttons are registered with (`COMPONENT_TEMPLATES`), so no
click is answered twice or never, however long a button's own handler takes.

Every view the bot sends is made only of DynamicItems (check-in flow, `/reflect` chooser,
project card, confirm dialogs); a view with plain buttons or menus would need its ids
recognised here too. Modal submissions are answered by `bot/exts/answering/_submissions.py`.
"""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

from bot.core.custom_ids import is_component_id
from bot.exts._language import speak_member
from bot.exts._replies import refuse


class StaleComponents(commands.Cog):
    """The stale-button answer for clicks that no handler owns."""

    @commands.Cog.listener()
    async def on_component_interaction(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = data.get("custom_id")
        if isinstance(custom_id, str) and is_component_id(custom_id):
            return  # its button answers it
        await speak_member(interaction)
        await refuse(interaction, "errors.stale_button")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(StaleComponents())

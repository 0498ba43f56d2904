"""`/reflect`: answer (or carry on with) a check-in from inside the server, or from DMs."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.custom_ids import FlowButton, FlowVerb
from bot.exts._language import speak_member
from bot.exts._replies import refuse, reply
from bot.exts.answering._items import FlowItem, show
from bot.services.bundle import Services

MAX_CHOICES = 20  # check-ins offered at once (four rows of five buttons)
BUTTON_LABEL_CHARS = 80  # Discord's limit on a button's label


class ReflectCog(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    @app_commands.command(name="reflect")
    async def reflect(self, interaction: discord.Interaction) -> None:
        """Answer (or carry on with) a check-in that is open for you."""
        guild_id = interaction.guild.id if interaction.guild else None
        user_id = interaction.user.id
        open_ones = await self.services.members.open_checkins(user_id, guild_id)
        if not open_ones:
            await refuse(interaction, "reflect.none")
            return
        if len(open_ones) == 1:
            await speak_member(interaction, open_ones[0][0])
            outcome = await self.services.answering.start(open_ones[0][1].id, user_id)
            await show(interaction, outcome, new_message=True)
            return
        p = self.services.prompts
        view = discord.ui.View(timeout=None)
        for project, checkin in open_ones[:MAX_CHOICES]:
            label = p("reflect.choose_button", project=project.name, phase=p.phase(checkin.phase))
            start = FlowButton(checkin.id, FlowVerb.START)
            view.add_item(FlowItem(start, label=label[:BUTTON_LABEL_CHARS]))
        await reply(
            interaction,
            p("reflect.choose", count=len(open_ones)),
            view=view,
            ephemeral=interaction.guild is not None,
        )

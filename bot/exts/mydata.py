"""`/mydata`: a member sees or erases their own answers on this server."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.custom_ids import MYDATA_DELETE, MYDATA_DELETE_TEMPLATE
from bot.core.schedule import in_zone
from bot.exts._choices import (
    PROJECT_LANGUAGE,
    chosen_language,
    member_language_choices,
)
from bot.exts._confirm import ConfirmItem, confirm_view
from bot.exts._context import services, services_of
from bot.exts._language import speak_member
from bot.exts._replies import refuse, reply, reply_lines
from bot.exts.answering import review_lines
from bot.services.bundle import Services

log = logging.getLogger(__name__)


class DeleteMyDataItem(ConfirmItem, template=MYDATA_DELETE_TEMPLATE):
    """Confirm or cancel `/mydata delete`; it always acts for the member who clicks."""

    kind = MYDATA_DELETE
    for_member = True

    async def callback(self, interaction: discord.Interaction) -> None:
        found = services(interaction)
        p = found.prompts
        if interaction.guild is None or interaction.guild.id != self.target_id:
            await refuse(interaction, "errors.stale_button")
            return
        if not self.confirm:
            await interaction.response.edit_message(content=p("mydata.delete_cancelled"), view=None)
            return
        erased = await found.members.erase(self.target_id, interaction.user.id)
        found.languages.forget_member(self.target_id, interaction.user.id)
        await interaction.response.edit_message(
            content=p(
                "mydata.deleted",
                answers=erased.answers,
                checkins=erased.checkins,
                projects=erased.projects,
            ),
            view=None,
        )
        await found.members.empty_screens(erased)  # after answering, within 3 s


@app_commands.guild_only()
class MyDataCog(commands.GroupCog, group_name="mydata"):
    """See or erase your own answers."""

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """Your own answers on this server (only you see them)."""
        assert interaction.guild is not None
        p = self.services.prompts
        found = await self.services.members.answers(interaction.guild.id, interaction.user.id)
        if not found:
            await refuse(interaction, "mydata.none")
            return
        lines = [p("mydata.header")]
        for project, checkin, framework, response in found:
            lines.append(
                p(
                    "mydata.checkin",
                    project=project.name,
                    phase=p.phase(checkin.phase),
                    date=p.day(in_zone(checkin.opened_at, project.timezone).date()),
                    submitted=p("mydata.submitted_mark") if response.submitted else "",
                )
            )
            worded = framework.in_language(p.language)
            lines.extend(review_lines(p, worded, checkin.phase, response))
        await reply_lines(interaction, lines)

    @app_commands.command(name="delete")
    async def delete(self, interaction: discord.Interaction) -> None:
        """Erase all your answers on this server and leave its projects (asks first)."""
        assert interaction.guild is not None
        p = self.services.prompts
        view = confirm_view(
            DeleteMyDataItem, interaction.guild.id, p("mydata.delete_yes"), p("mydata.delete_no")
        )
        await reply(interaction, p("mydata.delete_confirm"), view=view)

    @app_commands.command(name="language")
    @app_commands.describe(code="cy for Welsh (Cymraeg), en for English, or project")
    @app_commands.autocomplete(code=member_language_choices)
    async def language(self, interaction: discord.Interaction, code: str) -> None:
        """The language of your own check-in DMs on this server (default: each project's)."""
        assert interaction.guild is not None
        languages = self.services.languages
        if code.strip().casefold() == PROJECT_LANGUAGE:
            await languages.set_member(interaction.guild.id, interaction.user.id, None)
            await speak_member(interaction)
            await reply(interaction, self.services.prompts("mydata.language_project"))
            return
        chosen = await chosen_language(interaction, code)
        if chosen is None:
            return
        await languages.set_member(interaction.guild.id, interaction.user.id, chosen)
        self.services.prompts.use(chosen)
        name = await self.services.languages.name(chosen)
        await reply(interaction, self.services.prompts("mydata.language_set", language=name))


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(DeleteMyDataItem)
    await bot.add_cog(MyDataCog(services_of(bot)))

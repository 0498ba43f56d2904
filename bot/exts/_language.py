"""Speaking each person's language for the rest of an interaction (issue 14).

Facilitators' commands follow the server's language; a member's own flow (answering, the
card's buttons, /reflect, /mydata, /privacy) follows their choice, else the project's, else
the server's. Called first in every handler, in the task that answers the interaction.
"""

from __future__ import annotations

import discord

from bot.core.models import Project
from bot.exts._context import services

# Commands a member uses for themselves: their language, not the server's.
MEMBER_COMMANDS = frozenset({"reflect", "mydata", "privacy"})


async def speak_server(interaction: discord.Interaction) -> None:
    found = services(interaction)
    guild_id = interaction.guild.id if interaction.guild else None
    found.prompts.use(await found.languages.server(guild_id))


async def speak_member(interaction: discord.Interaction, project: Project | None = None) -> None:
    found = services(interaction)
    guild_id = project.guild_id if project else interaction.guild.id if interaction.guild else None
    if guild_id is None:
        found.prompts.use(None)
        return
    found.prompts.use(await found.languages.member(guild_id, interaction.user.id, project))


async def speak_for_checkin(interaction: discord.Interaction, checkin_id: int | None) -> None:
    """A member acting on one check-in (its DM buttons, its comment box)."""
    found = services(interaction)
    if checkin_id is None:
        await speak_member(interaction)
        return
    found.prompts.use(await found.languages.of_checkin(checkin_id, interaction.user.id))


async def speak_for_project(interaction: discord.Interaction, project_id: int) -> None:
    """A member acting on one project (its card's buttons)."""
    found = services(interaction)
    found.prompts.use(await found.languages.of_project(project_id, interaction.user.id))


async def speak_command(interaction: discord.Interaction, command: str) -> None:
    """Before any command runs: the member's language for their own commands, else the
    server's."""
    if command.split(" ", 1)[0] in MEMBER_COMMANDS:
        await speak_member(interaction)
    else:
        await speak_server(interaction)

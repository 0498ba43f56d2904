"""Who may use which command group: facilitators, server managers, everyone."""

from __future__ import annotations

import discord

from bot.exts._context import services

# Command groups only facilitators may use, and those needing Manage Server.
FACILITATOR_GROUPS = frozenset({"project", "checkin", "framework"})
MANAGER_GROUPS = frozenset({"settings"})
FACILITATOR_COMMANDS = frozenset({"settings audit"})  # in a manager group, open to facilitators
OPEN_COMMANDS = frozenset({"framework list", "framework show"})  # in a group, open to everyone


async def is_facilitator(interaction: discord.Interaction) -> bool:
    """Manage Server, or the server's facilitator role; checked on every use."""
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    settings = await services(interaction).guilds.settings(interaction.guild.id)
    role_id = settings.facilitator_role_id
    return role_id is not None and any(role.id == role_id for role in member.roles)


async def permission_refusal(interaction: discord.Interaction, command: str) -> str | None:
    """The prompt key refusing `interaction.user` the command (its full name, e.g. "project
    create"), or None if allowed."""
    root = command.split(" ", 1)[0]
    if command in OPEN_COMMANDS or (root not in FACILITATOR_GROUPS and root not in MANAGER_GROUPS):
        return None
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return "errors.guild_only"
    if root in MANAGER_GROUPS and command not in FACILITATOR_COMMANDS:
        return None if member.guild_permissions.manage_guild else "errors.not_manager"
    return None if await is_facilitator(interaction) else "errors.not_facilitator"

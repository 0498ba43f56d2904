"""Recording what a facilitator did, and the names a member goes by."""

from __future__ import annotations

import discord

from bot.core.models import Project
from bot.exts._context import services


def member_names(user: discord.abc.User) -> list[str]:
    """Every name a member goes by, so comments that mention them can be redacted."""
    names = [user.name, user.global_name, user.display_name]
    if isinstance(user, discord.Member):
        names.append(user.nick)
    return sorted({n for n in names if n})


async def audit(
    interaction: discord.Interaction,
    action: str,
    *,
    project: Project | None = None,
    detail: str = "",
) -> None:
    """Record what a facilitator just did in the server's audit log (never answers)."""
    assert interaction.guild is not None
    await services(interaction).guilds.record(
        interaction.guild.id,
        interaction.user.id,
        action,
        names=member_names(interaction.user),
        project=project,
        detail=detail,
    )

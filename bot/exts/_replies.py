"""Answering people: private replies by prompt key, message-sized pages, Discord timestamps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import discord

from bot.core.text import pack_lines
from bot.exts._context import services

NO_MENTIONS = discord.AllowedMentions.none()


async def reply(interaction: discord.Interaction, content: str, **kwargs: Any) -> None:
    """Answer ephemerally, whether or not the interaction was already answered."""
    kwargs.setdefault("ephemeral", True)
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(content, **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


async def reply_lines(interaction: discord.Interaction, lines: Sequence[str]) -> None:
    """Answer ephemerally with as many messages as the lines need."""
    for page in pack_lines(lines):
        await reply(interaction, page)


async def refuse(interaction: discord.Interaction, key: str, **values: Any) -> None:
    """Answer privately with the sentence `key` (a refusal, or any one-line answer)."""
    await reply(interaction, services(interaction).prompts(key, **values))


def stamp(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp, shown in each reader's own time zone."""
    return discord.utils.format_dt(moment, style=style)  # type: ignore[arg-type]

"""What the bot may do in a channel: the permissions it needs there, and those it can do without."""

from __future__ import annotations

import discord

from bot.core.prompts import Prompts

# Without these the bot cannot post the project card or any summary: refused at set-up.
NEEDED = ("view_channel", "send_messages", "read_message_history")
# Without these it degrades (summary text without its chart; comments in the channel
# instead of a thread under the summary): a warning at set-up, a notice when it happens.
CHART = ("attach_files",)
THREADS = ("create_public_threads", "send_messages_in_threads")
WANTED = (*CHART, *THREADS)


def bot_permissions(channel: discord.TextChannel) -> discord.Permissions:
    """The bot's own permissions in `channel`, overwrites included."""
    return channel.permissions_for(channel.guild.me)


def missing(permissions: discord.Permissions, names: tuple[str, ...]) -> tuple[str, ...]:
    """The names among `names` that `permissions` does not grant, in order."""
    return tuple(name for name in names if not getattr(permissions, name))


def permission_list(prompts: Prompts, names: tuple[str, ...]) -> str:
    """Permission names as Discord's settings spell them, e.g. "**Attach Files**"."""
    return ", ".join(f"**{prompts(f'permissions.{name}')}**" for name in names)

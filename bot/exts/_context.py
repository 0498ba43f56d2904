"""The services behind every command, as the extensions reach them."""

from __future__ import annotations

import discord

from bot.services.bundle import Services


def services_of(client: discord.Client) -> Services:
    """The bot's services (set up before any extension is loaded)."""
    services = getattr(client, "services", None)
    if not isinstance(services, Services):
        raise RuntimeError("the bot's services are not set up")
    return services


def services(interaction: discord.Interaction) -> Services:
    return services_of(interaction.client)

"""Autocomplete, and finding the project a command names."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.models import Project
from bot.core.projects import iana_timezones
from bot.exts._context import services
from bot.exts._replies import refuse
from bot.services.frameworks import FrameworkChoice

MAX_CHOICES = 25  # Discord shows at most 25 suggestions


async def framework_options(interaction: discord.Interaction) -> list[FrameworkChoice]:
    """The frameworks a project here can use: the bot's, and in a server its own."""
    found = services(interaction)
    if interaction.guild is not None:
        return await found.server_frameworks.available(interaction.guild.id)
    return found.server_frameworks.shipped()


async def framework_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The frameworks (the bot's, and this server's own) whose id or title contains what was
    typed; never another server's."""
    typed = current.casefold()
    found = await framework_options(interaction)
    return [
        app_commands.Choice(name=f.title[:100], value=f.id)
        for f in found
        if typed in f.id or typed in f.title.casefold()
    ][:MAX_CHOICES]


async def project_names(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """This server's projects whose names contain what was typed."""
    if interaction.guild is None:
        return []
    projects = await services(interaction).projects.all_in(interaction.guild.id)
    typed = current.casefold()
    return [
        app_commands.Choice(name=p.name, value=p.name)
        for p in projects
        if typed in p.name.casefold()
    ][:MAX_CHOICES]


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    """IANA time zone names containing what was typed."""
    typed = current.casefold().replace(" ", "_")
    names = sorted(z for z in iana_timezones() if typed in z.casefold())
    return [app_commands.Choice(name=z, value=z) for z in names[:MAX_CHOICES]]


async def find_project(interaction: discord.Interaction, name: str) -> Project | None:
    """This server's project called `name` (any case); if there is none, say so and return None."""
    assert interaction.guild is not None
    project = await services(interaction).projects.find(interaction.guild.id, name)
    if project is None:
        await refuse_unknown_project(interaction, name)
    return project


async def refuse_unknown_project(interaction: discord.Interaction, name: str) -> None:
    """Say there is no project called `name` on this server."""
    await refuse(interaction, "errors.unknown_project", name=name.strip()[:60])


# `/mydata language`: go back to each project's own language.
PROJECT_LANGUAGE = "project"


async def _language_options(
    interaction: discord.Interaction, current: str, extra: list[tuple[str, str]]
) -> list[app_commands.Choice[str]]:
    found = services(interaction)
    named = await found.languages.choices()
    options = [*extra, *((code, f"{name} ({code})") for code, name in named)]
    typed = current.strip().casefold()
    return [
        app_commands.Choice(name=label, value=code)
        for code, label in options
        if typed in label.casefold()
    ][:25]


async def language_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The languages the bot speaks, by their own names ("Cymraeg (cy)")."""
    return await _language_options(interaction, current, [])


async def member_language_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """As `language_choices`, with "each project's own language" first."""
    label = services(interaction).prompts("mydata.language_option_project")
    return await _language_options(interaction, current, [(PROJECT_LANGUAGE, label)])


async def chosen_language(interaction: discord.Interaction, code: str) -> str | None:
    """The language code a person typed or picked, or None after a clear refusal naming the
    ones there are."""
    found = services(interaction)
    typed = code.strip().casefold()
    named = await found.languages.choices()
    for known, name in named:
        if typed in (known.casefold(), name.casefold(), f"{name} ({known})".casefold()):
            return known
    await refuse(
        interaction,
        "errors.unknown_language",
        value=code.strip()[:20],
        languages=", ".join(f"{name} (`{known}`)" for known, name in named),
    )
    return None

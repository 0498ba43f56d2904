"""`/framework`: the reflection frameworks a project can use, and what each asks."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts._choices import framework_choices
from bot.exts._context import services_of
from bot.exts._replies import refuse, reply_lines
from bot.services.bundle import Services


class FrameworkCog(commands.GroupCog, group_name="framework"):
    """The reflection frameworks available."""

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """The frameworks a project can use."""
        p = self.services.prompts
        library = self.services.frameworks
        lines = [p("framework.list_header")]
        for framework in library.all():
            is_default = framework.id == library.default_id
            lines.append(
                p(
                    "framework.list_item",
                    id=framework.id,
                    title=framework.title,
                    count=len(framework.components),
                    default=p("framework.list_default") if is_default else "",
                )
            )
        await reply_lines(interaction, lines)

    @app_commands.command(name="show")
    @app_commands.describe(name="The framework's id, e.g. ten-components")
    @app_commands.autocomplete(name=framework_choices)
    async def show(self, interaction: discord.Interaction, name: str) -> None:
        """A framework's components and what each means."""
        p = self.services.prompts
        framework = self.services.frameworks.get(name.strip())
        if framework is None:
            await refuse(interaction, "errors.unknown_framework", value=name.strip()[:40])
            return
        scale = " · ".join(f"{i} {label}" for i, label in enumerate(framework.scale, start=1))
        lines = [
            p(
                "framework.show",
                title=framework.title,
                description=framework.description,
                source=framework.source,
                scale=scale,
            )
        ]
        lines += [
            p("framework.show_component", name=c.name, meaning=c.meaning)
            for c in framework.components
        ]
        await reply_lines(interaction, lines)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(FrameworkCog(services_of(bot)))

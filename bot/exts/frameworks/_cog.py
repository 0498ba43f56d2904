"""`/framework`: the frameworks a project can use (shipped with the bot, or the server's
own), and for facilitators, making one the group's: copy, edit, add, remove, move, the
scale, import and export, delete."""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.framework_edit import (
    FrameworkEditError,
    find_component,
    move_component,
    remove_component,
    set_scale,
)
from bot.exts._audit import audit
from bot.exts._choices import MAX_CHOICES, framework_choices, framework_options
from bot.exts._context import services
from bot.exts._replies import refuse, reply, reply_lines
from bot.exts.frameworks._forms import component_form, delete_view, missing_line
from bot.services.bundle import Services

IMPORT_BYTES = 100_000  # a framework file is a few kB; anything larger is not one
YAML_SUFFIXES = (".yaml", ".yml")


async def server_framework_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete: this server's own frameworks (the ones that can be edited)."""
    if interaction.guild is None:
        return []
    typed = current.casefold()
    found = await services(interaction).server_frameworks.available(interaction.guild.id)
    return [
        app_commands.Choice(name=f.title[:100], value=f.id)
        for f in found
        if f.server and (typed in f.id or typed in f.title.casefold())
    ][:MAX_CHOICES]


async def component_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete: the components of the framework named in the same command."""
    framework_id = str(getattr(interaction.namespace, "name", "") or "")
    if interaction.guild is None or not framework_id:
        return []
    draft = await services(interaction).server_frameworks.draft(interaction.guild.id, framework_id)
    if draft is None:
        return []
    typed = current.casefold()
    return [
        app_commands.Choice(name=c["name"][:100], value=c["key"])
        for c in draft["components"]
        if typed in c["name"].casefold()
    ][:MAX_CHOICES]


class FrameworkCog(commands.GroupCog, group_name="framework"):
    """The reflection frameworks, and the server's own versions of them."""

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    # -- for everyone ---------------------------------------------------------------------------

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """The frameworks a project can use: the bot's, and this server's own."""
        p = self.services.prompts
        default_id = self.services.frameworks.default_id
        lines = [p("framework.list_header")]
        for framework in await framework_options(interaction):
            marks = [p("framework.list_default")] if framework.id == default_id else []
            if framework.server:
                marks.append(p("framework.list_server"))
                if not framework.complete:
                    marks.append(p("framework.list_incomplete"))
            lines.append(
                p(
                    "framework.list_item",
                    id=framework.id,
                    title=framework.title,
                    count=framework.components,
                    default="".join(marks),
                )
            )
        await reply_lines(interaction, lines)

    @app_commands.command(name="show")
    @app_commands.describe(name="The framework's id, e.g. ten-components")
    @app_commands.autocomplete(name=framework_choices)
    async def show(self, interaction: discord.Interaction, name: str) -> None:
        """A framework's components and what each means."""
        p = self.services.prompts
        framework_id = name.strip()
        draft = await self._any_draft(interaction, framework_id)
        if draft is None:
            await refuse(interaction, "errors.unknown_framework", value=framework_id[:40])
            return
        scale = " · ".join(f"{i} {label}" for i, label in enumerate(draft["scale"], start=1))
        lines = [
            p(
                "framework.show",
                title=draft["title"],
                description=draft["description"],
                source=draft["source"],
                scale=scale,
            )
        ]
        lines += [
            p("framework.show_component", name=c["name"], meaning=c["meaning"] or "…")
            for c in draft["components"]
        ]
        if self.services.frameworks.get(framework_id) is None:  # this server's own: is it ready?
            lines.append(missing_line(p, draft))
        await reply_lines(interaction, lines)

    async def _any_draft(
        self, interaction: discord.Interaction, framework_id: str
    ) -> dict[str, Any] | None:
        """A shipped framework, or one of this server's, as plain data."""
        shipped = self.services.frameworks.get(framework_id)
        if shipped is not None:
            return shipped.model_dump()
        if interaction.guild is None:
            return None
        return await self.services.server_frameworks.draft(interaction.guild.id, framework_id)

    # -- for facilitators -----------------------------------------------------------------------

    @app_commands.command(name="copy")
    @app_commands.describe(
        source="The framework to start from (the bot's or this server's)",
        name="A name for this server's version, e.g. Our ten components",
    )
    @app_commands.autocomplete(source=framework_choices)
    async def copy(self, interaction: discord.Interaction, source: str, name: str) -> None:
        """Make a framework this server's own, to reword and change."""
        assert interaction.guild is not None
        try:
            draft = await self.services.server_frameworks.copy(
                interaction.guild.id, source.strip(), name
            )
        except FrameworkEditError as error:
            await refuse(interaction, error.key, **error.values)
            return
        await audit(interaction, "framework_copy", detail=f"{source.strip()[:40]} → {draft['id']}")
        await refuse(interaction, "framework.copied", framework=draft["title"], id=draft["id"])

    @app_commands.command(name="edit")
    @app_commands.describe(name="This server's framework", component="The component to reword")
    @app_commands.autocomplete(name=server_framework_choices, component=component_choices)
    async def edit(self, interaction: discord.Interaction, name: str, component: str) -> None:
        """Reword a component: its name, what it means, its discussion prompt, its questions."""
        draft = await self._draft(interaction, name)
        if draft is None:
            return
        try:
            index = find_component(draft, component)
        except FrameworkEditError as error:
            await refuse(interaction, error.key, **error.values)
            return
        form = component_form(self.services.prompts, draft["id"], draft["components"][index])
        await interaction.response.send_modal(form)

    @app_commands.command(name="add")
    @app_commands.describe(name="This server's framework", component="The new component's name")
    @app_commands.autocomplete(name=server_framework_choices)
    async def add(self, interaction: discord.Interaction, name: str, component: str) -> None:
        """Add a component: a form asks for what it means, then its questions."""
        draft = await self._draft(interaction, name)
        if draft is None:
            return
        form = component_form(self.services.prompts, draft["id"], None, component.strip())
        await interaction.response.send_modal(form)

    @app_commands.command(name="remove")
    @app_commands.describe(name="This server's framework", component="The component to take out")
    @app_commands.autocomplete(name=server_framework_choices, component=component_choices)
    async def remove(self, interaction: discord.Interaction, name: str, component: str) -> None:
        """Take a component out (check-ins that asked it keep it in their results)."""
        await self._change(
            interaction, name, "framework_remove", lambda d: remove_component(d, component)
        )

    @app_commands.command(name="move")
    @app_commands.describe(
        name="This server's framework",
        component="The component to move",
        position="Its new place, 1 for first",
    )
    @app_commands.autocomplete(name=server_framework_choices, component=component_choices)
    async def move(
        self, interaction: discord.Interaction, name: str, component: str, position: int
    ) -> None:
        """Change the order in which components are asked."""
        await self._change(
            interaction,
            name,
            "framework_move",
            lambda d: move_component(d, component, position),
            detail=str(position),
        )

    @app_commands.command(name="scale")
    @app_commands.describe(
        name="This server's framework",
        labels="3 to 7 labels, lowest first, e.g. Not yet, A little, Partly, Mostly, Fully",
    )
    @app_commands.autocomplete(name=server_framework_choices)
    async def scale(self, interaction: discord.Interaction, name: str, labels: str) -> None:
        """Change the rating scale members answer on."""
        await self._change(interaction, name, "framework_scale", lambda d: set_scale(d, labels))

    @app_commands.command(name="import")
    @app_commands.describe(file="A framework in the YAML format of the bot's own files")
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Add a framework from a YAML file (another server's export, say)."""
        assert interaction.guild is not None
        if not file.filename.lower().endswith(YAML_SUFFIXES) or file.size > IMPORT_BYTES:
            await refuse(interaction, "framework.import_not_yaml", max=IMPORT_BYTES // 1000)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            text = (await file.read()).decode("utf-8")
        except (discord.HTTPException, UnicodeDecodeError):
            await refuse(interaction, "framework.import_unreadable")
            return
        try:
            draft = await self.services.server_frameworks.import_(
                interaction.guild.id, text, file.filename
            )
        except FrameworkEditError as error:
            await refuse(interaction, error.key, **error.values)
            return
        await audit(interaction, "framework_import", detail=draft["id"])
        p = self.services.prompts
        text = p("framework.imported", framework=draft["title"], id=draft["id"])
        await reply(interaction, "\n".join([text, missing_line(p, draft)]))

    @app_commands.command(name="export")
    @app_commands.describe(name="The framework (the bot's or this server's)")
    @app_commands.autocomplete(name=framework_choices)
    async def export(self, interaction: discord.Interaction, name: str) -> None:
        """The framework as a YAML file, to share with another server or with the host."""
        assert interaction.guild is not None
        framework_id = name.strip()
        text = await self.services.server_frameworks.export(interaction.guild.id, framework_id)
        if text is None:
            await refuse(interaction, "errors.unknown_framework", value=framework_id[:40])
            return
        data = discord.File(io.BytesIO(text.encode()), filename=f"{framework_id}.yaml")
        await reply(
            interaction, self.services.prompts("framework.exported", id=framework_id), file=data
        )

    @app_commands.command(name="delete")
    @app_commands.describe(name="This server's framework")
    @app_commands.autocomplete(name=server_framework_choices)
    async def delete(self, interaction: discord.Interaction, name: str) -> None:
        """Delete one of this server's frameworks (asks you to confirm first)."""
        draft = await self._draft(interaction, name)
        if draft is None:
            return
        assert interaction.guild is not None
        p = self.services.prompts
        using = await self.services.server_frameworks.in_use(interaction.guild.id, draft["id"])
        if using:
            projects = ", ".join(f"**{project}**" for project in using)
            await refuse(
                interaction, "framework_edit.in_use", framework=draft["title"], projects=projects
            )
            return
        await reply(
            interaction,
            p("framework.delete_confirm", framework=draft["title"]),
            view=delete_view(p, draft["id"]),
        )

    async def _draft(self, interaction: discord.Interaction, name: str) -> dict[str, Any] | None:
        """This server's framework called `name`; otherwise say why (a shipped one must be
        copied first) and return None."""
        assert interaction.guild is not None
        framework_id = name.strip()
        draft = await self.services.server_frameworks.draft(interaction.guild.id, framework_id)
        if draft is not None:
            return draft
        if self.services.frameworks.get(framework_id) is not None:
            await refuse(interaction, "framework.copy_first", id=framework_id)
        else:
            await refuse(interaction, "framework.unknown_server", value=framework_id[:40])
        return None

    async def _change(
        self,
        interaction: discord.Interaction,
        name: str,
        action: str,
        change: Any,
        *,
        detail: str = "",
    ) -> None:
        """One change to this server's framework `name`, saved and logged; bad input is told
        and changes nothing."""
        draft = await self._draft(interaction, name)
        if draft is None:
            return
        assert interaction.guild is not None
        try:
            changed = change(draft)
        except FrameworkEditError as error:
            await refuse(interaction, error.key, **error.values)
            return
        await self.services.server_frameworks.save(interaction.guild.id, changed)
        await audit(interaction, action, detail=f"{changed['id']} {detail}".strip())
        p = self.services.prompts
        order = " · ".join(
            f"{i}. {c['name']}" for i, c in enumerate(changed["components"], start=1)
        )
        scale = ", ".join(changed["scale"])
        lines = [
            p(f"framework.changed_{action.removeprefix('framework_')}", framework=changed["title"])
        ]
        lines += [p("framework.now", components=order, scale=scale), missing_line(p, changed)]
        await reply_lines(interaction, lines)

"""What every extension needs: the facilitator check, ephemeral replies, timestamps."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

import discord
from discord import app_commands

from bot.core.custom_ids import confirm_id, confirm_template, parse_confirm
from bot.core.models import Project
from bot.core.text import pack_lines

if TYPE_CHECKING:
    from bot.app import CoreflectBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()

# Command groups only facilitators may use, and those needing Manage Server.
FACILITATOR_GROUPS = frozenset({"project", "checkin"})
MANAGER_GROUPS = frozenset({"settings"})
FACILITATOR_COMMANDS = frozenset({"settings audit"})  # in a manager group, open to facilitators


def bot_of(interaction: discord.Interaction) -> CoreflectBot:
    return cast("CoreflectBot", interaction.client)


async def is_facilitator(interaction: discord.Interaction) -> bool:
    """Manage Server, or the server's facilitator role; checked on every use."""
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    settings = await bot_of(interaction).store.get_guild_settings(interaction.guild.id)
    role_id = settings.facilitator_role_id
    return role_id is not None and any(role.id == role_id for role in member.roles)


class ConfirmItem(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=confirm_template("[a-z]+")
):
    """A Confirm or Cancel button; subclasses set `kind`, a matching template and callback."""

    kind: ClassVar[str]

    def __init__(self, target_id: int, confirm: bool, label: str | None = None) -> None:
        style = discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=confirm_id(self.kind, target_id, confirm=confirm),
            )
        )
        self.target_id = target_id
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        button = parse_confirm(match.groupdict())
        if button is None:  # never: the template matches only ids in range
            raise ValueError(f"not a confirm button: {match.string!r}")
        return cls(button.target_id, button.confirm)


def confirm_view(item: type[ConfirmItem], target_id: int, yes: str, no: str) -> discord.ui.View:
    """The Confirm and Cancel buttons, in that order."""
    view = discord.ui.View(timeout=None)
    view.add_item(item(target_id, True, yes))
    view.add_item(item(target_id, False, no))
    return view


async def framework_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete: the frameworks whose id or title contains what was typed."""
    typed = current.casefold()
    return [
        app_commands.Choice(name=f.title[:100], value=f.id)
        for f in bot_of(interaction).frameworks.all()
        if typed in f.id or typed in f.title.casefold()
    ][:25]


async def permission_refusal(interaction: discord.Interaction, command: str) -> str | None:
    """The prompt key refusing `interaction.user` the command (its full name, e.g. "project
    create"), or None if allowed."""
    root = command.split(" ", 1)[0]
    if root not in FACILITATOR_GROUPS and root not in MANAGER_GROUPS:
        return None
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return "errors.guild_only"
    if root in MANAGER_GROUPS and command not in FACILITATOR_COMMANDS:
        return None if member.guild_permissions.manage_guild else "errors.not_manager"
    return None if await is_facilitator(interaction) else "errors.not_facilitator"


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
    """Record what a facilitator just did in the server's audit log (never answers). A
    facilitator who acts on a project is hidden in its comments like its members."""
    assert interaction.guild is not None
    store = bot_of(interaction).store
    await store.add_audit(
        interaction.guild.id,
        interaction.user.id,
        action,
        project=project.name if project else None,
        detail=detail,
    )
    if project is not None and action != "project_delete":
        await store.add_redaction_names(project.id, member_names(interaction.user))


async def reply(interaction: discord.Interaction, content: str, **kwargs: Any) -> None:
    """Answer ephemerally, whether or not the interaction was already answered."""
    kwargs.setdefault("ephemeral", True)
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(content, **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


async def reply_pages(interaction: discord.Interaction, pages: Sequence[str]) -> None:
    """Answer ephemerally with as many messages as the text needs."""
    for page in pages:
        await reply(interaction, page)


async def reply_lines(interaction: discord.Interaction, lines: Sequence[str]) -> None:
    await reply_pages(interaction, pack_lines(lines))


async def refuse(interaction: discord.Interaction, key: str, **values: Any) -> None:
    await reply(interaction, bot_of(interaction).prompts(key, **values))


def stamp(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp, shown in each reader's own time zone."""
    return discord.utils.format_dt(moment, style=style)  # type: ignore[arg-type]


async def project_names(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete: this server's projects whose names contain what was typed."""
    if interaction.guild is None:
        return []
    projects = await bot_of(interaction).store.list_projects(interaction.guild.id)
    typed = current.casefold()
    return [
        app_commands.Choice(name=p.name, value=p.name)
        for p in projects
        if typed in p.name.casefold()
    ][:25]


def long_date(day: date) -> str:
    """A date as people write it, e.g. 1 March 2026."""
    return f"{day.day} {day:%B %Y}"


async def find_project(interaction: discord.Interaction, name: str) -> Project | None:
    """This server's project called `name` (any case); if there is none, say so and return None."""
    assert interaction.guild is not None
    project = await bot_of(interaction).store.find_project(interaction.guild.id, name.strip())
    if project is None:
        await refuse(interaction, "errors.unknown_project", name=name.strip()[:60])
    return project

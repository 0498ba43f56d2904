"""`/project`: create, list, show, edit, report on, export and delete projects."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from collections.abc import Sequence
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.custom_ids import PROJECT_DELETE, PROJECT_DELETE_TEMPLATE
from bot.core.models import NewProject, Project, ScheduledCheckin, SlotState
from bot.core.projects import InvalidInput, parse_project, parse_project_edit
from bot.core.schedule import InvalidScheduleChange, in_zone
from bot.exts._access import is_facilitator
from bot.exts._audit import audit
from bot.exts._choices import (
    chosen_language,
    find_project,
    framework_choices,
    language_choices,
    project_names,
    refuse_unknown_project,
    timezone_choices,
)
from bot.exts._confirm import ConfirmItem, confirm_view
from bot.exts._context import services
from bot.exts._permissions import (
    CHART,
    NEEDED,
    THREADS,
    WANTED,
    bot_permissions,
    missing,
    permission_list,
)
from bot.exts._replies import NO_MENTIONS, refuse, reply, reply_lines, stamp
from bot.exts.projects._card import card_content, framework_title
from bot.services.bundle import Services
from bot.storage.errors import DuplicateProjectName

log = logging.getLogger(__name__)


class DeleteProjectItem(ConfirmItem, template=PROJECT_DELETE_TEMPLATE):
    """The confirm / cancel buttons of `/project delete`."""

    kind = PROJECT_DELETE

    async def callback(self, interaction: discord.Interaction) -> None:
        found = services(interaction)
        p = found.prompts
        if not await is_facilitator(interaction):
            await refuse(interaction, "errors.not_facilitator")
            return
        guild_id = interaction.guild.id if interaction.guild else None
        project = await found.projects.in_guild(self.target_id, guild_id)
        if project is None:
            await interaction.response.edit_message(content=p("errors.project_gone"), view=None)
            return
        if not self.confirm:
            await interaction.response.edit_message(
                content=p("project.delete_cancelled"), view=None
            )
            return
        await found.projects.delete(project)
        await audit(interaction, "project_delete", project=project)
        found.scheduler.wake()
        log.info("project %s deleted by a facilitator", project.id)
        await interaction.response.edit_message(
            content=p("project.deleted", project=project.name), view=None
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)  # hidden from members; see README
class ProjectCog(commands.GroupCog, group_name="project"):
    """Set up and look after co-production projects."""

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="create")
    @app_commands.describe(
        name="A short name for the project, e.g. Youth Board 2026",
        channel="Where the project card and the group summaries are posted",
        starts="First day of the project, written YYYY-MM-DD",
        ends="Last day of the project, written YYYY-MM-DD",
        framework="What the group reflects on (default: Co-create's ten components)",
        timezone="The group's time zone, e.g. Europe/London (default Europe/London)",
        checkin_time="Local time check-ins open, HH:MM (default 10:00)",
        window_days="How many days each check-in stays open (default 7)",
        language="The project's language: card, reminders, summaries (default: the server's)",
    )
    @app_commands.autocomplete(framework=framework_choices, language=language_choices)
    async def create(
        self,
        interaction: discord.Interaction,
        name: str,
        channel: discord.TextChannel,
        starts: str,
        ends: str,
        framework: str | None = None,
        timezone: str | None = None,
        checkin_time: str | None = None,
        window_days: int | None = None,
        language: str | None = None,
    ) -> None:
        """Start a project: check the details, then post its card with Join and Leave."""
        assert interaction.guild is not None
        code = None
        if language is not None and (code := await chosen_language(interaction, language)) is None:
            return
        try:
            parsed = parse_project(
                name=name,
                starts=starts,
                ends=ends,
                timezone=timezone,
                checkin_time=checkin_time,
                window_days=window_days,
            )
        except InvalidInput as problem:
            await refuse(interaction, problem.key, **problem.values)
            return
        framework_id = (framework or self.services.frameworks.default_id).strip()
        chosen = await self.services.server_frameworks.choice(interaction.guild.id, framework_id)
        if chosen is None:
            await refuse(interaction, "errors.unknown_framework", value=framework_id[:40])
            return
        warning = await self._check_channel(interaction, channel)
        if warning is None:
            return
        if not chosen.complete:
            not_ready = self.services.prompts("project.framework_not_ready", framework=chosen.title)
            warning = f"{warning}\n{not_ready}" if warning else not_ready
        new = NewProject(
            guild_id=interaction.guild.id,
            name=parsed.name,
            channel_id=channel.id,
            starts_on=parsed.starts_on,
            ends_on=parsed.ends_on,
            framework_id=framework_id,
            timezone=parsed.timezone,
            checkin_time=parsed.checkin_time,
            window_days=parsed.window_days,
            language=code,
        )
        projects = self.services.projects
        try:
            project = await projects.create(new)
        except DuplicateProjectName:
            await refuse(interaction, "errors.duplicate_project", name=parsed.name)
            return
        thresholds = await projects.thresholds(interaction.guild.id)
        content, view = await card_content(self.services, project, thresholds.scores)
        try:
            card = await channel.send(content, view=view, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            await projects.delete(project)
            await refuse(interaction, "errors.card_failed", channel=channel.mention)
            return
        await projects.card_posted(project, card.id)
        await audit(interaction, "project_create", project=project)
        self.services.scheduler.planned()
        created = self.services.prompts(
            "project.created", project=project.name, channel=channel.mention
        )
        lines = [created, *await self._schedule_lines(project)]
        await reply_lines(interaction, [*lines, warning] if warning else lines)

    async def _check_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> str | None:
        """Refuse a channel the bot cannot post in, naming what it lacks (None: refused).

        What it can do without (Attach Files, the thread permissions) is only a warning,
        returned as a sentence ("" if nothing is missing): summaries then go out without
        their chart, or with their comments in the channel.
        """
        permissions = bot_permissions(channel)
        needed = missing(permissions, NEEDED)
        if needed:
            await refuse(
                interaction,
                "errors.channel_not_postable",
                channel=channel.mention,
                permissions=permission_list(self.services.prompts, needed),
            )
            return None
        wanted = missing(permissions, WANTED)
        if not wanted:
            return ""
        p = self.services.prompts
        effects = [p("project.warn_no_chart")] if missing(permissions, CHART) else []
        if missing(permissions, THREADS):
            effects.append(p("project.warn_no_thread"))
        return p(
            "project.warn_permissions",
            channel=channel.mention,
            permissions=permission_list(p, wanted),
            effects=" ".join(effects),
        )

    async def _schedule_lines(self, project: Project) -> list[str]:
        """The project's scheduled check-ins: local times, Discord timestamps, what happened."""
        return self._slot_lines(project, await self.services.projects.schedule(project))

    def _slot_lines(self, project: Project, schedule: Sequence[ScheduledCheckin]) -> list[str]:
        p = self.services.prompts
        lines = [p("project.schedule_header", timezone=project.timezone)]
        for slot in schedule:
            lines.append(
                p(
                    "project.schedule_item",
                    phase=p.phase(slot.phase, title=True),
                    opens=p.moment(in_zone(slot.opens_at, project.timezone)),
                    closes=p.moment(in_zone(slot.closes_at, project.timezone)),
                    stamp=stamp(slot.opens_at),
                    state=self._slot_state(slot),
                )
            )
        return lines

    def _slot_state(self, slot: ScheduledCheckin) -> str:
        p = self.services.prompts
        if slot.state is SlotState.PLANNED:
            return p("project.slot_planned", relative=stamp(slot.opens_at, "R"))
        if slot.state is SlotState.MISSED:
            return p("project.slot_missed")
        return p("project.slot_open") if slot.checkin_open else p("project.slot_done")

    @create.autocomplete("timezone")
    async def _create_timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """The projects on this server."""
        assert interaction.guild is not None
        projects = await self.services.projects.all_in(interaction.guild.id)
        if not projects:
            await refuse(interaction, "project.list_empty")
            return
        lines = [self.services.prompts("project.list_header")]
        for project in projects:
            lines.append(
                self.services.prompts(
                    "project.list_item",
                    project=project.name,
                    starts=project.starts_on.isoformat(),
                    ends=project.ends_on.isoformat(),
                    participants=await self.services.projects.participants(project),
                    channel=f"<#{project.channel_id}>",
                )
            )
        await reply_lines(interaction, lines)

    @app_commands.command(name="show")
    @app_commands.describe(name="The project's name")
    @app_commands.autocomplete(name=project_names)
    async def show(self, interaction: discord.Interaction, name: str) -> None:
        """One project: dates, participants and its check-ins so far (counts only)."""
        assert interaction.guild is not None
        shown = await self.services.projects.overview(interaction.guild.id, name)
        if shown is None:
            await refuse_unknown_project(interaction, name)
            return
        project = shown.project
        p = self.services.prompts
        lines = [
            p(
                "project.show",
                project=project.name,
                channel=f"<#{project.channel_id}>",
                starts=p.day(project.starts_on),
                ends=p.day(project.ends_on),
                timezone=project.timezone,
                time=p.clock(project.checkin_time),
                window=p("common.days", count=project.window_days),
                framework=await framework_title(self.services, project),
                language=await self.services.languages.name(
                    await self.services.languages.project(project)
                ),
                participants=shown.participants,
            ),
            *self._slot_lines(project, shown.schedule),
            p("project.show_checkins_header"),
        ]
        if not shown.checkins:
            lines.append(p("project.show_no_checkins"))
        for progress in shown.checkins:
            checkin = progress.checkin
            state = (
                p("project.show_checkin_open", closes=stamp(checkin.closes_at))
                if checkin.is_open
                else p(
                    "project.show_checkin_closed",
                    closed=stamp(checkin.closed_at or checkin.closes_at),
                )
            )
            lines.append(
                p(
                    "project.show_checkin",
                    phase=p.phase(checkin.phase, title=True),
                    opened=stamp(checkin.opened_at, "D"),
                    state=state,
                    finished=progress.finished,
                    invited=progress.invited,
                )
            )
        await reply_lines(interaction, lines)

    @app_commands.command(name="edit")
    @app_commands.describe(
        name="The project's name",
        starts="New first day, written YYYY-MM-DD",
        ends="New last day, written YYYY-MM-DD",
        timezone="New time zone, e.g. Europe/London",
        checkin_time="New local time check-ins open, HH:MM",
        window_days="New number of days each check-in stays open",
        framework="Another framework for the check-ins not opened yet",
        language="The project's language: card, reminders, summaries",
    )
    @app_commands.autocomplete(
        name=project_names, framework=framework_choices, language=language_choices
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        name: str,
        starts: str | None = None,
        ends: str | None = None,
        timezone: str | None = None,
        checkin_time: str | None = None,
        window_days: int | None = None,
        framework: str | None = None,
        language: str | None = None,
    ) -> None:
        """Change a project's dates, times, framework or language; check-ins not opened yet
        follow."""
        project = await find_project(interaction, name)
        if project is None:
            return
        assert interaction.guild is not None
        code = None
        if language is not None and (code := await chosen_language(interaction, language)) is None:
            return
        chosen = None
        if framework is not None:
            chosen = await self.services.server_frameworks.choice(
                interaction.guild.id, framework.strip()
            )
            if chosen is None:
                await refuse(interaction, "errors.unknown_framework", value=framework.strip()[:40])
                return
        warning = ""
        channel = interaction.client.get_channel(project.channel_id)
        if isinstance(channel, discord.TextChannel):
            checked = await self._check_channel(interaction, channel)
            if checked is None:
                return
            warning = checked
        dates = (starts, ends, timezone, checkin_time, window_days)
        try:
            updated: Project | None = project
            only_others = chosen is not None or code is not None
            if not only_others or any(value is not None for value in dates):
                changed = parse_project_edit(
                    project,
                    starts=starts,
                    ends=ends,
                    timezone=timezone,
                    checkin_time=checkin_time,
                    window_days=window_days,
                )
                updated = await self.services.projects.reschedule(
                    project, changed, self.services.clock()
                )
        except InvalidInput as problem:
            await refuse(interaction, problem.key, **problem.values)
            return
        except InvalidScheduleChange as problem:
            phase = self.services.prompts.phase(problem.phase)
            await refuse(interaction, problem.key, phase=phase, project=project.name)
            return
        if updated is not None and chosen is not None and chosen.id != updated.framework_id:
            updated = await self.services.projects.switch_framework(updated, chosen.id)
            if updated is not None:
                await audit(interaction, "framework_switch", project=updated, detail=chosen.id)
        if updated is not None and code is not None and code != updated.language:
            updated = await self._set_language(interaction, updated, code)
        if updated is None:
            await refuse(interaction, "errors.project_gone")
            return
        self.services.scheduler.wake()
        changes: dict[str, object] = {"starts": starts, "ends": ends, "timezone": timezone}
        changes |= {"checkin_time": checkin_time, "window_days": window_days}
        detail = ", ".join(f"{k} {v}" for k, v in changes.items() if v is not None)
        if detail or (chosen is None and code is None):
            await audit(interaction, "project_edit", project=updated, detail=detail)
        log.info("project %s changed by a facilitator", project.id)
        edited = self.services.prompts("project.edited", project=updated.name)
        lines = [edited, *await self._schedule_lines(updated)]
        if code is not None:
            language_line = self.services.prompts(
                "project.language_switched", language=await self.services.languages.name(code)
            )
            lines.insert(1, language_line)
        if chosen is not None:
            lines.insert(
                1, self.services.prompts("project.framework_switched", framework=chosen.title)
            )
            if not chosen.complete:
                lines.insert(
                    2, self.services.prompts("project.framework_not_ready", framework=chosen.title)
                )
        await reply_lines(interaction, [*lines, warning] if warning else lines)
        await self._refresh_card(interaction.client, updated)

    async def _set_language(
        self, interaction: discord.Interaction, project: Project, code: str
    ) -> Project | None:
        if not await self.services.languages.set_project(project, code):
            return None
        await audit(interaction, "project_language", project=project, detail=code)
        return dataclasses.replace(project, language=code)

    @edit.autocomplete("timezone")
    async def _edit_timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    async def _refresh_card(self, client: discord.Client, project: Project) -> None:
        """Show the new dates on the project card; a card that is gone is left alone."""
        if project.card_message_id is None:
            return
        channel = client.get_channel(project.channel_id)
        if not isinstance(channel, discord.TextChannel):
            return
        thresholds = await self.services.projects.thresholds(project.guild_id)
        content, view = await card_content(self.services, project, thresholds.scores)
        try:
            await channel.get_partial_message(project.card_message_id).edit(
                content=content, view=view
            )
        except discord.HTTPException as error:
            log.info("could not update the card of project %s: %s", project.id, error.status)

    @app_commands.command(name="report")
    @app_commands.describe(name="The project's name")
    @app_commands.autocomplete(name=project_names)
    async def report(self, interaction: discord.Interaction, name: str) -> None:
        """The end-of-project reflection: every check-in side by side, as a file and a chart."""
        project = await find_project(interaction, name)
        if project is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        made = await self.services.results.report(project)
        if made is None:
            await refuse(interaction, "errors.no_results", project=project.name)
            return
        text, chart = made
        await audit(interaction, "project_report", project=project)
        files = [_file(text.encode(), f"{_slug(project.name)}-report.md")]
        if chart is not None:
            files.append(_file(chart, f"{_slug(project.name)}-chart.png"))
        await reply(
            interaction, self.services.prompts("project.report", project=project.name), files=files
        )

    @app_commands.command(name="export")
    @app_commands.describe(
        name="The project's name", format="csv for spreadsheets, json for other programs"
    )
    @app_commands.autocomplete(name=project_names)
    async def export(
        self, interaction: discord.Interaction, name: str, format: Literal["csv", "json"]
    ) -> None:
        """Combined results of every closed check-in, as a file: counts and averages only."""
        project = await find_project(interaction, name)
        if project is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.services.results.export(project, format)
        if data is None:
            await refuse(interaction, "errors.no_results", project=project.name)
            return
        await audit(interaction, "project_export", project=project, detail=format)
        await reply(
            interaction,
            self.services.prompts("project.exported", project=project.name),
            file=_file(data.encode(), f"{_slug(project.name)}-results.{format}"),
        )

    @app_commands.command(name="delete")
    @app_commands.describe(name="The project's name")
    @app_commands.autocomplete(name=project_names)
    async def delete(self, interaction: discord.Interaction, name: str) -> None:
        """Erase a project and all its data (asks you to confirm first)."""
        project = await find_project(interaction, name)
        if project is None:
            return
        p = self.services.prompts
        view = confirm_view(
            DeleteProjectItem, project.id, p("project.delete_yes"), p("project.delete_no")
        )
        await reply(
            interaction,
            p("project.delete_confirm", project=project.name),
            view=view,
        )


def _slug(name: str) -> str:
    """A file-name-safe form of a project name, e.g. "youth-board-2026"."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "project"


def _file(data: bytes, filename: str) -> discord.File:
    return discord.File(io.BytesIO(data), filename=filename)

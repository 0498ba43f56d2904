"""`/project`: create, list, show and delete projects, and the project card's Join/Leave."""

from __future__ import annotations

import io
import logging
import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.custom_ids import (
    CARD_TEMPLATE,
    PROJECT_DELETE,
    PROJECT_DELETE_TEMPLATE,
    CardAction,
    card_id,
    parse_card,
)
from bot.core.flow import question_steps
from bot.core.models import NewProject, Project, ScheduledCheckin, SlotState
from bot.core.projects import (
    InvalidInput,
    iana_timezones,
    parse_project,
    parse_project_edit,
)
from bot.core.schedule import InvalidScheduleChange, local_label, plan_project, reschedule
from bot.exts._permissions import (
    CHART,
    NEEDED,
    THREADS,
    WANTED,
    bot_permissions,
    missing,
    permission_list,
)
from bot.exts._shared import (
    NO_MENTIONS,
    ConfirmItem,
    audit,
    bot_of,
    confirm_view,
    find_project,
    framework_choices,
    is_facilitator,
    long_date,
    member_names,
    project_names,
    refuse,
    reply,
    reply_lines,
    stamp,
)
from bot.storage.errors import DuplicateProjectName

if TYPE_CHECKING:
    from bot.app import CoreflectBot

log = logging.getLogger(__name__)


def card_content(bot: CoreflectBot, project: Project, scores: int) -> tuple[str, discord.ui.View]:
    """The project card: what the project is, the anonymity promise, Join and Leave."""
    framework = bot.frameworks.get(project.framework_id)
    content = bot.prompts(
        "card.body",
        project=project.name,
        framework=framework.title if framework else project.framework_id,
        starts=long_date(project.starts_on),
        ends=long_date(project.ends_on),
        scores=scores,
    )
    view = discord.ui.View(timeout=None)
    view.add_item(CardItem(CardAction.JOIN, project.id, bot.prompts("card.join")))
    view.add_item(CardItem(CardAction.LEAVE, project.id, bot.prompts("card.leave")))
    return content, view


class CardItem(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CARD_TEMPLATE):
    """Join or Leave on a project card."""

    def __init__(self, action: CardAction, project_id: int, label: str | None = None) -> None:
        style = (
            discord.ButtonStyle.success
            if action is CardAction.JOIN
            else discord.ButtonStyle.secondary
        )
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=card_id(action, project_id))
        )
        self.action = action
        self.project_id = project_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CardItem:
        button = parse_card(match.groupdict())
        if button is None:  # never: CARD_TEMPLATE matches only ids in range
            raise ValueError(f"not a card button: {match.string!r}")
        return cls(button.action, button.project_id)

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        project = await bot.store.get_project(self.project_id)
        if project is None or interaction.guild is None or project.guild_id != interaction.guild.id:
            await refuse(interaction, "errors.project_gone")
            return
        if self.action is CardAction.LEAVE:
            if await bot.store.remove_participant(project.id, interaction.user.id):
                await refuse(interaction, "card.left", project=project.name)
            else:
                await refuse(interaction, "errors.not_participant")
            return
        added = await bot.store.add_participant(
            project.id, interaction.user.id, member_names(interaction.user)
        )
        if not added:
            await refuse(interaction, "card.already_joined", project=project.name)
            return
        settings = await bot.store.get_guild_settings(project.guild_id)
        current = await bot.store.current_checkin(project.id)
        # The open check-in's own framework, which outlives its file being removed.
        framework = (
            bot.frameworks.for_checkin(current)
            if current
            else bot.frameworks.by_id(project.framework_id)
        )
        text = bot.prompts(
            "card.joined",
            project=project.name,
            count=question_steps(framework),
            low=framework.scale[0],
            high=framework.scale[-1],
            scores=settings.thresholds.scores,
            comments=settings.thresholds.comments,
        )
        await reply(interaction, text)
        result = await bot.checkins.join_open_checkin(project, interaction.user.id)
        if result is not None:
            key = (
                "card.joined_open_checkin"
                if result.channel_id
                else "card.joined_open_checkin_no_dm"
            )
            await reply(interaction, bot.prompts(key))


class DeleteProjectItem(ConfirmItem, template=PROJECT_DELETE_TEMPLATE):
    """The confirm / cancel buttons of `/project delete`."""

    kind = PROJECT_DELETE

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if not await is_facilitator(interaction):
            await refuse(interaction, "errors.not_facilitator")
            return
        project = await bot.store.get_project(self.target_id)
        if project is None or interaction.guild is None or project.guild_id != interaction.guild.id:
            await interaction.response.edit_message(
                content=bot.prompts("errors.project_gone"), view=None
            )
            return
        if not self.confirm:
            await interaction.response.edit_message(
                content=bot.prompts("project.delete_cancelled"), view=None
            )
            return
        await bot.store.delete_project(project.id)
        await audit(interaction, "project_delete", project=project)
        bot.scheduler.wake()
        log.info("project %s deleted by a facilitator", project.id)
        await interaction.response.edit_message(
            content=bot.prompts("project.deleted", project=project.name), view=None
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)  # hidden from members; see README
class ProjectCog(commands.GroupCog, group_name="project"):
    """Set up and look after co-production projects."""

    def __init__(self, bot: CoreflectBot) -> None:
        self.bot = bot
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
    )
    @app_commands.autocomplete(framework=framework_choices)
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
    ) -> None:
        """Start a project: check the details, then post its card with Join and Leave."""
        assert interaction.guild is not None
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
        framework_id = (framework or self.bot.frameworks.default_id).strip()
        if self.bot.frameworks.get(framework_id) is None:
            await refuse(interaction, "errors.unknown_framework", value=framework_id[:40])
            return
        warning = await self._check_channel(interaction, channel)
        if warning is None:
            return
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
        )
        try:
            project = await self.bot.store.create_project(new, plan_project(new))
        except DuplicateProjectName:
            await refuse(interaction, "errors.duplicate_project", name=parsed.name)
            return
        settings = await self.bot.store.get_guild_settings(interaction.guild.id)
        content, view = card_content(self.bot, project, settings.thresholds.scores)
        try:
            card = await channel.send(content, view=view, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            await self.bot.store.delete_project(project.id)
            await refuse(interaction, "errors.card_failed", channel=channel.mention)
            return
        await self.bot.store.set_card_message(project.id, card.id)
        await audit(interaction, "project_create", project=project)
        self.bot.scheduler.wake()
        created = self.bot.prompts("project.created", project=project.name, channel=channel.mention)
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
                permissions=permission_list(self.bot.prompts, needed),
            )
            return None
        wanted = missing(permissions, WANTED)
        if not wanted:
            return ""
        p = self.bot.prompts
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
        p = self.bot.prompts
        lines = [p("project.schedule_header", timezone=project.timezone)]
        for slot in await self.bot.store.list_schedule(project.id):
            lines.append(
                p(
                    "project.schedule_item",
                    phase=p.phase(slot.phase, title=True),
                    opens=local_label(slot.opens_at, project.timezone),
                    closes=local_label(slot.closes_at, project.timezone),
                    stamp=stamp(slot.opens_at),
                    state=self._slot_state(slot),
                )
            )
        return lines

    def _slot_state(self, slot: ScheduledCheckin) -> str:
        p = self.bot.prompts
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
        projects = await self.bot.store.list_projects(interaction.guild.id)
        if not projects:
            await refuse(interaction, "project.list_empty")
            return
        lines = [self.bot.prompts("project.list_header")]
        for project in projects:
            lines.append(
                self.bot.prompts(
                    "project.list_item",
                    project=project.name,
                    starts=project.starts_on.isoformat(),
                    ends=project.ends_on.isoformat(),
                    participants=await self.bot.store.count_participants(project.id),
                    channel=f"<#{project.channel_id}>",
                )
            )
        await reply_lines(interaction, lines)

    @app_commands.command(name="show")
    @app_commands.describe(name="The project's name")
    @app_commands.autocomplete(name=project_names)
    async def show(self, interaction: discord.Interaction, name: str) -> None:
        """One project: dates, participants and its check-ins so far (counts only)."""
        project = await find_project(interaction, name)
        if project is None:
            return
        p = self.bot.prompts
        framework = self.bot.frameworks.get(project.framework_id)
        lines = [
            p(
                "project.show",
                project=project.name,
                channel=f"<#{project.channel_id}>",
                starts=long_date(project.starts_on),
                ends=long_date(project.ends_on),
                timezone=project.timezone,
                time=project.checkin_time.strftime("%H:%M"),
                window=project.window_days,
                framework=framework.title if framework else project.framework_id,
                participants=await self.bot.store.count_participants(project.id),
            ),
            *await self._schedule_lines(project),
            p("project.show_checkins_header"),
        ]
        checkins = await self.bot.store.list_checkins(project.id)
        if not checkins:
            lines.append(p("project.show_no_checkins"))
        for checkin in checkins:
            progress = await self.bot.checkins.progress(checkin)
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
    )
    @app_commands.autocomplete(name=project_names)
    async def edit(
        self,
        interaction: discord.Interaction,
        name: str,
        starts: str | None = None,
        ends: str | None = None,
        timezone: str | None = None,
        checkin_time: str | None = None,
        window_days: int | None = None,
    ) -> None:
        """Change a project's dates or times; check-ins not opened yet move with them."""
        project = await find_project(interaction, name)
        if project is None:
            return
        warning = ""
        channel = self.bot.get_channel(project.channel_id)
        if isinstance(channel, discord.TextChannel):
            checked = await self._check_channel(interaction, channel)
            if checked is None:
                return
            warning = checked
        try:
            changed = parse_project_edit(
                project,
                starts=starts,
                ends=ends,
                timezone=timezone,
                checkin_time=checkin_time,
                window_days=window_days,
            )
            schedule = await self.bot.store.list_schedule(project.id)
            moved = reschedule(schedule, plan_project(changed), self.bot.clock())
        except InvalidInput as problem:
            await refuse(interaction, problem.key, **problem.values)
            return
        except InvalidScheduleChange as problem:
            phase = self.bot.prompts.phase(problem.phase)
            await refuse(interaction, problem.key, phase=phase, project=project.name)
            return
        updated = await self.bot.store.update_project(project.id, changed, moved)
        if updated is None:
            await refuse(interaction, "errors.project_gone")
            return
        self.bot.scheduler.wake()
        changes: dict[str, object] = {"starts": starts, "ends": ends, "timezone": timezone}
        changes |= {"checkin_time": checkin_time, "window_days": window_days}
        detail = ", ".join(f"{k} {v}" for k, v in changes.items() if v is not None)
        await audit(interaction, "project_edit", project=updated, detail=detail)
        log.info("project %s rescheduled by a facilitator", project.id)
        edited = self.bot.prompts("project.edited", project=updated.name)
        lines = [edited, *await self._schedule_lines(updated)]
        await reply_lines(interaction, [*lines, warning] if warning else lines)
        await self._refresh_card(updated)

    @edit.autocomplete("timezone")
    async def _edit_timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    async def _refresh_card(self, project: Project) -> None:
        """Show the new dates on the project card; a card that is gone is left alone."""
        if project.card_message_id is None:
            return
        channel = self.bot.get_channel(project.channel_id)
        if not isinstance(channel, discord.TextChannel):
            return
        settings = await self.bot.store.get_guild_settings(project.guild_id)
        content, view = card_content(self.bot, project, settings.thresholds.scores)
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
        made = await self.bot.results.report(project)
        if made is None:
            await refuse(interaction, "errors.no_results", project=project.name)
            return
        text, chart = made
        await audit(interaction, "project_report", project=project)
        files = [_file(text.encode(), f"{_slug(project.name)}-report.md")]
        if chart is not None:
            files.append(_file(chart, f"{_slug(project.name)}-chart.png"))
        await reply(
            interaction, self.bot.prompts("project.report", project=project.name), files=files
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
        data = await self.bot.results.export(project, format)
        if data is None:
            await refuse(interaction, "errors.no_results", project=project.name)
            return
        await audit(interaction, "project_export", project=project, detail=format)
        await reply(
            interaction,
            self.bot.prompts("project.exported", project=project.name),
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
        view = confirm_view(
            DeleteProjectItem,
            project.id,
            self.bot.prompts("project.delete_yes"),
            self.bot.prompts("project.delete_no"),
        )
        await reply(
            interaction,
            self.bot.prompts("project.delete_confirm", project=project.name),
            view=view,
        )


def _slug(name: str) -> str:
    """A file-name-safe form of a project name, e.g. "youth-board-2026"."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "project"


def _file(data: bytes, filename: str) -> discord.File:
    return discord.File(io.BytesIO(data), filename=filename)


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for IANA time zone names."""
    typed = current.casefold().replace(" ", "_")
    names = sorted(z for z in iana_timezones() if typed in z.casefold())
    return [app_commands.Choice(name=z, value=z) for z in names[:25]]


async def setup(bot: CoreflectBot) -> None:
    bot.add_dynamic_items(CardItem, DeleteProjectItem)
    await bot.add_cog(ProjectCog(bot))

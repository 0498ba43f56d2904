"""`/checkin`: open, follow, remind and close a project's check-ins (counts only, never names)."""

from __future__ import annotations

from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.framework_edit import FrameworkEditError
from bot.core.frameworks import FrameworkGone
from bot.core.models import Checkin, Phase, Project
from bot.core.projects import InvalidInput, parse_window
from bot.core.schedule import MAX_REMINDERS, QUIET_FROM, QUIET_UNTIL
from bot.exts._audit import audit
from bot.exts._choices import find_project, project_names, refuse_unknown_project
from bot.exts._context import services_of
from bot.exts._replies import refuse, reply, stamp
from bot.services.bundle import Services
from bot.services.checkins import REMIND_GAP
from bot.storage.errors import CheckinAlreadyOpen


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)  # hidden from members; see README
class CheckinCog(commands.GroupCog, group_name="checkin"):
    """Run a project's check-ins by hand."""

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    async def _open_one(
        self, interaction: discord.Interaction, name: str
    ) -> tuple[Project, Checkin] | None:
        """The project and its open check-in; if either is missing, say so and return None."""
        project = await find_project(interaction, name)
        if project is None:
            return None
        checkin = await self.services.checkins.current(project)
        if checkin is None:
            await refuse(interaction, "errors.nothing_open", project=project.name)
            return None
        return project, checkin

    @app_commands.command(name="open")
    @app_commands.describe(
        project="The project's name",
        phase="Which check-in this is",
        window_days="How many days it stays open (default: the project's window)",
    )
    @app_commands.autocomplete(project=project_names)
    async def open_(
        self,
        interaction: discord.Interaction,
        project: str,
        phase: Phase,
        window_days: int | None = None,
    ) -> None:
        """Open a check-in now: every participant gets the questions by DM."""
        found = await find_project(interaction, project)
        if found is None:
            return
        try:
            window = parse_window(window_days) if window_days is not None else None
        except InvalidInput as problem:
            await refuse(interaction, problem.key, **problem.values)
            return
        if await self._refuse_if_open(interaction, found):
            return
        if await self.services.projects.participants(found) == 0:
            await refuse(interaction, "errors.no_participants", project=found.name)
            return
        try:
            opened = await self.services.checkins.open_checkin(found, phase, window_days=window)
        except CheckinAlreadyOpen:
            await self._refuse_if_open(interaction, found)
            return
        except FrameworkGone:
            await refuse(
                interaction,
                "errors.framework_gone",
                project=found.name,
                framework=found.framework_id,
            )
            return
        except FrameworkEditError as refused:  # the server's own, unfinished or over a limit
            await refuse(interaction, refused.key, **refused.values)
            return
        self.services.scheduler.wake()  # it sends the invitations, paced
        await audit(interaction, "checkin_open", project=found, detail=phase.value)
        progress = await self.services.checkins.progress(opened)
        text = self.services.prompts(
            "checkin.opened",
            phase=self.services.prompts.phase(phase),
            project=found.name,
            closes=stamp(opened.closes_at),
            count=progress.invited,
        )
        await reply(interaction, text)

    async def _refuse_if_open(self, interaction: discord.Interaction, project: Project) -> bool:
        current = await self.services.checkins.current(project)
        if current is None:
            return False
        await refuse(
            interaction,
            "errors.already_open",
            phase=self.services.prompts.phase(current.phase),
            project=project.name,
            closes=stamp(current.closes_at),
        )
        return True

    @app_commands.command(name="status")
    @app_commands.describe(project="The project's name")
    @app_commands.autocomplete(project=project_names)
    async def status(self, interaction: discord.Interaction, project: str) -> None:
        """How many have answered so far, and when it closes. Never who."""
        assert interaction.guild is not None
        found_progress = await self.services.checkins.open_progress(interaction.guild.id, project)
        if found_progress is None:
            await refuse_unknown_project(interaction, project)
            return
        found, progress = found_progress
        if progress is None:
            await refuse(interaction, "errors.nothing_open", project=found.name)
            return
        checkin = progress.checkin
        text = self.services.prompts(
            "checkin.status",
            project=found.name,
            phase=self.services.prompts.phase(checkin.phase),
            count=progress.finished,
            invited=progress.invited,
            delivered=progress.delivered,
            closes=stamp(checkin.closes_at, "R"),
        )
        if progress.undeliverable:
            text += self.services.prompts(
                "checkin.status_undeliverable", failed=progress.undeliverable
            )
        await reply(interaction, text)

    @app_commands.command(name="remind")
    @app_commands.describe(project="The project's name")
    @app_commands.autocomplete(project=project_names)
    async def remind(self, interaction: discord.Interaction, project: str) -> None:
        """DM a gentle reminder to participants who haven't finished (once per 12 hours)."""
        opened = await self._open_one(interaction, project)
        if opened is None:
            return
        found, checkin = opened
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.services.checkins.remind(found, checkin)
        if outcome.refusal is not None:
            after = stamp(outcome.after) if outcome.after else ""
            await refuse(
                interaction,
                outcome.refusal,
                after=after,
                count=REMIND_GAP // timedelta(hours=1),
                quiet_from=self.services.prompts.clock(QUIET_FROM),
                quiet_to=self.services.prompts.clock(QUIET_UNTIL),
            )
            return
        await audit(interaction, "checkin_remind", project=found, detail=str(outcome.sent))
        key = "checkin.reminded" if outcome.sent else "checkin.reminded_none"
        await reply(interaction, self.services.prompts(key, count=outcome.sent, max=MAX_REMINDERS))

    @app_commands.command(name="close")
    @app_commands.describe(project="The project's name")
    @app_commands.autocomplete(project=project_names)
    async def close(self, interaction: discord.Interaction, project: str) -> None:
        """Close the open check-in now and post the group's anonymised summary."""
        opened = await self._open_one(interaction, project)
        if opened is None:
            return
        found, checkin = opened
        await interaction.response.defer(ephemeral=True, thinking=True)
        closed = await self.services.checkins.close_checkin(checkin)
        self.services.scheduler.closed(checkin.id)
        if closed is None:
            await refuse(interaction, "errors.nothing_open", project=found.name)
            return
        # Logged only when this close took effect (two facilitators may close at once).
        await audit(interaction, "checkin_close", project=found, detail=checkin.phase.value)
        key = "checkin.closed" if closed.summary_posted else "checkin.closed_not_posted"
        await reply(
            interaction,
            self.services.prompts(
                key,
                phase=self.services.prompts.phase(checkin.phase),
                project=found.name,
                channel=f"<#{found.channel_id}>",
            ),
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CheckinCog(services_of(bot)))

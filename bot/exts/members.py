"""Commands for everyone: `/reflect`, `/mydata`, `/framework`, `/privacy`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.custom_ids import MYDATA_DELETE, MYDATA_DELETE_TEMPLATE, FlowButton, FlowVerb
from bot.core.models import DEFAULT_COMMENTS_THRESHOLD, DEFAULT_SCORES_THRESHOLD
from bot.exts._shared import (
    ConfirmItem,
    bot_of,
    confirm_view,
    framework_choices,
    member_names,
    refuse,
    reply,
    reply_lines,
)
from bot.exts.checkin import _flow
from bot.exts.checkin._items import FlowItem
from bot.exts.checkin._render import review_lines

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.app import CoreflectBot


class DeleteMyDataItem(ConfirmItem, template=MYDATA_DELETE_TEMPLATE):
    """Confirm or cancel `/mydata delete`; it always acts for the member who clicks."""

    kind = MYDATA_DELETE

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if interaction.guild is None or interaction.guild.id != self.target_id:
            await refuse(interaction, "errors.stale_button")
            return
        if not self.confirm:
            await interaction.response.edit_message(
                content=bot.prompts("mydata.delete_cancelled"), view=None
            )
            return
        erased = await bot.store.delete_member_data(self.target_id, interaction.user.id)
        await interaction.response.edit_message(
            content=bot.prompts(
                "mydata.deleted",
                answers=erased.answers,
                checkins=erased.checkins,
                projects=erased.projects,
            ),
            view=None,
        )
        await bot.checkins.clear_erased(erased.messages)  # after answering, within 3 s


@app_commands.guild_only()
class MyDataCog(commands.GroupCog, group_name="mydata"):
    """See or erase your own answers."""

    def __init__(self, bot: CoreflectBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """Your own answers on this server (only you see them)."""
        assert interaction.guild is not None
        p = self.bot.prompts
        found = await self.bot.store.member_responses(interaction.guild.id, interaction.user.id)
        if not found:
            await refuse(interaction, "mydata.none")
            return
        lines = [p("mydata.header")]
        for project, checkin, response in found:
            framework = self.bot.frameworks.of_checkin(checkin)
            if framework is None:
                continue
            lines.append(
                p(
                    "mydata.checkin",
                    project=project.name,
                    phase=p.phase(checkin.phase),
                    date=checkin.opened_at.date().isoformat(),
                    submitted=p("mydata.submitted_mark") if response.submitted else "",
                )
            )
            lines.extend(review_lines(p, framework, response))
        await reply_lines(interaction, lines)

    @app_commands.command(name="delete")
    async def delete(self, interaction: discord.Interaction) -> None:
        """Erase all your answers on this server and leave its projects (asks first)."""
        assert interaction.guild is not None
        p = self.bot.prompts
        view = confirm_view(
            DeleteMyDataItem, interaction.guild.id, p("mydata.delete_yes"), p("mydata.delete_no")
        )
        await reply(interaction, p("mydata.delete_confirm"), view=view)


class FrameworkCog(commands.GroupCog, group_name="framework"):
    """The reflection frameworks available."""

    def __init__(self, bot: CoreflectBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """The frameworks a project can use."""
        p = self.bot.prompts
        lines = [p("framework.list_header")]
        for framework in self.bot.frameworks.all():
            is_default = framework.id == self.bot.frameworks.default_id
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
        p = self.bot.prompts
        framework = self.bot.frameworks.get(name.strip())
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


class MemberCog(commands.Cog):
    """`/reflect` and `/privacy`; and keeping the names to redact up to date."""

    def __init__(self, bot: CoreflectBot) -> None:
        self.bot = bot
        # The names each member was last seen with, so an unchanged name costs no write.
        self._names_seen: dict[tuple[int, int | None], frozenset[str]] = {}

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A member's current names (a nickname set after joining, say) are added to the
        names hidden in their projects' comments whenever they use the bot."""
        guild_id = interaction.guild.id if interaction.guild else None
        names = frozenset(member_names(interaction.user))
        key = (interaction.user.id, guild_id)
        if self._names_seen.get(key) == names:
            return
        self._names_seen[key] = names
        try:
            await self.bot.store.refresh_member_names(interaction.user.id, sorted(names), guild_id)
        except Exception:
            self._names_seen.pop(key, None)
            log.exception("the names of a member could not be refreshed")

    @app_commands.command(name="reflect")
    async def reflect(self, interaction: discord.Interaction) -> None:
        """Answer (or carry on with) a check-in that is open for you."""
        guild_id = interaction.guild.id if interaction.guild else None
        open_ones = await self.bot.store.open_checkins_for_user(interaction.user.id, guild_id)
        if not open_ones:
            await refuse(interaction, "reflect.none")
            return
        if len(open_ones) == 1:
            await _flow.start(interaction, open_ones[0][1].id, new_message=True)
            return
        p = self.bot.prompts
        view = discord.ui.View(timeout=None)
        for project, checkin in open_ones[:20]:
            label = p(
                "reflect.choose_button",
                project=project.name,
                phase=p.phase(checkin.phase),
            )
            view.add_item(FlowItem(FlowButton(checkin.id, FlowVerb.START), label=label[:80]))
        await reply(
            interaction,
            p("reflect.choose", count=len(open_ones)),
            view=view,
            ephemeral=interaction.guild is not None,
        )

    @app_commands.command(name="privacy")
    async def privacy(self, interaction: discord.Interaction) -> None:
        """What the bot stores, who can see what, and how to erase your data."""
        scores = comments = None
        if interaction.guild is not None:
            settings = await self.bot.store.get_guild_settings(interaction.guild.id)
            scores, comments = settings.thresholds.scores, settings.thresholds.comments
        await reply(
            interaction,
            self.bot.prompts(
                "privacy.text",
                scores=scores or DEFAULT_SCORES_THRESHOLD,
                comments=comments or DEFAULT_COMMENTS_THRESHOLD,
                days=self.bot.settings.comment_days,
            ),
        )


async def setup(bot: CoreflectBot) -> None:
    bot.add_dynamic_items(DeleteMyDataItem)
    await bot.add_cog(MyDataCog(bot))
    await bot.add_cog(FrameworkCog(bot))
    await bot.add_cog(MemberCog(bot))

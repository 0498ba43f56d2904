"""`/settings`: facilitator role and channel, anonymity thresholds (Manage Server only)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import MAX_THRESHOLD, MIN_SCORES_THRESHOLD, Phase, Thresholds
from bot.core.text import shorten
from bot.exts._audit import audit
from bot.exts._choices import chosen_language, language_choices
from bot.exts._context import services_of
from bot.exts._permissions import bot_permissions, missing, permission_list
from bot.exts._replies import refuse, reply, reply_lines, stamp
from bot.services.bundle import Services


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)  # hidden from members; see README
class SettingsCog(commands.GroupCog, group_name="settings"):
    """Server settings for the reflection bot."""

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """The facilitator role and the anonymity thresholds."""
        assert interaction.guild is not None
        settings = await self.services.guilds.settings(interaction.guild.id)
        role = (
            f"<@&{settings.facilitator_role_id}>"
            if settings.facilitator_role_id
            else self.services.prompts("common.not_set")
        )
        channel = (
            f"<#{settings.facilitator_channel_id}>"
            if settings.facilitator_channel_id
            else self.services.prompts("settings.channel_default")
        )
        await reply(
            interaction,
            self.services.prompts(
                "settings.show",
                role=role,
                channel=channel,
                scores=settings.thresholds.scores,
                comments=settings.thresholds.comments,
                language=await self.services.languages.name(self.services.prompts.language),
            ),
        )

    @app_commands.command(name="language")
    @app_commands.describe(code="The language, e.g. cy for Welsh (Cymraeg) or en for English")
    @app_commands.autocomplete(code=language_choices)
    async def language(self, interaction: discord.Interaction, code: str) -> None:
        """Choose the language I speak on this server (projects may have their own)."""
        assert interaction.guild is not None
        chosen = await chosen_language(interaction, code)
        if chosen is None:
            return
        await self.services.languages.set_server(interaction.guild.id, chosen)
        self.services.prompts.use(chosen)  # the answer is in the new language already
        await audit(interaction, "settings_language", detail=chosen)
        name = await self.services.languages.name(chosen)
        await reply(interaction, self.services.prompts("settings.language_set", language=name))

    @app_commands.command(name="facilitator-role")
    @app_commands.describe(role="Members with this role may run projects (leave empty to clear)")
    async def facilitator_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        """Choose which role, besides Manage Server, may run projects and check-ins."""
        assert interaction.guild is not None
        if role is not None and role.is_default():
            await refuse(interaction, "errors.everyone_role")
            return
        await self.services.guilds.set_facilitator_role(
            interaction.guild.id, role.id if role else None
        )
        await audit(interaction, "settings_role", detail=role.mention if role else "")
        if role is None:
            await reply(interaction, self.services.prompts("settings.role_cleared"))
        else:
            await reply(interaction, self.services.prompts("settings.role_set", role=role.mention))

    @app_commands.command(name="facilitator-channel")
    @app_commands.describe(
        channel="Where notices for facilitators go (leave empty for each project's own channel)"
    )
    async def facilitator_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Choose where I tell facilitators about things like check-ins missed while offline."""
        assert interaction.guild is not None
        if channel is not None:
            needed = missing(bot_permissions(channel), ("view_channel", "send_messages"))
            if needed:
                await refuse(
                    interaction,
                    "errors.channel_not_postable",
                    channel=channel.mention,
                    permissions=permission_list(self.services.prompts, needed),
                )
                return
        await self.services.guilds.set_facilitator_channel(
            interaction.guild.id, channel.id if channel else None
        )
        await audit(interaction, "settings_channel", detail=channel.mention if channel else "")
        if channel is None:
            await reply(interaction, self.services.prompts("settings.channel_cleared"))
        else:
            await reply(
                interaction, self.services.prompts("settings.channel_set", channel=channel.mention)
            )

    @app_commands.command(name="thresholds")
    @app_commands.describe(
        scores="Fewest answers before any scores are shown (3 or more)",
        comments="Fewest answers before comments are shown (at least the scores threshold)",
    )
    async def thresholds(
        self, interaction: discord.Interaction, scores: int, comments: int
    ) -> None:
        """Set how many must answer before scores and comments are shown."""
        assert interaction.guild is not None
        chosen = Thresholds(scores=scores, comments=comments)
        problem = chosen.problem()
        if problem is not None:
            await refuse(interaction, problem, min=MIN_SCORES_THRESHOLD, max=MAX_THRESHOLD)
            return
        await self.services.guilds.set_thresholds(interaction.guild.id, chosen)
        await audit(interaction, "settings_thresholds", detail=f"{scores}/{comments}")
        await reply(
            interaction,
            self.services.prompts("settings.thresholds_set", scores=scores, comments=comments),
        )

    @app_commands.command(name="audit")
    async def audit_log(self, interaction: discord.Interaction) -> None:
        """Who did what as a facilitator, and when (never anyone's answers)."""
        assert interaction.guild is not None
        p = self.services.prompts
        entries = await self.services.guilds.audit_log(interaction.guild.id, AUDIT_SHOWN)
        if not entries:
            await refuse(interaction, "audit.empty")
            return
        lines = [p("audit.header", count=len(entries))]
        for entry in entries:
            detail = entry.detail
            if entry.action in PHASE_ACTIONS and detail in {phase.value for phase in Phase}:
                detail = p.phase(Phase(detail))  # stored as the phase's value, read in words
            elif entry.action in LANGUAGE_ACTIONS and p.knows(detail):
                detail = await self.services.languages.name(detail)
            what = p(
                f"audit.{entry.action}",
                project=shorten(entry.project or "", 60),
                detail=shorten(detail, 60) or p("common.none"),
            )
            lines.append(
                p("audit.item", when=stamp(entry.at), actor=f"<@{entry.actor_id}>", what=what)
            )
        await reply_lines(interaction, lines)


AUDIT_SHOWN = 25  # the latest entries /settings audit shows
PHASE_ACTIONS = frozenset({"checkin_open", "checkin_close"})  # their detail is a phase
LANGUAGE_ACTIONS = frozenset({"settings_language", "project_language"})  # a language code


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(SettingsCog(services_of(bot)))

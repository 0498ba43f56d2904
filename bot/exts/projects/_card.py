"""The project card: what the project is, the anonymity promise, and Join / Leave."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.custom_ids import CARD_TEMPLATE, CardAction, card_id, parse_card
from bot.core.flow import question_steps
from bot.core.models import Project
from bot.exts._audit import member_names
from bot.exts._context import services
from bot.exts._language import speak_for_project
from bot.exts._replies import refuse, reply
from bot.services.bundle import Services
from bot.services.projects import NotJoined


async def framework_title(services: Services, project: Project) -> str:
    """The title of the project's framework (the bot's, or its server's own)."""
    found = await services.server_frameworks.choice(
        project.guild_id, project.framework_id, services.prompts.language
    )
    return found.title if found is not None else project.framework_id


async def card_content(
    services: Services, project: Project, scores: int
) -> tuple[str, discord.ui.View]:
    """The project card, in the project's language: what the project is, the anonymity
    promise, Join and Leave."""
    with services.prompts.using(await services.languages.project(project)):
        return await _card_content(services, project, scores)


async def _card_content(
    services: Services, project: Project, scores: int
) -> tuple[str, discord.ui.View]:
    p = services.prompts
    content = p(
        "card.body",
        project=project.name,
        framework=await framework_title(services, project),
        starts=p.day(project.starts_on),
        ends=p.day(project.ends_on),
        scores=scores,
    )
    view = discord.ui.View(timeout=None)
    view.add_item(CardItem(CardAction.JOIN, project.id, p("card.join")))
    view.add_item(CardItem(CardAction.LEAVE, project.id, p("card.leave")))
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
        found = services(interaction)
        await speak_for_project(interaction, self.project_id)
        guild_id = interaction.guild.id if interaction.guild else None
        user = interaction.user
        if self.action is CardAction.LEAVE:
            left = await found.projects.leave(self.project_id, guild_id, user.id)
            await refuse(interaction, left.key, **_named(left.project))
            return
        joined = await found.projects.join(self.project_id, guild_id, user.id, member_names(user))
        if isinstance(joined, NotJoined):
            await refuse(interaction, joined.key, **_named(joined.project))
            return
        framework = joined.framework.in_language(found.prompts.language)
        questions = found.prompts(
            "card.joined_questions",
            count=question_steps(framework),
            low=framework.scale[0],
            high=framework.scale[-1],
        )
        text = found.prompts(
            "card.joined",
            project=joined.project.name,
            questions=questions,
            scores=joined.thresholds.scores,
            comments=joined.thresholds.comments,
        )
        await reply(interaction, text)  # answered first: the DM below may take a while
        if joined.open_checkin is None:
            return
        invitation = await found.checkins.join_open_checkin(
            joined.project, joined.open_checkin, user.id
        )
        if invitation is not None:
            key = (
                "card.joined_open_checkin"
                if invitation.channel_id
                else "card.joined_open_checkin_no_dm"
            )
            await reply(interaction, found.prompts(key))


def _named(project: Project | None) -> dict[str, str]:
    return {"project": project.name} if project is not None else {}

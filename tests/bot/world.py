"""Arranging a simulated server for the bot tests, and acting as its members would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord
import simcord

PROJECT = "Youth Board"
COMMENT_FIELD = "comment"


@dataclass
class World:
    env: simcord.Env
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    facilitator: simcord.MemberActor
    members: list[simcord.MemberActor] = field(default_factory=list)

    @property
    def card(self) -> discord.Message:
        """The project card: the bot's first non-ephemeral message in the channel."""
        return next(m for m in self.channel.history() if m.components)

    async def create_project(
        self, name: str = PROJECT, **options: Any
    ) -> simcord.InteractionResult:
        values = {"starts": "2026-01-05", "ends": "2026-06-26", **options}
        return await self.facilitator.slash(
            self.channel, "project create", name=name, channel=self.channel, **values
        )

    async def join_all(self, card: discord.Message | None = None) -> None:
        card = card or self.card
        for member in self.members:
            await member.click(card, label="Join")

    async def open_checkin(
        self, phase: str = "beginning", **options: Any
    ) -> simcord.InteractionResult:
        return await self.facilitator.slash(
            self.channel, "checkin open", project=PROJECT, phase=phase, **options
        )

    async def close_checkin(self) -> simcord.InteractionResult:
        return await self.facilitator.slash(self.channel, "checkin close", project=PROJECT)


def make_world(env: simcord.Env, members: int = 5) -> World:
    guild = env.create_guild(name="Riverside")
    channel = guild.create_text_channel("youth-board")
    lead = guild.create_role("Lead", permissions=discord.Permissions(manage_guild=True))
    facilitator = guild.add_member(env.create_user("sam"), roles=[lead])
    names = ["amira", "ben", "chidi", "dana", "eli", "farah", "gus", "hana", "ivo", "jo"]
    people = [
        guild.add_member(
            env.create_user(names[i % len(names)] + ("" if i < len(names) else str(i)))
        )
        for i in range(members)
    ]
    return World(env, guild, channel, facilitator, people)


FACILITATOR_GROUPS = ("project", "checkin", "settings")


def allow_facilitator_commands(env: simcord.Env, guild: simcord.GuildHandle, *targets: Any) -> None:
    """Let these roles or members use the facilitator command groups, as a server admin does
    in Server Settings → Integrations: Discord hides the groups from anyone without Manage
    Server, and the bot still checks the facilitator role on every use."""
    for scope in env.backend.commands.values():
        for command in scope.values():
            if command["name"] in FACILITATOR_GROUPS:
                guild.set_command_permissions(int(command["id"]), dict.fromkeys(targets, True))


def reply_text(result: simcord.InteractionResult) -> str:
    """What the person who acted sees: the response, or the last follow-up."""
    if result.followups:
        return result.followups[-1].content
    if result.response is not None:
        return result.response.content
    return ""


def labels(message: Any) -> list[str]:
    """The labels of every button on a message."""
    out = []
    for row in message.components:
        children = row.children if hasattr(row, "children") else row.get("components", [])
        for child in children:
            label = child.label if hasattr(child, "label") else child.get("label")
            if label:
                out.append(label)
    return out


class Answering:
    """One member going through a check-in, always on the message they are looking at."""

    def __init__(self, actor: Any, message: Any) -> None:
        self.actor = actor  # a UserHandle in DMs, a MemberActor for the in-server flow
        self.message = message

    async def click(self, label: str) -> simcord.InteractionResult:
        result = await self.actor.click(self.message, label=label)
        if result.response is not None and not result.followups:
            self.message = result.response.message
        return result

    async def rate(self, value: int) -> simcord.InteractionResult:
        label = next(text for text in labels(self.message) if text.startswith(f"{value} ·"))
        return await self.click(label)

    async def comment(self, text: str) -> simcord.InteractionResult:
        shown = await self.actor.click(
            self.message,
            label=next(t for t in labels(self.message) if t in ("Add a comment", "Edit comment")),
        )
        result = await self.actor.submit_modal(shown, {COMMENT_FIELD: text})
        if result.response is not None and not result.followups:
            self.message = result.response.message
        return result

    async def answer_all(
        self,
        ratings: list[int | None],
        directions: tuple[str, str] = ("Yes", "Not sure"),
        comments: dict[int, str] | None = None,
        last_word: str | None = None,
        submit: bool = True,
    ) -> None:
        """Rate every component (None = Skip), answer both direction checks, then submit."""
        comments = comments or {}
        for index, rating in enumerate(ratings):
            if index in comments:
                await self.comment(comments[index])
            if rating is None:
                await self.click("Skip")
            else:
                await self.rate(rating)
        for choice in directions:
            await self.click(choice)
        if last_word:
            await self.comment(last_word)
        else:
            await self.click("Next")
        if submit:
            await self.click("Submit")


def dm_answering(member: simcord.MemberActor) -> Answering:
    """Start answering from the member's latest DM (the invitation)."""
    return Answering(member.user, member.user.dm_channel.last_message)


async def crafted_click(actor: Any, message: Any, custom_id: str) -> simcord.InteractionResult:
    """Send a button click with a custom_id the message never had, as a modified client could."""
    from simcord.actors import _component_interaction, _visible_message

    stored = _visible_message(actor, message)
    return await _component_interaction(
        actor, stored, {"custom_id": custom_id, "component_type": 2}
    )


async def tampered_click(
    env: simcord.Env, actor: Any, message: Any, label: str, custom_id: str
) -> simcord.InteractionResult:
    """Rewrite one button's custom_id on the stored message, then click it.

    Discord only delivers custom_ids that are on the message, so this is the strongest
    forgery possible: the bot must still check everything the custom_id claims.
    """
    stored = env.backend.get_message(message.channel.id, message.id)

    def rewrite(components: list[dict[str, Any]]) -> None:
        for component in components:
            if component.get("label") == label:
                component["custom_id"] = custom_id
            rewrite(component.get("components", []))

    rewrite(stored.components)
    return await actor.click(message, label=label)


def dm_channel_id(member: simcord.MemberActor) -> int:
    return member.user.dm_channel.id


def block_dms(env: simcord.Env, member: simcord.MemberActor) -> None:
    """The member has turned off DMs from server members: Discord answers 50007."""
    env.inject_error(
        "POST",
        f"/channels/{dm_channel_id(member)}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )


async def open_comment_box(answering: Answering) -> simcord.InteractionResult:
    """Click the comment button on the member's current step; the result holds the box."""
    label = next(t for t in labels(answering.message) if t in ("Add a comment", "Edit comment"))
    shown = await answering.actor.click(answering.message, label=label)
    assert shown.modal is not None
    return shown


async def submit_box_as(
    actor: Any, shown: simcord.InteractionResult, custom_id: str, text: str
) -> simcord.InteractionResult:
    """Send the box `shown` to `actor` back with another custom_id, as a modified client could.

    SimCord submits a box only as it was shown, and only by the person it was shown to, so
    this rewrites the custom_id on SimCord's record of the shown box (the private
    `InteractionResult._interaction.modal`, the one place it is kept), then sends it with the
    public `submit_modal`: the submission is a real modal_submit from `actor`, through the
    gateway, that claims to be any box at all. Discord caps a custom_id at 100 characters,
    and so does SimCord.
    """
    shown._interaction.modal["custom_id"] = custom_id
    return await actor.submit_modal(shown, {COMMENT_FIELD: text})

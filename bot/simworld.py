"""The SimCord driver shared by `coreflect demo` and the tests: the virtual clock the bot is
built with, a simulated server arranged around a project, and members acting on it.

SimCord (the optional `demo` extra) is imported here, so only the demo and the tests import
this module; the running bot never does. Nothing here reaches into the bot: every step is
what a person does in Discord (a slash command, a click, a comment box) or what a server
does to them (DMs turned off), and what they are shown is read off the messages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord
import simcord

PROJECT = "Youth Board"
CHANNEL = "youth-board"
COMMENT_FIELD = "comment"
COMMENT_BUTTONS = ("Add a comment", "Edit comment")
# Every SimCord operation (a click, or advancing virtual time by days) must settle within this
# many real seconds; sleeps shorter than it are waited out for real during a click.
SETTLE_TIMEOUT = 15.0


class VirtualClock:
    """The bot's injected clock: SimCord's virtual time, once the world exists."""

    def __init__(self) -> None:
        self.env: simcord.Env | None = None

    def __call__(self) -> datetime:
        if self.env is None:
            raise RuntimeError("the clock was read before the simulated world started")
        return self.env.now()


@asynccontextmanager
async def running(
    bot: discord.Client, clock: VirtualClock, settle_timeout: float = SETTLE_TIMEOUT
) -> AsyncIterator[simcord.Env]:
    """The bot logged in to a fresh simulated Discord whose time `clock` reads.

    On the way out the world shuts down, the bot closes (its database too, as a real shutdown
    does) and anything the bot raised meanwhile is raised here, as an `ExceptionGroup`.
    """
    env = simcord.Env(bot, settle_timeout=settle_timeout)
    clock.env = env  # before start: the scheduler reads the clock as soon as it is ready
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()
        await env.bot.close()  # the bot now running: a test may have restarted it
    env.raise_errors()


async def advance_to(
    env: simcord.Env, moment: datetime, step: timedelta = timedelta(days=7)
) -> None:
    """Move virtual time to `moment` in steps (each step must settle in real time); the bot
    does whatever falls due on the way."""
    while env.now() < moment:
        await env.advance_time(min(step, moment - env.now()).total_seconds())


@dataclass
class World:
    """A server with a project channel, a facilitator (Manage Server) and members."""

    env: simcord.Env
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    facilitator: simcord.MemberActor
    members: list[simcord.MemberActor] = field(default_factory=list)
    project: str = PROJECT  # the project the check-in commands name

    @property
    def card(self) -> discord.Message:
        """The project card: the bot's first message in the channel with buttons."""
        return next(m for m in self.channel.history() if m.components)

    async def create_project(
        self, name: str | None = None, **options: Any
    ) -> simcord.InteractionResult:
        values = {"starts": "2026-01-05", "ends": "2026-06-26", **options}
        return await self.facilitator.slash(
            self.channel,
            "project create",
            name=name or self.project,
            channel=self.channel,
            **values,
        )

    async def join_all(
        self, card: discord.Message | None = None
    ) -> list[simcord.InteractionResult]:
        """Every member presses Join on the card; what each was shown, in member order."""
        card = card or self.card
        return [await member.click(card, label="Join") for member in self.members]

    async def open_checkin(
        self, phase: str = "beginning", **options: Any
    ) -> simcord.InteractionResult:
        return await self.facilitator.slash(
            self.channel, "checkin open", project=self.project, phase=phase, **options
        )

    async def close_checkin(self) -> simcord.InteractionResult:
        return await self.facilitator.slash(self.channel, "checkin close", project=self.project)

    def posts(self) -> list[discord.Message]:
        """The channel's messages, then those in its threads (a summary's comments)."""
        messages = list(self.channel.history())
        for thread in self.channel.threads:
            messages += thread.history()
        return messages


def arrange(
    env: simcord.Env,
    guild: str,
    members: Sequence[str],
    *,
    project: str = PROJECT,
    facilitator: str = "sam",
) -> World:
    """A server named `guild` with #youth-board, a Lead role with Manage Server held by the
    facilitator, and these members (none of them has joined the project yet)."""
    server = env.create_guild(name=guild)
    channel = server.create_text_channel(CHANNEL)
    lead = server.create_role("Lead", permissions=discord.Permissions(manage_guild=True))
    lead_member = server.add_member(env.create_user(facilitator), roles=[lead])
    people = [server.add_member(env.create_user(name)) for name in members]
    return World(env, server, channel, lead_member, people, project)


# -- what a person sees ------------------------------------------------------------------------


def reply_text(result: simcord.InteractionResult) -> str:
    """What the person who acted sees: the response, or the last follow-up."""
    if result.followups:
        return str(result.followups[-1].content)
    if result.response is not None:
        return str(result.response.content)
    return ""


def labels(message: Any) -> list[str]:
    """The labels of every button on a message (a message, or its raw payload)."""
    out = []
    for row in message.components:
        children = row.children if hasattr(row, "children") else row.get("components", [])
        for child in children:
            label = child.get("label") if isinstance(child, dict) else getattr(child, "label", None)
            if label:
                out.append(str(label))
    return out


def dms(member: simcord.MemberActor, *texts: str) -> list[discord.Message]:
    """The member's DMs from the bot that contain every one of `texts`, oldest first."""
    channel = member.user.dm_channel
    if channel is None:
        return []
    return [m for m in channel.history() if all(t in m.content for t in texts)]


def dm_channel_id(member: simcord.MemberActor) -> int:
    return int(member.user.dm_channel.id)


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


# -- answering a check-in ----------------------------------------------------------------------


class Answering:
    """One member going through a check-in, always on the message they are looking at."""

    comment_buttons: tuple[str, ...] = COMMENT_BUTTONS  # their labels, in the reader's language

    def __init__(self, actor: Any, message: Any) -> None:
        self.actor = actor  # a UserHandle in DMs, a MemberActor for the in-server flow
        self.message = message

    def _follow(self, result: simcord.InteractionResult) -> simcord.InteractionResult:
        if result.response is not None and not result.followups:
            self.message = result.response.message
        return result

    async def click(self, label: str) -> simcord.InteractionResult:
        return self._follow(await self.actor.click(self.message, label=label))

    async def rate(self, value: int) -> simcord.InteractionResult:
        label = next(text for text in labels(self.message) if text.startswith(f"{value} ·"))
        return await self.click(label)

    def has_menu(self) -> bool:
        """Whether the screen shows a select menu (the priorities step)."""
        return any(
            getattr(child, "type", None) is discord.ComponentType.select
            for row in self.message.components
            for child in getattr(row, "children", ())
        )

    async def pick(self, names: Sequence[str]) -> simcord.InteractionResult:
        """Pick these components (by name; none: clear) in the priorities select menu."""
        menu = next(
            child
            for row in self.message.components
            for child in getattr(row, "children", ())
            if getattr(child, "type", None) is discord.ComponentType.select
        )
        values = [next(o.value for o in menu.options if o.label == name) for name in names]
        return self._follow(await self.actor.select(self.message, values, custom_id=menu.custom_id))

    async def open_comment_box(self) -> simcord.InteractionResult:
        """Click the comment button on the current step; the result holds the box."""
        label = next(t for t in labels(self.message) if t in self.comment_buttons)
        shown: simcord.InteractionResult = await self.actor.click(self.message, label=label)
        return shown

    async def comment(self, text: str) -> simcord.InteractionResult:
        shown = await self.open_comment_box()
        return self._follow(await self.actor.submit_modal(shown, {COMMENT_FIELD: text}))

    async def answer_all(
        self,
        ratings: Sequence[int | None],
        directions: Sequence[str] = ("Yes", "Not sure"),
        comments: dict[int, str] | None = None,
        last_word: str | None = None,
        submit: bool = True,
        priorities: Sequence[str] = (),
    ) -> None:
        """Rate every component (None = Skip), answer both direction checks, pick
        `priorities` (component names; none: Skip) if asked, then submit."""
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
        if self.has_menu():  # what matters most (a beginning check-in that asks)
            await (self.pick(priorities) if priorities else self.click("Skip"))
        if submit:
            await self.click("Submit")


def dm_answering(member: simcord.MemberActor, invitation: Any = None) -> Answering:
    """Answering from an invitation in the member's DMs (by default, their latest DM)."""
    return Answering(member.user, invitation or member.user.dm_channel.last_message)


async def start_answering(member: simcord.MemberActor, invitation: Any = None) -> Answering:
    """Press Start on the invitation: the member is at the first question."""
    answering = dm_answering(member, invitation)
    await answering.click("Start")
    return answering


async def answer_invitation(
    member: simcord.MemberActor, ratings: Sequence[int | None], **options: Any
) -> Answering:
    """Start from the latest DM invitation and answer it in full (see `Answering.answer_all`)."""
    answering = await start_answering(member)
    await answering.answer_all(ratings, **options)
    return answering

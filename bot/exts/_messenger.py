"""The Discord side of the services' messaging port (`bot.services.messaging`): DMs and
summary posts."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import discord

from bot.core.custom_ids import message_nonce
from bot.core.frameworks import FrameworkLibrary
from bot.core.models import Checkin, Delivery, DmMessage, Project
from bot.core.prompts import Prompts
from bot.exts._context import services_of
from bot.exts._permissions import CHART, NEEDED, THREADS, bot_permissions, missing
from bot.exts._replies import NO_MENTIONS
from bot.exts.answering import Message, invitation_dm, reminder_dm
from bot.services.messaging import DmResult, PostedSummary, SummaryPost

log = logging.getLogger(__name__)

CANNOT_DM = 50007
CHART_FILE = "summary-chart.png"
# Invitation DMs kept built, one per check-in being sent (a few run at once).
KEPT_INVITATIONS = 16


class DiscordMessenger:
    """Sends what the services ask for; never raises for a refused or failed message."""

    def __init__(
        self, client: discord.Client, *, prompts: Prompts, frameworks: FrameworkLibrary
    ) -> None:
        self.client = client
        self.prompts = prompts
        self.frameworks = frameworks
        # Every invitee of a check-in who reads one language gets the same DM (its buttons
        # name the check-in, and the clicker comes from the interaction), so it is built
        # once per check-in and language, and again only if the project or check-in it was
        # built from has changed. Its view has only DynamicItems, which discord.py keeps
        # per class, never per message.
        self._invitations: dict[tuple[int, str], tuple[Project, Checkin, Message]] = {}

    async def _reader(self, user_id: int, project: Project) -> Prompts:
        """The prompts in the member's language (their choice, else the project's)."""
        languages = services_of(self.client).languages
        return self.prompts.lang(await languages.member(project.guild_id, user_id, project))

    async def _dm(
        self, user_id: int, screen: Message, *, channel_id: int | None, nonce: str
    ) -> DmResult:
        content, view = screen
        extra: dict[str, Any] = {"view": view} if view is not None else {}
        try:
            message = await self._send_dm(user_id, channel_id, content, nonce, extra)
        except discord.Forbidden as error:
            if error.code == CANNOT_DM:
                log.info("user %s does not accept DMs from the bot", user_id)
            else:
                log.warning("DM to user %s forbidden (code %s)", user_id, error.code)
            return DmResult(Delivery.FAILED)
        except discord.HTTPException as error:
            log.warning("DM to user %s failed: %s %s", user_id, error.status, error.code)
            return DmResult(Delivery.PENDING)
        return DmResult(Delivery.DELIVERED, message.channel.id, message.id)

    async def _send_dm(
        self,
        user_id: int,
        channel_id: int | None,
        content: str,
        nonce: str,
        extra: dict[str, Any],
    ) -> discord.Message:
        """Send into the known DM channel (one request); else open it first (two: the DM
        channel is opened from the id alone, without fetching the user)."""
        if channel_id is not None:
            channel = self.client.get_partial_messageable(
                channel_id, type=discord.ChannelType.private
            )
            try:
                return await channel.send(
                    content, nonce=nonce, allowed_mentions=NO_MENTIONS, **extra
                )
            except discord.NotFound:
                log.info("stored DM channel of user %s is gone; opening a new one", user_id)
        dm = await self.client.create_dm(discord.Object(id=user_id))
        return await dm.send(content, nonce=nonce, allowed_mentions=NO_MENTIONS, **extra)

    async def send_invitation(
        self,
        user_id: int,
        project: Project,
        checkin: Checkin,
        *,
        channel_id: int | None,
        nonce: str,
    ) -> DmResult:
        p = await self._reader(user_id, project)
        return await self._dm(
            user_id, self._invitation(p, project, checkin), channel_id=channel_id, nonce=nonce
        )

    def _invitation(self, p: Prompts, project: Project, checkin: Checkin) -> Message:
        """The invitation of a check-in in one language, built once and reused for every
        member who reads that language."""
        key = (checkin.id, p.language)
        kept = self._invitations.get(key)
        if kept is not None and kept[0] == project and kept[1] == checkin:
            return kept[2]
        framework = self.frameworks.for_checkin(checkin).in_language(p.language)
        screen = invitation_dm(p, project, checkin, framework)
        self._invitations.pop(key, None)
        if len(self._invitations) >= KEPT_INVITATIONS:
            del self._invitations[next(iter(self._invitations))]  # the oldest built
        self._invitations[key] = (project, checkin, screen)
        return screen

    async def send_reminder(
        self,
        user_id: int,
        project: Project,
        checkin: Checkin,
        answered: int,
        invited: int,
        *,
        channel_id: int | None,
        nonce: str,
    ) -> DmResult:
        p = await self._reader(user_id, project)
        screen = reminder_dm(p, project, checkin, answered, invited)
        return await self._dm(user_id, screen, channel_id=channel_id, nonce=nonce)

    async def post_summary(
        self, channel_id: int, post: SummaryPost, *, nonce: str
    ) -> PostedSummary:
        """Post what the bot's permissions in the channel allow: without Attach Files the text
        goes out without its chart, without the thread permissions the comments follow in the
        channel, and without Send Messages nothing is tried (the caller tries again later).

        The permissions are checked first because Discord refuses the whole message when a
        file is attached without Attach Files, and the text must not be lost with the chart.
        """
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            log.warning("summary channel %s is gone or not a text channel", channel_id)
            return PostedSummary(None)
        permissions = bot_permissions(channel)
        if missing(permissions, NEEDED):
            log.warning("summary channel %s: the bot may not post there", channel_id)
            return PostedSummary(None, missing(permissions, NEEDED))
        lacking = missing(permissions, CHART if post.chart is not None else ())
        if post.comments:
            lacking += missing(permissions, THREADS)
        first: discord.Message | None = None
        try:
            for index, page in enumerate(post.pages):
                if index:
                    await asyncio.sleep(0)  # the loop runs between pages (see below)
                extra: dict[str, Any] = {}
                if index == 0 and post.chart is not None and not missing(permissions, CHART):
                    extra["file"] = discord.File(
                        io.BytesIO(post.chart), filename=CHART_FILE, description=post.chart_alt
                    )
                # No link in a comment unfurls a preview (links are redacted too).
                message = await channel.send(
                    page,
                    nonce=message_nonce(nonce, index),
                    allowed_mentions=NO_MENTIONS,
                    suppress_embeds=True,
                    **extra,
                )
                first = first or message
        except discord.HTTPException as error:
            log.warning("posting a summary in %s failed: %s", channel_id, error.status)
        if first is not None and post.comments:
            threads = not missing(permissions, THREADS)
            await self._post_comments(channel, first, post, nonce, in_thread=threads)
        return PostedSummary(first.id if first else None, lacking)

    async def _post_comments(
        self,
        channel: discord.TextChannel,
        first: discord.Message,
        post: SummaryPost,
        nonce: str,
        *,
        in_thread: bool,
    ) -> None:
        """Comments in a thread under the summary; if no thread can be made, in the channel."""
        target: discord.abc.Messageable = channel
        if in_thread:
            try:
                target = await first.create_thread(name=post.thread_name)
            except discord.HTTPException as error:
                log.info(
                    "no thread for comments in %s (%s); posting them below",
                    channel.id,
                    error.status,
                )
        try:
            for index, page in enumerate(post.comments):
                if index:
                    # Let the event loop run between pages: a large group's comments are
                    # dozens of messages, and a send that needs no wait would otherwise hold
                    # the loop for all of them.
                    await asyncio.sleep(0)
                await target.send(
                    page,
                    nonce=message_nonce(nonce, "comments", index),
                    allowed_mentions=NO_MENTIONS,
                    suppress_embeds=True,
                )
        except discord.HTTPException as error:
            log.warning("posting comments in %s failed: %s", channel.id, error.status)

    async def post_notice(self, channel_id: int, text: str) -> bool:
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("notice channel %s is gone or not a text channel", channel_id)
            return False
        try:
            await channel.send(text, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.warning("posting a notice in %s failed: %s", channel_id, error.status)
            return False
        return True

    async def clear_dm(self, message: DmMessage, text: str) -> bool:
        channel = self.client.get_partial_messageable(
            message.channel_id, type=discord.ChannelType.private
        )
        try:
            await channel.get_partial_message(message.message_id).edit(content=text, view=None)
        except discord.HTTPException as error:
            # Gone (deleted, DMs closed) or failing: nothing more to do for this message.
            log.info("check-in DM %s not emptied: %s", message.message_id, error.status)
            return False
        return True

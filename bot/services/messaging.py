"""The messaging port: what the services ask of Discord, and what Discord answered.

The services never import discord; `bot.exts._messenger.DiscordMessenger` is the one
implementation (tests use it too, through SimCord).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.core.models import Checkin, Delivery, DmMessage, Project


@dataclass(frozen=True, slots=True)
class SummaryPost:
    """A summary ready to post: the results, the comments (for a thread) and the chart."""

    pages: list[str]
    comments: list[str]
    thread_name: str
    chart: bytes | None = None
    chart_alt: str = ""
    took_part: int = 0
    invited: int = 0


@dataclass(frozen=True, slots=True)
class PostedSummary:
    """How a summary post went: its first message (None if nothing could be posted) and the
    channel permissions whose lack made it go out without its chart or its thread."""

    message_id: int | None
    missing: tuple[str, ...] = ()  # permission names, e.g. "attach_files"


@dataclass(frozen=True, slots=True)
class DmResult:
    """What happened to one DM: delivered, refused by Discord (DMs closed), or failed."""

    delivery: Delivery
    channel_id: int | None = None
    message_id: int | None = None


class Messenger(Protocol):
    """The small port through which services talk to Discord.

    `channel_id` is the member's DM channel if known (one request instead of two); `nonce`
    lets Discord drop a retried send it already took.
    """

    async def send_invitation(
        self,
        user_id: int,
        project: Project,
        checkin: Checkin,
        *,
        channel_id: int | None,
        nonce: str,
    ) -> DmResult:
        """DM one participant the opening message of a check-in."""
        ...

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
        """DM one participant a reminder."""
        ...

    async def post_summary(
        self, channel_id: int, post: SummaryPost, *, nonce: str
    ) -> PostedSummary:
        """Post a summary (chart on its first message, comments in a thread under it), as
        far as the bot's channel permissions allow; its first message's id (None if nothing
        could be posted) and the permissions that were missing."""
        ...

    async def post_notice(self, channel_id: int, text: str) -> bool:
        """Post a short notice for facilitators; False if it could not be posted."""
        ...

    async def clear_dm(self, message: DmMessage, text: str) -> bool:
        """Replace a check-in message in a member's DMs with `text`, buttons removed; False
        if it could not be edited (it is gone, or Discord failed)."""
        ...

"""Comment box submissions, answered from the signed `custom_id` and the text alone."""

from __future__ import annotations

import logging
import re

import discord
from discord.ext import commands

from bot.core.custom_ids import BOX_TEMPLATE, is_box_id
from bot.exts._context import services
from bot.exts._language import speak_for_checkin
from bot.exts._modal_text import modal_submission
from bot.exts._replies import refuse
from bot.exts.answering._box import submitted_text
from bot.exts.answering._items import show

log = logging.getLogger(__name__)


class CommentBoxes(commands.Cog):
    """Answers every comment box submission, from any opening, before or after a restart."""

    @commands.Cog.listener()
    async def on_modal_interaction(self, interaction: discord.Interaction) -> None:
        submission = modal_submission(interaction, is_box_id)
        if submission is None:
            return
        custom_id, components = submission
        match = re.fullmatch(BOX_TEMPLATE, custom_id)
        await speak_for_checkin(interaction, int(match["checkin"]) if match else None)
        text = submitted_text(components)
        try:
            answering = services(interaction).answering
            outcome = await answering.comment(custom_id, text, interaction.user.id)
            await show(interaction, outcome)
        except Exception:
            log.exception("a comment could not be stored")
            await refuse(interaction, "errors.generic")

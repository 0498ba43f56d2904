"""The comment box: a modal whose submission is handled from its signed `custom_id` alone.

discord.py keeps a sent Modal in memory, keyed by its custom_id, and hands it the submission.
That loses boxes on a restart, so the Modal sent here does nothing on submit: every
submission is answered by `_submissions.CommentBoxes`, from the `custom_id` (signed for
the member who opened the box) and the submitted text, both before and after a restart.
"""

from __future__ import annotations

import logging

import discord

from bot.core.models import COMMENT_MAX_CHARS
from bot.core.prompts import Prompts
from bot.exts._modal_text import text_input_value

log = logging.getLogger(__name__)

COMMENT_INPUT = "comment"
# An abandoned box is dropped from discord.py's memory after an hour instead of kept forever.
# The member can still send it later: the submission needs nothing from memory.
COMMENT_BOX_SECONDS = 3600


class CommentModal(discord.ui.Modal):
    """The comment box as shown; what is sent back is handled by `CommentBoxes`."""

    def __init__(self, prompts: Prompts, custom_id: str, existing: str | None) -> None:
        super().__init__(
            title=prompts("flow.comment_title"), custom_id=custom_id, timeout=COMMENT_BOX_SECONDS
        )
        self.add_item(
            discord.ui.TextInput(
                label=prompts("flow.comment_label"),
                custom_id=COMMENT_INPUT,
                style=discord.TextStyle.paragraph,
                placeholder=prompts("flow.comment_placeholder"),
                default=existing,
                required=False,
                max_length=COMMENT_MAX_CHARS,
            )
        )

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Nothing: `CommentBoxes` answers every submission, so none is answered twice."""

    async def on_error(  # type: ignore[override]  # the same as Modal.on_error
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        # Only discord.py reading the submission into this object can fail here; the member
        # is answered by `CommentBoxes` all the same, so saying anything would answer twice.
        log.debug("the in-memory copy of a comment box could not be updated", exc_info=error)


def submitted_text(components: object, input_id: str = COMMENT_INPUT) -> str | None:
    """The comment typed into a submitted box (None if the box came back without it)."""
    return text_input_value(components, input_id)

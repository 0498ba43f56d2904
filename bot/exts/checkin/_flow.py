"""Handling a member's clicks and comments during a check-in: every one is stored at once.

The answer is always recorded for the user who clicked or sent a comment box
(`interaction.user`), never for an id read from the `custom_id`, and only if that user was
invited to that check-in.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.core.custom_ids import CommentBox, FlowButton, FlowVerb, box_id
from bot.core.flow import StepKind, resume_index, review_index, step_at
from bot.core.frameworks import Framework
from bot.core.models import COMMENT_MAX_CHARS, Checkin, DirectionChoice, Project
from bot.exts._shared import bot_of, refuse
from bot.exts.checkin import _render
from bot.exts.checkin._box import CommentModal

if TYPE_CHECKING:
    from bot.app import CoreflectBot

log = logging.getLogger(__name__)


async def show(
    interaction: discord.Interaction,
    screen: _render.Screen,
    *,
    new_message: bool = False,
) -> None:
    """Show a screen by editing the clicked message (or, from /reflect, as a new message)."""
    content, view = screen
    if new_message:
        ephemeral = interaction.guild is not None
        if view is None:
            await interaction.response.send_message(content, ephemeral=ephemeral)
        else:
            await interaction.response.send_message(content, view=view, ephemeral=ephemeral)
    else:
        await interaction.response.edit_message(content=content, view=view)


async def _context(
    interaction: discord.Interaction, checkin_id: int
) -> tuple[Project, Checkin, Framework] | None:
    """The check-in, if the clicker may answer it; otherwise answer with a refusal."""
    bot = bot_of(interaction)
    checkin = await bot.store.get_checkin(checkin_id)
    invitation = (
        await bot.store.get_invitation(checkin.id, interaction.user.id) if checkin else None
    )
    if checkin is None or invitation is None:
        await refuse(interaction, "errors.not_invited")
        return None
    project = await bot.store.get_project(checkin.project_id)
    if project is None:
        await refuse(interaction, "errors.project_gone")
        return None
    if not checkin.is_open:
        await refuse(interaction, "errors.checkin_closed")
        return None
    framework = bot.frameworks.for_checkin(checkin)
    return project, checkin, framework


async def start(
    interaction: discord.Interaction, checkin_id: int, *, new_message: bool = False
) -> None:
    """Show the member where they left off (used by Start, Change and /reflect)."""
    context = await _context(interaction, checkin_id)
    if context is None:
        return
    project, checkin, framework = context
    bot = bot_of(interaction)
    await bot.store.set_declined(checkin.id, interaction.user.id, False)
    response = await bot.store.get_response(checkin.id, interaction.user.id)
    index = resume_index(framework, response)
    screen = _render.step_screen(bot, project, checkin, framework, index, response)
    await show(interaction, screen, new_message=new_message)


async def handle_click(interaction: discord.Interaction, button: FlowButton | None) -> None:
    """One click in the flow: store it, then show the next screen."""
    if button is None:
        await refuse(interaction, "errors.stale_button")
        return
    if button.verb is FlowVerb.START:
        await start(interaction, button.checkin_id)
        return
    context = await _context(interaction, button.checkin_id)
    if context is None:
        return
    project, checkin, framework = context
    bot = bot_of(interaction)
    user_id = interaction.user.id
    step = step_at(framework, button.step)
    if step.index != button.step:
        await refuse(interaction, "errors.stale_button")
        return

    if button.verb is FlowVerb.COMMENT:
        if step.kind is StepKind.REVIEW:
            await refuse(interaction, "errors.stale_button")
            return
        response = await bot.store.get_response(checkin.id, user_id)
        existing = response.answers.get(step.item)
        custom_id = box_id(bot.box_key, checkin.id, step.index, user_id)
        modal = CommentModal(bot.prompts, custom_id, existing.comment if existing else None)
        await interaction.response.send_modal(modal)
        return

    next_index = await _apply(bot, checkin, framework, user_id, button, step.kind, step.item)
    if next_index is None:
        await refuse(interaction, "errors.stale_button")
        return
    if next_index < 0:
        await show(interaction, _render.closed(bot))
        return
    if button.verb is FlowVerb.DECLINE:
        await show(interaction, _render.declined(bot, checkin))
        return
    response = await bot.store.get_response(checkin.id, user_id)
    await show(
        interaction, _render.step_screen(bot, project, checkin, framework, next_index, response)
    )


async def _apply(
    bot: CoreflectBot,
    checkin: Checkin,
    framework: Framework,
    user_id: int,
    button: FlowButton,
    kind: StepKind,
    item: str,
) -> int | None:
    """Store what the click means; the step to show next, -1 if closed, None if invalid."""
    store = bot.store
    here = button.step
    verb = button.verb
    if verb is FlowVerb.DECLINE:
        await store.set_declined(checkin.id, user_id, True)
        return here
    if verb is FlowVerb.BACK:
        return max(here - 1, 0)
    if verb is FlowVerb.CHANGE:
        return 0
    if verb is FlowVerb.NEXT:
        return here + 1 if kind is StepKind.ANYTHING_ELSE else None
    if verb is FlowVerb.SUBMIT:
        if kind is not StepKind.REVIEW:
            return None
        stored = await store.set_submitted(checkin.id, user_id, True)
        return here if stored else -1
    if verb is FlowVerb.RATE:
        if kind is not StepKind.COMPONENT or not button.value.isdigit():
            return None
        rating = int(button.value)
        if rating not in framework.scale_values:
            return None
        stored = await store.record_rating(checkin.id, user_id, item, rating)
    elif verb is FlowVerb.CHOOSE:
        if kind is not StepKind.DIRECTION:
            return None
        try:
            choice = DirectionChoice(button.value)
        except ValueError:
            return None
        stored = await store.record_choice(checkin.id, user_id, item, choice)
    elif verb is FlowVerb.SKIP:
        if kind is StepKind.COMPONENT:
            stored = await store.record_rating(checkin.id, user_id, item, None)
        elif kind is StepKind.DIRECTION:
            stored = await store.record_choice(checkin.id, user_id, item, None)
        else:
            return None
    else:
        return None
    return min(here + 1, review_index(framework)) if stored else -1


async def save_comment(
    interaction: discord.Interaction, box: CommentBox | None, comment: str | None
) -> None:
    """A sent comment box: store the comment for the sender, then show the step again.

    `box` is None unless its custom_id was signed for `interaction.user`, so a box can only
    be sent by the member it was opened for.
    """
    if box is None:
        await refuse(interaction, "errors.box_not_yours")
        return
    if comment is None:  # the box came back without its text input
        await refuse(interaction, "errors.stale_button")
        return
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_CHARS:
        await refuse(
            interaction, "errors.comment_too_long", max=COMMENT_MAX_CHARS, length=len(comment)
        )
        return
    context = await _context(interaction, box.checkin_id)
    if context is None:
        return
    project, checkin, framework = context
    bot = bot_of(interaction)
    user_id = interaction.user.id
    step = step_at(framework, box.step)
    if step.index != box.step or step.kind is StepKind.REVIEW:
        await refuse(interaction, "errors.stale_button")
        return
    stored = await bot.store.record_comment(checkin.id, user_id, step.item, comment or None)
    if not stored:
        await show(interaction, _render.closed(bot))
        return
    response = await bot.store.get_response(checkin.id, user_id)
    index = step.index
    if step.kind is StepKind.ANYTHING_ELSE and comment:
        index = review_index(framework)
    await show(interaction, _render.step_screen(bot, project, checkin, framework, index, response))

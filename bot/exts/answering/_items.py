"""The check-in flow's buttons and its priorities select menu: DynamicItems whose whole
state is in the custom_id, each answering its own click (through the answering service),
before or after a restart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.core.custom_ids import (
    FLOW_TEMPLATE,
    PICK_TEMPLATE,
    FlowButton,
    flow_id,
    parse_flow,
    parse_pick,
    pick_id,
)
from bot.core.prompts import Prompts
from bot.exts._context import services
from bot.exts._language import speak_for_checkin, speak_member
from bot.exts._replies import refuse
from bot.exts.answering import _screens
from bot.exts.answering._box import CommentModal
from bot.services.answering import (
    BoxOpened,
    ClosedUnderfoot,
    DeclineShown,
    Outcome,
    Refused,
    StepShown,
)

# Refusals to someone the check-in is not theirs: not invited, another's comment box, a stale
# or forged button.
NOT_THEIRS = frozenset({"errors.not_invited", "errors.box_not_yours", "errors.stale_button"})


class FlowItem(discord.ui.DynamicItem[discord.ui.Button[Any]], template=FLOW_TEMPLATE):
    """Any button of a check-in: it keeps working after a restart."""

    def __init__(
        self,
        state: FlowButton | None,
        *,
        label: str | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        row: int | None = None,
        custom_id: str | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                row=row,
                custom_id=custom_id or flow_id(state),  # type: ignore[arg-type]
            )
        )
        self.state = state

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FlowItem:
        # An unknown verb still becomes an item, so the click gets a clear answer.
        return cls(parse_flow(match.groupdict()), custom_id=match.string)

    async def callback(self, interaction: discord.Interaction) -> None:
        """One click: the answering service stores what it means; the next screen replaces
        the clicked one."""
        await speak_for_checkin(interaction, self.state.checkin_id if self.state else None)
        outcome = await services(interaction).answering.click(self.state, interaction.user.id)
        await show(interaction, outcome)


class PickItem(discord.ui.DynamicItem[discord.ui.Select[Any]], template=PICK_TEMPLATE):
    """The priorities select menu of a check-in: it keeps working after a restart."""

    def __init__(
        self, state: FlowButton | None, menu: _screens.Menu | None = None, *, custom_id: str = ""
    ) -> None:
        if menu is not None:
            select: discord.ui.Select[Any] = discord.ui.Select(
                custom_id=pick_id(menu.state.checkin_id, menu.state.step),
                placeholder=menu.placeholder,
                min_values=0,
                max_values=menu.max_values,
                options=[
                    discord.SelectOption(label=name, value=key, default=key in menu.chosen)
                    for key, name in menu.options
                ],
                row=menu.row,
            )
        else:
            select = discord.ui.Select(custom_id=custom_id)
        super().__init__(select)
        self.state = state

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PickItem:
        return cls(parse_pick(match.groupdict()), custom_id=match.string)

    async def callback(self, interaction: discord.Interaction) -> None:
        """The member's picks, as Discord sent them: the answering service checks them
        against the check-in's framework, stores them, and the review replaces the menu."""
        await speak_for_checkin(interaction, self.state.checkin_id if self.state else None)
        data: Any = interaction.data or {}
        values = data.get("values") if isinstance(data, dict) else None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            values = None
        answering = services(interaction).answering
        outcome = await answering.pick(
            self.state if values is not None else None, values or [], interaction.user.id
        )
        await show(interaction, outcome)


def view_of(controls: Sequence[_screens.Control]) -> discord.ui.View | None:
    """The controls of a screen as a view of FlowItems and PickItems (None: none)."""
    if not controls:
        return None
    view = discord.ui.View(timeout=None)
    for control in controls:
        if isinstance(control, _screens.Menu):
            view.add_item(PickItem(control.state, control))
        else:
            view.add_item(
                FlowItem(control.state, label=control.label, style=control.style, row=control.row)
            )
    return view


def screen_of(
    prompts: Prompts, outcome: StepShown | DeclineShown | ClosedUnderfoot
) -> _screens.Screen:
    if isinstance(outcome, StepShown):
        return _screens.step_screen(
            prompts,
            outcome.project,
            outcome.checkin,
            outcome.framework.in_language(prompts.language),
            outcome.index,
            outcome.response,
        )
    if isinstance(outcome, DeclineShown):
        return _screens.declined(prompts, outcome.checkin)
    return _screens.closed(prompts)


async def show(
    interaction: discord.Interaction, outcome: Outcome, *, new_message: bool = False
) -> None:
    """Answer an answering action: a refusal privately, a comment box as a modal, any other
    screen by editing the clicked message (or, from /reflect, as a new message)."""
    prompts = services(interaction).prompts
    if isinstance(outcome, Refused):
        if outcome.key in NOT_THEIRS:
            # Not theirs to answer: said in the clicker's own language, so a forged click
            # learns nothing of the check-in it names (not even its project's language).
            await speak_member(interaction)
        await refuse(interaction, outcome.key, **outcome.values)
        return
    if isinstance(outcome, BoxOpened):
        modal = CommentModal(prompts, outcome.custom_id, outcome.existing)
        await interaction.response.send_modal(modal)
        return
    content, buttons = screen_of(prompts, outcome)
    view = view_of(buttons)
    if new_message:
        ephemeral = interaction.guild is not None
        if view is None:
            await interaction.response.send_message(content, ephemeral=ephemeral)
        else:
            await interaction.response.send_message(content, view=view, ephemeral=ephemeral)
    else:
        await interaction.response.edit_message(content=content, view=view)

"""The check-in flow's buttons: DynamicItems whose whole state is in the custom_id."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.custom_ids import FLOW_TEMPLATE, FlowButton, flow_id, parse_flow


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
        from bot.exts.checkin._flow import handle_click

        await handle_click(interaction, self.state)

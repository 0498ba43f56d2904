"""Confirm and Cancel buttons for commands that erase something."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self

import discord

from bot.core.custom_ids import confirm_id, confirm_template, parse_confirm
from bot.exts._language import speak_member, speak_server


class ConfirmItem(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=confirm_template("[a-z]+")
):
    """A Confirm or Cancel button; subclasses set `kind`, a matching template and callback."""

    kind: ClassVar[str]
    # Whose language the answer is in: the member's own (their data), else the server's.
    for_member: ClassVar[bool] = False

    def __init__(self, target_id: int, confirm: bool, label: str | None = None) -> None:
        style = discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=confirm_id(self.kind, target_id, confirm=confirm),
            )
        )
        self.target_id = target_id
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        button = parse_confirm(match.groupdict())
        if button is None:  # never: the template matches only ids in range
            raise ValueError(f"not a confirm button: {match.string!r}")
        return cls(button.target_id, button.confirm)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Before the callback, in its task: speak the reader's language."""
        if self.for_member:
            await speak_member(interaction)
        else:
            await speak_server(interaction)
        return True


def confirm_view(item: type[ConfirmItem], target_id: int, yes: str, no: str) -> discord.ui.View:
    """The Confirm and Cancel buttons, in that order."""
    view = discord.ui.View(timeout=None)
    view.add_item(item(target_id, True, yes))
    view.add_item(item(target_id, False, no))
    return view

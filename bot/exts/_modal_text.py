"""Reading what was typed into a modal's text inputs, from the raw submission."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import discord


def modal_submission(
    interaction: discord.Interaction, accepts: Callable[[str], bool]
) -> tuple[str, Any] | None:
    """The custom_id and the raw components of a modal submission whose custom_id `accepts`;
    None for any other interaction (another listener's, or not a modal at all)."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str) or not accepts(custom_id):
        return None
    return custom_id, data.get("components")


def text_input_value(components: object, input_id: str) -> str | None:
    """The value of text input `input_id` in a modal submission's components, None if absent.

    Discord nests inputs in action rows (`components`) or, in newer modals, in labels
    (`component`); anything that is not the expected shape is skipped.
    """
    if isinstance(components, Mapping):
        if components.get("custom_id") == input_id and "value" in components:
            value = components["value"]
            return value if isinstance(value, str) else None
        return text_input_value(
            [components.get("component"), components.get("components")], input_id
        )
    if isinstance(components, Sequence) and not isinstance(components, str | bytes):
        for component in components:
            found = text_input_value(component, input_id)
            if found is not None:
                return found
    return None

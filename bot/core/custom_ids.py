"""Building and parsing the `custom_id`s of every persistent button, in one place.

State that must survive a restart lives in the `custom_id` (≤ 100 characters, versioned
with the `cr1:` prefix). It never names who clicked: that always comes from the
interaction itself.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass

PREFIX = "cr1"
MAX_LENGTH = 100


class CardAction(enum.StrEnum):
    JOIN = "join"
    LEAVE = "leave"


class FlowVerb(enum.StrEnum):
    """What a button in the check-in flow does."""

    START = "start"
    DECLINE = "decline"
    RATE = "rate"
    SKIP = "skip"
    COMMENT = "note"
    BACK = "back"
    NEXT = "next"
    CHOOSE = "choose"
    SUBMIT = "submit"
    CHANGE = "change"


CARD_TEMPLATE = rf"{PREFIX}:card:(?P<action>join|leave):(?P<project>[0-9]{{1,20}})"
FLOW_TEMPLATE = (
    rf"{PREFIX}:q:(?P<checkin>[0-9]{{1,20}}):(?P<verb>[a-z]{{1,10}})"
    r":(?P<step>[0-9]{1,3}):(?P<value>[a-z0-9_]{0,32})"
)
PROJECT_DELETE = "pdel"
MYDATA_DELETE = "mdel"


def confirm_template(kind: str) -> str:
    """A Confirm / Cancel button of one kind: the answer, and the id it is about."""
    return rf"{PREFIX}:{kind}:(?P<answer>yes|no):(?P<target>[0-9]{{1,20}})"


PROJECT_DELETE_TEMPLATE = confirm_template(PROJECT_DELETE)
MYDATA_DELETE_TEMPLATE = confirm_template(MYDATA_DELETE)


@dataclass(frozen=True, slots=True)
class FlowButton:
    checkin_id: int
    verb: FlowVerb
    step: int = 0
    value: str = ""


def _checked(custom_id: str) -> str:
    if len(custom_id) > MAX_LENGTH:
        raise ValueError(f"custom_id longer than {MAX_LENGTH}: {custom_id!r}")
    return custom_id


def card_id(action: CardAction, project_id: int) -> str:
    return _checked(f"{PREFIX}:card:{action.value}:{project_id}")


def flow_id(button: FlowButton) -> str:
    return _checked(
        f"{PREFIX}:q:{button.checkin_id}:{button.verb.value}:{button.step}:{button.value}"
    )


def confirm_id(kind: str, target_id: int, *, confirm: bool) -> str:
    return _checked(f"{PREFIX}:{kind}:{'yes' if confirm else 'no'}:{target_id}")


def parse_flow(groups: dict[str, str]) -> FlowButton | None:
    """Turn the groups of a FLOW_TEMPLATE match into a FlowButton; None if the verb is unknown."""
    try:
        verb = FlowVerb(groups["verb"])
    except ValueError:
        return None
    return FlowButton(int(groups["checkin"]), verb, int(groups["step"]), groups["value"])


def message_nonce(*parts: object) -> str:
    """A stable nonce for one message the bot sends (e.g. "invite", check-in, user).

    Sent with `enforce_nonce`, so if a send is retried after Discord already took it,
    Discord returns the first message instead of posting a second (nonces are ≤ 25 chars).
    """
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return str(int.from_bytes(digest[:7], "big"))


def matches(template: str, custom_id: str) -> re.Match[str] | None:
    return re.fullmatch(template, custom_id)

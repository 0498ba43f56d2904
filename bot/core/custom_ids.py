"""Building and parsing the `custom_id`s of every persistent button and box, in one place.

State that must survive a restart lives in the `custom_id` (≤ 100 characters, versioned
with the `cr1:` prefix). It never names who clicked: that always comes from the
interaction itself. A comment box's id is signed for the member it was opened for, so
only that member's submission is accepted.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
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
    PICK = "pick"  # the priorities select menu (its own template, PICK_TEMPLATE)


# The largest id SQLite can store. Ids in a custom_id are canonical (1 to 19 digits, no sign,
# no leading zero) and at most this; the templates match nothing else, so an id out of range
# reaches no button's handler and gets the stale-button answer (bot/exts/unknown_components.py).
MAX_ID = 2**63 - 1


def _at_most(limit: int) -> str:
    """A regex matching exactly the canonical decimals 1..limit."""
    digits = str(limit)
    branches = [rf"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        low, high = (1 if i == 0 else 0), int(digit) - 1
        if high >= low:
            branches.append(rf"{digits[:i]}[{low}-{high}][0-9]{{{len(digits) - 1 - i}}}")
    branches.append(digits)
    return "(?:" + "|".join(branches) + ")"


ID = _at_most(MAX_ID)


def parse_id(text: str) -> int | None:
    """An id as written in a custom_id, or None if it is not canonical or not in 1..MAX_ID."""
    if re.fullmatch(ID, text) is None:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


CARD_TEMPLATE = rf"{PREFIX}:card:(?P<action>join|leave):(?P<project>{ID})"
FLOW_TEMPLATE = (
    rf"{PREFIX}:q:(?P<checkin>{ID}):(?P<verb>[a-z]{{1,10}})"
    r":(?P<step>[0-9]{1,3}):(?P<value>[a-z0-9_]{0,32})"
)
# The priorities select menu of a check-in's step: the picked values come with the
# interaction, never in the custom_id.
PICK_TEMPLATE = rf"{PREFIX}:pick:(?P<checkin>{ID}):(?P<step>[0-9]{{1,3}})"
PROJECT_DELETE = "pdel"
MYDATA_DELETE = "mdel"


def confirm_template(kind: str) -> str:
    """A Confirm / Cancel button of one kind: the answer, and the id it is about."""
    return rf"{PREFIX}:{kind}:(?P<answer>yes|no):(?P<target>{ID})"


PROJECT_DELETE_TEMPLATE = confirm_template(PROJECT_DELETE)
MYDATA_DELETE_TEMPLATE = confirm_template(MYDATA_DELETE)


def is_component_id(custom_id: str) -> bool:
    """Whether a button's handler will answer a click with this custom_id."""
    return any(re.fullmatch(template, custom_id) for template in COMPONENT_TEMPLATES)


# A comment box: which step of which check-in, a nonce unique to this opening, and a MAC
# binding both to the member who opened it. Ids are canonical (no leading zeros), so each
# box has exactly one spelling.
_ID = r"(?:0|[1-9][0-9]{0,18})"
_NONCE_BYTES = 8
_MAC_BYTES = 16
BOX_TEMPLATE = (
    rf"{PREFIX}:box:(?P<checkin>{_ID}):(?P<step>(?:0|[1-9][0-9]{{0,2}}))"
    rf":(?P<nonce>[0-9a-f]{{{2 * _NONCE_BYTES}}}):(?P<mac>[0-9a-f]{{{2 * _MAC_BYTES}}})"
)
# Every modal submission whose id starts so is a comment box's, and is answered by the bot
# even when it cannot be matched; `cr1:comment:` is the unsigned box of earlier versions.
BOX_PREFIXES = (f"{PREFIX}:box:", f"{PREFIX}:comment:")


@dataclass(frozen=True, slots=True)
class FlowButton:
    checkin_id: int
    verb: FlowVerb
    step: int = 0
    value: str = ""


@dataclass(frozen=True, slots=True)
class CardButton:
    action: CardAction
    project_id: int


@dataclass(frozen=True, slots=True)
class ConfirmButton:
    target_id: int
    confirm: bool


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


def pick_id(checkin_id: int, step: int) -> str:
    """The custom_id of the priorities select menu on step `step` of a check-in."""
    return _checked(f"{PREFIX}:pick:{checkin_id}:{step}")


def parse_pick(groups: dict[str, str]) -> FlowButton | None:
    """Turn the groups of a PICK_TEMPLATE match into a FlowButton (verb PICK); None if the
    check-in id is out of range."""
    checkin_id = parse_id(groups["checkin"])
    if checkin_id is None:
        return None
    return FlowButton(checkin_id, FlowVerb.PICK, int(groups["step"]))


def confirm_id(kind: str, target_id: int, *, confirm: bool) -> str:
    return _checked(f"{PREFIX}:{kind}:{'yes' if confirm else 'no'}:{target_id}")


def parse_flow(groups: dict[str, str]) -> FlowButton | None:
    """Turn the groups of a FLOW_TEMPLATE match into a FlowButton; None if the verb is unknown
    or the check-in id out of range."""
    try:
        verb = FlowVerb(groups["verb"])
    except ValueError:
        return None
    checkin_id = parse_id(groups["checkin"])
    if checkin_id is None:
        return None
    return FlowButton(checkin_id, verb, int(groups["step"]), groups["value"])


def parse_card(groups: dict[str, str]) -> CardButton | None:
    """Turn the groups of a CARD_TEMPLATE match into a CardButton; None if out of range."""
    project_id = parse_id(groups["project"])
    try:
        action = CardAction(groups["action"])
    except ValueError:
        return None
    return None if project_id is None else CardButton(action, project_id)


def parse_confirm(groups: dict[str, str]) -> ConfirmButton | None:
    """Turn the groups of a confirm_template match into a ConfirmButton; None if out of range."""
    target_id = parse_id(groups["target"])
    if target_id is None or groups["answer"] not in ("yes", "no"):
        return None
    return ConfirmButton(target_id, groups["answer"] == "yes")


@dataclass(frozen=True, slots=True)
class CommentBox:
    """A comment box whose id was signed for the member who submitted it."""

    checkin_id: int
    step: int


def _box_mac(key: bytes, checkin_id: int, step: int, user_id: int, nonce: str) -> str:
    message = f"box:{checkin_id}:{step}:{user_id}:{nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[: 2 * _MAC_BYTES]


def box_id(
    key: bytes, checkin_id: int, step: int, user_id: int, *, nonce: str | None = None
) -> str:
    """The id of one opening of a comment box, for `user_id` only (a fresh nonce if none)."""
    nonce = secrets.token_hex(_NONCE_BYTES) if nonce is None else nonce
    mac = _box_mac(key, checkin_id, step, user_id, nonce)
    custom_id = _checked(f"{PREFIX}:box:{checkin_id}:{step}:{nonce}:{mac}")
    if re.fullmatch(BOX_TEMPLATE, custom_id) is None:
        raise ValueError(f"not a valid comment box id: {custom_id!r}")
    return custom_id


def is_box_id(custom_id: str) -> bool:
    """Whether a modal submission claims to come from a comment box (valid or not)."""
    return custom_id.startswith(BOX_PREFIXES)


def parse_box(key: bytes, custom_id: str, user_id: int) -> CommentBox | None:
    """The box, if `custom_id` is well formed and was signed for `user_id`; else None."""
    match = re.fullmatch(BOX_TEMPLATE, custom_id)
    if match is None:
        return None
    checkin_id, step = int(match["checkin"]), int(match["step"])
    if checkin_id > MAX_ID:
        return None
    expected = _box_mac(key, checkin_id, step, user_id, match["nonce"])
    if not hmac.compare_digest(expected, match["mac"]):
        return None
    return CommentBox(checkin_id, step)


def message_nonce(*parts: object) -> str:
    """A stable nonce for one message the bot sends (e.g. "invite", check-in, user).

    Sent with `enforce_nonce`, so if a send is retried after Discord already took it,
    Discord returns the first message instead of posting a second (nonces are ≤ 25 chars).
    """
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return str(int.from_bytes(digest[:7], "big"))


def matches(template: str, custom_id: str) -> re.Match[str] | None:
    return re.fullmatch(template, custom_id)


# A server's own frameworks, edited from Discord. The framework is always the clicking
# server's (from the interaction, never from the custom_id); ids and keys as the framework
# schema allows them.
FRAMEWORK_REF = r"[a-z0-9][a-z0-9-]{0,39}"
COMPONENT_REF = r"[a-z][a-z0-9_]{0,31}"
FRAMEWORK_QUESTIONS_TEMPLATE = (
    rf"{PREFIX}:fwq:(?P<framework>{FRAMEWORK_REF}):(?P<component>{COMPONENT_REF})"
)
FRAMEWORK_DELETE_TEMPLATE = rf"{PREFIX}:fwdel:(?P<answer>yes|no):(?P<framework>{FRAMEWORK_REF})"
# The modals: a component's texts (c), a new component (n, no key yet), its questions (q).
FRAMEWORK_MODAL_PREFIX = f"{PREFIX}:fwm:"
FRAMEWORK_MODAL_TEMPLATE = (
    rf"{PREFIX}:fwm:(?P<part>[cnq]):(?P<framework>{FRAMEWORK_REF}):(?P<component>{COMPONENT_REF}|-)"
)


def framework_questions_id(framework_id: str, component_key: str) -> str:
    return _checked(f"{PREFIX}:fwq:{framework_id}:{component_key}")


def framework_delete_id(framework_id: str, *, confirm: bool) -> str:
    return _checked(f"{PREFIX}:fwdel:{'yes' if confirm else 'no'}:{framework_id}")


def framework_modal_id(part: str, framework_id: str, component_key: str | None) -> str:
    return _checked(f"{PREFIX}:fwm:{part}:{framework_id}:{component_key or '-'}")


# The template of every button the bot registers (its DynamicItems). A click whose custom_id
# fully matches one is answered by that button; any other click by the stale-button answer.
COMPONENT_TEMPLATES = (
    CARD_TEMPLATE,
    FLOW_TEMPLATE,
    PICK_TEMPLATE,
    PROJECT_DELETE_TEMPLATE,
    MYDATA_DELETE_TEMPLATE,
    FRAMEWORK_QUESTIONS_TEMPLATE,
    FRAMEWORK_DELETE_TEMPLATE,
)

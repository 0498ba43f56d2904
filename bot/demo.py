"""`coreflect demo`: one check-in of a scripted group, played on SimCord's simulated Discord.

Nothing here talks to real Discord: the real bot runs against an in-memory Discord, eight
members answer in their DMs (one with DMs closed answers through `/reflect`), and what
the project channel and one member's DMs show is printed.
"""

from __future__ import annotations

import secrets
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from bot.app import create_bot
from bot.settings import Settings

RULE = "─" * 72


@dataclass(frozen=True)
class Member:
    name: str
    ratings: tuple[int | None, ...]  # one per component; None = Skip
    directions: tuple[str, str]
    comments: dict[int, str]  # component index → comment
    last_word: str = ""


GROUP = (
    Member(
        "amira",
        (4, 4, 3, 5, 4, 4, 5, 3, 2, 4),
        ("yes", "yes"),
        {0: "I felt listened to at the first meeting, more than I expected."},
    ),
    Member(
        "ben",
        (3, 2, 2, 4, 2, 3, 4, 3, 2, 3),
        ("no", "unsure"),
        {1: "The meetings are at 2pm on weekdays, so people who work can't come."},
        "Could we meet in the evening sometimes? Ask @everyone maybe.",
    ),
    Member(
        "chidi",
        (5, 4, 2, 5, 3, 4, 5, 4, 3, 4),
        ("yes", "yes"),
        {2: "It felt like the plan was already decided before we arrived. Sorry ben!"},
    ),
    Member(
        "dana",
        (2, 3, 1, 4, 2, 3, 4, 2, None, 3),
        ("unsure", "no"),
        {},
        "Email me at dana.r@example.org if you want to talk it over.",
    ),
    Member(
        "eli",
        (4, 3, 3, 4, 3, 5, 4, 4, 3, 4),
        ("yes", "unsure"),
        {5: "Loved the sticky-note session, everyone had a go."},
    ),
    Member(
        "farah",
        (1, 2, 2, 3, 2, 2, 3, 2, 2, 2),
        ("yes", "no"),
        {4: "We still don't get the minutes. Call me on 07700 900123."},
    ),
    Member("gus", (4, 4, 4, 4, 4, 4, 4, 4, 4, 4), ("no", "yes"), {}),
    Member(
        "hana",
        (3, 3, 2, 5, 3, 4, 5, 3, 3, 3),
        ("unsure", "unsure"),
        {9: "Trying small things and changing them is working well."},
    ),
)
CLOSED_DMS = "dana"  # this member's DMs are closed: she answers with /reflect instead
NARRATOR = "amira"  # whose DMs are printed


def _buttons(message: Any) -> str:
    labels = []
    for row in getattr(message, "components", []) or []:
        for child in getattr(row, "children", []):
            if getattr(child, "label", None):
                labels.append(f"[{child.label}]")
    return " ".join(labels)


def said(result: Any) -> str:
    """What the person who used a command sees in reply."""
    if result.followups:
        return str(result.followups[-1].content)
    return str(result.response.content) if result.response else ""


def show(title: str, message: Any) -> None:
    """Print one message as a person would read it."""
    print(f"\n┌ {title}")
    for line in (message.content or "").splitlines() or [""]:
        for wrapped in textwrap.wrap(line, 70) or [""]:
            print(f"│ {wrapped}")
    buttons = _buttons(message)
    if buttons:
        print(f"│ {buttons}")
    print("└")


async def _answer(
    env: Any, user: Any, message: Any, member: Member, narrate: bool, started: bool = False
) -> None:
    """Click through every step of the check-in as `member` would."""
    act = user

    async def click(label: str) -> Any:
        nonlocal message
        result = await act.click(message, label=label)
        message = result.response.message if result.response else message
        return result

    if not started:
        await click("Start")
    for index, rating in enumerate(member.ratings):
        if narrate and index == 0:
            show(f"{member.name}'s DM: the first question", message)
        if index in member.comments:
            shown = await act.click(message, label="Add a comment")
            result = await act.submit_modal(shown, {"comment": member.comments[index]})
            message = result.response.message if result.response else message
        if rating is None:
            await click("Skip")
        else:
            label = next(
                child.label
                for row in message.components
                for child in row.children
                if getattr(child, "label", "") and child.label.startswith(f"{rating} ·")
            )
            await click(label)
    for choice in member.directions:
        await click({"yes": "Yes", "no": "No", "unsure": "Not sure"}[choice])
    if member.last_word:
        shown = await act.click(message, label="Add a comment")
        result = await act.submit_modal(shown, {"comment": member.last_word})
        message = result.response.message if result.response else message
    else:
        await click("Next")
    if narrate:
        show(f"{member.name}'s DM: the review screen", message)
    await click("Submit")
    if narrate:
        show(f"{member.name}'s DM: after Submit", message)


async def play(out: Path) -> int:
    """Run the scripted check-in and print what people see."""
    import simcord

    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            database_path=Path(scratch) / "demo.sqlite3", secret=secrets.token_hex(32)
        )
        holder: dict[str, Any] = {}
        bot = create_bot(settings, clock=lambda: holder["env"].now())
        async with simcord.run(bot) as env:
            holder["env"] = env
            await _scenario(env)
        await bot.close()  # closes the database too; the simulated world is already gone
    print(f"\n{RULE}\nDemo finished: nothing left running, nothing sent to real Discord.")
    return 0


async def _scenario(env: Any) -> None:
    guild = env.create_guild(name="Riverside Community Hub")
    channel = guild.create_text_channel("youth-board")
    lead = guild.create_role("Lead", permissions=discord.Permissions(manage_guild=True))
    facilitator = guild.add_member(env.create_user("sam"), roles=[lead])
    members = {m.name: guild.add_member(env.create_user(m.name)) for m in GROUP}

    print(RULE)
    print("A facilitator, sam, creates the project:")
    print("  /project create name:Youth Board 2026 channel:#youth-board")
    print("                  starts:2026-01-05 ends:2026-06-26")
    result = await facilitator.slash(
        channel,
        "project create",
        name="Youth Board 2026",
        channel=channel,
        starts="2026-01-05",
        ends="2026-06-26",
    )
    print(f"  → (only sam sees) {said(result)}")
    card = channel.last_message
    show("#youth-board: the project card", card)

    print("\nEight members press Join. Each sees a consent note (only them):")
    for name, member in members.items():
        joined = await member.click(card, label="Join")
        if name == NARRATOR:
            show(f"what {name} sees after Join", joined.response)

    dm_channel = members[CLOSED_DMS].user.dm_channel
    env.inject_error(
        "POST",
        f"/channels/{dm_channel.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
    )
    print("\n  /checkin open project:Youth Board 2026 phase:beginning")
    result = await facilitator.slash(
        channel, "checkin open", project="Youth Board 2026", phase="beginning"
    )
    print(f"  → (only sam sees) {said(result)}")

    for member in GROUP:
        actor = members[member.name]
        narrate = member.name == NARRATOR
        if member.name == CLOSED_DMS:
            shown = await actor.slash(channel, "reflect")
            message = shown.response.message
            await _answer_from(env, actor, message, member)
            continue
        invitation = actor.user.dm_channel.last_message
        if narrate:
            show(f"{member.name}'s DM: the invitation", invitation)
        await _answer(env, actor.user, invitation, member, narrate)

    status = await facilitator.slash(channel, "checkin status", project="Youth Board 2026")
    print(f"\n  /checkin status → (only sam sees) {said(status)}")
    closed = await facilitator.slash(channel, "checkin close", project="Youth Board 2026")
    print(f"  /checkin close → (only sam sees) {said(closed)}")

    print(f"\n{RULE}\nWhat everyone in #youth-board sees:")
    for message in channel.history()[1:]:
        if not message.flags.ephemeral:
            show("#youth-board", message)


async def _answer_from(env: Any, actor: Any, message: Any, member: Member) -> None:
    """The in-server (ephemeral) flow for a member whose DMs are closed."""
    # /reflect resumes where the member is: the first question.
    await _answer(env, actor, message, member, narrate=False, started=True)

"""`coreflect demo`: a whole project of a scripted group, played on SimCord's simulated Discord.

Nothing here talks to real Discord: the real bot runs against an in-memory Discord whose
clock is virtual. A facilitator creates a three-month project; eight members join; then the
demo only moves time forward, and the bot's own scheduler opens the beginning, middle and
end check-ins, reminds those who haven't answered, closes each check-in and posts its
summary. Members answer their invitation DMs (one, with DMs closed, uses `/reflect` in the
server). What the project channel and the DMs show is printed, under the virtual date.
"""

from __future__ import annotations

import secrets
import tempfile
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import discord
import simcord

from bot.app import create_bot
from bot.core.schedule import local_label
from bot.settings import Settings
from bot.simworld import (
    Answering,
    VirtualClock,
    advance_to,
    arrange,
    block_dms,
    dms,
    labels,
    reply_text,
    running,
    start_answering,
)

RULE = "─" * 72
PROJECT = "Youth Board 2026"
ZONE = "Europe/London"  # the project's time zone (the default of /project create)
STARTS, ENDS = "2026-01-05", "2026-04-03"  # the clocks go forward on 29 March, in between
PHASES = ("beginning", "middle", "end")
# When the demo expects each check-in to open: the start date, the midpoint and the end
# date, at 10:00 London time (GMT in winter, BST at the end). The bot plans these itself;
# the demo only moves the clock to just after each and looks at what arrived.
OPENS_ON = {"beginning": date(2026, 1, 5), "middle": date(2026, 2, 18), "end": date(2026, 4, 3)}
CHECKIN_TIME = time(10, 0)
WINDOW = timedelta(days=7)
STEP = timedelta(hours=3)  # how far the clock moves at a time while a check-in is open
LONG_STEP = timedelta(days=7)  # ... and between check-ins
DIRECTIONS = {"Y": "Yes", "N": "No", "?": "Not sure"}


@dataclass(frozen=True)
class Reply:
    """How one member answers one check-in."""

    ratings: str  # one character per component, in order: 1–5, or "-" to skip it
    directions: str  # the two direction checks: "Y" (yes), "N" (no) or "?" (not sure)
    comments: dict[int, str] = field(default_factory=dict)  # component index → comment
    last_word: str = ""
    after_reminders: int = 0  # answers only once this many reminders have arrived


@dataclass(frozen=True)
class Member:
    name: str
    beginning: Reply | None  # None: doesn't answer this check-in at all
    middle: Reply | None
    end: Reply | None

    def reply(self, phase: str) -> Reply | None:
        reply: Reply | None = getattr(self, phase)
        return reply


# The components, in order: Equal, Inclusive, Open, Human, Transparent, Creative, Positive,
# Action-focused, Thorough, Iterative. The story: a hopeful start; by the middle, meetings at
# 2pm on weekdays and decisions taken between meetings wear people down; by the end, evening
# meetings and shared minutes have brought most of it back.
GROUP = (
    Member(
        "amira",
        Reply(
            "4435445324",
            "YY",
            {0: "I felt listened to at the first meeting, more than I expected."},
        ),
        Reply("3324334323", "Y?", {4: "Decisions seem to happen between meetings now."}),
        Reply("5445545435", "YY", {4: "The minutes come out the next day now. Huge difference."}),
    ),
    Member(
        "ben",
        Reply(
            "3224234323",
            "N?",
            {1: "The meetings are at 2pm on weekdays, so people who work can't come."},
            "Could we meet in the evening sometimes? Ask @everyone maybe.",
            after_reminders=1,
        ),
        Reply("2113123212", "NN", {1: "Still 2pm on weekdays. I've missed the last three."}),
        Reply("4435345434", "Y?", {1: "Evening meetings mean I can finally come."}),
    ),
    Member(
        "chidi",
        Reply(
            "5425345434",
            "YY",
            {2: "It felt like the plan was already decided before we arrived. Sorry ben!"},
        ),
        Reply("4314234323", "Y?"),
        Reply("5535455545", "YY", {2: "We changed the plan twice because of what we said."}),
    ),
    Member(
        "dana",
        Reply(
            "23142342-3",
            "?N",
            last_word="Email me at dana.r@example.org if you want to talk it over.",
        ),
        Reply("22131232-2", "?N"),
        Reply("33243443-4", "Y?"),
    ),
    Member(
        "eli",
        Reply("4334354434", "Y?", {5: "Loved the sticky-note session, everyone had a go."}),
        Reply("3223243323", "??"),
        Reply("4444454444", "YY", after_reminders=2),
    ),
    Member(
        "farah",
        Reply(
            "1223223222",
            "YN",
            {4: "We still don't get the minutes. Call me on 07700 900123."},
            after_reminders=1,
        ),
        Reply("1112112121", "YN", {6: "Honestly it feels like a box-ticking exercise now."}),
        Reply("2334333323", "Y?"),
    ),
    Member("gus", Reply("4444444444", "NY"), None, Reply("4454444444", "NY")),
    Member(
        "hana",
        Reply("3325345333", "??", {9: "Trying small things and changing them is working well."}),
        Reply("3214234332", "Y?", after_reminders=1),
        Reply("4435455444", "YY", {9: "The evening trial was a small change that worked."}),
    ),
)
CLOSED_DMS = "dana"  # this member's DMs are closed: she answers with /reflect instead
NARRATOR = "amira"  # whose DMs are printed at the beginning check-in


def show(title: str, message: Any) -> None:
    """Print one message as a person would read it."""
    print(f"\n┌ {title}")
    for line in (message.content or "").splitlines() or [""]:
        for wrapped in textwrap.wrap(line, 70) or [""]:
            print(f"│ {wrapped}")
    buttons = " ".join(f"[{label}]" for label in labels(message))
    if buttons:
        print(f"│ {buttons}")
    for attachment in getattr(message, "attachments", []):
        print(f"│ 📎 {attachment.filename}: {attachment.description or ''}".rstrip())
    print("└")


def heading(moment: datetime, what: str) -> None:
    """A section of the story: the virtual date and time in the project's zone."""
    print(f"\n── {local_label(moment, ZONE)} ({ZONE}) ──")
    print(textwrap.fill(what, 72))


def names(people: Iterable[str]) -> str:
    """Names as a sentence lists them: "amira, ben and chidi"."""
    listed = list(people)
    if len(listed) <= 1:
        return "".join(listed) or "nobody"
    return f"{', '.join(listed[:-1])} and {listed[-1]}"


def local_moment(day: date) -> datetime:
    """The check-in time on `day` in the project's zone, as UTC."""
    return datetime.combine(day, CHECKIN_TIME, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


async def _answer(answering: Answering, reply: Reply, narrate: str | None = None) -> None:
    """Click through every step from the first question, as the member would; narrate = their
    name, to print what they see on the way."""
    if narrate:
        show(f"{narrate}'s DM: the first question", answering.message)
    await answering.answer_all(
        [None if rating == "-" else int(rating) for rating in reply.ratings],
        [DIRECTIONS[choice] for choice in reply.directions],
        reply.comments,
        reply.last_word or None,
        submit=False,
    )
    if narrate:
        show(f"{narrate}'s DM: the review screen", answering.message)
    await answering.click("Submit")
    if narrate:
        show(f"{narrate}'s DM: after Submit", answering.message)


async def play(out: Path) -> int:
    """Play the scripted project and print what people see; 1 if something didn't happen."""
    with tempfile.TemporaryDirectory() as scratch:
        # DMs keep their real pacing (dm_gap_seconds, 1 s): they go out while the clock is
        # being advanced, so the gaps pass in virtual time.
        settings = Settings(
            database_path=Path(scratch) / "demo.sqlite3",
            secret=secrets.token_hex(32),
            # Re-read the schedule daily rather than every quarter hour: each wake costs the
            # simulation a little real time, and three months pass here in seconds.
            scheduler_max_sleep=86400.0,
        )
        clock = VirtualClock()
        # On the way out, anything the bot raised along the way fails the demo.
        async with running(create_bot(settings, clock=clock), clock) as env:
            with env.time_context():
                problems = await Story(env, out).play()
    print(RULE)
    for problem in problems:
        print(f"✗ {problem}")
    print("Demo finished: nothing left running, nothing sent to real Discord.")
    return 1 if problems else 0


class Story:
    """The scripted project, told in the order things happen on the virtual clock."""

    def __init__(self, env: simcord.Env, out: Path) -> None:
        self.env = env
        self.out = out  # where the charts, summaries and the report are written
        self.written: list[Path] = []
        self.world = arrange(
            env, "Riverside Community Hub", [m.name for m in GROUP], project=PROJECT
        )
        self.channel = self.world.channel
        self.facilitator = self.world.facilitator
        self.members = {m.name: member for m, member in zip(GROUP, self.world.members, strict=True)}
        self.seen: set[int] = set()
        self.reminder_shown = False  # one reminder DM is printed in full
        self.summaries: dict[str, datetime] = {}  # phase → when its summary was posted
        self.problems: list[str] = []

    # -- watching what the bot sends ---------------------------------------------------------

    def _dms(self, name: str) -> list[discord.Message]:
        return dms(self.members[name])

    def _channel_posts(self) -> list[discord.Message]:
        """What everyone sees: the channel's messages, then those in its threads."""
        return [m for m in self.world.posts() if not m.flags.ephemeral]

    def look(self) -> None:
        """Everything there is now has been seen: what appears next is new."""
        self.seen = {m.id for m in self._channel_posts()}
        for name in self.members:
            self.seen.update(m.id for m in self._dms(name))

    def new_dms(self) -> dict[str, list[discord.Message]]:
        fresh = {
            name: [m for m in self._dms(name) if m.id not in self.seen] for name in self.members
        }
        return {name: messages for name, messages in fresh.items() if messages}

    def new_posts(self) -> list[discord.Message]:
        return [m for m in self._channel_posts() if m.id not in self.seen]

    async def advance_to(self, moment: datetime, step: timedelta = LONG_STEP) -> None:
        """Move the virtual clock to `moment` in steps; the bot does whatever falls due."""
        await advance_to(self.env, moment, step)

    # -- the story ---------------------------------------------------------------------------

    async def play(self) -> list[str]:
        await self.advance_to(datetime(2026, 1, 2, 10, tzinfo=UTC))
        await self.create_and_join()
        for phase in PHASES:
            await self.run_checkin(phase)
        print(
            f"\n{RULE}\nThe bot's scheduler posted every summary on its own, as each window ended:"
        )
        for phase, at in self.summaries.items():
            print(f"  • {phase}: {local_label(at, ZONE)} ({ZONE}), {at:%H:%M} UTC")
        await self.keep_report()
        print(f"\n{RULE}\nFiles written to {self.out}/:")
        for path in self.written:
            print(f"  {path}")
        return self.problems

    async def keep_summary(self, phase: str, posts: list[discord.Message]) -> None:
        """Write a summary's text and its chart to the output folder."""
        self.write(f"{phase}-summary.md", "\n\n".join(m.content for m in posts).encode())
        for attachment in posts[0].attachments:
            self.write(f"{phase}-chart.png", await attachment.read())

    async def keep_report(self) -> None:
        """The facilitator asks for the end-of-project report and the exports; keep them."""
        heading(self.env.now(), "sam asks for the end-of-project report and the exports:")
        for command, options in (
            ("project report", {}),
            ("project export", {"format": "csv"}),
            ("project export", {"format": "json"}),
        ):
            result = await self.facilitator.slash(self.channel, command, name=PROJECT, **options)
            message = result.followups[-1] if result.followups else result.response
            extra = " ".join(f"{k}:{v}" for k, v in options.items())
            print(f"  /{command} name:{PROJECT} {extra}".rstrip())
            print(f"  → (only sam sees) {reply_text(result)}")
            files = message.attachments if message is not None else []
            if not files:
                self.problems.append(f"/{command} {extra} attached no file")
            for attachment in files:
                self.write(attachment.filename, await attachment.read())

    def write(self, name: str, data: bytes) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / name
        path.write_bytes(data)
        self.written.append(path)

    async def create_and_join(self) -> None:
        print(RULE)
        print("Riverside Community Hub, on a simulated Discord with a virtual clock.")
        heading(self.env.now(), "The facilitator, sam, creates the project in #youth-board:")
        print(f"  /project create name:{PROJECT} channel:#youth-board")
        print(f"                  starts:{STARTS} ends:{ENDS}")
        print("  (time zone, check-in time and window left at their defaults)")
        result = await self.world.create_project(starts=STARTS, ends=ENDS)
        print(f"  → (only sam sees) {reply_text(result)}")
        card = self.channel.last_message
        show("#youth-board: the project card", card)

        print("\nEight members press Join. Each sees a consent note (only them):")
        joined = dict(zip(self.members, await self.world.join_all(card), strict=True))
        show(f"what {NARRATOR} sees after Join", joined[NARRATOR].response)
        # Discord refuses the bot's DMs to this member: she has turned off DMs from servers.
        block_dms(self.env, self.members[CLOSED_DMS])
        print(f"  ({CLOSED_DMS} doesn't accept DMs from server members.)")
        print(
            "\nNobody uses /checkin from here on: the demo only moves the virtual clock forward,"
            "\nand members answer what reaches them. The clocks go forward on 29 March, so the"
            "\nend check-in opens at 10:00 London time, which is then 09:00 UTC."
        )
        self.look()

    async def run_checkin(self, phase: str) -> None:
        """Move the clock to the opening, answer, then on through reminders to the close."""
        opens_at = local_moment(OPENS_ON[phase])
        await self.advance_to(opens_at - STEP)
        self.look()
        await self.advance_to(opens_at + STEP, STEP)
        invitations = {
            name: message
            for name, messages in self.new_dms().items()
            for message in messages
            if "Start" in labels(message)
        }
        if not invitations:
            self.problems.append(
                f"no invitations to the {phase} check-in by {local_label(self.env.now(), ZONE)}"
            )
            return
        sent = sorted(m.created_at for m in invitations.values())
        heading(
            sent[0],
            f"The {phase} check-in opens. The bot DMs its invitation to {len(sent)} members, "
            f"one after another ({sent[0]:%H:%M:%S}–{sent[-1]:%H:%M:%S} UTC).",
        )
        if phase == "beginning":
            show(f"{NARRATOR}'s DM: the invitation", invitations[NARRATOR])
        replies = {m.name: m.reply(phase) for m in GROUP}
        reminders = dict.fromkeys(self.members, 0)
        await self.answer_now(phase, replies, reminders, invitations)
        self.look()
        await self.until_closed(phase, opens_at + WINDOW, replies, reminders, invitations)
        for name, reply in replies.items():
            if reply is not None:  # still waiting for a reminder that never came
                self.problems.append(f"{name} waited in vain for a {phase} reminder")

    async def until_closed(
        self,
        phase: str,
        closes_at: datetime,
        replies: dict[str, Reply | None],
        reminders: dict[str, int],
        invitations: dict[str, discord.Message],
    ) -> None:
        """Move the clock on while the check-in is open: reminders, late answers, summary."""
        while self.env.now() < closes_at + 2 * STEP:
            await self.env.advance_time(STEP.total_seconds())
            # The invitations went out at the opening: whatever the bot DMs now is a reminder.
            reminded = {name: messages[-1] for name, messages in self.new_dms().items()}
            if reminded:
                for name in reminded:
                    reminders[name] += 1
                at = min(m.created_at for m in reminded.values())
                heading(at, f"An automatic reminder goes by DM to {names(reminded)}.")
                if not self.reminder_shown:
                    name = next(iter(reminded))
                    show(f"{name}'s DM: the reminder", reminded[name])
                    self.reminder_shown = True
                await self.answer_now(phase, replies, reminders, invitations)
            posts = self.new_posts()
            self.look()
            if posts:
                heading(
                    posts[0].created_at,
                    f"The {phase} check-in closes. The bot posts its summary in #youth-board:",
                )
                for post in posts:
                    where = "#youth-board" if post.channel.id == self.channel.id else "thread"
                    show(where, post)
                self.summaries[phase] = posts[0].created_at
                await self.keep_summary(phase, posts)
                return
        self.problems.append(
            f"no {phase} summary in #youth-board by {local_label(self.env.now(), ZONE)}"
        )

    async def answer_now(
        self,
        phase: str,
        replies: dict[str, Reply | None],
        reminders: dict[str, int],
        invitations: dict[str, discord.Message],
    ) -> None:
        """Those who answer at this point of the check-in do; say who, and who hasn't yet."""
        answering = [
            name
            for name, reply in replies.items()
            if reply is not None and reminders[name] >= reply.after_reminders
        ]
        for name in answering:
            reply = replies.pop(name)
            assert reply is not None
            member = self.members[name]
            if name == CLOSED_DMS:
                shown = await member.slash(self.channel, "reflect")
                assert shown.response is not None, "/reflect did not answer"
                # /reflect resumes where she is: at the first question.
                await _answer(Answering(member, shown.response.message), reply)
            else:
                narrate = name if name == NARRATOR and phase == "beginning" else None
                await _answer(await start_answering(member, invitations[name]), reply, narrate)
        by_dm = [name for name in answering if name != CLOSED_DMS]
        if by_dm:
            print(f"  {names(by_dm)} answer{'s' if len(by_dm) == 1 else ''} by DM.")
        if CLOSED_DMS in answering:
            print(f"  {CLOSED_DMS}, whose DMs are closed, answers with /reflect in #youth-board.")
        waiting = [name for name in replies if name != CLOSED_DMS]
        print(f"  Not answered yet: {names(waiting)}." if waiting else "  Everyone has answered.")

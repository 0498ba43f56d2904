"""Trying to learn who answered what: through facilitator commands, forged clicks, the database
file and the logs (DESIGN.md §2, §4, §5, §8). Every test plays the attacker, then asserts that
what a person sees, or what the file holds, ties no answer to a member."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import simcord
from simcord.backend.errors import SetupError

from bot.keys import respondent_key
from tests.bot.world import (
    PROJECT,
    Answering,
    World,
    answer_invitation,
    current_checkin,
    reply_text,
    start_answering,
    tampered_click,
)
from tests.bot.world import ready as ready_world
from tests.conftest import TEST_SECRET

SECRET = TEST_SECRET.encode()
WRONG_SECRET = b"not-the-server-secret-" + b"0123456789abcdef" * 3
COMPONENTS = 10
# A Latin square: every member has a pattern of their own, yet each component gets every rating
# exactly once, so an honest aggregate is the same whoever gave which rating.
SHUFFLE = [2, 5, 1, 4, 3]
PATTERNS = [[SHUFFLE[(2 * c + i) % 5] for c in range(COMPONENTS)] for i in range(5)]
# No digits and no member's name inside, so a digit or a name next to one is a leak.
COMMENTS = [
    "otter-comment: the agenda felt rushed",
    "heron-comment: decisions happen elsewhere",
    "lynx-comment: more time for young people",
    "moth-comment: snacks would help",
    "wren-comment: the room was too cold",
]
ANSWER_TABLES = ("answers", "responses")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


# -- arranging ----------------------------------------------------------------------------------


async def ready(env: simcord.Env, members: int = 5) -> World:
    """A project everyone has joined, at 10:00 in London (so reminders are allowed)."""
    await env.advance_time(10 * 3600)
    return await ready_world(env, members=members, open_checkin=False)


async def answer(
    member: simcord.MemberActor,
    ratings: list[int],
    comment: str | None = None,
    *,
    on: int = 0,
) -> Answering:
    """Answer the latest DM invitation in full (commenting on component `on`) and submit."""
    return await answer_invitation(member, ratings, comments={on: comment} if comment else None)


def summary_of(world: World) -> Any:
    """The summary the bot posted last in the project channel (not the thread's opener)."""
    heading = f"## 🌱 {PROJECT}:"
    return next(m for m in reversed(world.channel.history()) if m.content.startswith(heading))


def everything_posted(world: World) -> str:
    """What the whole group can read: the channel and every thread under it."""
    return "\n".join(m.content for m in world.posts())


async def shown_with_files(result: simcord.InteractionResult) -> list[str]:
    """What the person who acted sees: every message, and every text file attached to one."""
    messages = [result.response] if result.response is not None else []
    messages += result.followups
    texts = [m.content for m in messages]
    for message in messages:
        for attachment in message.attachments:
            if attachment.description:
                texts.append(attachment.description)
            if not attachment.filename.endswith(".png"):
                texts.append((await attachment.read()).decode())
    return texts


def custom_id_of(env: simcord.Env, message: Any, label: str) -> str:
    """The custom_id of a button as Discord stores it on the message."""
    stored = env.backend.get_message(message.channel.id, message.id)

    def walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for component in components:
            yield component
            yield from walk(component.get("components", []))

    return next(c["custom_id"] for c in walk(stored.components) if c.get("label") == label)


# -- the database file, as anyone holding a copy would read it ------------------------------------


@contextmanager
def raw_database(env: simcord.Env) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the bot's file: no store, no secret."""
    connection = sqlite3.connect(env.bot.settings.database_path, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def every_table(raw: sqlite3.Connection) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every table of the file: its column names and all its rows."""
    tables = [
        name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    found = {}
    for table in tables:
        cursor = raw.execute(f'SELECT * FROM "{table}"')  # names from the file
        found[table] = ([c[0] for c in cursor.description], cursor.fetchall())
    return found


def holds_user(row: tuple[Any, ...], user_ids: set[int]) -> bool:
    return any(value in user_ids or any(str(u) in str(value) for u in user_ids) for value in row)


def answer_rows(raw: sqlite3.Connection) -> set[tuple[Any, ...]]:
    return set(raw.execute("SELECT * FROM answers")) | {
        ("response", *row) for row in raw.execute("SELECT * FROM responses")
    }


# -- 1. a facilitator's every output ----------------------------------------------------------


async def test_no_facilitator_output_ties_a_member_to_a_rating_or_comment(env):
    world = await ready(env)
    say = world.facilitator.slash
    seen: list[str] = []
    seen += await shown_with_files(await world.open_checkin())
    for index, member in enumerate(world.members[:4]):
        await answer(member, PATTERNS[index], COMMENTS[index], on=index)
    seen += await shown_with_files(await say(world.channel, "checkin status", project=PROJECT))
    reminded = await say(world.channel, "checkin remind", project=PROJECT)
    assert "Sent a reminder to 1 participant" in reply_text(reminded)
    seen += await shown_with_files(reminded)
    await answer(world.members[4], PATTERNS[4], COMMENTS[4], on=4)
    for command, options in (
        ("checkin status", {"project": PROJECT}),
        ("project show", {"name": PROJECT}),
        ("project list", {}),
    ):
        seen += await shown_with_files(await say(world.channel, command, **options))
    seen += await shown_with_files(await world.close_checkin())
    seen += await shown_with_files(await say(world.channel, "project show", name=PROJECT))
    seen += await shown_with_files(await say(world.channel, "project report", name=PROJECT))
    exports = {}
    for kind in ("csv", "json"):
        files = await shown_with_files(
            await say(world.channel, "project export", name=PROJECT, format=kind)
        )
        exports[kind] = files[-1]
        seen += files
    seen.append(everything_posted(world))
    seen += [a.description or "" for m in world.channel.history() for a in m.attachments]
    text = "\n".join(seen)

    checkin = await current_checkin(world)
    assert all(comment in text for comment in COMMENTS)  # five took part: comments are shown
    for index, member in enumerate(world.members):
        for leak in (
            str(member.id),
            f"<@{member.id}>",
            respondent_key(SECRET, checkin.id, member.id),
        ):
            assert leak not in text, leak
        assert not re.search(rf"\b{re.escape(member.name)}\b", text, re.IGNORECASE), member.name
        for joiner in (",", ", ", " ", "·", " · ", "|", ""):
            assert joiner.join(map(str, PATTERNS[index])) not in text
    for line in text.splitlines():
        for comment in COMMENTS:
            if comment in line:  # nothing beside a comment: no rating, no name, no id
                assert not re.search(r"\d", line.replace(comment, "")), line
    # Per component, the counts are the aggregate of the Latin square: one of each rating.
    summary = summary_of(world).content
    assert summary.count("1: 1 · 2: 1 · 3: 1 · 4: 1 · 5: 1") == COMPONENTS
    rows = list(csv.DictReader(io.StringIO(exports["csv"])))
    assert len(rows) == COMPONENTS
    assert all([row[f"n_{v}"] for v in range(1, 6)] == ["1"] * 5 for row in rows)
    assert {row["rated"] for row in rows} == {"5"}
    exported = json.loads(exports["json"])
    [only] = exported["checkins"]
    assert set(only) == {
        "checkin", "phase", "opened_on", "took_part", "invited", "enough", "components",
        "directions", "priorities",
    }  # fmt: skip
    assert only["priorities"] is None  # asked at the beginning; nobody picked
    assert all(c["distribution"] == {str(v): 1 for v in range(1, 6)} for c in only["components"])


# -- 2. the scores threshold counts the answers actually stored ------------------------------------


@pytest.mark.parametrize(
    ("answered", "erasing", "numbers_shown"),
    [
        pytest.param(3, 0, True, id="exactly-the-threshold"),
        pytest.param(2, 0, False, id="one-below-the-threshold"),
        pytest.param(3, 1, False, id="three-answered-one-erased"),
    ],
)
async def test_the_scores_threshold_counts_the_answers_actually_stored(
    env, answered, erasing, numbers_shown
):
    world = await ready(env)
    await world.open_checkin()
    for index, member in enumerate(world.members[:answered]):
        await answer(member, PATTERNS[index], COMMENTS[index], on=index)
    for member in world.members[:erasing]:
        # Leave alone keeps given answers in the group's results, as the bot tells the member
        # ("card.left"); erasing them with /mydata delete before the close takes them out.
        await member.click(world.card, label="Leave")
        asked = await member.slash(world.channel, "mydata delete")
        await member.click(asked.response.message, label="Erase my data")

    checkin = await current_checkin(world)
    stored = answered - erasing
    assert await env.bot.store.count_submitted(checkin.id) == stored
    await world.close_checkin()

    summary = summary_of(world)
    if numbers_shown:
        assert f"**{stored} of 5** participants took part" in summary.content
        assert "on average" in summary.content
        assert len(summary.attachments) == 1  # the chart
    else:
        # An erased member is no longer counted as invited either.
        assert f"{stored} of {5 - erasing} participants took part this time" in summary.content
        assert "I only share results once at least 3 people have answered" in summary.content
        assert summary.content.count("\n") == 1  # the heading and the "too few" line only
        assert "on average" not in summary.content
        assert "1: " not in summary.content  # no distribution
        assert summary.attachments == []
        assert world.channel.threads == []
    posted = everything_posted(world)
    assert not any(comment in posted for comment in COMMENTS)  # 3 or fewer: below 5


# -- 3. forged clicks --------------------------------------------------------------------------


async def test_a_button_naming_a_checkin_the_clicker_was_not_invited_to_changes_nothing(env):
    world = await ready(env, members=4)
    other_channel = world.guild.create_text_channel("other")
    await world.facilitator.slash(
        world.channel,
        "project create",
        name="Other",
        channel=other_channel,
        starts="2026-01-05",
        ends="2026-03-01",
    )
    other_card = next(m for m in other_channel.history() if m.components)
    for member in world.members[1:]:
        await member.click(other_card, label="Join")
    await world.open_checkin()
    await world.facilitator.slash(world.channel, "checkin open", project="Other", phase="extra")
    other = await current_checkin(world, "Other")
    youth = await current_checkin(world)
    for index, member in enumerate(world.members[1:]):  # each answers Other's first question
        invitation = Answering(member.user, member.user.dm_channel.last_message)
        await invitation.click("Start")
        await invitation.rate(index + 1)
    intruder = world.members[0]  # invited to the Youth Board only
    answering = await start_answering(intruder)
    with raw_database(env) as raw:
        before = every_table(raw)

    for forged in (
        f"cr1:q:{other.id}:rate:0:5",
        f"cr1:q:{other.id}:skip:1:",
        f"cr1:q:{other.id}:start:0:",
        f"cr1:q:{other.id}:submit:12:",
    ):
        result = await tampered_click(env, intruder.user, answering.message, "5 · Fully", forged)
        assert result.ephemeral, forged
        assert "isn't one you were invited to" in reply_text(result), forged

    with raw_database(env) as raw:
        assert every_table(raw) == before
    assert await env.bot.store.get_invitation(other.id, intruder.id) is None
    assert (await env.bot.store.get_response(other.id, intruder.id)).answers == {}
    assert (await env.bot.store.get_response(youth.id, intruder.id)).answers == {}
    assert sorted(
        r.answers["equal"].rating for r in await env.bot.store.list_responses(other.id)
    ) == [1, 2, 3]


async def test_a_button_lifted_from_someone_elses_dm_answers_only_for_the_clicker(env):
    world = await ready(env, members=3)
    outsider = world.guild.add_member(env.create_user("zed"))  # never joined
    await world.open_checkin()
    ana, ben, _ = world.members
    bens = await start_answering(ben)
    await bens.rate(1)  # Ben is on question 2 now
    lifted = custom_id_of(env, bens.message, "5 · Fully")
    checkin = await current_checkin(world)
    ben_before = await env.bot.store.get_response(checkin.id, ben.id)

    # Discord never delivers a click on a DM the clicker cannot see.
    with pytest.raises(SetupError):
        await ana.user.click(bens.message, label="5 · Fully")
    # The lifted custom_id on Ana's own DM answers for Ana, never for Ben.
    anas = await start_answering(ana)
    await tampered_click(env, ana.user, anas.message, "4 · Mostly", lifted)
    # Someone who was never invited gets nothing recorded, under any key.
    refused = await tampered_click(env, outsider, world.card, "Join", lifted)

    assert "isn't one you were invited to" in reply_text(refused)
    assert await env.bot.store.get_response(checkin.id, ben.id) == ben_before
    assert {k: a.rating for k, a in ben_before.answers.items()} == {"equal": 1}
    anas_answers = (await env.bot.store.get_response(checkin.id, ana.id)).answers
    assert {k: a.rating for k, a in anas_answers.items()} == {"inclusive": 5}
    with raw_database(env) as raw:
        respondents = {r for (r,) in raw.execute("SELECT respondent FROM responses")}
        answered = {r for (r,) in raw.execute("SELECT respondent FROM answers")}
        invited = {u for (u,) in raw.execute("SELECT user_id FROM invitations")}
    # Every invitee has had a keyed response row since the opening; answers are stored under
    # the keys of Ana and Ben only, and nothing at all under the outsider's.
    assert respondents == {respondent_key(SECRET, checkin.id, m.id) for m in world.members}
    assert answered == {respondent_key(SECRET, checkin.id, m.id) for m in (ana, ben)}
    assert respondent_key(SECRET, checkin.id, outsider.id) not in respondents
    assert outsider.id not in invited


# -- 4. the database file alone -----------------------------------------------------------------


async def test_the_database_file_alone_links_no_answer_to_a_member(env):
    world = await ready(env)
    await world.open_checkin()
    for index, member in enumerate(world.members):
        await answer(member, PATTERNS[index], COMMENTS[index], on=index)
    await world.close_checkin()
    checkin = await current_checkin(world)
    people = [world.facilitator, *world.members]
    user_ids = {p.id for p in people}

    with raw_database(env) as raw:
        tables = every_table(raw)
        rated = raw.execute(
            "SELECT respondent, item, rating FROM answers WHERE rating IS NOT NULL"
        ).fetchall()
    assert set(ANSWER_TABLES) <= set(tables)
    for name in ANSWER_TABLES:
        columns, rows = tables[name]
        assert not {"user_id", "created_at", "updated_at"} & set(columns)
        for row in rows:
            assert not holds_user(row, user_ids), (name, row)
            assert not any(ISO_TIME.search(str(value)) for value in row), (name, row)
    for name, (columns, rows) in tables.items():
        for row in rows:
            if holds_user(row, user_ids):
                assert not {"rating", "comment", "choice", "respondent"} & set(columns), name
                assert not any(c in str(value) for c in COMMENTS for value in row), name
    comments = [row for row in tables["answers"][1] if any(c in map(str, row) for c in COMMENTS)]
    assert len(comments) == len(COMMENTS)

    # The respondent key is the only link, and it needs the secret kept outside the file.
    stored = {row[0] for row in rated}
    with_wrong = {respondent_key(WRONG_SECRET, checkin.id, uid) for uid in user_ids}
    assert not stored & with_wrong
    keys = {respondent_key(SECRET, checkin.id, m.id): i for i, m in enumerate(world.members)}
    assert stored == set(keys)
    order = [c.key for c in env.bot.frameworks.for_checkin(checkin).components]
    for respondent, item, rating in rated:
        assert rating == PATTERNS[keys[respondent]][order.index(item)]


# -- 5. thresholds frozen at opening ----------------------------------------------------------


async def test_lowering_the_thresholds_after_opening_does_not_reveal_comments(env):
    world = await ready(env)
    await world.open_checkin()  # with the defaults: scores 3, comments 5
    lowered = await world.facilitator.slash(
        world.channel, "settings thresholds", scores=3, comments=3
    )
    assert "keep the thresholds they opened with" in reply_text(lowered)
    for index, member in enumerate(world.members[:4]):
        await answer(member, PATTERNS[index], COMMENTS[index], on=index)
    await world.close_checkin()

    summary = summary_of(world).content
    assert "**4 of 5** participants took part" in summary
    assert "on average" in summary  # 4 ≥ 3: the scores are shown
    posted = everything_posted(world)
    assert "Comments are shared once at least 5 people take part" in posted  # frozen at 5
    assert world.channel.threads == []
    assert not any(comment in posted for comment in COMMENTS)
    for kind in ("csv", "json"):
        result = await world.facilitator.slash(
            world.channel, "project export", name=PROJECT, format=kind
        )
        exported = "\n".join(await shown_with_files(result))
        assert not any(comment in exported for comment in COMMENTS)
    report = await world.facilitator.slash(world.channel, "project report", name=PROJECT)
    reported = "\n".join(await shown_with_files(report))
    assert not any(comment in reported for comment in COMMENTS)


# -- 6. /mydata delete, read back from the file ---------------------------------------------------


async def test_mydata_delete_leaves_no_row_of_the_member_in_any_checkin(env):
    world = await ready(env, members=4)
    ana, *others = world.members
    await world.open_checkin("beginning")
    for index, member in enumerate(world.members):
        await answer(member, PATTERNS[index], COMMENTS[index], on=index)
    await world.close_checkin()
    await world.open_checkin("middle")  # still open when Ana erases
    for index, member in enumerate(world.members[:3]):
        await answer(member, PATTERNS[index][::-1], f"{COMMENTS[index]} again", on=index + 1)
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    checkins = await env.bot.store.list_checkins(project.id)
    anas_keys = {respondent_key(SECRET, c.id, ana.id) for c in checkins}
    others_keys = {respondent_key(SECRET, c.id, m.id) for c in checkins for m in others}
    with raw_database(env) as raw:
        before = answer_rows(raw)
        participants_before = set(raw.execute("SELECT project_id, user_id FROM participants"))
    assert any(key in row for row in before for key in anas_keys)

    asked = await ana.slash(world.channel, "mydata delete")
    await ana.click(asked.response.message, label="Erase my data")

    with raw_database(env) as raw:
        tables = every_table(raw)
        after = answer_rows(raw)
        participants = set(raw.execute("SELECT project_id, user_id FROM participants"))
        invitations = raw.execute(
            "SELECT c.status FROM invitations AS i "
            "JOIN checkins AS c ON c.id = i.checkin_id WHERE i.user_id = ?",
            (ana.id,),
        ).fetchall()
        invitation_columns = [info[1] for info in raw.execute("PRAGMA table_info(invitations)")]
    for name, (_, rows) in tables.items():
        for row in rows:
            assert not anas_keys & set(map(str, row)), (name, row)
            assert COMMENTS[0] not in " ".join(map(str, row)), (name, row)
            if name != "invitations":
                assert not holds_user(row, {ana.id}), (name, row)
    # Only the record that she was invited to the closed check-in stays, with nothing
    # beside it saying whether she finished, declined or was reminded.
    assert invitations == [("closed",)]
    assert not {"finished", "declined", "reminders", "last_reminded_at"} & set(invitation_columns)
    assert participants == participants_before - {(project.id, ana.id)}
    # Everyone else's answers are exactly as they were.
    assert after == {row for row in before if not anas_keys & set(map(str, row))}
    assert {row[2] for row in after if row[0] == "response"} <= others_keys
    # The other three's rows in each check-in (every invitee had one from the opening).
    assert len([row for row in after if row[0] == "response"]) == 3 + 3


# -- 7. the logs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "logger",
    [
        pytest.param("bot", id="the-bots-own-loggers"),
        pytest.param("", id="every-logger-in-the-bots-process"),
    ],
)
async def test_logs_at_debug_level_never_hold_comments_ratings_or_respondent_keys(
    env, caplog, logger
):
    caplog.set_level(logging.DEBUG)
    world = await ready(env)
    comments = [f"zebra-comment-{i}" for i in range(1, 6)]
    await world.open_checkin()
    for index, member in enumerate(world.members):
        await answer(member, PATTERNS[index], comments[index], on=index)
    await world.close_checkin()
    await world.facilitator.slash(world.channel, "project report", name=PROJECT)
    for kind in ("csv", "json"):
        await world.facilitator.slash(world.channel, "project export", name=PROJECT, format=kind)
    await world.members[0].slash(world.channel, "mydata show")
    assert "zebra-comment-1" in everything_posted(world)  # the comments did go somewhere
    checkin = await current_checkin(world)
    keys = [respondent_key(SECRET, checkin.id, m.id) for m in world.members]

    records = [
        r
        for r in caplog.records
        if not logger or r.name == logger or r.name.startswith(logger + ".")
    ]
    assert any(r.name.startswith("bot.") for r in records)  # the check-in was logged at all
    for record in records:
        message = record.getMessage()
        for secret in (*comments, *keys):
            assert secret not in message, (record.name, message[:300])
        assert not re.search(r"\brating\b\W{0,3}\d", message, re.IGNORECASE), (record.name, message)


# -- the bytes of the file, beyond its tables -----------------------------------------------------


async def test_an_erased_comment_does_not_linger_in_the_database_files(env):
    world = await ready(env, members=3)
    ana = world.members[0]
    await world.open_checkin()
    await answer(ana, PATTERNS[0], "ana-erased-remark-xyzzy", on=0)

    asked = await ana.slash(world.channel, "mydata delete")
    await ana.click(asked.response.message, label="Erase my data")

    # What someone copying the data folder of the running bot would get: the file, its
    # write-ahead log and its shared memory index.
    path = env.bot.settings.database_path
    copies = sorted(path.parent.glob(path.name + "*"))
    assert path in copies
    for copy in copies:
        assert b"ana-erased-remark-xyzzy" not in copy.read_bytes(), copy.name


async def test_a_member_who_left_before_the_close_is_still_not_named_in_comments(env):
    world = await ready_world(env, members=5)
    leaver = world.members[4]
    for member in world.members:
        comment = f"I think {leaver.name} should chair" if member is world.members[0] else None
        await answer(member, [3] * 10, comment)
    await leaver.click(world.card, label="Leave")  # after answering, before the close

    await world.close_checkin()

    posted = everything_posted(world)
    assert "should chair" in posted
    assert leaver.name not in posted

"""The facilitators' audit log and the retention of comment text, through the real bot."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from tests.bot.world import (
    PROJECT,
    advance_to,
    allow_facilitator_commands,
    answer,
    dm_answering,
    make_world,
    ready,
    reply_text,
    scheduled_beginning,
    start_answering,
    utc,
)


async def test_the_audit_log_lists_facilitator_actions_and_never_answers(env):
    world = await ready(env, members=3)
    for member in world.members:
        answering = await start_answering(member)
        await answering.answer_all([4] * 10, last_word="secret-words-123")
    await world.close_checkin()
    await world.facilitator.slash(world.channel, "settings thresholds", scores=4, comments=6)
    await world.facilitator.slash(world.channel, "project export", name=PROJECT, format="csv")

    result = await world.facilitator.slash(world.channel, "settings audit")
    assert result.ephemeral
    text = reply_text(result)
    lines = text.splitlines()
    sam = f"<@{world.facilitator.id}>"
    assert lines[0].startswith("**The last 5 facilitator actions on this server**")
    assert lines[1].endswith(f"{sam} exported the combined results of **{PROJECT}** (csv)")
    assert lines[2].endswith(f"{sam} set the anonymity thresholds (scores/comments) to 4/6")
    assert lines[3].endswith(f"{sam} closed the beginning check-in of **{PROJECT}**")
    assert lines[4].endswith(f"{sam} opened the beginning check-in of **{PROJECT}**")
    assert lines[5].endswith(f"{sam} created **{PROJECT}**")
    assert "secret-words-123" not in text
    for member in world.members:
        assert str(member.id) not in text


async def test_facilitators_may_read_the_audit_log_and_members_may_not(env):
    world = make_world(env, members=1)
    helpers = world.guild.create_role("Helpers")
    helper = world.guild.add_member(env.create_user("helper"), roles=[helpers])
    allow_facilitator_commands(env, world.guild, helpers, world.members[0])
    await world.facilitator.slash(world.channel, "settings facilitator-role", role=helpers)

    allowed = await helper.slash(world.channel, "settings audit")
    assert f"set the facilitator role to {helpers.mention}" in reply_text(allowed)
    refused = await world.members[0].slash(world.channel, "settings audit")
    assert reply_text(refused) == env.bot.prompts("errors.not_facilitator")
    still_refused = await helper.slash(world.channel, "settings thresholds", scores=3, comments=3)
    assert "only someone with the **Manage Server** permission" in reply_text(still_refused)


async def test_an_empty_audit_log_says_so(env):
    world = make_world(env, members=0)
    result = await world.facilitator.slash(world.channel, "settings audit")
    assert reply_text(result) == env.bot.prompts("audit.empty")


async def test_comment_text_is_erased_180_days_after_close_and_the_numbers_stay(env):
    world = await scheduled_beginning(env, members=5)
    for member in world.members:
        await answer(member, 4)
    comment = "keep-me-a-while"
    answering = dm_answering(world.members[0])
    await answering.click("Change my answers")
    await answering.comment(comment)
    database = env.bot.settings.database_path

    def stored_comments() -> list[str]:
        with sqlite3.connect(database) as raw:
            return [row[0] for row in raw.execute("SELECT comment FROM answers") if row[0]]

    def stored_ratings() -> int:
        with sqlite3.connect(database) as raw:
            return raw.execute("SELECT count(*) FROM answers WHERE rating IS NOT NULL").fetchone()[
                0
            ]

    await advance_to(env, utc(2026, 1, 12, 11))  # the beginning closed at 10:00
    assert comment in "\n".join(stored_comments())
    ratings = stored_ratings()
    summary = next(m for m in world.channel.history() if "beginning check-in" in m.content)

    await advance_to(env, utc(2026, 1, 12, 10) + timedelta(days=180) - timedelta(minutes=1))
    assert comment in "\n".join(stored_comments())
    await advance_to(env, utc(2026, 1, 12, 10) + timedelta(days=180, minutes=1))
    assert stored_comments() == []
    assert stored_ratings() == ratings  # the aggregates stay
    assert summary.id in {m.id for m in world.channel.history()}  # posted summaries stay
    mine = await world.members[0].slash(world.channel, "mydata show")
    assert comment not in reply_text(mine)

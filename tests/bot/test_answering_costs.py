"""What one answering action costs the database: one read, and one write if it changes
anything (counted, never timed). The write returns the answers as they now are, so the
next screen needs no second read; each is one hand-over to the database's thread, and a
write's emptying of the write-ahead log one more."""

from __future__ import annotations

from tests.bot.world import COMMENT_FIELD, count_store_use, dm_answering, open_comment_box, ready


async def _answering(env):
    world = await ready(env, members=3)
    answering = dm_answering(world.members[0])
    await answering.click("Start")
    return answering


async def test_a_rating_click_is_one_read_and_one_write(env):
    answering = await _answering(env)
    counts = count_store_use(env)
    await answering.rate(4)
    assert "question 2 of 10" in answering.message.content
    assert counts == {"read": 1, "write": 1, "thread": 3}


async def test_going_back_changes_nothing_and_is_one_read(env):
    answering = await _answering(env)
    await answering.rate(4)
    counts = count_store_use(env)
    await answering.click("Back")
    assert "question 1 of 10" in answering.message.content
    assert "Mostly" in answering.message.content  # the rating just given, from the one read
    assert counts == {"read": 1, "thread": 1}


async def test_a_comment_box_is_one_read_to_open_and_one_read_and_write_to_send(env):
    answering = await _answering(env)
    counts = count_store_use(env)
    shown = await open_comment_box(answering)
    assert counts == {"read": 1, "thread": 1}
    counts.clear()
    sent = await answering.actor.submit_modal(shown, {COMMENT_FIELD: "We listened to each other."})
    assert "We listened to each other." in sent.response.message.content
    assert counts == {"read": 1, "write": 1, "thread": 3}


async def test_starting_again_after_declining_is_one_read_and_one_write(env):
    world = await ready(env, members=3)
    answering = dm_answering(world.members[0])
    await answering.click("Not this time")
    counts = count_store_use(env)
    await answering.click("Start after all")
    assert "question 1 of 10" in answering.message.content
    assert counts == {"read": 1, "write": 1, "thread": 3}

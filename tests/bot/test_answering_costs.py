"""What one answering action costs the database (counted, never timed): a click that changes
the answers on a check-in the bot has already read is one write, which checks the member
may answer and returns the check-in, its project and their answers as they now are; any
other is one read, and one write if it changes anything. Each is one hand-over to the
database's thread, and a write's emptying of the write-ahead log one more."""

from __future__ import annotations

from datetime import timedelta

from tests.bot.world import (
    COMMENT_FIELD,
    count_store_use,
    current_checkin,
    dm_answering,
    open_comment_box,
    ready,
    reply_text,
    restart,
)


async def _answering(env):
    world = await ready(env, members=3)
    answering = dm_answering(world.members[0])
    await answering.click("Start")
    return answering


async def test_a_rating_click_is_one_write(env):
    answering = await _answering(env)
    counts = count_store_use(env)
    await answering.rate(4)
    assert "question 2 of 10" in answering.message.content
    assert counts == {"write": 1, "thread": 2}
    await answering.click("Back")
    assert "Mostly" in answering.message.content  # stored by that one write


async def test_after_a_restart_the_first_click_reads_the_checkin_and_the_next_only_writes(
    env, make_bot
):
    answering = await _answering(env)
    await restart(env, make_bot)
    # The first click reads (its check-in, and the language and names caches a restart
    # emptied) ...
    counts = count_store_use(env)
    await answering.rate(4)
    assert "question 2 of 10" in answering.message.content
    assert counts["read"] >= 1
    # ... and from then on a rating is one write again.
    counts.clear()
    await answering.rate(2)
    assert "question 3 of 10" in answering.message.content
    assert counts == {"write": 1, "thread": 2}


async def test_a_click_the_write_refuses_is_answered_as_before_from_a_read(env):
    answering = await _answering(env)
    # The check-in closes while this screen still shows its buttons (screens are emptied
    # one DM at a time after a close): the click's one write is refused, and the read after
    # it says why, as a click on a closed check-in always did.
    checkin = await current_checkin(env)
    summarise = env.bot.services.results.summariser(checkin)
    assert await env.bot.store.close_checkin(
        checkin.id, checkin.opened_at + timedelta(hours=1), summarise
    )
    counts = count_store_use(env)
    result = await answering.rate(4)
    assert counts["write"] == 1 and counts["read"] == 1
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("errors.checkin_closed")
    stored = await env.bot.store.get_response(checkin.id, answering.actor.id)
    assert stored.answers == {}


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
    # The check-in was read to open the box; sending it is one write. After the answer, the
    # project's names are read once to redact the comment for the close (bot.services.redacting).
    assert counts == {"write": 1, "read": 1, "thread": 3}


async def test_starting_again_after_declining_is_one_read_and_one_write(env):
    world = await ready(env, members=3)
    answering = dm_answering(world.members[0])
    await answering.click("Not this time")
    counts = count_store_use(env)
    await answering.click("Start after all")
    assert "question 1 of 10" in answering.message.content
    assert counts == {"read": 1, "write": 1, "thread": 3}

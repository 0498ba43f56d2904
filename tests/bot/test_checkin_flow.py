"""A member's check-in, click by click, in DMs and in the server; and what the group sees."""

from __future__ import annotations

import pytest
from simcord.backend.errors import SetupError

from bot.core.models import Delivery
from bot.core.schedule import MAX_REMINDERS, REMINDER_SPACING
from tests.bot.world import (
    Answering,
    block_dms,
    crafted_click,
    current_checkin,
    dm_answering,
    dm_channel_id,
    labels,
    make_world,
    ready,
    reply_text,
    start_answering,
    tampered_click,
)

RATINGS = [4, 3, 2, 5, 4, 3, 2, 1, 5, None]


async def test_invitation_dm_says_what_when_and_promises_anonymity(env):
    world = await ready(env)
    invitation = world.members[0].user.dm_channel.last_message
    assert "Youth Board: beginning check-in" in invitation.content
    assert "10 short questions" in invitation.content
    assert "<t:" in invitation.content  # closing time as a Discord timestamp
    assert "anonymous" in invitation.content
    assert labels(invitation) == ["Start", "Not this time"]


async def test_each_click_is_stored_at_once_and_review_lists_answers(env):
    world = await ready(env)
    member = world.members[0]
    answering = await start_answering(member)
    assert "question 1 of 10" in answering.message.content
    assert "## Equal" in answering.message.content
    await answering.rate(4)
    checkin = await current_checkin(env)
    stored = await env.bot.store.get_response(checkin.id, member.id)
    assert stored.answers["equal"].rating == 4
    assert "question 2 of 10" in answering.message.content

    await answering.click("Skip")
    stored = await env.bot.store.get_response(checkin.id, member.id)
    assert stored.answers["inclusive"].skipped

    await answering.click("Back")
    assert "question 2 of 10" in answering.message.content
    assert "You skipped this one." in answering.message.content
    await answering.click("Back")
    assert "Your answer: **Mostly**" in answering.message.content
    await answering.rate(2)  # change of mind replaces the answer
    stored = await env.bot.store.get_response(checkin.id, member.id)
    assert stored.answers["equal"].rating == 2

    answering2 = Answering(member.user, answering.message)
    await answering2.click("Skip")  # inclusive again
    await answering2.answer_all([3] * 8, directions=("Yes", "No"), submit=False)
    review = answering2.message.content
    assert "Your answers" in review
    assert "**Equal**: 2 · A little" in review
    assert "**Inclusive**: skipped" in review
    assert "Submit" in labels(answering2.message)
    assert not (await env.bot.store.get_response(checkin.id, member.id)).submitted

    await answering2.click("Submit")
    assert "Submitted" in answering2.message.content
    assert labels(answering2.message) == ["Change my answers"]
    # Finished: worked out by keying the member, as the counts of the check-in show it.
    assert (await env.bot.store.get_response(checkin.id, member.id)).submitted
    assert (await env.bot.store.checkin_counts(checkin.id)).finished == 1


async def test_change_my_answers_until_close(env):
    world = await ready(env)
    answering = await start_answering(world.members[0])
    await answering.answer_all(RATINGS)
    await answering.click("Change my answers")
    assert "question 1 of 10" in answering.message.content
    await answering.rate(1)
    checkin = await current_checkin(env)
    stored = await env.bot.store.get_response(checkin.id, world.members[0].id)
    assert stored.answers["equal"].rating == 1
    assert stored.submitted  # changing does not withdraw the answers

    await world.close_checkin()
    # The answering screen in the DMs is emptied at the close: nothing left to change with.
    screen = world.members[0].user.dm_channel.last_message
    assert screen.id == answering.message.id
    assert screen.content == env.bot.prompts("dm.checkin_closed")
    assert labels(screen) == []
    with pytest.raises(SetupError):
        await answering.actor.click(screen, label="Back")
    stored = await env.bot.store.get_response(checkin.id, world.members[0].id)
    assert stored.answers["equal"].rating == 1


async def test_answering_a_closed_checkin_changes_nothing(env):
    world = await ready(env)
    answering = await start_answering(world.members[0])
    await answering.rate(5)
    # The answering screen cannot be emptied at the close (Discord refuses the edit), so its
    # buttons are still there to click.
    env.inject_error(
        "PATCH",
        f"/channels/{dm_channel_id(world.members[0])}/messages/*",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )
    await world.close_checkin()
    assert "3 · Partly" in labels(world.members[0].user.dm_channel.last_message)
    result = await answering.actor.click(answering.message, label="3 · Partly")
    assert result.ephemeral
    assert "This check-in has closed" in reply_text(result)
    checkin = await current_checkin(env)
    stored = await env.bot.store.get_response(checkin.id, world.members[0].id)
    assert "inclusive" not in stored.answers


async def test_not_this_time_then_start_after_all(env):
    world = await ready(env)
    answering = dm_answering(world.members[0])
    await answering.click("Not this time")
    assert "No problem" in answering.message.content
    checkin = await current_checkin(env)
    store, member_id = env.bot.store, world.members[0].id

    async def may_be_reminded() -> bool:
        """Declining (kept in the member's keyed row) is what stops their reminders."""
        target = await store.reminder_target(
            checkin.id, member_id, MAX_REMINDERS, REMINDER_SPACING, env.now()
        )
        return target is not None

    assert not await may_be_reminded()
    await answering.click("Start after all")
    assert "question 1 of 10" in answering.message.content
    assert await may_be_reminded()


async def test_buttons_keep_working_after_a_restart(env, make_bot):
    world = await ready(env)
    member = world.members[0]
    answering = await start_answering(member)
    await answering.rate(4)
    await answering.rate(3)
    await answering.comment("Before the restart")

    old = env.bot
    await env.restart_bot(make_bot())
    await old.store.close()  # the old process is gone: its database connection too

    await answering.rate(2)  # the third question, on the message sent before the restart
    assert "question 4 of 10" in answering.message.content
    checkin = await current_checkin(env)
    stored = await env.bot.store.get_response(checkin.id, member.id)
    assert [stored.answers[k].rating for k in ("equal", "inclusive", "open")] == [4, 3, 2]
    assert stored.answers["open"].comment == "Before the restart"
    # A member who had not started yet can start after the restart too.
    other = await start_answering(world.members[1])
    await other.answer_all(RATINGS)
    assert "Submitted" in other.message.content


async def test_a_click_on_someone_elses_checkin_is_refused(env):
    world = await ready(env, members=4)
    outsider = world.guild.add_member(env.create_user("zed"))
    # zed takes part in another project, so has a DM from the bot to click in.
    await world.facilitator.slash(
        world.channel,
        "project create",
        name="Other",
        channel=world.channel,
        starts="2026-01-05",
        ends="2026-03-01",
    )
    other_card = world.channel.history()[-1]
    await outsider.click(other_card, label="Join")
    await world.facilitator.slash(world.channel, "checkin open", project="Other", phase="beginning")
    own_dm = outsider.user.dm_channel.last_message
    youth = await current_checkin(env)

    await outsider.user.click(own_dm, label="Start")
    own_dm = outsider.user.dm_channel.last_message
    # An invitee is answering, so the bot knows the check-in well enough to write a click
    # at once: the write itself must refuse one from someone it never invited.
    await start_answering(world.members[0])

    # A custom_id that is not on the message never reaches the bot's handlers.
    ignored = await crafted_click(outsider.user, own_dm, f"cr1:q:{youth.id}:rate:0:5")
    assert not ignored.acknowledged
    # One that is (on a tampered message) is refused: zed was not invited to it.
    result = await tampered_click(
        env, outsider.user, own_dm, "5 · Fully", f"cr1:q:{youth.id}:rate:0:5"
    )

    assert result.ephemeral
    assert "isn't one you were invited to" in reply_text(result)
    # Only the empty rows the four invitees were given at the opening: nothing answered.
    responses = await env.bot.store.list_responses(youth.id)
    assert len(responses) == 4
    assert all(not r.answers and not r.submitted for r in responses)
    assert await env.bot.store.get_invitation(youth.id, outsider.id) is None


async def test_a_forged_button_with_a_bad_verb_or_rating_is_refused(env):
    world = await ready(env, members=3)
    member = world.members[0]
    await start_answering(member)
    checkin = await current_checkin(env)
    for forged in (
        f"cr1:q:{checkin.id}:rate:0:9",  # off the scale
        f"cr1:q:{checkin.id}:choose:0:yes",  # a direction answer on a component step
        f"cr1:q:{checkin.id}:zap:0:",  # no such verb
        f"cr1:q:{checkin.id}:submit:0:",  # submit from the first question
    ):
        message = member.user.dm_channel.last_message
        result = await tampered_click(env, member.user, message, "5 · Fully", forged)
        assert result.ephemeral, forged
        assert "no longer works" in reply_text(result), forged
    stored = await env.bot.store.get_response(checkin.id, member.id)
    assert stored.answers == {} and not stored.submitted


async def test_closed_dms_are_recorded_not_retried_and_reflect_works_in_the_server(env):
    world = make_world(env, members=4)
    await world.create_project()
    await world.join_all()
    closed = world.members[2]
    block_dms(env, closed)

    result = await world.open_checkin()

    assert "sending the questions to 4 participants now" in reply_text(result)
    status = await world.facilitator.slash(world.channel, "checkin status", project="Youth Board")
    assert "(3 reached by DM so far)" in reply_text(status)
    assert "1 couldn't be reached by DM" in reply_text(status)
    checkin = await current_checkin(env)
    invitation = await env.bot.store.get_invitation(checkin.id, closed.id)
    assert invitation.delivery is Delivery.FAILED
    attempts = [
        r
        for r in env.http_requests
        if r.method == "POST" and r.path == f"/channels/{dm_channel_id(closed)}/messages"
    ]
    assert len(attempts) == 1

    status = await world.facilitator.slash(world.channel, "checkin status", project="Youth Board")
    assert "0 of 4 have answered" in reply_text(status)
    assert "1 couldn't be reached by DM" in reply_text(status)
    assert closed.name not in reply_text(status)

    shown = await closed.slash(world.channel, "reflect")
    assert shown.ephemeral
    assert "question 1 of 10" in shown.response.content
    answering = Answering(closed, shown.response.message)
    await answering.answer_all(RATINGS, comments={1: "From inside the server"})
    assert "Submitted" in answering.message.content
    stored = await env.bot.store.get_response(checkin.id, closed.id)
    assert stored.submitted and stored.answers["inclusive"].comment == "From inside the server"


async def test_reflect_in_dms_resumes_where_the_member_left_off(env):
    world = await ready(env, members=3)
    member = world.members[0]
    answering = await start_answering(member)
    await answering.rate(4)
    await answering.rate(4)
    result = await member.user.slash("reflect")
    assert "question 3 of 10" in result.response.content
    assert not result.ephemeral


async def test_comment_over_the_limit_is_refused(env):
    world = await ready(env, members=3)
    answering = await start_answering(world.members[0])
    shown = await answering.actor.click(answering.message, label="Add a comment")
    assert shown.modal is not None
    with pytest.raises(SetupError):
        await answering.actor.submit_modal(shown, {"comment": "x" * 1001})
    checkin = await current_checkin(env)
    stored = await env.bot.store.get_response(checkin.id, world.members[0].id)
    assert stored.answers == {}

"""`/checkin` open, status, remind and close, and what the group sees when it closes."""

from __future__ import annotations

from tests.bot.world import (
    PROJECT,
    answer_invitation,
    labels,
    make_world,
    ready,
    reply_text,
    start_answering,
)

RATINGS = [4, 3, 2, 5, 4, 3, 2, 1, 5, 3]


async def test_open_needs_participants_and_refuses_a_second_open_checkin(env):
    world = make_world(env, members=3)
    await world.create_project()
    result = await world.open_checkin()
    assert result.ephemeral
    assert "Nobody has joined **Youth Board** yet" in reply_text(result)

    await world.join_all()
    result = await world.open_checkin()
    assert "sending the questions to 3 participants now" in reply_text(result)
    assert all(
        "beginning check-in" in m.user.dm_channel.last_message.content for m in world.members
    )
    again = await world.open_checkin("extra")
    assert again.ephemeral
    assert "is still open" in reply_text(again)
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    assert len(await env.bot.store.list_checkins(project.id)) == 1
    bad_window = await world.facilitator.slash(
        world.channel, "checkin open", project=PROJECT, phase="extra", window_days=0
    )
    assert "1 to 60 days" in reply_text(bad_window)


async def test_status_counts_only_and_never_names(env):
    world = await ready(env, members=4, open_checkin=False)
    await world.open_checkin()
    await answer_invitation(world.members[0], RATINGS)
    result = await world.facilitator.slash(world.channel, "checkin status", project=PROJECT)
    text = reply_text(result)
    assert result.ephemeral
    assert "1 of 4 has answered" in text  # one, so "has"
    for member in world.members:
        assert member.name not in text and str(member.id) not in text


async def test_remind_only_those_not_finished_once_per_12_hours(env):
    world = await ready(env, members=3, open_checkin=False)
    await env.advance_time(10 * 3600)  # 10:00 in London: reminders are allowed
    await world.open_checkin()
    finished = world.members[0]
    await answer_invitation(finished, RATINGS)
    before = {m.id: len(m.user.dm_channel.history()) for m in world.members}

    result = await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)

    assert "Sent a reminder to 2 participants" in reply_text(result)
    assert len(finished.user.dm_channel.history()) == before[finished.id]
    for member in world.members[1:]:
        reminder = member.user.dm_channel.last_message
        assert "1 of 3 has answered so far" in reminder.content
        assert labels(reminder) == ["Start"]
    too_soon = await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    assert "less than 12 hours ago" in reply_text(too_soon)
    await env.advance_time(12 * 3600 + 1)  # 22:00 in London: night
    night = await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    assert "I don't send reminders between 21:00 and 08:00" in reply_text(night)
    await env.advance_time(12 * 3600)  # 10:00 the next day
    later = await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    assert "Sent a reminder to 2 participants" in reply_text(later)
    await env.advance_time(24 * 3600)
    third = await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    assert "had their 2 reminders already" in reply_text(third)
    # The reminder's Start button carries on where the member is.
    answering = await start_answering(world.members[1])
    assert "question 1 of 10" in answering.message.content


async def test_close_posts_the_anonymised_summary_once(env):
    world = await ready(env, members=5, open_checkin=False)
    await world.open_checkin()
    for member in world.members:
        await answer_invitation(member, RATINGS)
    result = await world.close_checkin()
    assert "posted the summary" in reply_text(result)
    posted = [m for m in world.channel.history() if "beginning check-in" in m.content]
    assert len(posted) == 1
    assert "**5 of 5** participants took part" in posted[0].content
    assert "Equal**: 4.0 on average" in posted[0].content
    again = await world.close_checkin()
    assert "no open check-in" in reply_text(again)
    assert len([m for m in world.channel.history() if "beginning check-in" in m.content]) == 1


async def test_below_the_scores_threshold_only_the_too_few_line_is_posted(env):
    world = await ready(env, members=5, open_checkin=False)
    await world.open_checkin()
    for member in world.members[:2]:
        await answer_invitation(member, RATINGS, comments={0: "A secret worth keeping"})
    await world.close_checkin()
    summary = world.channel.history()[-1]
    assert "I only share results once at least 3 people have answered" in summary.content
    assert summary.content.count("\n") == 1  # the heading and that one line, nothing else
    assert "on average" not in summary.content
    assert "A secret worth keeping" not in summary.content
    assert "1·2·3·4·5" not in summary.content


async def test_thresholds_are_frozen_when_a_checkin_opens(env):
    world = await ready(env, members=4, open_checkin=False)
    await world.facilitator.slash(world.channel, "settings thresholds", scores=4, comments=4)
    await world.open_checkin()
    await world.facilitator.slash(world.channel, "settings thresholds", scores=3, comments=3)
    for member in world.members[:3]:
        await answer_invitation(member, RATINGS)
    await world.close_checkin()
    summary = world.channel.history()[-1]
    assert "on average" not in summary.content  # 3 answered, the frozen threshold is 4


async def test_comments_never_ping_and_never_show_names_mentions_or_emails(env):
    world = await ready(env, members=5, open_checkin=False)
    role = world.guild.create_role("Staff")
    await world.open_checkin()
    target = world.members[1]
    nasty = (
        f"@everyone @here <@&{role.id}> <@{target.id}> ask {target.name} or "
        "write to someone@example.org, call +44 7700 900123"
    )
    for index, member in enumerate(world.members):
        comments = {0: nasty} if index == 0 else {}
        await answer_invitation(
            member, RATINGS, comments=comments, last_word="Thanks all" if index == 2 else None
        )
    await world.close_checkin()

    posted = [m for m in world.channel.history() if m.author.id == env.bot.user.id][1:]
    [thread] = world.channel.threads  # the comments go in a thread under the summary
    posted += thread.history()
    text = "\n".join(m.content for m in posted)
    assert "In your own words" in text and "Thanks all" in text
    for leaked in (
        "@everyone",
        "@here",
        f"<@&{role.id}>",
        f"<@{target.id}>",
        "someone@example.org",
        "7700 900123",
        target.name,
    ):
        assert leaked not in text, leaked
    for message in posted:
        assert not message.mention_everyone
        assert message.mentions == [] and message.role_mentions == []


async def test_no_command_output_ties_a_member_to_an_answer(env):
    world = await ready(env, members=5, open_checkin=False)
    await world.open_checkin()
    for index, member in enumerate(world.members):
        await answer_invitation(member, RATINGS, comments={0: f"comment number {index}"})
    outputs = []
    for command, options in (
        ("checkin status", {"project": PROJECT}),
        ("project show", {"name": PROJECT}),
        ("project list", {}),
    ):
        result = await world.facilitator.slash(world.channel, command, **options)
        outputs.append(reply_text(result))
    await world.close_checkin()
    outputs += [m.content for m in world.channel.history()]
    text = "\n".join(outputs)
    for member in world.members:
        assert member.name not in text
        assert str(member.id) not in text

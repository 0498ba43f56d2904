"""The scheduler through the real bot on SimCord: check-ins that run themselves, on virtual time.

SimCord's clock starts on 2026-01-01 00:00 UTC; nothing here sleeps for real.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord
import simcord

from bot.core.models import Phase, SlotState
from tests.bot.world import (
    PROJECT,
    advance_to,
    allow_facilitator_commands,
    answer,
    dms,
    invitations,
    make_world,
    reply_text,
    restart,
    scheduled_beginning,
    summaries,
    utc,
)

LONDON = ZoneInfo("Europe/London")
REMINDER = "A gentle reminder"


def local(message: discord.Message) -> datetime:
    return message.created_at.astimezone(LONDON)


def emptied(env: simcord.Env, member: simcord.MemberActor, messages: list[discord.Message]) -> bool:
    """Whether these DMs (a check-in's invitation and reminders) now only say that the
    check-in has closed, with no buttons: a closed check-in's DMs are emptied."""
    current = {m.id: m for m in member.user.dm_channel.history()}
    closed = env.bot.prompts("dm.checkin_closed")
    return all(current[m.id].content == closed and not current[m.id].components for m in messages)


async def go_down(env: simcord.Env) -> None:
    """The bot stops doing anything on its own, as if its process were gone."""
    await env.bot.scheduler.stop()


async def test_a_90_day_project_runs_itself_across_a_clock_change(env):
    world = make_world(env, members=4)
    await world.create_project(starts="2026-01-05", ends="2026-04-04")
    await world.join_all()
    answerers, silent = world.members[:3], world.members[3]
    # 10:00 in London: GMT in winter, BST (UTC+1) after the clocks go forward on 29 March.
    opens = {
        "beginning": utc(2026, 1, 5, 10),
        "middle": utc(2026, 2, 18, 10),
        "end": utc(2026, 4, 4, 9),
    }
    ratings = {"beginning": 4, "middle": 2, "end": 5}

    for phase, opens_at in opens.items():
        await advance_to(env, opens_at - timedelta(minutes=1))
        assert invitations(world.members[0], phase) == []  # not a minute early
        await advance_to(env, opens_at + timedelta(minutes=1))
        for member in world.members:
            [invitation] = invitations(member, phase)
            assert local(invitation).strftime("%H:%M") == "10:00"
            assert invitation.created_at == opens_at
        for member in answerers:
            await answer(member, ratings[phase])

        closes_at = opens_at + timedelta(days=7)
        # The reminders, read just before the close (which empties the check-in's DMs).
        await advance_to(env, closes_at - timedelta(minutes=1))
        reminders = dms(silent, f"{phase} check-in**", REMINDER)
        assert len(reminders) == 2  # the most anyone gets
        for reminder in reminders:
            assert 8 <= local(reminder).hour < 21  # never at night in London
            assert reminder.created_at < closes_at - timedelta(hours=1)
            assert "3 of 4 have answered so far" in reminder.content
        for member in answerers:
            assert dms(member, f"{phase} check-in**", REMINDER) == []
        [silent_invitation] = invitations(silent, phase)

        await advance_to(env, closes_at + timedelta(minutes=1))
        [summary] = summaries(world, phase)
        assert summary.created_at == closes_at
        assert local(summary).strftime("%H:%M") == "10:00"
        assert "**3 of 4** participants took part" in summary.content
        assert f"{ratings[phase]}.0 on average" in summary.content
        assert emptied(env, silent, [silent_invitation, *reminders])

    await advance_to(env, env.now() + timedelta(days=30))
    for phase in opens:
        assert len(summaries(world, phase)) == 1
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    schedule = await env.bot.store.list_schedule(project.id)
    assert [(s.phase, s.state) for s in schedule] == [
        (Phase.BEGINNING, SlotState.OPENED),
        (Phase.MIDDLE, SlotState.OPENED),
        (Phase.END, SlotState.OPENED),
    ]
    assert len(await env.bot.store.list_checkins(project.id)) == 3


async def test_an_opening_missed_while_down_happens_once_within_its_window(env, make_bot):
    world = make_world(env, members=3)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    await advance_to(env, utc(2026, 1, 5, 9))
    await go_down(env)
    await env.advance_time(2 * 86400)  # back on 7 January: the window runs until the 12th

    await restart(env, make_bot)

    for member in world.members:
        [invitation] = invitations(member, "beginning")
        assert invitation.created_at == utc(2026, 1, 7, 9)
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    [checkin] = await env.bot.store.list_checkins(project.id)
    assert checkin.opened_at == utc(2026, 1, 7, 9)
    assert checkin.closes_at == utc(2026, 1, 12, 10)  # the window keeps its end
    await restart(env, make_bot)
    await env.advance_time(3600)
    assert len(await env.bot.store.list_checkins(project.id)) == 1
    for member in world.members:
        assert len(invitations(member, "beginning")) == 1
    assert [m for m in world.channel.history() if "didn't run" in m.content] == []


async def test_an_opening_whose_window_passed_is_marked_missed_in_one_message(env, make_bot):
    world = make_world(env, members=3)
    notices = world.guild.create_text_channel("facilitators")
    await world.facilitator.slash(world.channel, "settings facilitator-channel", channel=notices)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.create_project(name="Garden Group", starts="2026-01-06", ends="2026-02-01")
    await world.join_all()
    await advance_to(env, utc(2026, 1, 4, 12))
    await go_down(env)
    await advance_to(
        env, env.now() + timedelta(days=10)
    )  # back on 14 January: both beginnings are over

    await restart(env, make_bot)
    await env.advance_time(60)

    [notice] = [m for m in notices.history() if "didn't run" in m.content]
    assert "The beginning check-in of **Youth Board** was due Monday 5 January 2026, 10:00" in (
        notice.content
    )
    assert "The beginning check-in of **Garden Group** was due Tuesday 6 January 2026" in (
        notice.content
    )
    assert "`/checkin open`" in notice.content
    for member in world.members:
        assert invitations(member, "beginning") == []
    for name in (PROJECT, "Garden Group"):
        project = await env.bot.store.find_project(world.guild.id, name)
        schedule = await env.bot.store.list_schedule(project.id)
        assert schedule[0].state is SlotState.MISSED
        assert schedule[1].state is SlotState.PLANNED
        assert await env.bot.store.list_checkins(project.id) == []

    await restart(env, make_bot)  # told once, not again on every start
    await env.advance_time(60)
    assert len([m for m in notices.history() if "didn't run" in m.content]) == 1
    assert [m for m in world.channel.history() if "didn't run" in m.content] == []
    show = await world.facilitator.slash(world.channel, "project show", name=PROJECT)
    assert "• Beginning: Monday 5 January 2026, 10:00" in reply_text(show)
    assert "missed (its window passed before I could open it)" in reply_text(show)


async def test_a_restart_between_open_and_close_keeps_every_answer_and_closes_once(env, make_bot):
    world = await scheduled_beginning(env, members=4)
    before, after = world.members[:2], world.members[2:]
    for member in before:
        await answer(member, 3)

    await restart(env, make_bot)
    for member in after:  # on the invitation sent before the restart
        await answer(member, 5)
    await restart(env, make_bot)
    await advance_to(env, utc(2026, 1, 12, 10, 1))
    await restart(env, make_bot)
    await env.advance_time(86400)

    [summary] = summaries(world, "beginning")
    assert "**4 of 4** participants took part" in summary.content
    assert "4.0 on average" in summary.content
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    [checkin] = await env.bot.store.list_checkins(project.id)
    assert not checkin.is_open
    assert checkin.summary_message_id == summary.id


async def test_a_restart_after_closing_but_before_posting_still_posts_the_summary(env, make_bot):
    world = await scheduled_beginning(env, members=3)
    for member in world.members:
        await answer(member, 4)
    await go_down(env)
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    [checkin] = await env.bot.store.list_checkins(project.id)
    # The process stops right after the close (and the results it froze) was written,
    # before anything was posted.
    assert await env.bot.store.close_checkin(
        checkin.id, env.now(), env.bot.results.summariser(checkin)
    )

    await restart(env, make_bot)
    await env.advance_time(60)
    await restart(env, make_bot)
    await env.advance_time(60)

    [summary] = summaries(world, "beginning")
    assert "**3 of 3** participants took part" in summary.content


async def test_a_checkin_opened_by_hand_takes_the_place_of_the_scheduled_one(env):
    world = make_world(env, members=3)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    await world.open_checkin("beginning")  # on 1 January, before its planned day
    # Past the planned opening (5 January), before the close (8 January, a week after it
    # opened) empties the check-in's DMs.
    await advance_to(env, utc(2026, 1, 7, 12))
    sent = {}
    for member in world.members:
        [invitation] = invitations(member, "beginning")
        assert invitation.created_at < utc(2026, 1, 2)  # the one sent on opening by hand
        sent[member.id] = [m.id for m in member.user.dm_channel.history()]
    await advance_to(env, utc(2026, 1, 20, 12))

    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    checkins = await env.bot.store.list_checkins(project.id)
    assert [c.phase for c in checkins] == [Phase.BEGINNING]
    assert not checkins[0].is_open  # closed by the scheduler when its window ended
    for member in world.members:
        # Nothing more was sent (the close only emptied what was).
        assert [m.id for m in member.user.dm_channel.history()] == sent[member.id]
        assert invitations(member, "beginning") == []
    assert len(summaries(world, "beginning")) == 1


async def test_edit_moves_the_end_checkin_and_refuses_to_move_an_open_one(env):
    world = make_world(env, members=3)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()

    moved = await world.facilitator.slash(
        world.channel, "project edit", name=PROJECT, ends="2026-03-15"
    )
    assert moved.ephemeral
    assert "Updated **Youth Board**" in reply_text(moved)
    assert "• End: Sunday 15 March 2026, 10:00" in reply_text(moved)
    assert "Between 5 January 2026 and 15 March 2026" in world.card.content
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    schedule = {s.phase: s for s in await env.bot.store.list_schedule(project.id)}
    assert schedule[Phase.END].opens_at == utc(2026, 3, 15, 10)
    assert schedule[Phase.MIDDLE].opens_at == utc(2026, 2, 8, 10)  # the new midpoint

    await advance_to(env, utc(2026, 1, 5, 12))  # the beginning is open now
    refused = await world.facilitator.slash(
        world.channel, "project edit", name=PROJECT, starts="2026-01-06"
    )
    assert reply_text(refused).startswith("The beginning check-in of **Youth Board** is open now")
    refused_time = await world.facilitator.slash(
        world.channel, "project edit", name=PROJECT, checkin_time="09:00"
    )
    assert "is open now" in reply_text(refused_time)
    assert (await env.bot.store.find_project(world.guild.id, PROJECT)).starts_on.isoformat() == (
        "2026-01-05"
    )

    # Moving only the end is fine while the beginning is open; the end then runs on its new day.
    await world.facilitator.slash(world.channel, "project edit", name=PROJECT, ends="2026-03-20")
    await advance_to(env, utc(2026, 3, 20, 10, 1))
    for member in world.members:
        assert len(invitations(member, "end")) == 1
    assert invitations(world.members[0], "end")[0].created_at == utc(2026, 3, 20, 10)


async def test_edit_checks_its_input_and_changes_nothing_when_refused(env):
    world = make_world(env, members=1)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    before = await env.bot.store.list_schedule(project.id)
    cases = {
        "nothing": ({}, "Tell me what to change"),
        "date": ({"ends": "1 March"}, "should be a date written YYYY-MM-DD"),
        "order": ({"ends": "2026-01-01"}, "The end date must be after the start date."),
        "short": ({"ends": "2026-01-06"}, "at least 2 days"),
        "zone": ({"timezone": "Mars/Olympus"}, "I don't know the time zone"),
        "time": ({"checkin_time": "25:00"}, "HH:MM"),
        "window": ({"window_days": 0}, "1 to 60 days"),
        "past": ({"starts": "2025-12-01"}, "would be over before now"),
        "unknown": ({"name": "Nope"}, "I can't find a project called"),
    }
    for options, expected in cases.values():
        values = {"name": PROJECT, **options}
        result = await world.facilitator.slash(world.channel, "project edit", **values)
        assert result.ephemeral
        assert expected in reply_text(result)
    assert await env.bot.store.list_schedule(project.id) == before
    member = world.members[0]
    allow_facilitator_commands(env, world.guild, member)
    refused = await member.slash(world.channel, "project edit", name=PROJECT, ends="2026-03-02")
    assert "only facilitators" in reply_text(refused)
    assert await env.bot.store.list_schedule(project.id) == before


async def test_show_lists_the_schedule_with_local_times_and_what_happened(env):
    world = make_world(env, members=3)
    await world.create_project(
        starts="2026-03-20", ends="2026-04-30", timezone="Europe/London", checkin_time="18:30"
    )
    await world.join_all()
    await advance_to(env, utc(2026, 3, 20, 19))
    show = await world.facilitator.slash(world.channel, "project show", name=PROJECT)
    text = reply_text(show)
    assert "**Schedule** (local times in Europe/London)" in text
    # 18:30 GMT on 20 March; 18:30 BST (17:30 UTC) after the clocks change.
    assert "• Beginning: Friday 20 March 2026, 18:30 (<t:1774031400:f>)" in text
    assert "· open now" in text
    assert "• Middle: Thursday 9 April 2026, 18:30 (<t:1775755800:f>)" in text
    assert "· opens <t:1775755800:R>" in text


async def test_reminders_missed_while_down_are_not_sent_in_a_burst(env, make_bot):
    world = await scheduled_beginning(env, members=3)
    for member in world.members[:2]:
        await answer(member, 4)
    silent = world.members[2]
    await go_down(env)
    # Both reminder times (8 and 11 January) pass while the bot is down; it is back at 22:00
    # on the 11th, at night in London, with the check-in closing at 10:00 on the 12th.
    await advance_to(env, utc(2026, 1, 11, 22))

    await restart(env, make_bot)
    await advance_to(env, utc(2026, 1, 12, 9, 59))  # just before the close empties the DMs

    [reminder] = dms(silent, "beginning check-in**", REMINDER)
    assert reminder.created_at == utc(2026, 1, 12, 8)  # one, and only once it is morning
    await advance_to(env, utc(2026, 1, 12, 10, 5))
    assert len(summaries(world, "beginning")) == 1
    assert emptied(env, silent, [reminder])


async def test_a_summary_that_could_not_be_posted_is_tried_again_later(env):
    world = await scheduled_beginning(env, members=3)
    for member in world.members:
        await answer(member, 4)
    await advance_to(env, utc(2026, 1, 12, 9, 59))
    env.inject_error("POST", f"/channels/{world.channel.id}/messages", status=503, times=1)

    await advance_to(env, utc(2026, 1, 12, 10, 1))
    assert summaries(world, "beginning") == []  # Discord had a bad moment
    await advance_to(env, utc(2026, 1, 12, 10, 6))

    [summary] = summaries(world, "beginning")
    assert summary.created_at == utc(2026, 1, 12, 10, 5)  # five minutes later
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    [checkin] = await env.bot.store.list_checkins(project.id)
    assert checkin.summary_message_id == summary.id and not checkin.summary_due

"""What a look-up command costs before it answers: one read of the database, one hand-over
to the connection's thread, a fixed number of statements, and no listener task for clicks
or modals (counted, never timed)."""

from __future__ import annotations

from collections import Counter

from tests.bot.world import (
    PROJECT,
    answer,
    count_statements,
    count_store_use,
    dm_answering,
    ready,
    reply_text,
)


async def _two_checkins(env):
    """A project of three whose beginning check-in (two answered) is closed and whose next
    one is open, one of them answered."""
    world = await ready(env, members=3)
    for member in world.members[:2]:
        await answer(member, 4)
    await world.close_checkin()
    await env.advance_time(60)
    await world.open_checkin("extra")
    await answer(world.members[0], 3)
    return world


async def test_project_show_is_one_read_whatever_its_history(env):
    world = await _two_checkins(env)
    statements = await count_statements(env)
    counts = count_store_use(env)
    shown = await world.facilitator.slash(world.channel, "project show", name=PROJECT)
    text = reply_text(shown)
    assert "2 of 3 answered" in text  # the closed one, from its frozen figures
    assert "1 of 3 answered" in text  # the open one
    assert counts == {"read": 1, "thread": 1}
    # The project (with how many joined), its schedule, its check-ins, their invitations
    # and their responses: the same five however many check-ins it has had.
    assert statements == {"statement": 5}


async def test_project_show_of_an_unknown_project_is_one_statement(env):
    world = await _two_checkins(env)
    statements = await count_statements(env)
    counts = count_store_use(env)
    shown = await world.facilitator.slash(world.channel, "project show", name="Nope")
    assert reply_text(shown) == env.bot.prompts("errors.unknown_project", name="Nope")
    assert counts == {"read": 1, "thread": 1}
    assert statements == {"statement": 1}


async def test_checkin_status_is_one_read(env):
    world = await _two_checkins(env)
    statements = await count_statements(env)
    counts = count_store_use(env)
    shown = await world.facilitator.slash(world.channel, "checkin status", project=PROJECT)
    assert "1 of 3" in reply_text(shown)  # the open one's count, never who
    assert counts == {"read": 1, "thread": 1}
    # The project, its open check-in, that one's invitations and its responses.
    assert statements == {"statement": 4}


async def test_checkin_status_refusals_are_one_read(env):
    world = await _two_checkins(env)
    counts = count_store_use(env)
    shown = await world.facilitator.slash(world.channel, "checkin status", project="Nope")
    assert reply_text(shown) == env.bot.prompts("errors.unknown_project", name="Nope")
    assert counts == {"read": 1, "thread": 1}
    await world.close_checkin()
    counts.clear()
    shown = await world.facilitator.slash(world.channel, "checkin status", project=PROJECT)
    assert reply_text(shown) == env.bot.prompts("errors.nothing_open", project=PROJECT)
    assert counts == {"read": 1, "thread": 1}


async def test_mydata_show_is_one_read(env):
    world = await _two_checkins(env)
    member = world.members[0]
    await member.slash(world.channel, "mydata show")  # their language choice, now known
    statements = await count_statements(env)
    counts = count_store_use(env)
    shown = await member.slash(world.channel, "mydata show")
    assert "Beginning" in reply_text(shown) or "beginning" in reply_text(shown)
    assert counts == {"read": 1, "thread": 1}
    # Their check-ins, then each one's answers: its state and its rows.
    assert statements == {"statement": 1 + 2 * 2}


def count_listener_tasks(env) -> Counter[str]:
    """Count the listener tasks discord.py starts, by event (each listener is a task)."""
    bot = env.bot
    counts: Counter[str] = Counter()
    schedule = bot._schedule_event

    def counted(coro, event_name, *args, **kwargs):
        counts[event_name] += 1
        return schedule(coro, event_name, *args, **kwargs)

    bot._schedule_event = counted
    return counts


async def test_a_slash_command_starts_no_listener_of_clicks_or_modals(env):
    world = await ready(env, members=2, open_checkin=False)
    tasks = count_listener_tasks(env)
    await world.members[0].slash(world.channel, "mydata show")
    assert tasks == {"on_interaction": 1}  # the names to redact, kept up to date


async def test_a_click_is_told_to_the_listener_of_clicks_and_a_modal_to_those_of_modals(env):
    world = await ready(env, members=2)
    answering = dm_answering(world.members[0])
    tasks = count_listener_tasks(env)
    await answering.click("Start")
    assert tasks == {"on_interaction": 1, "on_component_interaction": 1}
    tasks.clear()
    await answering.comment("We listened to each other.")
    assert tasks["on_modal_interaction"] == 2  # comment boxes, framework forms
    assert tasks["on_interaction"] == tasks["on_component_interaction"] + 1

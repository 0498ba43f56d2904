"""The scheduler's agenda of open check-ins, kept between passes (bot/services/scheduler.py):
a pass with nothing due reads one statement; a change made by a command is seen by the next
pass; a restart reads it afresh. (A second process on the same database: see
tests/bot/test_scheduler_lease.py.) All on SimCord's virtual time, through the real bot."""

from __future__ import annotations

from datetime import timedelta

import simcord

from bot.core.schedule import reminder_plan
from tests.bot.world import (
    World,
    advance_to,
    block_dms,
    current_checkin,
    dms,
    make_world,
    restart,
)

REMINDER = "A gentle reminder"


async def open_by_hand(
    env: simcord.Env, members: int = 2, *, blocked: bool = False, **project: str
) -> World:
    """A project everyone joined, its beginning check-in opened by a facilitator now
    (midnight UTC on 1 January), its invitations sent (refused, if they all `blocked` DMs)."""
    world = make_world(env, members=members)
    await world.create_project(**project)
    await world.join_all()
    for member in world.members if blocked else []:
        block_dms(env, member)
    await world.open_checkin()
    await env.advance_time(60)
    return world


def reminders(world: World) -> list[simcord.Message]:
    return [m for member in world.members for m in dms(member, "check-in**", REMINDER)]


async def statements_of_a_pass(env: simcord.Env) -> list[str]:
    statements: list[str] = []
    connection = env.bot.store._connection()
    await connection.set_trace_callback(statements.append)
    try:
        await env.bot.scheduler.run_due()
    finally:
        await connection.set_trace_callback(None)
    return statements


async def test_a_pass_with_nothing_due_reads_one_statement(env):
    await open_by_hand(env, members=3)
    checkin = await current_checkin(env)

    statements = await statements_of_a_pass(env)

    assert len(statements) == 1, statements  # which kinds of work are due: none
    assert checkin.id in env.bot.scheduler.agenda.entries


async def test_a_check_in_opened_or_closed_by_a_command_is_seen_by_the_next_pass(env):
    world = make_world(env, members=2)
    await world.create_project()
    await world.join_all()
    await env.advance_time(1)
    agenda = env.bot.scheduler.agenda
    assert agenda.entries == {}
    reads = agenda.reads

    await world.open_checkin()  # the command wakes the scheduler
    await env.advance_time(1)

    checkin = await current_checkin(env)
    [halfway] = reminder_plan(checkin.opened_at, checkin.closes_at, "Europe/London")[:1]
    assert agenda.reads > reads
    assert agenda.entries[checkin.id].reminder_at == halfway
    reads = agenda.reads
    await world.close_checkin()
    await env.advance_time(1)
    assert checkin.id not in agenda.entries
    # Closed by hand: taken out, and nothing else of the agenda is read again (with many
    # check-ins open, that read is what a pass would cost).
    assert agenda.reads == reads
    await advance_to(env, halfway + timedelta(minutes=5))
    assert reminders(world) == []


async def test_a_restart_reads_the_agenda_afresh(env, make_bot):
    world = await open_by_hand(env)
    checkin = await current_checkin(env)
    [halfway] = reminder_plan(checkin.opened_at, checkin.closes_at, "Europe/London")[:1]

    await restart(env, make_bot)
    await env.advance_time(1)

    assert env.bot.scheduler.agenda.reads == 1
    assert checkin.id in env.bot.scheduler.agenda.entries
    await advance_to(env, halfway + timedelta(minutes=5))
    assert [m.created_at for m in reminders(world)] == [halfway, halfway]


async def test_a_closed_check_in_with_nothing_left_in_dms_is_settled_once(env):
    # Nobody could be sent a DM, so nothing is ever emptied: the check-in is marked as done
    # with its DMs an hour after it closed, and later passes no longer look for messages.
    world = await open_by_hand(env, blocked=True)
    await world.close_checkin()
    await env.advance_time(60)
    assert await env.bot.store.screens_unsettled(env.now() + timedelta(hours=1))

    await env.advance_time(3600)
    await env.bot.scheduler.run_due()  # the next pass, whenever it comes

    assert not await env.bot.store.screens_unsettled(env.now())
    assert len(await statements_of_a_pass(env)) == 1

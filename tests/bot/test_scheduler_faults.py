"""Faults that must not leave the scheduler waking for work it never does, nor sleeping past
work that is due: it wakes at its next real due moment (issue 12). The real bot on SimCord,
on virtual time, with the faults injected where they happen (Discord's side, the disk)."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from datetime import timedelta
from typing import Any

import pytest
import simcord

from bot.core.models import Delivery
from tests.bot.world import (
    advance_to,
    count_passes,
    current_checkin,
    invitations,
    make_world,
    remove_bot,
    reply_text,
)

DM_CHANNEL = ("POST", "/users/@me/channels")  # a first DM opens its channel


async def disk_error(*args: Any, **kwargs: Any) -> None:
    raise sqlite3.OperationalError("disk I/O error")


@pytest.mark.parametrize("what", ["close", "delete"])
async def test_a_close_or_deletion_that_fails_leaves_the_check_in_inviting(
    env: simcord.Env, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    world = make_world(env, members=2)
    await world.create_project()
    await world.join_all()
    # Discord fails on its side for the first DM: that invitation is tried again in 30 s.
    env.inject_error(*DM_CHANNEL, status=500, times=1)
    await world.open_checkin()
    opened = env.now()
    [waiting] = [m for m in world.members if not invitations(m, "beginning")]
    # A facilitator closes the check-in, or deletes the project, and the disk fails in the
    # middle: nothing is closed or deleted. (What `/checkin close` and `/project delete` run,
    # called here, as the command's error would fail the test; their reply to the
    # facilitator is the bot's usual one for an error on its side.)
    services = env.bot.services
    checkin = await current_checkin(world)
    with monkeypatch.context() as broken:
        if what == "close":
            broken.setattr(env.bot.store, "close_checkin", disk_error)
            with pytest.raises(sqlite3.OperationalError):
                await services.checkins.close_checkin(checkin)
        else:
            broken.setattr(env.bot.store, "delete_project", disk_error)
            project = await env.bot.store.find_project(world.guild.id, world.project)
            with pytest.raises(sqlite3.OperationalError):
                await services.projects.delete(project)
    passes = count_passes(env, monkeypatch)

    await advance_to(env, opened + timedelta(minutes=10))
    # Still open, so its invitations still go out: the retry was sent on time, and the
    # scheduler did not wake again and again for it meanwhile.
    assert len(invitations(waiting, "beginning")) == 1
    assert len(passes) < 10, len(passes)
    # With the disk back, the same close works.
    assert "Closed the beginning check-in" in reply_text(await world.close_checkin())
    closed = await env.bot.store.get_checkin(checkin.id)
    assert closed is not None and not closed.is_open


async def test_a_scheduled_close_that_fails_does_not_spin_on_a_retry_due_after_it(
    env: simcord.Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(env, members=3)
    await world.create_project()
    for member in world.members[:2]:
        await member.click(world.card, label="Join")
    await world.open_checkin(window_days=1)
    checkin = await current_checkin(world)
    monkeypatch.setattr(env.bot.store, "close_checkin", disk_error)  # the close will fail
    await advance_to(env, checkin.closes_at - timedelta(seconds=10))
    # A late joiner whose invitation fails on Discord's side: tried again 30 s later, which
    # is 20 s after the close was due.
    env.inject_error(*DM_CHANNEL, status=500, times=1)
    late = world.members[2]
    await late.click(world.card, label="Join")
    assert not invitations(late, "beginning")
    passes = count_passes(env, monkeypatch)

    await advance_to(env, checkin.closes_at + timedelta(minutes=10))
    # The close failed and waits to be tried again (backed off); the check-in is still open
    # and sent its retry, and nothing woke the scheduler once a second meanwhile.
    assert (await env.bot.store.get_checkin(checkin.id)).is_open  # type: ignore[union-attr]
    assert len(invitations(late, "beginning")) == 1
    assert len(passes) < 20, len(passes)


async def test_an_invitation_sent_but_not_recorded_is_recorded_later_not_sent_again(
    env: simcord.Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(env, members=2)
    await world.create_project()
    await world.join_all()
    record = env.bot.store.record_delivery
    failed: list[int] = []

    async def fails_once(checkin_id: int, user_id: int, *args: Any, **kwargs: Any) -> None:
        if not failed:  # the disk fails just after the first DM went out
            failed.append(user_id)
            raise sqlite3.OperationalError("disk I/O error")
        await record(checkin_id, user_id, *args, **kwargs)

    monkeypatch.setattr(env.bot.store, "record_delivery", fails_once)
    await world.open_checkin()
    passes = count_passes(env, monkeypatch)

    await advance_to(env, env.now() + timedelta(hours=2))
    assert failed
    checkin = await current_checkin(world)
    for member in world.members:
        assert len(invitations(member, "beginning")) == 1  # nobody's was sent twice
        invitation = await env.bot.store.get_invitation(checkin.id, member.id)
        assert invitation is not None and invitation.delivery is Delivery.DELIVERED
    assert len(passes) < 20, len(passes)


async def test_a_retry_on_a_server_that_removed_the_bot_does_not_hold_up_anothers(
    env: simcord.Env,
) -> None:
    away, stays = make_world(env, members=2), make_world(env, members=2)
    for world in (away, stays):
        await world.create_project()
        await world.join_all()
    start = env.now()
    env.inject_error(*DM_CHANNEL, status=500, times=1)
    await away.open_checkin()  # one of its invitations is tried again at start + 30 s
    await advance_to(env, start + timedelta(seconds=10))
    env.inject_error(*DM_CHANNEL, status=500, times=1)
    await stays.open_checkin()  # and one of these at start + 40 s
    [waiting] = [m for m in stays.members if not invitations(m, "beginning")]
    await advance_to(env, start + timedelta(seconds=15))
    await remove_bot(env, away)  # its retry will never be sent while the bot is away

    await advance_to(env, start + timedelta(seconds=45))
    # The retry due first is the away server's, held up; the next is still waited for.
    assert len(invitations(waiting, "beginning")) == 1


@pytest.mark.parametrize("seconds", [0.0, 0.5])
async def test_a_run_that_leaves_its_work_due_cannot_spin_the_loop(
    env: simcord.Env, monkeypatch: pytest.MonkeyPatch, seconds: float
) -> None:
    """Whatever fault makes a DM run end with its own work still due (here, a round that
    sends nothing and says nothing, ending during the pass or during the sleep after it),
    the scheduler looks again no sooner than its least sleep between two passes: a pass a
    second at most, never one straight after another."""
    world = make_world(env, members=2)
    await world.create_project()
    await world.join_all()
    env.inject_error(*DM_CHANNEL, status=500, times=1)
    await world.open_checkin()  # one invitation is tried again in 30 s
    opened = env.now()

    async def sends_nothing(*args: Any) -> int:
        await asyncio.sleep(seconds)  # virtual time
        return 0

    monkeypatch.setattr(env.bot.checkins, "deliver_pending", sends_nothing)
    passes = count_passes(env, monkeypatch)
    await advance_to(env, opened + timedelta(seconds=90), step=timedelta(seconds=10))
    assert len(passes) <= 65, len(passes)  # 60 s of a retry due and never sent
    assert all(b - a >= timedelta(seconds=1) for a, b in itertools.pairwise(passes))

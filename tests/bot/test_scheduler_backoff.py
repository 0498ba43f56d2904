"""One item the scheduler cannot do backs off (1 minute, 10 minutes, then every hour) while the
rest goes on; the loop never spins on it. Real bot on SimCord, virtual time."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from bot.core.models import Checkin, CheckinStatus
from tests.bot.world import advance_to, make_world

MINUTE = timedelta(minutes=1)


async def test_a_checkin_that_cannot_close_is_tried_after_1_10_60_60_minutes(
    env, monkeypatch: pytest.MonkeyPatch
):
    world = make_world(env, members=2)
    for name in ("Stuck Board", "Fine Board"):
        await world.create_project(name=name)
        await world.join_all(card=world.channel.last_message)
        await world.facilitator.slash(
            world.channel, "checkin open", project=name, phase="extra", window_days=1
        )
    store = env.bot.store
    stuck_project = await store.find_project(world.guild.id, "Stuck Board")
    fine_project = await store.find_project(world.guild.id, "Fine Board")
    [stuck] = await store.list_checkins(stuck_project.id)
    [fine] = await store.list_checkins(fine_project.id)
    closes = stuck.closes_at
    assert fine.closes_at == closes  # both fall due in the same pass

    attempts: list[datetime] = []
    passes: list[datetime] = []
    close = env.bot.checkins.close_checkin
    run_due = env.bot.scheduler.run_due
    broken = True

    async def failing_close(checkin: Checkin):  # type: ignore[no-untyped-def]
        if checkin.id == stuck.id:
            attempts.append(env.now())
            if broken:
                raise RuntimeError("injected: this check-in cannot be closed")
        return await close(checkin)

    async def counted_pass() -> None:
        passes.append(env.now())
        await run_due()

    monkeypatch.setattr(env.bot.checkins, "close_checkin", failing_close)
    monkeypatch.setattr(env.bot.scheduler, "run_due", counted_pass)

    await advance_to(env, closes + timedelta(seconds=30))
    assert attempts == [closes]
    # The rest of the pass went on: the other project's check-in closed on time.
    assert (await store.get_checkin(fine.id)).status is CheckinStatus.CLOSED
    assert (await store.get_checkin(stuck.id)).status is CheckinStatus.OPEN

    await advance_to(env, closes + 150 * MINUTE)
    gaps = [later - earlier for earlier, later in pairwise(attempts)]
    assert gaps == [MINUTE, 10 * MINUTE, 60 * MINUTE, 60 * MINUTE]
    # It never spun: a handful of passes over two and a half hours, not one a second.
    assert len([p for p in passes if p >= closes]) < 20

    broken = False  # whatever it was is fixed: the next try closes it, and that is the last
    await advance_to(env, closes + 200 * MINUTE)
    assert attempts[-1] == closes + 191 * MINUTE
    assert len(attempts) == 6
    assert (await store.get_checkin(stuck.id)).status is CheckinStatus.CLOSED
    assert env.bot.scheduler.backoff.until(("closing check-in", stuck.id)) is None

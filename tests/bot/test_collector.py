"""What the bot builds to start is kept out of the garbage collector's full passes, and the
interpreter lets the database thread hand its results back quickly.

A full collection walks every tracked object; with the frameworks, prompts, Babel's data and
the server cache in that walk it paused the event loop for more than 50 ms during a close.
`make bench` measures the pause; this checks the mechanism (`gc.freeze`) is in place.
"""

from __future__ import annotations

import gc
import sys

import simcord

from bot.app import THREAD_SWITCH_SECONDS, hand_back, hand_over_quickly
from bot.simworld import VirtualClock, running


def _tracked(thing: object) -> bool:
    """Whether the collector's generations hold `thing` (frozen objects are not in them)."""
    return any(obj is thing for obj in gc.get_objects())


async def test_what_the_bot_builds_to_start_is_frozen_once_it_is_ready(env: simcord.Env) -> None:
    bot = env.bot
    assert gc.get_freeze_count() > 0
    assert not _tracked(bot.frameworks)
    assert not _tracked(bot.prompts)


async def test_a_stopped_bot_gives_the_collector_everything_back(  # type: ignore[no-untyped-def]
    make_bot, clock: VirtualClock
) -> None:
    async with running(make_bot(), clock) as world:
        frameworks = world.bot.frameworks
        assert not _tracked(frameworks)
    assert gc.get_freeze_count() == 0
    assert _tracked(frameworks)


# The interpreter's switch interval: how long the event loop's thread may keep the lock while
# the database thread waits to hand a finished read back (`bot.app.hand_over_quickly`).


async def test_a_running_bot_lets_its_database_thread_hand_back_within_half_a_millisecond(
    env: simcord.Env,
) -> None:
    assert sys.getswitchinterval() == THREAD_SWITCH_SECONDS


async def test_a_stopped_bot_puts_the_switch_interval_back(  # type: ignore[no-untyped-def]
    make_bot, clock: VirtualClock
) -> None:
    before = sys.getswitchinterval()
    async with running(make_bot(), clock):
        assert sys.getswitchinterval() == THREAD_SWITCH_SECONDS
    assert sys.getswitchinterval() == before


def test_the_interval_is_put_back_only_once_every_bot_of_the_process_has_stopped() -> None:
    # Two bots in one process (a shard set, or a test's second bot): the first to stop must
    # not give the other Python's 5 ms back, nor the last leave the short interval behind.
    before = sys.getswitchinterval()
    first, second = object(), object()
    hand_over_quickly(first)
    hand_over_quickly(second)
    hand_back(first)
    assert sys.getswitchinterval() == THREAD_SWITCH_SECONDS
    hand_back(second)
    assert sys.getswitchinterval() == before
    hand_back(second)  # a bot stopped twice changes nothing
    assert sys.getswitchinterval() == before

"""What the bot builds to start is kept out of the garbage collector's full passes.

A full collection walks every tracked object; with the frameworks, prompts, Babel's data and
the server cache in that walk it paused the event loop for more than 50 ms during a close.
`make bench` measures the pause; this checks the mechanism (`gc.freeze`) is in place.
"""

from __future__ import annotations

import gc

import simcord

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

"""The pacer on a clock of its own: who gets which turn, never how long anything took."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from typing import Any

from bot.services.pacer import Pacer


class FakeClock:
    """Virtual time: it moves only to the next sleeper's wake-up, once nobody can run."""

    def __init__(self) -> None:
        self.now = 100.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, id(future), future))
        await future

    async def run(self, *work: Coroutine[Any, Any, None]) -> None:
        tasks = [asyncio.ensure_future(w) for w in work]
        while not all(task.done() for task in tasks):
            for _ in range(5):
                await asyncio.sleep(0)  # let everyone who can run, run
            if self._sleepers:
                at, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, at)
                future.set_result(None)
        for task in tasks:
            task.result()


async def _turns(pacer: Pacer, clock: FakeClock, key: str, count: int, out: list) -> None:
    for _ in range(count):
        await pacer.turn(key)
        out.append((round(clock.now, 2), key))


async def test_one_key_goes_at_most_once_a_gap():
    clock = FakeClock()
    pacer = Pacer(gap=1.0, per_second=5, time=clock.time, sleep=clock.sleep)
    given: list = []
    await clock.run(_turns(pacer, clock, "a", 4, given))
    assert [at for at, _ in given] == [100.0, 101.0, 102.0, 103.0]


async def test_many_keys_share_the_overall_rate_in_turn():
    clock = FakeClock()
    pacer = Pacer(gap=1.0, per_second=5, time=clock.time, sleep=clock.sleep)
    given: list = []
    await clock.run(*(_turns(pacer, clock, key, 3, given) for key in "abcdefghij"))
    times = sorted(at for at, _ in given)
    assert len(times) == 30
    # Never more than five turns in any second, across all keys...
    assert all(later - first >= 1.0 - 1e-9 for first, later in zip(times, times[5:], strict=False))
    # ... never two of one key within its gap ...
    for key in "abcdefghij":
        mine = [at for at, k in given if k == key]
        assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(mine))
    # ... and every key had its first turn in the first two seconds: nobody waited for
    # another key to finish.
    firsts = [min(at for at, k in given if k == key) for key in "abcdefghij"]
    assert max(firsts) <= 100.0 + 2.0
    assert max(times) <= 100.0 + 30 / 5 + 1e-9


async def test_a_gap_of_zero_paces_nothing():
    clock = FakeClock()
    pacer = Pacer(gap=0.0, time=clock.time, sleep=clock.sleep)
    given: list = []
    await clock.run(*(_turns(pacer, clock, key, 5, given) for key in "ab"))
    assert {at for at, _ in given} == {100.0}

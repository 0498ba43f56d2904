"""One pace for every DM the bot sends: a few a second across the whole bot, and at most one
per `gap` seconds for any one check-in.

Each caller takes its turn before sending (`await pacer.turn(key)`): it waits out its own
key's gap, then takes the bot's next free slot, in the order they were asked for. So many
check-ins sending at once share the bot's pace fairly: ten check-ins of 100 members each go
out interleaved, not one after the other, and none waits for another to finish.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable

DEFAULT_PER_SECOND = 5.0  # DMs per second across the bot: well under Discord's 50 requests


class Pacer:
    def __init__(
        self,
        *,
        gap: float,
        per_second: float = DEFAULT_PER_SECOND,
        time: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`gap`: seconds between two DMs of one key (a check-in); 0 paces nothing (tests).
        `per_second`: DMs a second across all keys; 0 or less means no overall limit.
        `time` and `sleep`: the event loop's clock and sleep, unless given."""
        self.gap = gap
        self.interval = 1.0 / per_second if per_second > 0 and gap > 0 else 0.0
        self._time = time or (lambda: asyncio.get_running_loop().time())
        self._sleep = sleep
        self._next_any = 0.0  # loop time from which the next DM of any key may go
        self._next: dict[Hashable, float] = {}  # ... and the next of each key

    async def turn(self, key: Hashable) -> None:
        """Wait for this key's next turn to send one DM."""
        if self.gap <= 0:
            return
        # First this key's own gap, then the next free slot of the whole bot's pace: a slot
        # is only booked by a key that may use it, so no slot goes unused while others wait.
        now = self._time()
        mine = self._next.get(key, 0.0)
        if mine > now:
            await self._sleep(mine - now)
            now = self._time()
        at = max(now, self._next_any)
        self._next_any = at + self.interval
        self._next[key] = at + self.gap
        self._forget_done(now)
        if at > now:
            await self._sleep(at - now)

    def _forget_done(self, now: float) -> None:
        """Keys whose last turn is over hold nothing back: drop them (the map stays small)."""
        if len(self._next) > 64:
            self._next = {key: at for key, at in self._next.items() if at > now}

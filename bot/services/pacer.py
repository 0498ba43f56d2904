"""One pace for every DM the bot sends: a few a second across the whole bot, and at most one
per `gap` seconds for any one check-in.

Each caller takes its turn before sending (`await pacer.turn(key)`). Turns are handed out
in the order they were asked for, each at the earliest moment both limits allow, so many
check-ins sending at once share the bot's pace fairly: ten check-ins of 100 members each go
out interleaved, not one after the other, and none waits for another to finish.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

DEFAULT_PER_SECOND = 5.0  # DMs per second across the bot: well under Discord's 50 requests


class Pacer:
    def __init__(self, *, gap: float, per_second: float = DEFAULT_PER_SECOND) -> None:
        """`gap`: seconds between two DMs of one key (a check-in); 0 paces nothing (tests).
        `per_second`: DMs a second across all keys; 0 or less means no overall limit."""
        self.gap = gap
        self.interval = 1.0 / per_second if per_second > 0 and gap > 0 else 0.0
        self._next_any = 0.0  # loop time from which the next DM of any key may go
        self._next: dict[Hashable, float] = {}  # ... and the next of each key

    def waiting(self, key: Hashable) -> bool:
        """Whether the key has a turn booked in the future (it is sending now)."""
        return self._next.get(key, 0.0) > asyncio.get_running_loop().time()

    async def turn(self, key: Hashable) -> None:
        """Wait for this key's next turn to send one DM."""
        if self.gap <= 0:
            return
        now = asyncio.get_running_loop().time()
        at = max(now, self._next_any, self._next.get(key, 0.0))
        self._next_any = at + self.interval
        self._next[key] = at + self.gap
        self._forget_done(now)
        if at > now:
            await asyncio.sleep(at - now)

    def _forget_done(self, now: float) -> None:
        """Keys whose last turn is over hold nothing back: drop them (the map stays small)."""
        if len(self._next) > 64:
            self._next = {key: at for key, at in self._next.items() if at > now}

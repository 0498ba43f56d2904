"""The scheduler lease: only one process runs the scheduler of a database.

A second bot started by mistake on the same database (a second container, a `coreflect run`
beside the service) would otherwise send every invitation, reminder and summary twice. The
scheduler takes the lease before each pass and runs none without it; while it holds it, a
keeper task renews it every third of its lifetime, so a long pass never lets it lapse. It is
released on stop; a process that dies without a word loses it when it expires, and another
process takes over then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.storage.store import Store

log = logging.getLogger(__name__)

# How long a lease lasts unless renewed: how long a process that died without releasing it
# keeps another one (or its own restart) from scheduling.
LEASE_TTL = timedelta(minutes=10)


class SchedulerLease:
    """This process's claim on the database's one scheduler, under a random holder id."""

    def __init__(
        self, *, store: Store, clock: Callable[[], datetime], ttl: timedelta = LEASE_TTL
    ) -> None:
        self.store = store
        self.clock = clock
        self.ttl = ttl
        self.holder = secrets.token_hex(8)  # new for every scheduler, so one per process
        self._renewed_at: datetime | None = None  # when this process last took or renewed it
        self._keeper: asyncio.Task[None] | None = None
        self._waiting = False

    @property
    def held(self) -> bool:
        return self._renewed_at is not None

    async def hold(self) -> bool:
        """Take or renew the lease; whether this process may run a pass now."""
        now = self.clock()
        if self._renewed_at is not None and now - self._renewed_at < self.ttl / 3:
            return True  # renewed moments ago, and the keeper renews it before it runs out
        return await self._take(now)

    async def _take(self, now: datetime) -> bool:
        if await self.store.take_lease(self.holder, now, self.ttl):
            if self._waiting:
                log.info("took the scheduler lease: this process runs the scheduler now")
            self._renewed_at, self._waiting = now, False
            if self._keeper is None or self._keeper.done():
                self._keeper = asyncio.create_task(self._keep(), name="coreflect-lease")
            return True
        if self._renewed_at is not None:
            log.warning("another process took the scheduler lease: this one stops scheduling")
        self._renewed_at = None
        if not self._waiting:
            self._waiting = True
            log.info(
                "another process runs the scheduler of this database: this one schedules "
                "nothing until that one stops"
            )
        return False

    async def seconds_until_free(self, longest: float) -> float:
        """How long to wait before trying again: until the current lease would expire."""
        expiry = await self.store.lease_expiry()
        if expiry is None:
            return 1.0
        return min(longest, max(1.0, (expiry - self.clock()).total_seconds()))

    async def release(self) -> None:
        """Give the lease up (on stop), so another process may take it at once."""
        keeper, self._keeper = self._keeper, None
        if keeper is not None:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        if self._renewed_at is None:
            return
        self._renewed_at = None
        try:
            await self.store.release_lease(self.holder)
        except Exception as error:  # stopping goes on; the lease expires by itself
            log.warning("could not release the scheduler lease (%s); it expires by itself", error)

    async def _keep(self) -> None:
        """Renew the lease every third of its lifetime, until this process loses it."""
        while True:
            await asyncio.sleep((self.ttl / 3).total_seconds())
            try:
                if not await self._take(self.clock()):
                    return
            except Exception:
                log.exception("could not renew the scheduler lease; trying again")

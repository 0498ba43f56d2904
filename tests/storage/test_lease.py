"""The scheduler lease on a real SQLite file: one holder at a time, renewed by its holder,
free again once released or expired; two connections to one file see the same lease."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from bot.storage.store import Store

TTL = timedelta(minutes=10)
FIRST, SECOND = "first-process", "second-process"


async def test_a_free_lease_is_taken_and_then_refused_to_anyone_else(store: Store, now: datetime):
    assert await store.take_lease(FIRST, now, TTL)
    assert await store.lease_expiry() == now + TTL
    assert not await store.take_lease(SECOND, now + timedelta(minutes=5), TTL)
    assert await store.lease_expiry() == now + TTL  # the refusal changed nothing


async def test_the_holder_renews_its_own_lease(store: Store, now: datetime):
    assert await store.take_lease(FIRST, now, TTL)
    later = now + timedelta(minutes=9)
    assert await store.take_lease(FIRST, later, TTL)
    assert await store.lease_expiry() == later + TTL
    # Past the first expiry, the renewed lease still keeps the other process out.
    assert not await store.take_lease(SECOND, now + timedelta(minutes=15), TTL)


async def test_an_expired_lease_goes_to_whoever_asks(store: Store, now: datetime):
    assert await store.take_lease(FIRST, now, TTL)
    assert not await store.take_lease(SECOND, now + TTL - timedelta(seconds=1), TTL)
    assert await store.take_lease(SECOND, now + TTL, TTL)
    assert await store.lease_expiry() == now + 2 * TTL
    # The first holder, back from wherever it was, no longer holds it.
    assert not await store.take_lease(FIRST, now + TTL + timedelta(seconds=1), TTL)


async def test_a_released_lease_is_free_at_once(store: Store, now: datetime):
    assert await store.take_lease(FIRST, now, TTL)
    assert not await store.release_lease(SECOND)  # only the holder can release it
    assert not await store.take_lease(SECOND, now, TTL)
    assert await store.release_lease(FIRST)
    assert await store.lease_expiry() is None
    assert await store.take_lease(SECOND, now + timedelta(seconds=1), TTL)
    assert not await store.release_lease(FIRST)  # released twice: nothing to give up


async def test_two_connections_to_one_file_share_one_lease(
    store: Store, db_path: Path, secret: bytes, now: datetime
):
    other = await Store.open(db_path, secret=secret, clock=lambda: now)
    try:
        assert await store.take_lease(FIRST, now, TTL)
        assert not await other.take_lease(SECOND, now, TTL)
        assert await other.lease_expiry() == now + TTL
        await store.release_lease(FIRST)
        assert await other.take_lease(SECOND, now, TTL)
        assert not await store.take_lease(FIRST, now, TTL)
    finally:
        await other.close()


async def test_the_lease_is_one_row_naming_no_one(store: Store, db_path: Path, now: datetime):
    await store.take_lease(FIRST, now, TTL)
    await store.take_lease(FIRST, now + timedelta(minutes=1), TTL)
    with sqlite3.connect(db_path) as raw:
        rows = raw.execute("SELECT id, holder FROM scheduler_lease").fetchall()
    raw.close()
    assert rows == [(1, FIRST)]

"""Retention of comment text and the audit log, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from bot.core.models import ANYTHING_ELSE, AuditEntry
from bot.storage.store import Store
from tests.storage.arrange import (
    ANA,
    BEN,
    GUILD,
    OTHER_GUILD,
    CloseCheckin,
    MakeProject,
    OpenCheckin,
    rows,
)


async def test_old_comment_text_is_erased_and_the_numbers_stay(
    store: Store,
    raw: sqlite3.Connection,
    make_project: MakeProject,
    open_checkin: OpenCheckin,
    close: CloseCheckin,
    now: datetime,
) -> None:
    old_project, new_project = await make_project("Old"), await make_project("New")
    old, new = await open_checkin(old_project.id), await open_checkin(new_project.id)
    for checkin_id in (old, new):
        await store.record_rating(checkin_id, ANA, "equal", 4)
        await store.record_comment(checkin_id, ANA, "equal", "about equal")
        await store.record_comment(checkin_id, BEN, ANYTHING_ELSE, "only a comment")
    await close(old)
    frozen = await store.get_results(old)
    assert await store.oldest_comment_close() == now

    assert await store.purge_comments(now) == 0  # closed exactly then: not before
    assert await store.purge_comments(now + timedelta(seconds=1)) == 2

    assert rows(raw, "SELECT item, rating, comment FROM answers WHERE checkin_id = ?", old) == [
        ("equal", 4, None)
    ]
    assert (
        len(
            rows(
                raw, "SELECT comment FROM answers WHERE checkin_id = ? AND comment IS NOT NULL", new
            )
        )
        == 2
    )  # still open
    assert await store.oldest_comment_close() is None
    assert await store.get_results(old) == frozen  # the frozen results are untouched


async def test_the_audit_log_keeps_actions_per_server_newest_first(
    store: Store, raw: sqlite3.Connection, now: datetime
) -> None:
    await store.add_audit(GUILD, ANA, "project_create", project="Garden")
    await store.add_audit(GUILD, BEN, "settings_thresholds", detail="4/6")
    await store.add_audit(OTHER_GUILD, ANA, "project_delete", project="Elsewhere")

    assert await store.list_audit(GUILD, 10) == [
        AuditEntry(now, BEN, "settings_thresholds", None, "4/6"),
        AuditEntry(now, ANA, "project_create", "Garden", ""),
    ]
    assert await store.list_audit(GUILD, 1) == [
        AuditEntry(now, BEN, "settings_thresholds", None, "4/6")
    ]
    columns = [info[1] for info in rows(raw, "PRAGMA table_info(audit_log)")]
    assert columns == ["id", "guild_id", "at", "actor_id", "action", "project", "detail"]

"""Attacks on the anonymity promise through time and the data folder (DESIGN.md §5, §8).

Each test plays someone who compares outputs before and after a member erases their data,
reads the write-ahead log transaction by transaction, or holds a copy of the data folder,
and asserts that what they get ties no answer to a member.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import stat
import struct
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import simcord

import bot.storage.store as store_module
from bot.app import create_bot
from bot.keys import respondent_key
from bot.settings import Settings
from tests.bot.test_privacy_attacks import (
    COMMENTS,
    PATTERNS,
    SECRET,
    answer,
    ready,
    summary_of,
)
from tests.bot.world import PROJECT, World, current_checkin, dm_answering, labels, reply_text

WAL_HEADER = 32
FRAME_HEADER = 24


# -- reading the write-ahead log as an attacker would -------------------------------------------


def wal_transactions(wal: bytes) -> list[list[tuple[int, bytes]]]:
    """The committed transactions in a -wal file, oldest first: each a list of (page, bytes)."""
    if len(wal) < WAL_HEADER:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    transactions: list[list[tuple[int, bytes]]] = []
    pending: list[tuple[int, bytes]] = []
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(wal):
        header = wal[offset : offset + FRAME_HEADER]
        page = wal[offset + FRAME_HEADER : offset + FRAME_HEADER + page_size]
        offset += FRAME_HEADER + page_size
        if header[8:16] != salts:
            break  # frames left over from before the log was reset
        pending.append((struct.unpack(">I", header[:4])[0], page))
        if struct.unpack(">I", header[4:8])[0]:  # a commit frame ends a transaction
            transactions.append(pending)
            pending = []
    return transactions


def wal_path(env: simcord.Env) -> Path:
    database = env.bot.settings.database_path
    return database.with_name(database.name + "-wal")


def log_before_each_emptying(monkeypatch: pytest.MonkeyPatch, database: Path) -> list[bytes]:
    """What the -wal file holds each time the store is about to empty it, from now on (read
    on the connection's thread, right before the checkpoint)."""
    wal = database.with_name(database.name + "-wal")
    snapshots: list[bytes] = []
    checkpoint = store_module._checkpoint

    def spy(conn: sqlite3.Connection) -> bool:
        snapshots.append(wal.read_bytes() if wal.exists() else b"")
        return checkpoint(conn)

    monkeypatch.setattr(store_module, "_checkpoint", spy)
    return snapshots


def user_id_bytes(user_id: int) -> bytes:
    """How SQLite stores a Discord id in a record: an 8-byte big-endian integer."""
    assert user_id >= 2**47, "ids this small would be stored in fewer bytes"
    return user_id.to_bytes(8, "big")


def raw_file(env: simcord.Env) -> sqlite3.Connection:
    return sqlite3.connect(env.bot.settings.database_path, isolation_level=None)


def free_pages_hold_nothing(database: Path) -> bool:
    """Every page on SQLite's freelist is zeros, but for a trunk page's list of pages."""
    data = database.read_bytes()
    page_size = int.from_bytes(data[16:18], "big") or 65536
    page = lambda number: data[(number - 1) * page_size : number * page_size]  # noqa: E731
    trunk = int.from_bytes(data[32:36], "big")
    while trunk:
        body = page(trunk)
        count = int.from_bytes(body[4:8], "big")
        leaves = [int.from_bytes(body[8 + 4 * i : 12 + 4 * i], "big") for i in range(count)]
        if body[8 + 4 * count :].strip(b"\0") or any(page(n).strip(b"\0") for n in leaves):
            return False
        trunk = int.from_bytes(body[0:4], "big")
    return True


def rows(env: simcord.Env, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    raw = raw_file(env)
    try:
        return list(raw.execute(sql, params))
    finally:
        raw.close()


# -- 1. results are frozen at the close ---------------------------------------------------------


async def export(world: World, kind: str) -> str:
    result = await world.facilitator.slash(
        world.channel, "project export", name=PROJECT, format=kind
    )
    message = result.followups[-1] if result.followups else result.response
    return (await message.attachments[0].read()).decode()


async def report(world: World) -> str:
    result = await world.facilitator.slash(world.channel, "project report", name=PROJECT)
    messages = [result.response, *result.followups] if result.response else result.followups
    texts = [m.content for m in messages]
    for message in messages:
        for attachment in message.attachments:
            if attachment.filename.endswith(".md"):
                texts.append((await attachment.read()).decode())
    return "\n".join(texts)


async def test_erasing_after_a_close_changes_no_later_trend_report_or_export(
    env: simcord.Env,
) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    for member, pattern in zip(world.members, PATTERNS, strict=True):
        await answer(member, pattern)
    await world.close_checkin()
    before = (await export(world, "json"), await export(world, "csv"), await report(world))
    beginning = json.loads(before[0])["checkins"][0]

    # The member with the most distinctive answers erases everything, after the close.
    leaver = world.members[0]
    await erase_my_data(leaver, world)
    closed = await current_checkin(world)
    assert (await env.bot.store.get_response(closed.id, leaver.id)).answers == {}

    after = (await export(world, "json"), await export(world, "csv"), await report(world))
    assert after == before, "an output changed after the erasure: the difference is their answers"

    # The next check-in's trends compare with the beginning as it was posted, not recomputed.
    await world.open_checkin("middle")
    for member in world.members[1:]:
        await answer(member, [3] * 10)
    await world.close_checkin()
    middle = json.loads(await export(world, "json"))
    assert middle["checkins"][0] == beginning
    posted = summary_of(world).content
    for component in beginning["components"]:
        delta = round(3.0 - component["average"], 1)
        if delta:
            assert f"{abs(delta):.1f} since the beginning" in posted


async def erase_my_data(member: simcord.MemberActor, world: World) -> None:
    asked = await member.slash(world.channel, "mydata delete")
    await member.click(asked.response.message, label="Erase my data")


async def test_exports_carry_no_figure_the_summary_withheld(env: simcord.Env) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    # Everyone rates the first component; only two rate the second (the rest skip it).
    for index, member in enumerate(world.members):
        second: int | None = 4 if index < 2 else None
        await answer(member, [3, second, *[2] * 8])  # type: ignore[list-item]
    await world.close_checkin()
    assert "not enough answers" in summary_of(world).content
    data = json.loads(await export(world, "json"))
    second_part = data["checkins"][0]["components"][1]
    assert second_part["average"] is None
    assert second_part["rated"] is None  # not "2": the summary did not show how many
    assert second_part["distribution"] is None
    csv_text = await export(world, "csv")
    second_row = csv_text.splitlines()[2].split(",")
    assert "2" not in second_row[5:], csv_text


async def test_a_distribution_needs_the_comments_threshold_of_answers(env: simcord.Env) -> None:
    world = await ready(env, members=4)
    await world.open_checkin("beginning")
    for member, pattern in zip(world.members, PATTERNS, strict=False):
        await answer(member, pattern)
    await world.close_checkin()
    posted = summary_of(world).content
    assert "on average" in posted  # 4 answers: the scores threshold (3) is met
    assert "▁" not in posted and "█" not in posted  # but no distribution below 5
    assert "1: " not in posted
    data = json.loads(await export(world, "json"))
    assert all(c["distribution"] is None for c in data["checkins"][0]["components"])


# -- 2. the database and its journal link nobody ---------------------------------------------


async def test_the_write_ahead_log_never_holds_two_transactions_nor_a_member_while_answering(
    env: simcord.Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await ready(env)
    database = env.bot.settings.database_path
    snapshots = log_before_each_emptying(monkeypatch, database)
    await world.open_checkin("beginning")
    await env.advance_time(60)  # the invitations go out
    snapshots.clear()
    for member, pattern, comment in zip(world.members, PATTERNS, COMMENTS, strict=True):
        answering = await answer(member, pattern, comment)
        await answering.click("Change my answers")
        await answering.comment("rewritten " + comment)
        await answering.click("Submit") if "Submit" in labels(answering.message) else None
    answering_snapshots = list(snapshots)
    assert answering_snapshots, "the spy saw no write"
    ids = [user_id_bytes(member.id) for member in world.members]
    for snapshot in answering_snapshots:
        transactions = wal_transactions(snapshot)
        assert len(transactions) <= 1
        pages = b"".join(page for transaction in transactions for _, page in transaction)
        assert not any(uid in pages for uid in ids), "a write while answering names a member"
    # At rest, nothing is left in the log at all.
    wal = wal_path(env)
    assert not wal.exists() or wal.stat().st_size == 0


async def test_answering_writes_only_keyed_rows(env: simcord.Env) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    await env.advance_time(60)
    statements: list[str] = []
    await env.bot.store._connection().set_trace_callback(statements.append)
    try:
        for member, pattern in zip(world.members[:3], PATTERNS, strict=False):
            answering = dm_answering(member)
            await answering.click("Not this time")
            await answering.click("Start after all")
            await answering.answer_all(pattern, comments={0: "a comment"})
    finally:
        await env.bot.store._connection().set_trace_callback(None)
    writes = [
        s
        for s in statements
        if s.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes
    for sql in writes:
        target = sql.split()[2] if sql.upper().startswith(("INSERT", "DELETE")) else sql.split()[1]
        assert target in ("responses", "answers", "redaction_names"), sql


async def test_nothing_at_rest_tells_finishers_from_the_rest(env: simcord.Env) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    await env.advance_time(60)
    await answer(world.members[2], PATTERNS[2])  # the only one who finishes
    checkin = await current_checkin(world)
    invitations = rows(
        env,
        "SELECT delivery, attempts, next_attempt_at FROM invitations WHERE checkin_id = ?",
        (checkin.id,),
    )
    assert len(set(invitations)) == 1, invitations  # alike, the finisher's too
    responses = rows(env, "SELECT respondent FROM responses WHERE checkin_id = ?", (checkin.id,))
    assert len(responses) == 5  # everyone's row exists from the opening
    columns = {c[1] for c in rows(env, "PRAGMA table_info(invitations)")}
    assert not columns & {"finished", "declined", "reminders", "last_reminded_at", "names"}


async def test_rows_sit_in_key_order_whoever_started_first(env: simcord.Env) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    await env.advance_time(60)
    checkin = await current_checkin(world)
    # Every response row is there, in key order, before anyone has clicked anything.
    stored = rows(env, "SELECT respondent FROM responses WHERE checkin_id = ?", (checkin.id,))
    assert [key for (key,) in stored] == sorted(
        respondent_key(SECRET, checkin.id, m.id) for m in world.members
    )
    for member, pattern in reversed(list(zip(world.members, PATTERNS, strict=True))):
        await answer(member, pattern)
    await world.close_checkin()  # compacts the file: pages are rebuilt in key order
    keys = [respondent_key(SECRET, checkin.id, m.id) for m in world.members]
    content = env.bot.settings.database_path.read_bytes()
    positions = [content.find(key.encode()) for key in keys]
    assert all(p >= 0 for p in positions)
    by_place = [key for _, key in sorted(zip(positions, keys, strict=True))]
    # SQLite fills a page from its end, so rows written in key order sit in reverse key order.
    assert by_place in (sorted(keys), sorted(keys, reverse=True))


async def test_the_close_clears_bookkeeping_and_compacts_the_file(env: simcord.Env) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    await env.advance_time(60)
    for member, pattern in zip(world.members[:3], PATTERNS, strict=False):
        await answer(member, pattern)
    await dm_answering(world.members[3]).click("Not this time")
    await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    checkin = await current_checkin(world)
    assert rows(env, "SELECT sum(reminders) FROM responses WHERE checkin_id = ?", (checkin.id,))[0][
        0
    ]
    await world.close_checkin()
    await env.advance_time(60)
    assert rows(
        env,
        "SELECT DISTINCT declined, reminders, last_reminded_at FROM responses WHERE checkin_id = ?",
        (checkin.id,),
    ) == [(0, 0, None)]
    assert rows(env, "SELECT DISTINCT attempts, next_attempt_at FROM invitations") == [(0, None)]
    assert rows(env, "SELECT count(*) FROM dm_messages") == [(0,)]
    # Compacted at the close. Writes after it (the summary's message id on the check-in row,
    # whose framework snapshot spills onto overflow pages) may free a page or two again;
    # secure_delete leaves those holding nothing.
    assert free_pages_hold_nothing(env.bot.settings.database_path)


async def test_closed_and_erased_checkins_leave_no_answers_in_dms(env: simcord.Env) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    await env.advance_time(60)
    for member, pattern, comment in zip(world.members, PATTERNS, COMMENTS, strict=True):
        await answer(member, pattern, comment)
    await world.close_checkin()
    await env.advance_time(60)  # the scheduler empties the answering screens
    for member, comment in zip(world.members, COMMENTS, strict=True):
        for message in member.user.dm_channel.history():
            assert comment not in message.content
            assert "**Equal**" not in message.content  # no review line of their answers
        assert "has closed" in member.user.dm_channel.last_message.content
        assert not member.user.dm_channel.last_message.components


async def test_erasing_during_a_checkin_empties_the_members_dm(env: simcord.Env) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    await env.advance_time(60)
    member = world.members[0]
    await answer(member, PATTERNS[0], COMMENTS[0])
    await erase_my_data(member, world)
    shown = member.user.dm_channel.last_message
    assert "erased" in shown.content
    assert COMMENTS[0] not in shown.content and not shown.components


async def test_the_data_folder_and_its_files_are_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "fresh" / "data"
    store = await store_module.Store.open(folder / "coreflect.sqlite3", secret=SECRET)
    try:
        await store.set_facilitator_role(1, 2)  # a write, so the journal files exist
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in folder.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        await store.close()


def test_the_key_does_not_default_to_the_data_folder(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    settings = Settings.from_env({"COREFLECT_DB": str(tmp_path / "data" / "coreflect.sqlite3")})
    key = settings.resolved_key_file.resolve()
    assert settings.database_path.resolve().parent not in key.parents


# -- 3. the key and the count cannot be cheated --------------------------------------------------


def _keyed_settings(tmp_path: Path, key_file: Path) -> Settings:
    return Settings(
        database_path=tmp_path / "data" / "coreflect.sqlite3",
        key_file=key_file,
        dm_gap_seconds=0.0,
        sync_commands=False,
    )


async def test_a_replaced_key_file_refuses_to_start(tmp_path: Path) -> None:
    first = _keyed_settings(tmp_path, tmp_path / "keys" / "secret.key")
    bot = create_bot(first)
    await bot._load_secret()  # makes the key
    secret, source = await bot._load_secret()
    store = await store_module.Store.open(first.database_path, secret=secret, secret_source=source)
    await store.close()
    os.remove(tmp_path / "keys" / "secret.key")
    second = create_bot(first)
    with pytest.raises(Exception, match="is missing, but the database already holds answers"):
        await second._load_secret()
    # Another key put in its place is refused by the database's fingerprint.
    (tmp_path / "keys" / "secret.key").write_text("ab" * 32 + "\n")
    os.chmod(tmp_path / "keys" / "secret.key", 0o600)
    other, source = await second._load_secret()
    with pytest.raises(store_module.SecretMismatch) as refused:
        await store_module.Store.open(first.database_path, secret=other, secret_source=source)
    assert str(first.database_path) in str(refused.value)
    assert str(tmp_path / "keys" / "secret.key") in str(refused.value)


async def test_a_response_under_a_foreign_key_is_never_counted(env: simcord.Env) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    await env.advance_time(60)
    for member, pattern in zip(world.members[:2], PATTERNS, strict=False):
        await answer(member, pattern)
    checkin = await current_checkin(world)
    # Someone with write access forges a third, submitted response under a made-up key.
    raw = raw_file(env)
    raw.execute(
        "INSERT INTO responses (checkin_id, respondent, submitted) VALUES (?, ?, 1)",
        (checkin.id, "f" * 64),
    )
    raw.close()
    status = await world.facilitator.slash(world.channel, "checkin status", project=PROJECT)
    assert "2 of 5" in reply_text(status)
    await world.close_checkin()
    assert "2 of 5 participants took part" in summary_of(world).content


def test_wal_reader_finds_transactions(tmp_path: Path) -> None:
    """The attacker's reader itself works: it sees each transaction of a log left alone."""
    path = tmp_path / "plain.sqlite3"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA wal_autocheckpoint = 0")
    raw.execute("CREATE TABLE t (x)")
    for value in range(3):
        raw.execute("INSERT INTO t VALUES (?)", (value,))
    wal = path.with_name(path.name + "-wal").read_bytes()
    raw.close()
    assert len(wal_transactions(wal)) == 4


# -- 6. redaction covers everyone in the project -----------------------------------------------


async def test_comments_hide_new_nicknames_facilitators_and_members_who_erased(
    env: simcord.Env,
) -> None:
    world = await ready(env, members=6)
    amira, leaver = world.members[0], world.members[5]
    # A nickname set after joining, seen when the member next uses the bot in the server.
    env.backend.edit_member(world.guild.id, amira.id, {"nick": "Queenie Bee"})
    await amira.slash(world.channel, "privacy")
    await world.open_checkin("beginning")
    await env.advance_time(60)
    await erase_my_data(leaver, world)  # before the close: still hidden in comments
    texts = [
        "Queenie spoke over everyone",
        f"ask {world.facilitator.user.name} about the budget",
        f"{leaver.user.name} never came back",
        "Bee again",
        "all fine",
    ]
    for member, pattern, text in zip(world.members[:5], PATTERNS, texts, strict=True):
        await answer(member, pattern, text)
    await world.close_checkin()
    posted = (
        "\n".join(m.content for thread in world.channel.threads for m in thread.history())
        + summary_of(world).content
    )
    assert "all fine" in posted  # the comments were shown
    for name in ("Queenie", "Bee", world.facilitator.user.name, leaver.user.name):
        assert name not in posted, name


async def test_nothing_naming_a_member_records_who_got_a_reminder(env: simcord.Env) -> None:
    world = await ready(env)
    await world.open_checkin("beginning")
    await env.advance_time(60)
    for member, pattern in zip(world.members[:2], PATTERNS, strict=False):
        await answer(member, pattern)
    await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    reminded = [m for m in world.members if len(m.user.dm_channel.history()) > 1]
    assert len(reminded) == 3  # those who had not finished
    checkin = await current_checkin(world)
    per_member = rows(
        env,
        "SELECT user_id, count(*) FROM dm_messages WHERE checkin_id = ? GROUP BY user_id",
        (checkin.id,),
    )
    assert {count for _, count in per_member} == {1}  # the invitation, for everyone alike
    assert rows(env, "SELECT DISTINCT attempts FROM invitations") == [(1,)]
    # The reminders' messages sit in the keyed rows, and are emptied at the close.
    await world.close_checkin()
    await env.advance_time(60)
    for member in reminded:
        assert all("has closed" in m.content for m in member.user.dm_channel.history())


# -- 7. the moment between a write and the emptying of the log -----------------------------------


async def test_a_log_left_by_a_crash_is_emptied_when_the_store_opens(tmp_path: Path) -> None:
    """A crash between a commit and the emptying leaves that write in the log: the next
    start copies it into the file and empties the log before anything else happens."""
    database = tmp_path / "data" / "coreflect.sqlite3"
    store = await store_module.Store.open(database, secret=SECRET)
    try:
        await store.set_facilitator_role(1, 2)
        # The moment after the commit, as a crash would leave the folder.
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        for suffix in ("", "-wal", "-shm"):
            source = database.with_name(database.name + suffix)
            (crashed / source.name).write_bytes(source.read_bytes())
    finally:
        await store.close()
    copy = crashed / database.name
    wal = copy.with_name(copy.name + "-wal")
    assert len(wal_transactions(wal.read_bytes())) == 1
    restarted = await store_module.Store.open(copy, secret=SECRET)
    try:
        assert wal.stat().st_size == 0
        settings = await restarted.get_guild_settings(1)
        assert settings.facilitator_role_id == 2  # the write is kept, in the file
    finally:
        await restarted.close()


async def test_a_write_whose_wait_was_cancelled_is_emptied_before_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write whose caller stopped waiting (cancelled: the bot shutting down in the middle
    of it) still commits on the database's thread: the next write empties it from the log
    first, so the log never holds the two together. The first write is held half done on
    the thread while the emptying and the next write look at the log: whether a transaction
    is open is asked on that thread, after the first write, not on the event loop."""
    database = tmp_path / "data" / "coreflect.sqlite3"
    store = await store_module.Store.open(database, secret=SECRET)
    snapshots = log_before_each_emptying(monkeypatch, database)
    inside, release = threading.Event(), threading.Event()
    transaction = store_module._transaction
    held: list[bool] = []

    def held_once(conn: sqlite3.Connection, body: Any) -> Any:
        def body_then_wait(conn: sqlite3.Connection) -> Any:
            result = body(conn)
            if not held:
                held.append(True)
                inside.set()
                release.wait(timeout=30)
            return result

        return transaction(conn, body_then_wait)

    monkeypatch.setattr(store_module, "_transaction", held_once)
    try:
        write = asyncio.create_task(store.set_facilitator_role(1, 2))
        assert await asyncio.to_thread(inside.wait, 30)
        write.cancel()
        with pytest.raises(asyncio.CancelledError):
            await write
        second = asyncio.create_task(store.set_facilitator_role(2, 3))
        for _ in range(10):
            await asyncio.sleep(0)  # the emptying and the second write, while the first is open
        release.set()
        await second
        await store.log_emptied()
    finally:
        release.set()
        await store.close()
    with contextlib.closing(sqlite3.connect(database)) as raw:
        roles = dict(raw.execute("SELECT guild_id, facilitator_role_id FROM guild_settings"))
    assert roles == {1: 2, 2: 3}  # the cancelled write did commit
    transactions = [len(wal_transactions(snapshot)) for snapshot in snapshots]
    assert sum(transactions) == 2  # each write went through the log, and each alone
    assert all(count <= 1 for count in transactions)


async def cancelled_before_begin(
    store: store_module.Store, write: Callable[[], Awaitable[Any]]
) -> asyncio.Task[Any]:
    """`write()` started while the database's thread is busy with a slow read, and cancelled
    while its BEGIN waits its turn there; its task, once done (the read let go)."""
    assert not store._log_written  # so the write's BEGIN is the first thing it queues
    release = threading.Event()
    holding = asyncio.create_task(
        store_module._on_thread(store._connection(), lambda _: release.wait(30))
    )
    try:
        await asyncio.sleep(0)
        task = asyncio.create_task(write())
        for _ in range(5):
            await asyncio.sleep(0)  # its BEGIN is queued behind the read
        task.cancel()
    finally:
        release.set()
    await holding
    await asyncio.wait({task})
    return task


async def test_a_write_cancelled_before_its_transaction_began_leaves_none_open(
    tmp_path: Path,
) -> None:
    """A write of several statements cancelled while its BEGIN still waits its turn on the
    database's thread: the BEGIN runs after, so the roll-back is decided there too. Nothing
    of the cancelled write is kept, and the next write is not refused for a transaction
    left open."""
    database = tmp_path / "data" / "coreflect.sqlite3"
    store = await store_module.Store.open(database, secret=SECRET)
    try:
        write = await cancelled_before_begin(store, lambda: store.set_dm_channel(5, 6))
        with pytest.raises(asyncio.CancelledError):
            write.result()
        await store.set_dm_channel(7, 8)
        assert await store.get_dm_channel(7) == 8
        assert await store.get_dm_channel(5) is None
    finally:
        await store.close()


async def test_the_log_is_emptied_right_after_a_write_and_before_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reply to a click does not wait for the log to be emptied, but the log holds the
    latest write only until the store is next free, and never two writes, even when
    writes queue up one behind the other."""
    database = tmp_path / "data" / "coreflect.sqlite3"
    wal = database.with_name(database.name + "-wal")
    store = await store_module.Store.open(database, secret=SECRET)
    snapshots = log_before_each_emptying(monkeypatch, database)
    try:
        assert wal.stat().st_size == 0  # opening emptied it
        await store.set_facilitator_role(1, 2)
        assert len(wal_transactions(wal.read_bytes())) == 1  # the moment after the commit
        await store.log_emptied()
        assert wal.stat().st_size == 0
        snapshots.clear()
        # Five writes waiting on each other: each empties the log of the one before it.
        await asyncio.gather(*(store.set_facilitator_role(1, role) for role in range(3, 8)))
        await store.log_emptied()
        assert len(snapshots) == 5
        assert all(len(wal_transactions(snapshot)) == 1 for snapshot in snapshots)
        assert wal.stat().st_size == 0
        # A write that changes nothing (a conditional one that does not apply) puts nothing
        # into the log, so there is nothing to empty: no checkpoint is run for it.
        snapshots.clear()
        assert not await store.set_project_framework(999, "co-create")
        await store.log_emptied()
        assert snapshots == []
        assert wal.stat().st_size == 0
        # Closing empties it too, whatever is pending.
        await store.set_facilitator_role(1, 9)
    finally:
        await store.close()
    assert not wal.exists() or wal.stat().st_size == 0


async def test_no_moment_of_a_whole_loop_leaves_two_transactions_in_the_log(
    env: simcord.Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As someone copying the data folder at any moment: from the invitations, through
    answers, an erasure, the close (and its rebuild of the file) and the project's
    deletion (and its rebuild), the log holds one transaction at most, and nothing once the
    bot is idle."""
    world = await ready(env)
    snapshots = log_before_each_emptying(monkeypatch, env.bot.settings.database_path)
    wal = wal_path(env)
    idle: list[int] = []
    await world.open_checkin("beginning")
    await env.advance_time(60)
    idle.append(wal.stat().st_size if wal.exists() else 0)
    for member, pattern, comment in zip(world.members, PATTERNS, COMMENTS, strict=True):
        await answer(member, pattern, comment)
    await erase_my_data(world.members[0], world)
    idle.append(wal.stat().st_size if wal.exists() else 0)
    await world.close_checkin()
    await env.advance_time(60)
    idle.append(wal.stat().st_size if wal.exists() else 0)
    asked = await world.facilitator.slash(world.channel, "project delete", name=PROJECT)
    await world.facilitator.click(asked.response.message, label="Delete it")
    await env.advance_time(1)
    idle.append(wal.stat().st_size if wal.exists() else 0)
    assert len(snapshots) > 10
    assert all(len(wal_transactions(snapshot)) <= 1 for snapshot in snapshots)
    assert idle == [0, 0, 0, 0]

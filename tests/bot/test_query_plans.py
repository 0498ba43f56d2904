"""No statement the store issues scans a whole table that grows with history.

A project's whole life runs through the real bot on SimCord (set-up, joins, a check-in
answered with comments, reminders, the close and its summary, the report and exports,
`/mydata`, a project deleted, a server's data erased after it removed the bot, comment
retention) while SQLite's trace callback records every statement. Each is then asked for
its plan (EXPLAIN QUERY PLAN): a `SCAN` of a table that grows with history fails, so no
scheduler pass or click gets slower as closed check-ins pile up. A scan of a small table
(one row per server's settings, the store's own metadata) is fine.
"""

from __future__ import annotations

import re
import sqlite3

from tests.bot.world import (
    PROJECT,
    advance_to,
    dm_answering,
    make_world,
    remove_bot,
    reply_text,
    restart,
    utc,
)

# Tables whose size stays small whatever the history: one row per server, or per store
# (its settings, its metadata, the scheduler's lease).
SMALL_TABLES = {"guild_settings", "store_meta", "guild_departures", "scheduler_lease"}
# Pieces of the statements a scheduler pass and its next look issue (bot/services/scheduler.py).
SCHEDULER_READS = (
    "SELECT EXISTS (SELECT 1 FROM checkins WHERE status = 'closed' AND summary_due = 1",
    "WHERE c.status = 'open' AND c.closes_at <= ",
    "WHERE status = 'open' AND closes_at > ",
    "WHERE s.state = 'planned' AND s.opens_at <= ",
    "WHERE state = 'planned' AND opens_at > ",
    "c.reminder_rounds, p.timezone FROM checkins AS c",
    "SELECT 1 FROM checkins WHERE status = 'closed' AND screens_pending = 1 AND closed_at < ",
    "UPDATE checkins SET screens_pending = 0 WHERE status = 'closed' AND screens_pending = 1",
)
DATA_STATEMENT = re.compile(r"^\s*(WITH|SELECT|INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def shape(statement: str) -> str:
    """The statement with its values taken out (the trace shows them bound)."""
    return LITERAL.sub("?", statement)


def partial_indexes(db: sqlite3.Connection) -> set[str]:
    """Indexes of only some rows (`CREATE INDEX ... WHERE ...`): what is pending, say."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql NOT NULL")
    return {name for name, sql in rows if " WHERE " in sql.upper()}


def plan_scans(db: sqlite3.Connection, statement: str) -> list[str]:
    """The tables `statement` reads whole (by its query plan), small ones left out. Walking
    a partial index (the rows flagged as pending) is not reading the whole table; walking
    a full index is."""
    rows = db.execute("EXPLAIN QUERY PLAN " + statement).fetchall()
    partial = partial_indexes(db)
    scans = []
    for row in rows:
        detail = row[-1]
        match = re.match(r"SCAN (\w+)", detail)
        if match is None or "VIRTUAL TABLE" in detail or detail == "SCAN CONSTANT ROW":
            continue  # a keyed SEARCH, json_each over one row's value, or a row of probes
        index = re.search(r"USING (?:COVERING )?INDEX (\w+)", detail)
        if index is not None and index.group(1) in partial:
            continue
        table = match.group(1)
        aliases = dict(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)", statement, re.I))
        table = next((t for t, alias in aliases.items() if alias == table), table)
        if table not in SMALL_TABLES and not table.startswith("json_each"):
            scans.append(f"{detail}  <- {table}")
    return scans


async def test_no_statement_scans_a_table_that_grows_with_history(env, make_bot):
    statements: set[str] = set()
    await env.bot.store._connection().set_trace_callback(statements.add)

    world = make_world(env, members=4)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    await advance_to(env, utc(2026, 1, 5, 10, 5))  # the beginning opens: invitations
    for member, rating in zip(world.members[:3], (4, 3, 5), strict=True):
        answering = dm_answering(member)
        await answering.click("Start")
        await answering.answer_all([rating] * 10, comments={0: "We listened, Sam too."})
    await world.facilitator.slash(world.channel, "checkin status", project=PROJECT)
    await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    late = world.guild.add_member(env.create_user("late"))
    await late.click(world.card, label="Join")  # invited at once to the open check-in
    await world.members[3].click(world.card, label="Leave")
    await world.facilitator.slash(world.channel, "project edit", name=PROJECT, ends="2026-03-06")
    await world.facilitator.slash(world.channel, "settings thresholds", scores=3, comments=3)
    await world.facilitator.slash(world.channel, "settings show")
    await world.facilitator.slash(world.channel, "privacy")
    await advance_to(env, utc(2026, 1, 9, 10))  # an automatic reminder round
    await restart(env, make_bot)  # a fresh process opens the same database
    statements_after_restart: set[str] = set()
    await env.bot.store._connection().set_trace_callback(statements_after_restart.add)
    await world.facilitator.slash(world.channel, "checkin close", project=PROJECT)
    await advance_to(env, utc(2026, 1, 13, 10))  # the summary, the screens emptied
    for command in ("project show", "project report", "project list"):
        options = {} if command == "project list" else {"name": PROJECT}
        await world.facilitator.slash(world.channel, command, **options)
    await world.facilitator.slash(world.channel, "project export", name=PROJECT, format="csv")
    await world.members[0].slash(world.channel, "mydata show")
    await world.members[0].slash(world.channel, "reflect")
    await world.facilitator.slash(world.channel, "settings audit")
    await advance_to(env, utc(2026, 8, 1, 10))  # every check-in, then comment retention
    asked = await world.members[1].slash(world.channel, "mydata delete")
    await world.members[1].click(asked.response.message, label="Erase my data")
    asked = await world.facilitator.slash(world.channel, "project delete", name=PROJECT)
    await world.facilitator.click(asked.response.message, label="Delete it")
    await world.create_project(name="Second", starts="2026-09-07", ends="2026-12-04")
    await world.join_all(next(m for m in world.channel.history() if "Second" in m.content))
    role = world.guild.create_role("Facilitators")
    await world.facilitator.slash(world.channel, "settings facilitator-role", role=role)
    await world.facilitator.slash(
        world.channel, "settings facilitator-channel", channel=world.channel
    )
    await env.bot.scheduler.stop()  # the bot is down across the beginning's whole window
    await advance_to(env, utc(2026, 9, 15, 11))
    await restart(env, make_bot)  # ... so it is marked missed, and the facilitators told
    await env.bot.store._connection().set_trace_callback(statements_after_restart.add)
    await advance_to(env, utc(2026, 9, 15, 12))
    opened = await world.facilitator.slash(
        world.channel, "checkin open", project="Second", phase="beginning"
    )
    assert "check-in of **Second** is open" in reply_text(opened), reply_text(opened)
    await advance_to(env, utc(2026, 9, 16, 10))
    await remove_bot(env, world)
    await advance_to(env, utc(2026, 11, 1, 10))  # ... and the server's data is erased
    # Every DM of this life was emptied, so no pass had a check-in to settle: asked directly.
    await env.bot.store.screens_unsettled(utc(2026, 11, 1, 10))
    await env.bot.store.settle_screens(utc(2026, 11, 1, 10))

    await env.bot.store._connection().set_trace_callback(None)
    statements |= statements_after_restart
    data = sorted(s for s in statements if DATA_STATEMENT.match(s))
    assert len(data) > 40  # the life above really ran through the store
    # The scheduler's reads by due moment really ran too (and so are checked below).
    for fragment in SCHEDULER_READS:
        assert any(fragment in s for s in data), fragment
    db = sqlite3.connect(env.bot.store.path)
    try:
        found = {s: plan_scans(db, s) for s in data}
    finally:
        db.close()
    scanning = {shape(s): scans for s, scans in found.items() if scans}
    assert scanning == {}, "\n".join(f"{s}\n    {scans}" for s, scans in scanning.items())

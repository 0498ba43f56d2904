"""What an invitation costs the database: at most three statements on data each.

Counted with SQLite's trace callback: SELECT, INSERT, UPDATE and DELETE statements (a write
transaction's BEGIN, COMMIT and the write-ahead-log checkpoint after it are not statements
on data). A round of invitations reads once, then writes once per DM: the delivery, the
message to empty at the close, and for a first DM the member's DM channel.
"""

from __future__ import annotations

import re
from datetime import timedelta

from tests.bot.world import advance_to, invitations, ready, restart, utc

DATA = re.compile(r"^\s*(WITH|SELECT|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
OPENS = utc(2026, 1, 5, 10)
MEMBERS = 10


async def _traced_opening(env, opens) -> list[str]:
    traced: list[str] = []
    await env.bot.store._connection().set_trace_callback(traced.append)
    await advance_to(env, opens + timedelta(minutes=5))
    await env.bot.scheduler.wait_for_runs()
    await env.bot.store._connection().set_trace_callback(None)
    return traced


def _invitation_statements(traced: list[str]) -> list[str]:
    """The statements of the round of invitations: its read, and its writes per DM."""
    return [
        s
        for s in traced
        if DATA.match(s)
        and (
            ("FROM invitations AS i" in s and "known_channel" in s)  # the round's one read
            or s.startswith("UPDATE invitations SET delivery")
            or s.startswith("INSERT INTO dm_messages")
            or s.startswith("INSERT INTO dm_channels")
        )
    ]


async def test_a_round_of_first_invitations_costs_at_most_three_statements_each(env, make_bot):
    world = await ready(env, MEMBERS, open_checkin=False, starts="2026-01-05", ends="2026-03-01")
    await restart(env, make_bot)
    traced = await _traced_opening(env, OPENS)

    assert all(len(invitations(m, "beginning")) == 1 for m in world.members)
    statements = _invitation_statements(traced)
    reads = [s for s in statements if s.startswith("SELECT")]
    # A few reads for the whole round (the pass that starts it, the round, the look at what
    # is due next), however many members: none per invitation.
    assert len(reads) <= 3
    writes = [s for s in statements if not s.startswith("SELECT")]
    assert len(writes) == 3 * MEMBERS  # delivery, message to empty, DM channel: per DM
    # Nothing else is read per invitation: no read names one member's invitation,
    # participation or DM channel.
    per_member = [
        s
        for s in traced
        if s.startswith("SELECT")
        and any(str(m.id) in s for m in world.members)
        and ("invitations" in s or "participants" in s or "dm_channels" in s)
    ]
    assert per_member == []


async def test_a_later_invitation_costs_two_statements(env, make_bot):
    world = await ready(env, MEMBERS, open_checkin=False, starts="2026-01-05", ends="2026-03-01")
    await advance_to(env, OPENS + timedelta(minutes=5))
    await advance_to(env, utc(2026, 2, 1, 9))  # the beginning and its reminders are over
    traced = await _traced_opening(env, utc(2026, 2, 1, 10))  # the middle opens

    assert all(len(invitations(m, "middle")) == 1 for m in world.members)
    statements = _invitation_statements(traced)
    assert len([s for s in statements if s.startswith("SELECT")]) <= 3
    writes = [s for s in statements if not s.startswith("SELECT")]
    assert not [s for s in writes if s.startswith("INSERT INTO dm_channels")]
    assert len(writes) == 2 * MEMBERS  # the channel is known: delivery, message to empty

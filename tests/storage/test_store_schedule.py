"""The scheduler's store methods on a real SQLite file: what each call returns and what the
database then holds (planned check-ins, reminder limits, paced delivery, DM channels)."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest

from bot.core.models import (
    Checkin,
    CheckinStatus,
    Delivery,
    GuildSettings,
    Invitation,
    MemberDataErased,
    Phase,
    Project,
    ReminderTarget,
    ScheduledCheckin,
    SlotState,
    Thresholds,
)
from bot.core.schedule import PlannedCheckin, plan_project
from bot.keys import respondent_key
from bot.storage.errors import CheckinAlreadyOpen
from bot.storage.store import Store
from tests.storage.arrange import (
    ANA,
    BEN,
    CAT,
    CHANNEL,
    DAN,
    EVE,
    FAY,
    FRAMEWORK,
    GUILD,
    GUS,
    HAL,
    IDA,
    OTHER_GUILD,
    MakeProject,
    count,
    counts,
    new_project,
    rows,
)

if TYPE_CHECKING:
    from tests.storage.conftest import FakeSummariser


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def text(moment: datetime) -> str:
    """How the store writes an instant: fixed-width ISO-8601 UTC."""
    return moment.isoformat(timespec="microseconds")


# The default project's schedule (London is on GMT in March, on BST from 30 March).
BEGINNING = (utc(2025, 3, 3, 10), utc(2025, 3, 10, 10))
MIDDLE = (utc(2025, 5, 1, 9), utc(2025, 5, 8, 9))
END = (utc(2025, 6, 30, 9), utc(2025, 7, 7, 9))


def slot_rows(raw: sqlite3.Connection, project_id: int) -> list[tuple[object, ...]]:
    return rows(
        raw,
        "SELECT phase, opens_at, closes_at, state, checkin_id, announced "
        "FROM scheduled_checkins WHERE project_id = ? ORDER BY opens_at",
        project_id,
    )


async def open_scheduled(
    store: Store,
    project_id: int,
    phase: Phase = Phase.BEGINNING,
    now: datetime = BEGINNING[0],
    invitees: tuple[int, ...] = (ANA, BEN, CAT),
) -> Checkin | None:
    return await store.open_scheduled_checkin(
        project_id, phase, FRAMEWORK, now, Thresholds(), invitees
    )


OpenByHand = Callable[..., Awaitable[Checkin]]


@pytest.fixture
def open_by_hand(store: Store, now: datetime) -> OpenByHand:
    """Open a week-long check-in by hand (any phase) now, outside the schedule."""

    async def open_(
        project_id: int, phase: Phase, invitees: tuple[int, ...] = (ANA, BEN, CAT)
    ) -> Checkin:
        return await store.open_checkin(
            project_id, phase, FRAMEWORK, now, now + timedelta(days=7), Thresholds(), invitees
        )

    return open_


async def opened_checkin_id(store: Store, project_id: int, invitees: tuple[int, ...]) -> int:
    checkin = await open_scheduled(store, project_id, invitees=invitees)
    assert checkin is not None
    return checkin.id


# -- planning -------------------------------------------------------------------------------------


async def test_a_new_project_stores_its_three_planned_checkins(
    store: Store, raw: sqlite3.Connection
) -> None:
    project = await store.create_project(new_project(), plan_project(new_project()))

    assert await store.list_schedule(project.id) == [
        ScheduledCheckin(project.id, Phase.BEGINNING, *BEGINNING),
        ScheduledCheckin(project.id, Phase.MIDDLE, *MIDDLE),
        ScheduledCheckin(project.id, Phase.END, *END),
    ]
    assert slot_rows(raw, project.id) == [
        ("beginning", text(BEGINNING[0]), text(BEGINNING[1]), "planned", None, 1),
        ("middle", text(MIDDLE[0]), text(MIDDLE[1]), "planned", None, 1),
        ("end", text(END[0]), text(END[1]), "planned", None, 1),
    ]


async def test_a_project_without_a_plan_has_no_schedule(
    store: Store, raw: sqlite3.Connection
) -> None:
    project = await store.create_project(new_project())

    assert await store.list_schedule(project.id) == []
    assert count(raw, "scheduled_checkins") == 0


async def test_planned_checkins_already_over_are_stored_missed_quietly(
    store: Store, raw: sqlite3.Connection, make_project: MakeProject
) -> None:
    # The store's clock says 2025-03-03 09:00 UTC: the beginning closed on 10 February.
    project = await make_project("Archive", starts_on=date(2025, 2, 3), ends_on=date(2025, 3, 31))

    assert await store.list_schedule(project.id) == [
        ScheduledCheckin(
            project.id,
            Phase.BEGINNING,
            utc(2025, 2, 3, 10),
            utc(2025, 2, 10, 10),
            state=SlotState.MISSED,
            announced=True,
        ),
        ScheduledCheckin(project.id, Phase.MIDDLE, utc(2025, 3, 3, 10), utc(2025, 3, 10, 10)),
        ScheduledCheckin(project.id, Phase.END, utc(2025, 3, 31, 9), utc(2025, 4, 7, 9)),
    ]
    assert [(row[0], row[3], row[5]) for row in slot_rows(raw, project.id)] == [
        ("beginning", "missed", 1),
        ("middle", "planned", 1),
        ("end", "planned", 1),
    ]
    assert await store.list_unannounced() == []


async def test_a_checkin_closing_exactly_now_counts_as_over(
    store: Store, raw: sqlite3.Connection, now: datetime
) -> None:
    plan = [
        PlannedCheckin(Phase.BEGINNING, now - timedelta(days=7), now),
        PlannedCheckin(Phase.MIDDLE, now, now + timedelta(microseconds=1)),
    ]
    project = await store.create_project(new_project(), plan)

    assert [(row[0], row[3], row[5]) for row in slot_rows(raw, project.id)] == [
        ("beginning", "missed", 1),
        ("middle", "planned", 1),
    ]


async def test_list_planned_is_soonest_first_across_projects(
    store: Store, make_project: MakeProject
) -> None:
    garden = await make_project()
    archive = await make_project(
        "Archive", OTHER_GUILD, starts_on=date(2025, 2, 3), ends_on=date(2025, 3, 31)
    )

    planned = await store.list_planned()

    # Garden's beginning and Archive's middle open at the same instant: by project id then.
    assert [(slot.project_id, slot.phase, slot.opens_at) for slot in planned] == [
        (garden.id, Phase.BEGINNING, utc(2025, 3, 3, 10)),
        (archive.id, Phase.MIDDLE, utc(2025, 3, 3, 10)),
        (archive.id, Phase.END, utc(2025, 3, 31, 9)),
        (garden.id, Phase.MIDDLE, MIDDLE[0]),
        (garden.id, Phase.END, END[0]),
    ]
    assert all(slot.state is SlotState.PLANNED for slot in planned)

    await open_scheduled(store, garden.id)
    assert await store.mark_missed(archive.id, Phase.END)

    assert [(slot.project_id, slot.phase) for slot in await store.list_planned()] == [
        (archive.id, Phase.MIDDLE),
        (garden.id, Phase.MIDDLE),
        (garden.id, Phase.END),
    ]


# -- opening scheduled check-ins ------------------------------------------------------------------


async def test_a_scheduled_checkin_opens_once(
    store: Store, raw: sqlite3.Connection, project: Project, summarise: FakeSummariser
) -> None:
    checkin = await open_scheduled(store, project.id, invitees=(ANA, BEN, BEN))

    assert checkin is not None
    assert checkin == Checkin(
        id=checkin.id,
        project_id=project.id,
        phase=Phase.BEGINNING,
        framework_id=FRAMEWORK,
        opened_at=BEGINNING[0],
        closes_at=BEGINNING[1],
        thresholds=Thresholds(),
    )
    assert await store.get_checkin(checkin.id) == checkin
    assert rows(raw, "SELECT id, phase, opened_at, closes_at, status FROM checkins") == [
        (checkin.id, "beginning", text(BEGINNING[0]), text(BEGINNING[1]), "open")
    ]
    assert rows(raw, "SELECT checkin_id, user_id, delivery, attempts FROM invitations") == [
        (checkin.id, ANA, "pending", 0),
        (checkin.id, BEN, "pending", 0),
    ]
    # Each invitee (once) has an empty keyed response row from the start, not reminded yet.
    assert rows(raw, "SELECT checkin_id, submitted, declined, reminders FROM responses") == [
        (checkin.id, 0, 0, 0),
        (checkin.id, 0, 0, 0),
    ]
    schedule = await store.list_schedule(project.id)
    assert schedule[0] == ScheduledCheckin(
        project.id,
        Phase.BEGINNING,
        *BEGINNING,
        state=SlotState.OPENED,
        checkin_id=checkin.id,
        checkin_open=True,
    )
    assert [slot.state for slot in schedule[1:]] == [SlotState.PLANNED, SlotState.PLANNED]
    assert slot_rows(raw, project.id)[0] == (
        "beginning",
        text(BEGINNING[0]),
        text(BEGINNING[1]),
        "opened",
        checkin.id,
        1,
    )

    # A second attempt (say, after a restart) opens nothing, whether or not the first is open.
    assert await open_scheduled(store, project.id, now=BEGINNING[0] + timedelta(hours=1)) is None
    assert await store.close_checkin(checkin.id, BEGINNING[0] + timedelta(hours=2), summarise)
    assert await open_scheduled(store, project.id, now=BEGINNING[0] + timedelta(hours=3)) is None
    assert counts(raw, "checkins", "invitations", "responses") == {
        "checkins": 1,
        "invitations": 2,
        "responses": 2,
    }
    assert (await store.list_schedule(project.id))[0] == dataclasses.replace(
        schedule[0], checkin_open=False
    )


async def test_concurrent_openings_of_one_slot_open_it_once(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    results = await asyncio.gather(*(open_scheduled(store, project.id) for _ in range(5)))

    assert sum(result is not None for result in results) == 1
    assert counts(raw, "checkins", "invitations") == {"checkins": 1, "invitations": 3}


async def test_a_scheduled_checkin_waits_while_another_is_open(
    store: Store,
    raw: sqlite3.Connection,
    project: Project,
    open_by_hand: OpenByHand,
    summarise: FakeSummariser,
) -> None:
    extra = await open_by_hand(project.id, Phase.EXTRA, invitees=(DAN,))
    before = slot_rows(raw, project.id)

    assert await open_scheduled(store, project.id) is None

    assert rows(raw, "SELECT id FROM checkins") == [(extra.id,)]
    assert rows(raw, "SELECT checkin_id, user_id FROM invitations") == [(extra.id, DAN)]
    assert slot_rows(raw, project.id) == before
    assert (await store.list_schedule(project.id))[0].state is SlotState.PLANNED

    # Once the other one closes, the planned one can open, still closing when its window ends.
    assert await store.close_checkin(extra.id, BEGINNING[0] + timedelta(hours=1), summarise)
    later = await open_scheduled(store, project.id, now=BEGINNING[0] + timedelta(hours=2))
    assert later is not None
    assert (later.opened_at, later.closes_at) == (BEGINNING[0] + timedelta(hours=2), BEGINNING[1])


async def test_a_scheduled_checkin_does_not_open_once_its_window_ended(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    before = slot_rows(raw, project.id)

    assert await open_scheduled(store, project.id, now=BEGINNING[1]) is None
    assert await open_scheduled(store, project.id, now=BEGINNING[1] + timedelta(days=1)) is None

    assert counts(raw, "checkins", "invitations") == {"checkins": 0, "invitations": 0}
    assert slot_rows(raw, project.id) == before

    last_moment = BEGINNING[1] - timedelta(microseconds=1)
    checkin = await open_scheduled(store, project.id, now=last_moment)
    assert checkin is not None
    assert (checkin.opened_at, checkin.closes_at) == (last_moment, BEGINNING[1])


async def test_missed_extra_and_unknown_slots_do_not_open(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    assert await store.mark_missed(project.id, Phase.BEGINNING)

    assert await open_scheduled(store, project.id, Phase.BEGINNING) is None
    assert await open_scheduled(store, project.id, Phase.EXTRA) is None
    assert await open_scheduled(store, project.id + 1) is None

    assert counts(raw, "checkins", "invitations") == {"checkins": 0, "invitations": 0}


# -- check-ins opened by hand ---------------------------------------------------------------------


async def test_a_middle_checkin_opened_by_hand_takes_the_planned_slot(
    store: Store,
    raw: sqlite3.Connection,
    project: Project,
    open_by_hand: OpenByHand,
    now: datetime,
    summarise: FakeSummariser,
) -> None:
    by_hand = await open_by_hand(project.id, Phase.MIDDLE)

    schedule = await store.list_schedule(project.id)
    assert schedule == [
        ScheduledCheckin(project.id, Phase.BEGINNING, *BEGINNING),
        ScheduledCheckin(
            project.id,
            Phase.MIDDLE,
            *MIDDLE,
            state=SlotState.OPENED,
            checkin_id=by_hand.id,
            checkin_open=True,
        ),
        ScheduledCheckin(project.id, Phase.END, *END),
    ]
    assert [(row[0], row[3], row[4]) for row in slot_rows(raw, project.id)] == [
        ("beginning", "planned", None),
        ("middle", "opened", by_hand.id),
        ("end", "planned", None),
    ]

    assert await store.close_checkin(by_hand.id, now + timedelta(days=1), summarise)
    assert await open_scheduled(store, project.id, Phase.MIDDLE, MIDDLE[0]) is None
    assert rows(raw, "SELECT id, phase FROM checkins") == [(by_hand.id, "middle")]
    assert [slot.state for slot in await store.list_planned()] == [SlotState.PLANNED] * 2


async def test_an_extra_checkin_claims_no_slot(
    store: Store, raw: sqlite3.Connection, project: Project, open_by_hand: OpenByHand
) -> None:
    before = slot_rows(raw, project.id)

    extra = await open_by_hand(project.id, Phase.EXTRA)

    assert extra.phase is Phase.EXTRA
    assert slot_rows(raw, project.id) == before
    assert all(slot.state is SlotState.PLANNED for slot in await store.list_schedule(project.id))


async def test_a_refused_checkin_by_hand_leaves_the_slot_planned(
    raw: sqlite3.Connection, project: Project, open_by_hand: OpenByHand
) -> None:
    await open_by_hand(project.id, Phase.EXTRA)
    before = slot_rows(raw, project.id)

    with pytest.raises(CheckinAlreadyOpen):
        await open_by_hand(project.id, Phase.MIDDLE)

    assert slot_rows(raw, project.id) == before
    assert count(raw, "checkins") == 1


# -- missed check-ins -----------------------------------------------------------------------------


async def test_a_missed_checkin_is_announced_once(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    assert await store.mark_missed(project.id, Phase.BEGINNING) is True
    assert await store.mark_missed(project.id, Phase.BEGINNING) is False

    missed = ScheduledCheckin(
        project.id, Phase.BEGINNING, *BEGINNING, state=SlotState.MISSED, announced=False
    )
    assert slot_rows(raw, project.id)[0] == (
        "beginning",
        text(BEGINNING[0]),
        text(BEGINNING[1]),
        "missed",
        None,
        0,
    )
    assert (await store.list_schedule(project.id))[0] == missed
    assert await store.list_unannounced() == [missed]
    assert Phase.BEGINNING not in [slot.phase for slot in await store.list_planned()]

    await store.mark_announced(await store.list_unannounced())

    assert await store.list_unannounced() == []
    assert slot_rows(raw, project.id)[0][3:] == ("missed", None, 1)
    # Marking it missed again cannot make it unannounced again.
    assert await store.mark_missed(project.id, Phase.BEGINNING) is False
    assert slot_rows(raw, project.id)[0][3:] == ("missed", None, 1)


async def test_an_opened_or_unknown_slot_cannot_be_missed(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    checkin = await open_scheduled(store, project.id)
    assert checkin is not None

    assert await store.mark_missed(project.id, Phase.BEGINNING) is False
    assert await store.mark_missed(project.id + 1, Phase.MIDDLE) is False

    assert slot_rows(raw, project.id)[0][3:] == ("opened", checkin.id, 1)
    assert await store.list_unannounced() == []


async def test_list_unannounced_is_soonest_first_across_projects(
    store: Store, make_project: MakeProject
) -> None:
    garden = await make_project()
    bees = await make_project("Bees", OTHER_GUILD, starts_on=date(2025, 3, 10))
    for project_id, phase in [
        (garden.id, Phase.MIDDLE),
        (bees.id, Phase.BEGINNING),
        (garden.id, Phase.BEGINNING),
    ]:
        assert await store.mark_missed(project_id, phase)

    unannounced = await store.list_unannounced()

    assert [(slot.project_id, slot.phase) for slot in unannounced] == [
        (garden.id, Phase.BEGINNING),
        (bees.id, Phase.BEGINNING),
        (garden.id, Phase.MIDDLE),
    ]
    await store.mark_announced(unannounced[:1])
    assert await store.list_unannounced() == unannounced[1:]


# -- closing and summaries ------------------------------------------------------------------------


@pytest.mark.parametrize("message_id", [555, None])
async def test_closing_makes_the_summary_due_until_it_is_posted(
    store: Store,
    raw: sqlite3.Connection,
    make_project: MakeProject,
    message_id: int | None,
    summarise: FakeSummariser,
) -> None:
    garden, bees = await make_project(), await make_project("Bees")
    checkin_id = await opened_checkin_id(store, garden.id, (ANA,))
    still_open = await opened_checkin_id(store, bees.id, (ANA,))
    closed_at = BEGINNING[0] + timedelta(days=1)

    assert await store.close_checkin(checkin_id, closed_at, summarise) is True

    assert rows(
        raw, "SELECT status, closed_at, summary_due FROM checkins WHERE id = ?", checkin_id
    ) == [("closed", text(closed_at), 1)]
    due = await store.list_summaries_due()
    assert [(c.id, c.status, c.closed_at, c.summary_due) for c in due] == [
        (checkin_id, CheckinStatus.CLOSED, closed_at, True)
    ]
    assert still_open not in [c.id for c in due]

    await store.set_summary_message(checkin_id, message_id)

    assert rows(
        raw, "SELECT summary_message_id, summary_due FROM checkins WHERE id = ?", checkin_id
    ) == [(message_id, 0)]
    assert await store.list_summaries_due() == []
    checkin = await store.get_checkin(checkin_id)
    assert checkin is not None
    assert (checkin.summary_message_id, checkin.summary_due) == (message_id, False)


# -- automatic reminder rounds --------------------------------------------------------------------


async def test_advancing_reminder_rounds_is_compare_and_set(
    store: Store, raw: sqlite3.Connection, project: Project, summarise: FakeSummariser
) -> None:
    checkin_id = await opened_checkin_id(store, project.id, (ANA,))

    def rounds() -> list[tuple[object, ...]]:
        return rows(raw, "SELECT reminder_rounds FROM checkins WHERE id = ?", checkin_id)

    assert await store.advance_reminder_rounds(checkin_id, 0, 1) is True
    assert rounds() == [(1,)]
    assert await store.advance_reminder_rounds(checkin_id, 0, 1) is False  # a stale `done`
    assert await store.advance_reminder_rounds(checkin_id, 0, 2) is False
    assert rounds() == [(1,)]
    assert await store.advance_reminder_rounds(checkin_id, 1, 2) is True
    assert rounds() == [(2,)]
    checkin = await store.get_checkin(checkin_id)
    assert checkin is not None
    assert checkin.reminder_rounds == 2

    assert await store.close_checkin(checkin_id, BEGINNING[0] + timedelta(days=1), summarise)
    assert await store.advance_reminder_rounds(checkin_id, 2, 3) is False
    assert rounds() == [(2,)]
    assert await store.advance_reminder_rounds(checkin_id + 1, 0, 1) is False


async def test_concurrent_round_advances_succeed_once(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    checkin_id = await opened_checkin_id(store, project.id, (ANA,))

    results = await asyncio.gather(
        *(store.advance_reminder_rounds(checkin_id, 0, 1) for _ in range(5))
    )

    assert sorted(results) == [False] * 4 + [True]
    assert rows(raw, "SELECT reminder_rounds FROM checkins") == [(1,)]


# -- delivery -------------------------------------------------------------------------------------


async def test_record_delivery_counts_attempts_and_list_undelivered_paces_retries(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    checkin_id = await opened_checkin_id(store, project.id, (DAN, CAT, BEN, ANA))

    # Ana's DM failed twice for a passing reason; Ben's went through; Cat's DMs are closed.
    await store.record_delivery(checkin_id, ANA, Delivery.PENDING)
    await store.record_delivery(checkin_id, ANA, Delivery.PENDING)
    await store.record_delivery(
        checkin_id, BEN, Delivery.DELIVERED, dm_channel_id=21, dm_message_id=22
    )
    await store.record_delivery(checkin_id, CAT, Delivery.FAILED)

    assert rows(
        raw, "SELECT user_id, delivery, attempts, dm_channel_id FROM invitations ORDER BY user_id"
    ) == [
        (ANA, "pending", 2, None),
        (BEN, "delivered", 1, 21),
        (CAT, "failed", 1, None),
        (DAN, "pending", 0, None),
    ]
    # The message sent is kept apart from the invitation, to be emptied at the close.
    assert rows(raw, "SELECT checkin_id, user_id, channel_id, message_id FROM dm_messages") == [
        (checkin_id, BEN, 21, 22)
    ]
    now = BEGINNING[0]
    for user_id in (ANA, BEN, CAT, DAN):
        await store.add_participant(project.id, user_id, [f"user {user_id}"])
    assert await store.list_undelivered(checkin_id, now) == [
        Invitation(checkin_id, ANA, attempts=2),
        Invitation(checkin_id, DAN),
    ]
    # A failure with a time to try again: not due before then.
    later = now + timedelta(minutes=5)
    await store.record_delivery(checkin_id, ANA, Delivery.PENDING, retry_at=later)
    assert await store.list_undelivered(checkin_id, now) == [Invitation(checkin_id, DAN)]
    assert await store.next_delivery_attempt() == later
    assert [i.user_id for i in await store.list_undelivered(checkin_id, later)] == [ANA, DAN]
    # Someone who left the project is not sent the invitation.
    await store.remove_participant(project.id, DAN)
    assert [i.user_id for i in await store.list_undelivered(checkin_id, later)] == [ANA]
    assert await store.list_undelivered(checkin_id + 1, later) == []


# -- reminders to people --------------------------------------------------------------------------


async def test_reminder_targets_are_those_a_reminder_may_reach_now(
    store: Store, project: Project, secret: bytes
) -> None:
    everyone = (ANA, BEN, CAT, DAN, EVE, FAY, GUS, HAL, IDA)
    for user_id in everyone:
        await store.add_participant(project.id, user_id, [f"user {user_id}"])
    checkin_id = await opened_checkin_id(store, project.id, everyone)
    start = BEGINNING[0]
    for user_id in (BEN, CAT, FAY, GUS, HAL):
        await store.record_delivery(checkin_id, user_id, Delivery.DELIVERED)
    await store.record_delivery(checkin_id, ANA, Delivery.DELIVERED, dm_channel_id=31)
    await store.record_delivery(checkin_id, IDA, Delivery.DELIVERED, dm_channel_id=39)
    await store.record_delivery(checkin_id, DAN, Delivery.FAILED)  # EVE stays pending
    assert await store.set_submitted(checkin_id, BEN, True)
    assert await store.set_declined(checkin_id, CAT, True)
    assert await store.remove_participant(project.id, FAY)  # left the project
    await store.record_reminder(checkin_id, GUS, start)
    await store.record_reminder(checkin_id, GUS, start + timedelta(hours=1))  # at the limit
    await store.record_reminder(checkin_id, HAL, start + timedelta(hours=1))  # too recent
    await store.record_reminder(checkin_id, IDA, start)  # exactly one spacing ago
    now = start + timedelta(hours=12)

    targets = await store.reminder_targets(checkin_id, 2, timedelta(hours=12), now)

    ana = ReminderTarget(ANA, 0, 31)
    ida = ReminderTarget(IDA, 1, 39)

    def key(target: ReminderTarget) -> str:
        return respondent_key(secret, checkin_id, target.user_id)

    # In respondent-key order, which says nothing about who they are.
    assert targets == sorted([ida, ana], key=key)
    assert await store.reminder_targets(checkin_id, 1, timedelta(hours=12), now) == [ana]
    assert await store.reminder_targets(checkin_id, 2, timedelta(hours=13), now) == [ana]
    assert await store.reminder_targets(checkin_id + 1, 2, timedelta(hours=12), now) == []
    # One member at a time, by the same rules.
    for user_id in everyone:
        assert await store.reminder_target(checkin_id, user_id, 2, timedelta(hours=12), now) == {
            ANA: ana,
            IDA: ida,
        }.get(user_id)
    assert await store.reminder_target(checkin_id, IDA, 1, timedelta(hours=12), now) is None
    assert await store.reminder_target(checkin_id + 1, ANA, 2, timedelta(hours=12), now) is None


async def test_record_reminder_counts_up_to_two(
    store: Store, raw: sqlite3.Connection, project: Project, secret: bytes
) -> None:
    checkin_id = await opened_checkin_id(store, project.id, (ANA, BEN))
    first, second = BEGINNING[0], BEGINNING[0] + timedelta(hours=12)
    keys = {respondent_key(secret, checkin_id, user): user for user in (ANA, BEN)}
    invitations = rows(raw, "SELECT * FROM invitations ORDER BY user_id")

    def reminded() -> list[tuple[object, ...]]:
        """Reminders are counted in each member's keyed response row, never by user id."""
        found = rows(
            raw,
            "SELECT respondent, reminders, last_reminded_at FROM responses WHERE checkin_id = ?",
            checkin_id,
        )
        return sorted((keys[str(key)], count, last) for key, count, last in found)

    assert await store.record_reminder(checkin_id, ANA, first)
    assert reminded() == [(ANA, 1, text(first)), (BEN, 0, None)]
    assert await store.record_reminder(checkin_id, ANA, second)
    assert reminded() == [(ANA, 2, text(second)), (BEN, 0, None)]
    assert rows(raw, "SELECT * FROM invitations ORDER BY user_id") == invitations

    # A third reminder is not counted: the row keeps its two reminders.
    assert not await store.record_reminder(checkin_id, ANA, second + timedelta(hours=12))
    assert reminded() == [(ANA, 2, text(second)), (BEN, 0, None)]

    # The limit holds for any writer, not only the store.
    ben = next(key for key, user in keys.items() if user == BEN)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        raw.execute("UPDATE responses SET reminders = 3 WHERE respondent = ?", (ben,))
    assert reminded() == [(ANA, 2, text(second)), (BEN, 0, None)]

    # The store still works after the refused write; the reminder's message is remembered in
    # Ben's keyed row (a row naming him would say he had not finished), never beside his id.
    assert await store.record_reminder(checkin_id, BEN, second, dm_channel_id=41, dm_message_id=42)
    assert reminded() == [(ANA, 2, text(second)), (BEN, 1, text(second))]
    assert rows(raw, "SELECT count(*) FROM dm_messages") == [(0,)]
    assert rows(raw, "SELECT reminder_messages FROM responses WHERE respondent = ?", ben) == [
        ("[42]",)
    ]


# -- DM channels ----------------------------------------------------------------------------------


async def test_dm_channels_round_trip_overwrite_and_forget(
    store: Store, raw: sqlite3.Connection
) -> None:
    assert await store.get_dm_channel(ANA) is None

    await store.set_dm_channel(ANA, 101)
    await store.set_dm_channel(BEN, 202)
    assert await store.get_dm_channel(ANA) == 101
    await store.set_dm_channel(ANA, 102)
    assert await store.get_dm_channel(ANA) == 102
    assert rows(raw, "SELECT user_id, channel_id FROM dm_channels ORDER BY user_id") == [
        (ANA, 102),
        (BEN, 202),
    ]

    await store.set_dm_channel(ANA, None)
    await store.set_dm_channel(CAT, None)  # forgetting what was never known is fine

    assert await store.get_dm_channel(ANA) is None
    assert await store.get_dm_channel(BEN) == 202
    assert rows(raw, "SELECT user_id, channel_id FROM dm_channels") == [(BEN, 202)]


async def test_deleting_member_data_forgets_their_dm_channel(
    store: Store, raw: sqlite3.Connection
) -> None:
    await store.set_dm_channel(ANA, 101)
    await store.set_dm_channel(BEN, 202)

    assert await store.delete_member_data(GUILD, ANA) == MemberDataErased()

    assert await store.get_dm_channel(ANA) is None
    assert rows(raw, "SELECT user_id, channel_id FROM dm_channels") == [(BEN, 202)]


# -- editing and deleting projects ----------------------------------------------------------------


async def test_update_project_moves_only_the_planned_checkins(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    await store.set_card_message(project.id, 4242)
    checkin = await open_scheduled(store, project.id)
    assert checkin is not None
    changed = dataclasses.replace(
        new_project(),
        ends_on=date(2025, 8, 29),
        timezone="Europe/Paris",
        checkin_time=time(14, 0),
        window_days=3,
    )

    # The whole new plan is passed: the store itself keeps the opened beginning in place.
    updated = await store.update_project(project.id, changed, plan_project(changed))

    assert updated == dataclasses.replace(
        project,
        ends_on=date(2025, 8, 29),
        timezone="Europe/Paris",
        checkin_time=time(14, 0),
        window_days=3,
        card_message_id=4242,
    )
    assert await store.get_project(project.id) == updated
    assert rows(
        raw,
        "SELECT starts_on, ends_on, timezone, checkin_time, window_days, card_message_id "
        "FROM projects WHERE id = ?",
        project.id,
    ) == [("2025-03-03", "2025-08-29", "Europe/Paris", "14:00", 3, 4242)]
    assert slot_rows(raw, project.id) == [
        ("beginning", text(BEGINNING[0]), text(BEGINNING[1]), "opened", checkin.id, 1),
        ("middle", text(utc(2025, 5, 31, 12)), text(utc(2025, 6, 3, 12)), "planned", None, 1),
        ("end", text(utc(2025, 8, 29, 12)), text(utc(2025, 9, 1, 12)), "planned", None, 1),
    ]


async def test_update_project_keeps_a_missed_checkins_times(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    assert await store.mark_missed(project.id, Phase.BEGINNING)
    changed = dataclasses.replace(new_project(), checkin_time=time(15, 0))

    await store.update_project(project.id, changed, plan_project(changed))

    assert [row[1:4] for row in slot_rows(raw, project.id)] == [
        (text(BEGINNING[0]), text(BEGINNING[1]), "missed"),
        (text(utc(2025, 5, 1, 14)), text(utc(2025, 5, 8, 14)), "planned"),
        (text(utc(2025, 6, 30, 14)), text(utc(2025, 7, 7, 14)), "planned"),
    ]


async def test_update_project_changes_only_dates_and_times(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    renamed = dataclasses.replace(
        new_project(), name="Renamed", channel_id=CHANNEL + 1, framework_id="other", window_days=5
    )

    updated = await store.update_project(project.id, renamed, ())

    # Name, channel and framework are not "dates and times" (see update_project's docstring).
    assert updated == dataclasses.replace(project, window_days=5)
    assert rows(raw, "SELECT name, channel_id, framework_id, window_days FROM projects") == [
        ("Community Garden", CHANNEL, FRAMEWORK, 5)
    ]


async def test_update_project_plans_a_project_that_had_no_schedule(
    store: Store, raw: sqlite3.Connection
) -> None:
    project = await store.create_project(new_project())

    await store.update_project(project.id, new_project(), plan_project(new_project()))

    assert [slot.phase for slot in await store.list_schedule(project.id)] == [
        Phase.BEGINNING,
        Phase.MIDDLE,
        Phase.END,
    ]
    assert count(raw, "scheduled_checkins") == 3


async def test_update_project_of_an_unknown_project_is_none(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    before = (rows(raw, "SELECT * FROM projects"), slot_rows(raw, project.id))
    changed = dataclasses.replace(new_project(), window_days=3)

    assert await store.update_project(project.id + 1, changed, plan_project(changed)) is None

    assert (rows(raw, "SELECT * FROM projects"), slot_rows(raw, project.id)) == before
    assert rows(raw, "SELECT DISTINCT project_id FROM scheduled_checkins") == [(project.id,)]


async def test_deleting_a_project_deletes_its_schedule(
    store: Store, raw: sqlite3.Connection, make_project: MakeProject
) -> None:
    doomed, kept = await make_project("Doomed"), await make_project("Kept")
    assert await open_scheduled(store, doomed.id) is not None
    assert await store.mark_missed(doomed.id, Phase.MIDDLE)
    kept_before = slot_rows(raw, kept.id)

    assert await store.delete_project(doomed.id) is True

    assert slot_rows(raw, doomed.id) == []
    assert await store.list_schedule(doomed.id) == []
    assert slot_rows(raw, kept.id) == kept_before
    assert {slot.project_id for slot in await store.list_planned()} == {kept.id}
    assert await store.list_unannounced() == []


# -- facilitator channel --------------------------------------------------------------------------


async def test_facilitator_channel_round_trips_without_disturbing_other_settings(
    store: Store, raw: sqlite3.Connection
) -> None:
    await store.set_facilitator_channel(GUILD, 4001)
    assert await store.get_guild_settings(GUILD) == GuildSettings(
        GUILD, facilitator_channel_id=4001
    )

    await store.set_facilitator_role(GUILD, 3001)
    await store.set_thresholds(GUILD, Thresholds(4, 6))
    await store.set_facilitator_channel(GUILD, 4002)
    assert await store.get_guild_settings(GUILD) == GuildSettings(
        GUILD, facilitator_role_id=3001, facilitator_channel_id=4002, thresholds=Thresholds(4, 6)
    )

    await store.set_facilitator_channel(GUILD, None)
    assert await store.get_guild_settings(GUILD) == GuildSettings(
        GUILD, facilitator_role_id=3001, thresholds=Thresholds(4, 6)
    )
    assert rows(
        raw,
        "SELECT guild_id, facilitator_role_id, facilitator_channel_id, scores_threshold, "
        "comments_threshold FROM guild_settings",
    ) == [(GUILD, 3001, None, 4, 6)]
    assert await store.get_guild_settings(OTHER_GUILD) == GuildSettings(OTHER_GUILD)


async def test_role_and_thresholds_keep_the_facilitator_channel(store: Store) -> None:
    await store.set_facilitator_channel(GUILD, 4001)
    await store.set_facilitator_role(GUILD, 3001)
    await store.set_facilitator_role(GUILD, None)
    await store.set_thresholds(GUILD, Thresholds(5, 5))

    assert await store.get_guild_settings(GUILD) == GuildSettings(
        GUILD, facilitator_channel_id=4001, thresholds=Thresholds(5, 5)
    )


async def test_the_scheduler_reads_only_what_is_due_by_its_moment(
    store: Store, make_project: MakeProject
) -> None:
    garden = await make_project()
    archive = await make_project(
        "Archive", OTHER_GUILD, starts_on=date(2025, 2, 3), ends_on=date(2025, 3, 31)
    )
    before = utc(2025, 3, 3, 9)
    opening = utc(2025, 3, 3, 10)

    assert await store.list_planned_due(before) == []
    assert await store.next_opening(before) == opening
    due = await store.list_planned_due(opening)
    assert [(slot.project_id, slot.phase) for slot in due] == [
        (garden.id, Phase.BEGINNING),
        (archive.id, Phase.MIDDLE),
    ]
    assert await store.next_opening(opening) == utc(2025, 3, 31, 9)
    work = await store.due_work(before, before)
    assert not work.openings and not work.closings and not work.departed
    assert (await store.due_work(opening, before)).openings

    opened = await open_scheduled(store, garden.id)
    assert opened is not None
    [times] = await store.open_checkin_times()
    assert (times.checkin_id, times.project_id, times.guild_id) == (
        opened.id,
        garden.id,
        garden.guild_id,
    )
    assert (times.closes_at, times.reminder_rounds, times.timezone) == (
        opened.closes_at,
        0,
        garden.timezone,
    )
    assert await store.checkins_closing(opened.closes_at - timedelta(seconds=1)) == []
    assert await store.next_closing(before) == opened.closes_at
    assert await store.next_closing(opened.closes_at) is None
    assert [c.id for c in await store.checkins_closing(opened.closes_at)] == [opened.id]
    assert (await store.due_work(opened.closes_at, before)).closings

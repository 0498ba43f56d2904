"""The store on a real SQLite file: what each call returns and what the database then holds."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.core.models import (
    ANYTHING_ELSE,
    Answer,
    CheckinCounts,
    CheckinStatus,
    Delivery,
    DirectionChoice,
    DmMessage,
    FrozenResults,
    GuildSettings,
    Invitation,
    MemberDataErased,
    Participant,
    Phase,
    Project,
    Response,
    Thresholds,
)
from bot.keys import respondent_key
from bot.storage.errors import CheckinAlreadyOpen, DuplicateProjectName, StorageError
from bot.storage.store import Store
from tests.storage.arrange import (
    ANA,
    BEN,
    CAT,
    DAN,
    GUILD,
    OTHER_GUILD,
    CloseCheckin,
    MakeProject,
    OpenCheckin,
    new_project,
    rows,
)

if TYPE_CHECKING:
    from tests.storage.conftest import FakeSummariser


def answer_rows(raw: sqlite3.Connection, checkin_id: int) -> list[tuple[object, ...]]:
    return rows(
        raw,
        "SELECT item, rating, skipped, choice, comment FROM answers "
        "WHERE checkin_id = ? ORDER BY item",
        checkin_id,
    )


# -- settings -------------------------------------------------------------------------------------


async def test_guild_settings_default_until_set(store: Store) -> None:
    assert await store.get_guild_settings(GUILD) == GuildSettings(GUILD)

    await store.set_facilitator_role(GUILD, 123)
    await store.set_thresholds(GUILD, Thresholds(4, 6))
    await store.set_facilitator_role(GUILD, None)
    await store.set_facilitator_role(GUILD, 456)

    assert await store.get_guild_settings(GUILD) == GuildSettings(
        GUILD, facilitator_role_id=456, thresholds=Thresholds(4, 6)
    )
    assert await store.get_guild_settings(OTHER_GUILD) == GuildSettings(OTHER_GUILD)


async def test_guild_settings_are_read_once_and_every_write_is_seen(store: Store) -> None:
    traced: list[str] = []
    await store._connection().set_trace_callback(traced.append)
    reads = lambda: [s for s in traced if s.startswith("SELECT") and "guild_settings" in s]  # noqa: E731
    for _ in range(3):
        assert await store.get_guild_settings(GUILD) == GuildSettings(GUILD)
    assert len(reads()) == 1  # kept after the first read
    await store.set_facilitator_role(GUILD, 123)
    assert (await store.get_guild_settings(GUILD)).facilitator_role_id == 123
    await store.set_facilitator_channel(GUILD, 77)
    assert (await store.get_guild_settings(GUILD)).facilitator_channel_id == 77
    await store.set_thresholds(GUILD, Thresholds(4, 6))
    assert (await store.get_guild_settings(GUILD)).thresholds == Thresholds(4, 6)
    await store.erase_guild(GUILD)
    assert await store.get_guild_settings(GUILD) == GuildSettings(GUILD)
    await store._connection().set_trace_callback(None)


@pytest.mark.parametrize("thresholds", [Thresholds(2, 5), Thresholds(5, 4)])
async def test_thresholds_below_the_rules_are_refused(
    store: Store, raw: sqlite3.Connection, thresholds: Thresholds
) -> None:
    with pytest.raises(ValueError, match="thresholds"):
        await store.set_thresholds(GUILD, thresholds)
    assert rows(raw, "SELECT * FROM guild_settings") == []


# -- projects -------------------------------------------------------------------------------------


async def test_a_project_round_trips(store: Store, raw: sqlite3.Connection) -> None:
    project = await store.create_project(new_project())

    assert await store.get_project(project.id) == project
    assert project.checkin_time == time(10, 0)
    assert project.card_message_id is None
    assert rows(raw, "SELECT name_key, checkin_time, starts_on, created_at FROM projects") == [
        ("community garden", "10:00", "2025-03-03", "2025-03-03T09:00:00.000000+00:00")
    ]


@pytest.mark.parametrize("again", ["Community Garden", "COMMUNITY garden", "  community   GARDEN "])
async def test_a_duplicate_name_in_the_same_server_is_refused(
    store: Store, raw: sqlite3.Connection, make_project: MakeProject, again: str
) -> None:
    await make_project("Community Garden")

    with pytest.raises(DuplicateProjectName):
        await make_project(again)
    assert rows(raw, "SELECT count(*) FROM projects") == [(1,)]


async def test_the_same_name_in_another_server_is_fine(make_project: MakeProject) -> None:
    first = await make_project("Garden", GUILD)
    second = await make_project("Garden", OTHER_GUILD)
    assert first.id != second.id


async def test_find_list_card_and_delete(store: Store, make_project: MakeProject) -> None:
    garden = await make_project("garden")
    await make_project("Allotment")
    await make_project("Bees", OTHER_GUILD)

    assert await store.find_project(GUILD, "GARDEN") == garden
    assert await store.find_project(GUILD, "nothing") is None
    assert await store.find_project(OTHER_GUILD, "garden") is None
    assert [p.name for p in await store.list_projects(GUILD)] == ["Allotment", "garden"]
    assert [p.name for p in await store.list_all_projects()] == ["garden", "Allotment", "Bees"]

    await store.set_card_message(garden.id, 5555)
    found = await store.get_project(garden.id)
    assert found is not None and found.card_message_id == 5555

    assert await store.delete_project(garden.id) is True
    assert await store.delete_project(garden.id) is False
    assert await store.get_project(garden.id) is None


async def test_ids_are_never_reused_after_a_delete(
    store: Store,
    make_project: MakeProject,
    open_checkin: OpenCheckin,
    project: Project,
    checkin_id: int,
) -> None:
    # Ids travel in the custom_ids of old DM buttons and in respondent keys.
    await store.delete_project(project.id)

    again = await make_project()
    assert again.id != project.id
    assert await open_checkin(again.id) != checkin_id


# -- participants ---------------------------------------------------------------------------------


async def test_participants_join_refresh_and_leave(store: Store, project: Project) -> None:
    assert await store.add_participant(project.id, ANA, ["Ana", "ana_b"]) is True
    assert await store.add_participant(project.id, ANA, ["Ana B."]) is False
    assert await store.add_participant(project.id, BEN, []) is True

    assert await store.list_participants(project.id) == [
        Participant(project.id, ANA, ("Ana B.",)),
        Participant(project.id, BEN, ()),
    ]
    assert await store.count_participants(project.id) == 2
    assert await store.is_participant(project.id, ANA)
    assert await store.remove_participant(project.id, ANA) is True
    assert await store.remove_participant(project.id, ANA) is False
    assert not await store.is_participant(project.id, ANA)
    assert await store.count_participants(project.id) == 1


# -- check-ins ------------------------------------------------------------------------------------


async def test_opening_a_checkin_invites_everyone_pending(
    store: Store, project: Project, now: datetime
) -> None:
    checkin = await store.open_checkin(
        project.id,
        Phase.MIDDLE,
        "six-principles",
        now,
        now + timedelta(days=3),
        Thresholds(4, 7),
        [ANA, BEN, ANA],
    )

    assert await store.get_checkin(checkin.id) == checkin
    assert await store.current_checkin(project.id) == checkin
    assert checkin.is_open and checkin.thresholds == Thresholds(4, 7)
    assert checkin.opened_at.tzinfo is UTC
    assert await store.list_invitations(checkin.id) == [
        Invitation(checkin.id, ANA),
        Invitation(checkin.id, BEN),
    ]


async def test_datetimes_are_stored_as_utc_text_and_returned_aware(
    store: Store, raw: sqlite3.Connection, project: Project
) -> None:
    paris = timezone(timedelta(hours=1))
    checkin = await store.open_checkin(
        project.id,
        Phase.EXTRA,
        "ten-components",
        datetime(2025, 3, 3, 10, 0, tzinfo=paris),
        datetime(2025, 3, 10, 10, 0, tzinfo=paris),
        Thresholds(),
        [],
    )

    assert rows(raw, "SELECT opened_at, closes_at FROM checkins") == [
        ("2025-03-03T09:00:00.000000+00:00", "2025-03-10T09:00:00.000000+00:00")
    ]
    stored = await store.get_checkin(checkin.id)
    assert stored is not None
    assert stored.opened_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    assert stored.opened_at.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(store: Store, project: Project) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.open_checkin(
            project.id,
            Phase.BEGINNING,
            "ten-components",
            datetime(2025, 3, 3, 9, 0),  # noqa: DTZ001 - the point of the test
            datetime(2025, 3, 10, 9, 0),  # noqa: DTZ001
            Thresholds(),
            [ANA],
        )


async def test_a_project_has_at_most_one_open_checkin(
    store: Store,
    raw: sqlite3.Connection,
    project: Project,
    open_checkin: OpenCheckin,
    close: CloseCheckin,
) -> None:
    first = await open_checkin(project.id)

    with pytest.raises(CheckinAlreadyOpen):
        await open_checkin(project.id, (DAN,))
    assert rows(raw, "SELECT id FROM checkins") == [(first,)]
    assert rows(raw, "SELECT count(*) FROM invitations WHERE user_id = ?", DAN) == [(0,)]

    # The partial unique index holds even against SQL that skips the store's check.
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO checkins (project_id, phase, framework_id, opened_at, closes_at, "
            "scores_threshold, comments_threshold) VALUES (?, 'extra', 'x', 'a', 'b', 3, 5)",
            (project.id,),
        )

    await close(first)
    second = await open_checkin(project.id)
    assert [c.id for c in await store.list_checkins(project.id)] == [first, second]


async def test_opening_a_checkin_is_one_transaction(
    store: Store, raw: sqlite3.Connection, project: Project, now: datetime
) -> None:
    bad_invitees: list[int] = [ANA, None]  # type: ignore[list-item]  # fails NOT NULL

    with pytest.raises(sqlite3.IntegrityError):
        await store.open_checkin(
            project.id, Phase.END, "x", now, now + timedelta(days=1), Thresholds(), bad_invitees
        )

    assert rows(raw, "SELECT count(*) FROM checkins") == [(0,)]
    assert rows(raw, "SELECT count(*) FROM invitations") == [(0,)]
    assert await store.current_checkin(project.id) is None


async def test_opening_a_checkin_for_an_unknown_project_fails(
    store: Store, open_checkin: OpenCheckin
) -> None:
    with pytest.raises(StorageError, match="no project"):
        await open_checkin(424242)


async def test_close_happens_once(
    store: Store, project: Project, open_checkin: OpenCheckin, summarise: FakeSummariser
) -> None:
    await store.add_participant(project.id, ANA, ["Ana"])
    checkin_id = await open_checkin(project.id)
    await store.record_rating(checkin_id, ANA, "power", 4)
    await store.set_submitted(checkin_id, ANA, True)
    await store.record_rating(checkin_id, BEN, "power", 2)  # not submitted: not counted
    first_close = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)

    assert await store.get_results(checkin_id) is None  # nothing frozen while open
    assert await store.close_checkin(checkin_id, first_close, summarise) is True
    assert (
        await store.close_checkin(checkin_id, first_close + timedelta(hours=1), summarise) is False
    )
    assert await store.close_checkin(999, first_close, summarise) is False

    # The results were worked out once, in the close, from the submitted responses only.
    assert summarise.calls == [
        ([Response({"power": Answer("power", rating=4)}, submitted=True)], 3, ["Ana"])
    ]
    assert await store.get_results(checkin_id) == FrozenResults(
        json.dumps({"format": 1, "took_part": 1, "invited": 3}), None
    )

    closed = await store.get_checkin(checkin_id)
    assert closed is not None
    assert closed.status is CheckinStatus.CLOSED and closed.closed_at == first_close
    assert await store.current_checkin(project.id) is None
    assert await store.list_open_checkins() == []


async def test_concurrent_closes_close_once(
    checkin_id: int, close: CloseCheckin, summarise: FakeSummariser
) -> None:
    results = await asyncio.gather(*(close(checkin_id) for _ in range(10)))

    assert sorted(results) == [False] * 9 + [True]
    assert len(summarise.calls) == 1  # the results were frozen once


async def test_summary_message_and_reminders(store: Store, checkin_id: int, now: datetime) -> None:
    gap = timedelta(hours=12)

    assert await store.mark_reminded(checkin_id, now, gap) is True
    assert await store.mark_reminded(checkin_id, now + timedelta(hours=11), gap) is False
    assert await store.mark_reminded(checkin_id, now + gap, gap) is True
    await store.set_summary_message(checkin_id, 777)

    checkin = await store.get_checkin(checkin_id)
    assert checkin is not None
    assert checkin.reminded_at == now + gap
    assert checkin.summary_message_id == 777


# -- invitations ----------------------------------------------------------------------------------


async def test_invitation_delivery_and_decline(
    store: Store, raw: sqlite3.Connection, checkin_id: int, secret: bytes
) -> None:
    await store.record_delivery(
        checkin_id, ANA, Delivery.DELIVERED, dm_channel_id=11, dm_message_id=12
    )
    await store.record_delivery(checkin_id, ANA, Delivery.DELIVERED, dm_message_id=13)
    await store.record_delivery(checkin_id, BEN, Delivery.FAILED)
    assert await store.set_declined(checkin_id, CAT, True) is True
    assert await store.set_declined(checkin_id, DAN, True) is False  # not invited

    assert await store.get_invitation(checkin_id, ANA) == Invitation(
        checkin_id, ANA, Delivery.DELIVERED, dm_channel_id=11, attempts=2
    )
    assert await store.get_invitation(checkin_id, BEN) == Invitation(
        checkin_id, BEN, Delivery.FAILED, attempts=1
    )
    # Declining is kept in Cat's keyed response row; her invitation does not change.
    assert await store.get_invitation(checkin_id, CAT) == Invitation(checkin_id, CAT)
    assert await store.get_invitation(checkin_id, DAN) is None
    assert rows(
        raw,
        "SELECT respondent FROM responses WHERE checkin_id = ? AND declined = 1",
        checkin_id,
    ) == [(respondent_key(secret, checkin_id, CAT),)]
    # Both messages sent to Ana (in the channel kept from the first) are remembered apart,
    # to be emptied once the check-in closes.
    assert rows(
        raw,
        "SELECT checkin_id, user_id, channel_id, message_id FROM dm_messages ORDER BY message_id",
    ) == [(checkin_id, ANA, 11, 12), (checkin_id, ANA, 11, 13)]


async def test_a_late_joiner_can_be_invited_to_an_open_checkin_only(
    store: Store, checkin_id: int, close: CloseCheckin
) -> None:
    assert await store.add_invitation(checkin_id, DAN) is True
    assert await store.add_invitation(checkin_id, DAN) is False
    assert await store.record_rating(checkin_id, DAN, "power", 3)  # and may answer
    await close(checkin_id)
    assert await store.add_invitation(checkin_id, 5) is False
    assert [i.user_id for i in await store.list_invitations(checkin_id)] == [ANA, BEN, CAT, DAN]


async def test_open_checkins_for_user(
    store: Store, make_project: MakeProject, open_checkin: OpenCheckin, close: CloseCheckin
) -> None:
    garden = await make_project("Garden")
    bees = await make_project("Bees", OTHER_GUILD)
    closed = await make_project("Closed")
    garden_checkin = await open_checkin(garden.id, (ANA, BEN))
    bees_checkin = await open_checkin(bees.id, (ANA,))
    await close(await open_checkin(closed.id, (ANA,)))

    found = await store.open_checkins_for_user(ANA)
    assert [(p.name, c.id) for p, c in found] == [
        ("Garden", garden_checkin),
        ("Bees", bees_checkin),
    ]
    in_guild = await store.open_checkins_for_user(ANA, GUILD)
    assert [(p.id, c.id) for p, c in in_guild] == [(garden.id, garden_checkin)]
    assert await store.open_checkins_for_user(DAN) == []


# -- answers --------------------------------------------------------------------------------------


async def test_rating_skip_and_comment_upserts_keep_the_other_columns(
    store: Store, raw: sqlite3.Connection, checkin_id: int
) -> None:
    c = checkin_id

    assert await store.record_rating(c, ANA, "power", 4)
    assert answer_rows(raw, c) == [("power", 4, 0, None, None)]

    assert await store.record_comment(c, ANA, "power", "  We share decisions now.  ")
    assert answer_rows(raw, c) == [("power", 4, 0, None, "We share decisions now.")]

    assert await store.record_rating(c, ANA, "power", None)  # Skip keeps the comment
    assert answer_rows(raw, c) == [("power", None, 1, None, "We share decisions now.")]

    assert await store.record_rating(c, ANA, "power", 2)  # a rating clears the skip
    assert answer_rows(raw, c) == [("power", 2, 0, None, "We share decisions now.")]

    assert await store.record_comment(c, ANA, "power", None)  # clearing keeps the rating
    assert answer_rows(raw, c) == [("power", 2, 0, None, None)]

    assert await store.record_comment(c, ANA, ANYTHING_ELSE, "Thanks")
    assert await store.record_comment(c, ANA, ANYTHING_ELSE, "   ")  # blank clears it
    assert answer_rows(raw, c) == [("power", 2, 0, None, None)]

    assert await store.get_response(c, ANA) == Response({"power": Answer("power", rating=2)})


async def test_direction_choices_and_their_skip(
    store: Store, raw: sqlite3.Connection, checkin_id: int
) -> None:
    c = checkin_id

    await store.record_comment(c, BEN, "uncomfortable", "A bit")
    await store.record_choice(c, BEN, "uncomfortable", DirectionChoice.YES)
    assert answer_rows(raw, c) == [("uncomfortable", None, 0, "yes", "A bit")]
    await store.record_choice(c, BEN, "uncomfortable", None)
    assert answer_rows(raw, c) == [("uncomfortable", None, 1, None, "A bit")]
    await store.record_choice(c, BEN, "uncomfortable", DirectionChoice.UNSURE)

    response = await store.get_response(c, BEN)
    assert response.answers["uncomfortable"] == Answer(
        "uncomfortable", choice=DirectionChoice.UNSURE, comment="A bit"
    )


async def test_a_too_long_comment_is_refused(
    store: Store, raw: sqlite3.Connection, checkin_id: int
) -> None:
    c = checkin_id
    with pytest.raises(ValueError, match="1000"):
        await store.record_comment(c, ANA, "power", "x" * 1001)
    assert answer_rows(raw, c) == []


async def test_writes_are_refused_after_close_and_for_the_uninvited(
    store: Store,
    raw: sqlite3.Connection,
    project: Project,
    open_checkin: OpenCheckin,
    close: CloseCheckin,
    secret: bytes,
) -> None:
    c = await open_checkin(project.id, (ANA,))

    assert await store.record_rating(c, DAN, "power", 5) is False
    assert await store.record_choice(c, DAN, "uncomfortable", DirectionChoice.NO) is False
    assert await store.record_comment(c, DAN, "power", "hi") is False
    assert await store.set_submitted(c, DAN, True) is False
    assert await store.set_declined(c, DAN, True) is False
    assert await store.record_rating(9999, ANA, "power", 5) is False  # no such check-in

    await close(c)
    assert await store.record_rating(c, ANA, "power", 5) is False
    assert await store.record_choice(c, ANA, "uncomfortable", DirectionChoice.NO) is False
    assert await store.record_comment(c, ANA, "power", "late") is False
    assert await store.set_submitted(c, ANA, True) is False
    assert await store.set_declined(c, ANA, True) is False

    assert rows(raw, "SELECT count(*) FROM answers") == [(0,)]
    # Only the empty row Ana was given when the check-in opened: nothing answered, nothing
    # submitted or declined, and no row for Dan.
    assert rows(raw, "SELECT respondent, submitted, declined FROM responses") == [
        (respondent_key(secret, c, ANA), 0, 0)
    ]
    assert await store.count_submitted(c) == 0


async def test_submitting_marks_the_invitation_finished(
    store: Store, raw: sqlite3.Connection, checkin_id: int
) -> None:
    c = checkin_id
    invitations = rows(raw, "SELECT * FROM invitations ORDER BY user_id")
    await store.record_rating(c, ANA, "power", 3)

    assert await store.set_submitted(c, ANA, True)
    assert await store.set_submitted(c, BEN, True)  # submitting having skipped everything

    # Who finished is worked out by keying each invitee; no row naming them changed.
    assert [(await store.get_response(c, user)).submitted for user in (ANA, BEN, CAT)] == [
        True,
        True,
        False,
    ]
    assert rows(raw, "SELECT * FROM invitations ORDER BY user_id") == invitations
    assert rows(raw, "SELECT count(*) FROM responses WHERE submitted = 1") == [(2,)]
    assert await store.count_submitted(c) == 2
    assert await store.checkin_counts(c) == CheckinCounts(
        invited=3, finished=2, delivered=0, undeliverable=0
    )

    assert await store.set_submitted(c, ANA, False)  # "Change my answers"
    assert await store.count_submitted(c) == 1
    assert not (await store.get_response(c, ANA)).submitted
    assert await store.get_response(c, ANA) == Response({"power": Answer("power", rating=3)})


async def test_responses_are_listed_without_identities(
    store: Store, project: Project, open_checkin: OpenCheckin
) -> None:
    c = await open_checkin(project.id, (ANA, BEN, CAT, DAN))
    await store.record_rating(c, ANA, "power", 5)
    await store.record_rating(c, BEN, "power", 1)
    await store.record_comment(c, BEN, "power", "slow")
    await store.set_submitted(c, BEN, True)
    await store.record_rating(c, CAT, "power", None)

    responses = await store.list_responses(c)

    # One per invitee: Dan's is the empty row every invitee gets when the check-in opens.
    assert len(responses) == 4
    assert {
        (r.submitted, a.rating, a.skipped, a.comment) for r in responses for a in r.answers.values()
    } == {
        (False, None, True, None),
        (False, 5, False, None),
        (True, 1, False, "slow"),
    }
    assert [r for r in responses if not r.answers] == [Response({})]
    assert await store.get_response(c, DAN) == Response({})
    assert await store.list_responses(9999) == []


async def test_member_responses_finds_only_the_members_own_answers(
    store: Store, make_project: MakeProject, open_checkin: OpenCheckin, close: CloseCheckin
) -> None:
    garden = await make_project("Garden")
    bees = await make_project("Bees", OTHER_GUILD)
    first = await open_checkin(garden.id)
    await store.record_rating(first, ANA, "power", 4)
    await store.record_rating(first, BEN, "power", 1)
    await close(first)
    second = await open_checkin(garden.id)  # ANA invited, answered nothing
    elsewhere = await open_checkin(bees.id)
    await store.record_rating(elsewhere, ANA, "power", 2)

    found = await store.member_responses(GUILD, ANA)

    assert [(p.id, c.id) for p, c, _ in found] == [(garden.id, first)]
    assert found[0][2] == Response({"power": Answer("power", rating=4)})
    assert second not in [c.id for _, c, _ in found]
    assert await store.member_responses(GUILD, DAN) == []


async def test_delete_member_data_erases_answers_and_participation(
    store: Store,
    raw: sqlite3.Connection,
    make_project: MakeProject,
    open_checkin: OpenCheckin,
    close: CloseCheckin,
    secret: bytes,
) -> None:
    garden = await make_project("Garden")
    bees = await make_project("Bees", OTHER_GUILD)
    for project in (garden, bees):
        await store.add_participant(project.id, ANA, ["Ana"])
        await store.add_participant(project.id, BEN, ["Ben"])
    closed = await open_checkin(garden.id)
    await store.record_rating(closed, ANA, "power", 4)
    await store.record_comment(closed, ANA, "power", "ok")
    await store.record_rating(closed, ANA, "trust", 3)
    await store.set_submitted(closed, ANA, True)
    await store.record_rating(closed, BEN, "power", 1)
    await close(closed)
    current = await open_checkin(garden.id)
    await store.record_delivery(
        current, ANA, Delivery.DELIVERED, dm_channel_id=11, dm_message_id=12
    )
    await store.record_rating(current, ANA, "power", 5)
    elsewhere = await open_checkin(bees.id)
    await store.record_rating(elsewhere, ANA, "power", 2)

    erased = await store.delete_member_data(GUILD, ANA)

    # The check-in message in her DMs is handed back, to be emptied.
    assert erased == MemberDataErased(
        answers=3, checkins=2, projects=1, messages=(DmMessage(current, ANA, 11, 12),)
    )
    assert await store.member_responses(GUILD, ANA) == []
    assert await store.get_response(closed, BEN) != Response({})  # others' answers stay
    assert len(await store.member_responses(OTHER_GUILD, ANA)) == 1  # other servers untouched
    assert not await store.is_participant(garden.id, ANA)
    assert await store.is_participant(bees.id, ANA)
    # Her invitation to the closed check-in stays (she was invited), to the open one goes.
    assert rows(raw, "SELECT checkin_id FROM invitations WHERE user_id = ?", ANA) == [
        (closed,),
        (elsewhere,),
    ]
    ana = {respondent_key(secret, c, ANA) for c in (closed, current, elsewhere)}
    left = {
        str(r)
        for (r,) in rows(
            raw, "SELECT respondent FROM answers UNION SELECT respondent FROM responses"
        )
    }
    assert ana & left == {respondent_key(secret, elsewhere, ANA)}
    assert rows(raw, "SELECT count(*) FROM dm_messages") == [(0,)]
    assert rows(raw, "PRAGMA foreign_key_check") == []


# -- what the file holds --------------------------------------------------------------------------


async def test_answers_and_responses_hold_no_user_id(
    store: Store,
    raw: sqlite3.Connection,
    project: Project,
    open_checkin: OpenCheckin,
    secret: bytes,
) -> None:
    users = (ANA, BEN, CAT, DAN)
    c = await open_checkin(project.id, users)
    for n, user in enumerate(users):
        await store.record_rating(c, user, "power", n + 1)
        await store.record_choice(c, user, "uncomfortable", DirectionChoice.NO)
        await store.record_comment(c, user, ANYTHING_ELSE, f"comment {n}")
        await store.set_submitted(c, user, True)

    for table in ("answers", "responses"):
        columns = [info[1] for info in rows(raw, f"PRAGMA table_info({table})")]
        assert not {"user_id", "created_at", "updated_at", "rowid"} & set(columns)
        with pytest.raises(sqlite3.OperationalError):  # WITHOUT ROWID: no insertion order
            raw.execute(f"SELECT rowid FROM {table}")
        stored = rows(raw, f"SELECT * FROM {table}")
        assert stored
        for row in stored:
            for value in row:
                for user in users:
                    assert str(user) not in str(value), f"{table} holds user id {user}"

    assert set(rows(raw, "SELECT respondent FROM responses")) == {
        (respondent_key(secret, c, user),) for user in users
    }
    assert rows(raw, "SELECT DISTINCT typeof(respondent) FROM answers") == [("text",)]


async def test_deleting_a_project_leaves_no_orphan_rows(
    store: Store,
    raw: sqlite3.Connection,
    make_project: MakeProject,
    open_checkin: OpenCheckin,
    close: CloseCheckin,
) -> None:
    await store.set_thresholds(GUILD, Thresholds(3, 5))
    doomed, kept = await make_project("Doomed"), await make_project("Kept")
    checkins: dict[int, list[int]] = {}
    for project in (doomed, kept):
        await store.add_participant(project.id, ANA, ["Ana"])
        first = await open_checkin(project.id)
        await store.record_rating(first, ANA, "power", 3)
        await store.record_comment(first, BEN, "power", "hm")
        await store.set_submitted(first, ANA, True)
        await store.record_delivery(
            first, ANA, Delivery.DELIVERED, dm_channel_id=11, dm_message_id=project.id
        )
        await close(first)
        second = await open_checkin(project.id)
        await store.record_choice(second, CAT, "uncomfortable", DirectionChoice.YES)
        checkins[project.id] = [first, second]

    tables = [
        str(name)
        for (name,) in rows(
            raw, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]

    def owned_by(project_id: int) -> dict[str, int]:
        """How many rows of each table belong to the project."""
        ids = checkins[project_id]
        counts: dict[str, int] = {}
        for table in tables:
            columns = {info[1] for info in rows(raw, f"PRAGMA table_info({table})")}
            if table == "projects":
                sql, params = "id = ?", [project_id]
            elif "project_id" in columns:
                sql, params = "project_id = ?", [project_id]
            elif "checkin_id" in columns:
                sql, params = "checkin_id IN (?, ?)", ids
            elif table in (
                "guild_settings",
                "dm_channels",
                "audit_log",
                "store_meta",
                "guild_departures",
                "scheduler_lease",
                "server_frameworks",
                "member_languages",
            ):
                # The server's settings and own frameworks, a member's language on a server
                # (erased with /mydata delete and with the server), a member's DM channel, the
                # facilitators' record of what they did (which keeps a deleted project's
                # name, never its data), and
                # facts about the database itself (the secret's fingerprint, which process
                # runs the scheduler).
                continue
            else:
                pytest.fail(f"table {table} has no link to a project: teach this test about it")
            (count,) = rows(raw, f"SELECT count(*) FROM {table} WHERE {sql}", *params)[0]
            counts[table] = int(str(count))
        return counts

    before = owned_by(doomed.id)
    assert all(before.values()), before  # every table really had rows for the project
    kept_before = owned_by(kept.id)

    assert await store.delete_project(doomed.id)

    assert set(owned_by(doomed.id).values()) == {0}
    assert owned_by(kept.id) == kept_before
    assert rows(raw, "PRAGMA foreign_key_check") == []
    assert rows(raw, "SELECT count(*) FROM guild_settings") == [(1,)]


async def test_concurrent_writes_do_not_trip_over_each_other(
    store: Store, raw: sqlite3.Connection, project: Project, open_checkin: OpenCheckin
) -> None:
    users = list(range(1000, 1040))
    c = await open_checkin(project.id, tuple(users))

    results = await asyncio.gather(
        *(store.record_rating(c, user, f"item{n % 5}", n % 5 + 1) for n, user in enumerate(users)),
        *(store.set_submitted(c, user, True) for user in users),
    )

    assert all(results)
    assert rows(raw, "SELECT count(*) FROM answers") == [(40,)]
    assert await store.count_submitted(c) == 40


async def test_project_overview_reads_what_project_show_needs_at_once(
    store: Store, make_project: MakeProject, open_checkin: OpenCheckin, close: CloseCheckin
) -> None:
    garden = await make_project("Garden")
    await make_project("Garden", OTHER_GUILD)  # the same name on another server
    for user in (ANA, BEN):
        await store.add_participant(garden.id, user, [f"user{user}"])
    first = await open_checkin(garden.id)
    await store.set_submitted(first, ANA, True)
    await close(first)
    second = await open_checkin(garden.id, (ANA, BEN))
    await store.set_submitted(second, BEN, True)

    shown = await store.project_overview(GUILD, "  garden ")

    assert shown is not None
    assert shown.project == garden
    assert shown.participants == 2
    assert shown.schedule == tuple(await store.list_schedule(garden.id))
    assert [s.checkin for s in shown.checkins] == await store.list_checkins(garden.id)
    # Who finished the closed check-in is in its frozen figures, so it is not counted again.
    assert [s.counts for s in shown.checkins] == [
        replace(await store.checkin_counts(first), finished=None),
        await store.checkin_counts(second),
    ]
    assert shown.checkins[1].counts.finished == 1
    assert shown.checkins[0].frozen == FrozenResults((await store.get_results(first)).figures)
    assert shown.checkins[1].frozen is None  # still open
    assert await store.project_overview(GUILD, "Orchard") is None


async def joined(
    store: Store, make_project: MakeProject, name: str, members: tuple[int, ...]
) -> Project:
    """A project these members have joined."""
    project = await make_project(name)
    for user in members:
        await store.add_participant(project.id, user, [f"user{user}"])
    return project


def keys_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The check-in of every respondent key any store computes from now on, in order."""
    keyed: list[int] = []
    respondent = Store._respondent

    def counting(self: Store, checkin_id: int, user_id: int) -> bytes:
        keyed.append(checkin_id)
        return respondent(self, checkin_id, user_id)

    monkeypatch.setattr(Store, "_respondent", counting)
    return keyed


async def test_project_overview_keys_only_the_open_checkins_invitees_however_long_the_history(
    store: Store,
    make_project: MakeProject,
    open_checkin: OpenCheckin,
    close: CloseCheckin,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    members = (ANA, BEN, CAT)
    garden = await joined(store, make_project, "Garden", members)
    keyed = keys_counted(monkeypatch)
    for _ in range(3):
        closed = await open_checkin(garden.id, members)
        await store.set_submitted(closed, ANA, True)
        await close(closed)
        keyed.clear()
        assert await store.project_overview(GUILD, "Garden") is not None
        assert keyed == []  # nothing open: nobody keyed
    current = await open_checkin(garden.id, members)
    await store.set_submitted(current, BEN, True)
    keyed.clear()

    shown = await store.project_overview(GUILD, "Garden")

    assert shown is not None
    assert keyed == [current] * len(members)
    assert [s.counts.invited for s in shown.checkins] == [3, 3, 3, 3]
    assert [s.counts.finished for s in shown.checkins] == [None, None, None, 1]


async def test_a_start_gives_an_older_versions_open_checkin_its_missing_response_rows_only(
    store: Store,
    db_path: Path,
    secret: bytes,
    raw: sqlite3.Connection,
    make_project: MakeProject,
    open_checkin: OpenCheckin,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    members = (ANA, BEN, CAT)
    garden = await joined(store, make_project, "Garden", members)
    orchard = await joined(store, make_project, "Orchard", members)
    complete = await open_checkin(garden.id, members)
    older = await open_checkin(orchard.id, members)
    await store.close()
    # As an older version left it: a response row only for whoever had begun.
    ana = respondent_key(secret, older, ANA)
    raw.execute("DELETE FROM responses WHERE checkin_id = ? AND respondent != ?", (older, ana))
    keyed = keys_counted(monkeypatch)

    again = await Store.open(db_path, secret=secret)
    try:
        # Only the check-in that lacked rows was keyed, each of its invitees once.
        assert keyed == [older] * len(members)
        expected = sorted(respondent_key(secret, older, user) for user in members)
        assert [r for (r,) in rows(raw, _RESPONDENTS, older)] == expected
        assert len(rows(raw, _RESPONDENTS, complete)) == len(members)
    finally:
        await again.close()
    keyed.clear()
    again = await Store.open(db_path, secret=secret)
    await again.close()
    assert keyed == []  # every row is there: a start keys nobody


_RESPONDENTS = "SELECT respondent FROM responses WHERE checkin_id = ? ORDER BY respondent"

"""Schedule maths: check-in windows across clock changes, quiet hours, reminders and edits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.models import NewProject, Phase, ScheduledCheckin, SlotState
from bot.core.schedule import (
    LAST_HOUR,
    MAX_REMINDERS,
    QUIET_UNTIL,
    REMINDER_SPACING,
    SCHEDULED_PHASES,
    DueReminder,
    InvalidScheduleChange,
    PlannedCheckin,
    checkin_days,
    in_zone,
    is_quiet,
    local_label,
    local_moment,
    next_reminder,
    out_of_quiet_hours,
    plan_checkins,
    plan_project,
    reminder_plan,
    reminder_refusal,
    reschedule,
)

LONDON = "Europe/London"  # GMT (+0) in winter, BST (+1) from 2026-03-29 01:00 to 2026-10-25 01:00
NEW_YORK = "America/New_York"  # EST (-5), EDT (-4) from 2026-03-08 02:00 to 2026-11-01 02:00
SYDNEY = "Australia/Sydney"  # AEDT (+11) until 2026-04-05 03:00, AEST (+10), AEDT from 2026-10-04
TEN = time(10, 0)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def wall_time_exists(day: date, at: time, zone: str) -> bool:
    """Whether `at` is shown on the clocks of `zone` on `day` (not skipped by a change)."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    round_trip = local.astimezone(UTC).astimezone(ZoneInfo(zone))
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def slot_of(
    planned: PlannedCheckin, state: SlotState = SlotState.PLANNED, checkin_open: bool = False
) -> ScheduledCheckin:
    return ScheduledCheckin(
        project_id=1,
        phase=planned.phase,
        opens_at=planned.opens_at,
        closes_at=planned.closes_at,
        state=state,
        checkin_id=None if state is SlotState.PLANNED else 7,
        checkin_open=checkin_open,
    )


# --- local_moment and in_zone ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected"),
    [
        (date(2026, 1, 5), TEN, LONDON, utc(2026, 1, 5, 10)),  # GMT
        (date(2026, 4, 4), TEN, LONDON, utc(2026, 4, 4, 9)),  # BST
        (date(2026, 3, 28), time(23, 30), LONDON, utc(2026, 3, 28, 23, 30)),  # eve of the change
        (date(2026, 3, 29), time(0, 59), LONDON, utc(2026, 3, 29, 0, 59)),  # last GMT minute
        (date(2026, 3, 29), time(2, 0), LONDON, utc(2026, 3, 29, 1, 0)),  # first BST minute
        (date(2026, 10, 25), time(2, 0), LONDON, utc(2026, 10, 25, 2, 0)),  # after fall-back
        (date(2026, 1, 5), TEN, NEW_YORK, utc(2026, 1, 5, 15)),  # EST
        (date(2026, 7, 1), TEN, NEW_YORK, utc(2026, 7, 1, 14)),  # EDT
        (date(2026, 1, 5), time(9, 0), SYDNEY, utc(2026, 1, 4, 22)),  # AEDT: the day before in UTC
        (date(2026, 7, 1), time(9, 0), SYDNEY, utc(2026, 6, 30, 23)),  # AEST
        (date(2026, 7, 1), TEN, "UTC", utc(2026, 7, 1, 10)),
    ],
)
def test_local_moment_is_the_utc_instant_of_a_local_time(
    day: date, at: time, zone: str, expected: datetime
) -> None:
    moment = local_moment(day, at, zone)
    assert moment == expected
    assert moment.tzinfo is UTC
    assert in_zone(moment, zone).date() == day
    assert in_zone(moment, zone).time() == at


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected", "shown_locally"),
    [
        # Clocks jump 01:00 -> 02:00 GMT->BST: 01:30 is read with the old offset, i.e. 02:30 BST.
        (date(2026, 3, 29), time(1, 30), LONDON, utc(2026, 3, 29, 1, 30), time(2, 30)),
        (date(2026, 3, 29), time(1, 0), LONDON, utc(2026, 3, 29, 1, 0), time(2, 0)),
        # Clocks jump 02:00 -> 03:00 EST->EDT.
        (date(2026, 3, 8), time(2, 30), NEW_YORK, utc(2026, 3, 8, 7, 30), time(3, 30)),
        # Southern spring: clocks jump 02:00 -> 03:00 AEST->AEDT in October.
        (date(2026, 10, 4), time(2, 30), SYDNEY, utc(2026, 10, 3, 16, 30), time(3, 30)),
    ],
)
def test_a_skipped_time_is_one_wall_clock_hour_later(
    day: date, at: time, zone: str, expected: datetime, shown_locally: time
) -> None:
    moment = local_moment(day, at, zone)
    assert moment == expected
    assert in_zone(moment, zone).date() == day
    assert in_zone(moment, zone).time() == shown_locally


@pytest.mark.parametrize(
    ("day", "at", "zone", "first", "second"),
    [
        # 01:30 happens twice in London on 2026-10-25: 00:30 UTC (BST) and 01:30 UTC (GMT).
        (
            date(2026, 10, 25),
            time(1, 30),
            LONDON,
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 25, 1, 30),
        ),
        (
            date(2026, 11, 1),
            time(1, 30),
            NEW_YORK,
            utc(2026, 11, 1, 5, 30),
            utc(2026, 11, 1, 6, 30),
        ),
        # Southern autumn: 02:30 happens twice in Sydney on 2026-04-05 (AEDT, then AEST).
        (date(2026, 4, 5), time(2, 30), SYDNEY, utc(2026, 4, 4, 15, 30), utc(2026, 4, 4, 16, 30)),
    ],
)
def test_a_repeated_time_is_its_first_occurrence(
    day: date, at: time, zone: str, first: datetime, second: datetime
) -> None:
    assert local_moment(day, at, zone) == first
    # Both instants read as the same wall time; the function picks the earlier one.
    assert in_zone(first, zone).replace(tzinfo=None) == datetime.combine(day, at)
    assert in_zone(second, zone).replace(tzinfo=None) == datetime.combine(day, at)


def test_in_zone_keeps_the_instant() -> None:
    moment = utc(2026, 6, 1, 12)
    local = in_zone(moment, LONDON)
    assert local == moment
    assert local.replace(tzinfo=None) == datetime(2026, 6, 1, 13, 0)  # noqa: DTZ001
    assert local.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("moment", "zone", "label"),
    [
        (utc(2026, 1, 5, 10), LONDON, "Monday 5 January 2026, 10:00"),
        (utc(2026, 4, 4, 9), LONDON, "Saturday 4 April 2026, 10:00"),  # BST
        (utc(2026, 1, 4, 22), SYDNEY, "Monday 5 January 2026, 09:00"),  # a day ahead of UTC
        (utc(2026, 3, 29, 1, 30), LONDON, "Sunday 29 March 2026, 02:30"),  # a skipped 01:30
    ],
)
def test_local_label(moment: datetime, zone: str, label: str) -> None:
    assert local_label(moment, zone) == label


# --- checkin_days and plan_checkins ------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "middle"),
    [
        (date(2026, 1, 5), date(2026, 4, 4), date(2026, 2, 18)),  # 89 days: middle after 44
        (date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 6)),  # the shortest project
        (date(2026, 1, 5), date(2026, 1, 8), date(2026, 1, 6)),  # odd length rounds down
        (date(2026, 1, 5), date(2026, 1, 9), date(2026, 1, 7)),
        (date(2025, 12, 20), date(2026, 1, 13), date(2026, 1, 1)),  # across the year end
    ],
)
def test_checkin_days(starts_on: date, ends_on: date, middle: date) -> None:
    assert checkin_days(starts_on, ends_on) == {
        Phase.BEGINNING: starts_on,
        Phase.MIDDLE: middle,
        Phase.END: ends_on,
    }


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "zone", "at", "window_days", "expected", "beginning_length"),
    [
        pytest.param(
            date(2026, 1, 5),
            date(2026, 4, 4),
            LONDON,
            TEN,
            7,
            (
                PlannedCheckin(Phase.BEGINNING, utc(2026, 1, 5, 10), utc(2026, 1, 12, 10)),
                PlannedCheckin(Phase.MIDDLE, utc(2026, 2, 18, 10), utc(2026, 2, 25, 10)),
                # 10:00 BST after the clocks went forward on 2026-03-29.
                PlannedCheckin(Phase.END, utc(2026, 4, 4, 9), utc(2026, 4, 11, 9)),
            ),
            timedelta(days=7),
            id="across-the-spring-change-in-london",
        ),
        pytest.param(
            date(2026, 3, 25),
            date(2026, 5, 25),
            LONDON,
            TEN,
            7,
            (
                # Opens 10:00 GMT, closes 10:00 BST a week later: 7 days less an hour.
                PlannedCheckin(Phase.BEGINNING, utc(2026, 3, 25, 10), utc(2026, 4, 1, 9)),
                PlannedCheckin(Phase.MIDDLE, utc(2026, 4, 24, 9), utc(2026, 5, 1, 9)),
                PlannedCheckin(Phase.END, utc(2026, 5, 25, 9), utc(2026, 6, 1, 9)),
            ),
            timedelta(days=7, hours=-1),
            id="a-window-crossing-the-spring-change-is-an-hour-short",
        ),
        pytest.param(
            date(2026, 10, 20),
            date(2026, 12, 20),
            LONDON,
            TEN,
            7,
            (
                # Opens 10:00 BST, closes 10:00 GMT a week later: 7 days and an hour.
                PlannedCheckin(Phase.BEGINNING, utc(2026, 10, 20, 9), utc(2026, 10, 27, 10)),
                PlannedCheckin(Phase.MIDDLE, utc(2026, 11, 19, 10), utc(2026, 11, 26, 10)),
                PlannedCheckin(Phase.END, utc(2026, 12, 20, 10), utc(2026, 12, 27, 10)),
            ),
            timedelta(days=7, hours=1),
            id="a-window-crossing-the-autumn-change-is-an-hour-long",
        ),
        pytest.param(
            date(2026, 3, 1),
            date(2026, 5, 1),
            SYDNEY,
            time(9, 0),
            7,
            # Sydney leaves daylight saving on 2026-04-05: the middle's window crosses the change.
            (
                PlannedCheckin(Phase.BEGINNING, utc(2026, 2, 28, 22), utc(2026, 3, 7, 22)),
                PlannedCheckin(Phase.MIDDLE, utc(2026, 3, 30, 22), utc(2026, 4, 6, 23)),
                PlannedCheckin(Phase.END, utc(2026, 4, 30, 23), utc(2026, 5, 7, 23)),
            ),
            timedelta(days=7),
            id="in-the-southern-hemisphere",
        ),
        pytest.param(
            date(2026, 3, 1),
            date(2026, 3, 31),
            NEW_YORK,
            time(18, 30),
            3,
            (
                PlannedCheckin(Phase.BEGINNING, utc(2026, 3, 1, 23, 30), utc(2026, 3, 4, 23, 30)),
                # 15 days in: 2026-03-16, EDT.
                PlannedCheckin(Phase.MIDDLE, utc(2026, 3, 16, 22, 30), utc(2026, 3, 19, 22, 30)),
                PlannedCheckin(Phase.END, utc(2026, 3, 31, 22, 30), utc(2026, 4, 3, 22, 30)),
            ),
            timedelta(days=3),
            id="in-new-york-across-its-spring-change",
        ),
    ],
)
def test_plan_across_clock_changes(
    starts_on: date,
    ends_on: date,
    zone: str,
    at: time,
    window_days: int,
    expected: tuple[PlannedCheckin, ...],
    beginning_length: timedelta,
) -> None:
    plan = plan_checkins(starts_on, ends_on, zone, at, window_days)
    assert plan == expected
    # Every window opens and closes at the wall-clock time asked for, `window_days` apart on
    # the local calendar, however many hours that is.
    for planned in plan:
        assert in_zone(planned.opens_at, zone).time() == at
        assert in_zone(planned.closes_at, zone).time() == at
        assert (
            in_zone(planned.closes_at, zone).date() - in_zone(planned.opens_at, zone).date()
        ) == timedelta(days=window_days)
    beginning = plan[0]
    assert beginning.closes_at - beginning.opens_at == beginning_length


def test_plan_project_reads_a_projects_dates() -> None:
    project = NewProject(
        guild_id=1,
        name="Garden",
        channel_id=2,
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 4, 4),
        framework_id="default",
        timezone=LONDON,
        checkin_time=TEN,
        window_days=7,
    )
    assert plan_project(project) == plan_checkins(
        date(2026, 1, 5), date(2026, 4, 4), LONDON, TEN, 7
    )


def test_a_close_is_clipped_to_the_next_opening() -> None:
    # Four days, a week-long window: beginning and middle close when the next one opens.
    plan = plan_checkins(date(2026, 1, 5), date(2026, 1, 9), LONDON, TEN, 7)
    assert plan == (
        PlannedCheckin(Phase.BEGINNING, utc(2026, 1, 5, 10), utc(2026, 1, 7, 10)),
        PlannedCheckin(Phase.MIDDLE, utc(2026, 1, 7, 10), utc(2026, 1, 9, 10)),
        PlannedCheckin(Phase.END, utc(2026, 1, 9, 10), utc(2026, 1, 16, 10)),
    )


def test_a_window_as_long_as_the_gap_is_not_clipped_short() -> None:
    plan = plan_checkins(date(2026, 1, 5), date(2026, 1, 9), LONDON, TEN, 2)
    assert [(p.opens_at, p.closes_at) for p in plan] == [
        (utc(2026, 1, 5, 10), utc(2026, 1, 7, 10)),
        (utc(2026, 1, 7, 10), utc(2026, 1, 9, 10)),
        (utc(2026, 1, 9, 10), utc(2026, 1, 11, 10)),
    ]


def test_a_checkin_at_a_skipped_time_opens_an_hour_later_on_the_wall_clock() -> None:
    # The end falls on the night the clocks go forward; 01:30 does not exist that day.
    plan = plan_checkins(date(2026, 3, 25), date(2026, 3, 29), LONDON, time(1, 30), 1)
    end = plan[-1]
    assert end.opens_at == utc(2026, 3, 29, 1, 30)
    assert in_zone(end.opens_at, LONDON).time() == time(2, 30)
    assert end.closes_at == utc(2026, 3, 30, 0, 30)  # 01:30 BST the next day
    # The middle (2026-03-27, still GMT) closes a day later, before the end's shifted opening.
    assert plan[1] == PlannedCheckin(Phase.MIDDLE, utc(2026, 3, 27, 1, 30), utc(2026, 3, 28, 1, 30))


def test_a_checkin_at_a_repeated_time_opens_at_the_first_one() -> None:
    plan = plan_checkins(date(2026, 10, 21), date(2026, 10, 25), LONDON, time(1, 30), 1)
    assert plan[-1] == PlannedCheckin(Phase.END, utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30))
    # The middle (2026-10-23) closes at 01:30 BST the next day, well before the end opens.
    assert plan[1] == PlannedCheckin(
        Phase.MIDDLE, utc(2026, 10, 23, 0, 30), utc(2026, 10, 24, 0, 30)
    )


ZONES = [
    LONDON,
    NEW_YORK,
    SYDNEY,
    "Australia/Lord_Howe",  # a half-hour daylight-saving change
    "America/Santiago",  # clocks change at midnight: 00:00 is sometimes skipped
    "Asia/Kolkata",  # no daylight saving, a half-hour offset
    "Pacific/Auckland",
]


@given(
    starts_on=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
    length=st.integers(min_value=2, max_value=400),
    at=st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    window_days=st.integers(min_value=1, max_value=60),
    zone=st.sampled_from(ZONES),
)
def test_plan_property(starts_on: date, length: int, at: time, window_days: int, zone: str) -> None:
    ends_on = starts_on + timedelta(days=length)
    plan = plan_checkins(starts_on, ends_on, zone, at, window_days)
    days = checkin_days(starts_on, ends_on)

    assert tuple(planned.phase for planned in plan) == SCHEDULED_PHASES
    assert days[Phase.BEGINNING] < days[Phase.MIDDLE] < days[Phase.END]
    for index, planned in enumerate(plan):
        day = days[planned.phase]
        assert planned.opens_at.tzinfo is UTC
        assert planned.closes_at.tzinfo is UTC
        opens_locally = in_zone(planned.opens_at, zone)
        if wall_time_exists(day, at, zone):
            assert opens_locally.replace(tzinfo=None) == datetime.combine(day, at)
        else:
            # A skipped wall time opens later on the wall clock, still on its day.
            assert opens_locally.replace(tzinfo=None) > datetime.combine(day, at)
            assert opens_locally.date() == day
        assert planned.closes_at > planned.opens_at
        if index + 1 < len(plan):
            assert planned.closes_at <= plan[index + 1].opens_at
            clipped = planned.closes_at == plan[index + 1].opens_at
        else:
            clipped = False
        if not clipped:
            close_day = day + timedelta(days=window_days)
            closes_locally = in_zone(planned.closes_at, zone)
            assert closes_locally.date() == close_day
            if wall_time_exists(close_day, at, zone):
                assert closes_locally.time() == at


# --- quiet hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "zone", "quiet"),
    [
        # Winter in London: local time is UTC.
        (utc(2026, 1, 10, 20, 59), LONDON, False),
        (utc(2026, 1, 10, 21, 0), LONDON, True),
        (utc(2026, 1, 10, 23, 59), LONDON, True),
        (utc(2026, 1, 11, 0, 0), LONDON, True),
        (utc(2026, 1, 11, 7, 59), LONDON, True),
        (utc(2026, 1, 11, 8, 0), LONDON, False),
        (utc(2026, 1, 11, 12, 0), LONDON, False),
        # Summer in London: 20:59 BST is 19:59 UTC.
        (utc(2026, 6, 10, 19, 59), LONDON, False),
        (utc(2026, 6, 10, 20, 0), LONDON, True),
        (utc(2026, 6, 11, 6, 59), LONDON, True),
        (utc(2026, 6, 11, 7, 0), LONDON, False),
        # New York in winter (UTC-5).
        (utc(2026, 1, 11, 1, 59), NEW_YORK, False),  # 20:59 EST
        (utc(2026, 1, 11, 2, 0), NEW_YORK, True),  # 21:00 EST
        (utc(2026, 1, 11, 12, 59), NEW_YORK, True),  # 07:59 EST
        (utc(2026, 1, 11, 13, 0), NEW_YORK, False),  # 08:00 EST
        # Sydney in winter (UTC+10).
        (utc(2026, 7, 1, 10, 59), SYDNEY, False),  # 20:59 AEST
        (utc(2026, 7, 1, 11, 0), SYDNEY, True),  # 21:00 AEST
        (utc(2026, 6, 30, 21, 59), SYDNEY, True),  # 07:59 AEST
        (utc(2026, 6, 30, 22, 0), SYDNEY, False),  # 08:00 AEST
    ],
)
def test_is_quiet_at_the_edges(moment: datetime, zone: str, quiet: bool) -> None:
    assert is_quiet(moment, zone) is quiet


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        # 23:00 waits for 08:00 the next day; 03:00 for 08:00 the same day.
        (utc(2026, 1, 10, 23, 0), LONDON, utc(2026, 1, 11, 8, 0)),
        (utc(2026, 1, 10, 3, 0), LONDON, utc(2026, 1, 10, 8, 0)),
        (utc(2026, 1, 10, 21, 0), LONDON, utc(2026, 1, 11, 8, 0)),
        (utc(2026, 1, 10, 7, 59), LONDON, utc(2026, 1, 10, 8, 0)),
        (utc(2026, 6, 10, 22, 0), LONDON, utc(2026, 6, 11, 7, 0)),  # 23:00 BST -> 08:00 BST
        (utc(2026, 6, 10, 2, 0), LONDON, utc(2026, 6, 10, 7, 0)),  # 03:00 BST -> 08:00 BST
        # The night the clocks go forward: 08:00 BST is 07:00 UTC.
        (utc(2026, 3, 28, 23, 0), LONDON, utc(2026, 3, 29, 7, 0)),  # 23:00 GMT
        (utc(2026, 3, 29, 0, 30), LONDON, utc(2026, 3, 29, 7, 0)),  # 00:30 GMT
        (utc(2026, 3, 29, 2, 0), LONDON, utc(2026, 3, 29, 7, 0)),  # 03:00 BST
        # The night the clocks go back: both 01:30s wait for 08:00 GMT.
        (utc(2026, 10, 24, 22, 0), LONDON, utc(2026, 10, 25, 8, 0)),  # 23:00 BST
        (utc(2026, 10, 25, 0, 30), LONDON, utc(2026, 10, 25, 8, 0)),  # first 01:30 (BST)
        (utc(2026, 10, 25, 1, 30), LONDON, utc(2026, 10, 25, 8, 0)),  # second 01:30 (GMT)
        # Elsewhere.
        (utc(2026, 1, 11, 4, 0), NEW_YORK, utc(2026, 1, 11, 13, 0)),  # 23:00 EST
        (utc(2026, 3, 8, 7, 0), NEW_YORK, utc(2026, 3, 8, 12, 0)),  # 03:00 EDT on change day
        (utc(2026, 4, 4, 12, 0), SYDNEY, utc(2026, 4, 4, 22, 0)),  # 23:00 AEDT -> 08:00 AEST
        (utc(2026, 4, 4, 16, 0), SYDNEY, utc(2026, 4, 4, 22, 0)),  # the change: 02:00 AEST
        (utc(2026, 10, 3, 13, 0), SYDNEY, utc(2026, 10, 3, 21, 0)),  # 23:00 AEST -> 08:00 AEDT
    ],
)
def test_out_of_quiet_hours_moves_to_eight(moment: datetime, zone: str, expected: datetime) -> None:
    moved = out_of_quiet_hours(moment, zone)
    assert moved == expected
    assert moved.tzinfo is UTC
    assert in_zone(moved, zone).time() == QUIET_UNTIL
    assert not is_quiet(moved, zone)


@pytest.mark.parametrize(
    "moment", [utc(2026, 1, 10, 8, 0), utc(2026, 1, 10, 14, 0), utc(2026, 1, 10, 20, 59)]
)
def test_out_of_quiet_hours_keeps_a_daytime_moment(moment: datetime) -> None:
    assert out_of_quiet_hours(moment, LONDON) == moment


# --- reminder_plan -----------------------------------------------------------------------------


def assert_reminders_are_well_placed(
    plan: tuple[datetime, ...], opened_at: datetime, closes_at: datetime, zone: str
) -> None:
    assert len(plan) <= MAX_REMINDERS
    for reminder in plan:
        assert opened_at < reminder <= closes_at - LAST_HOUR
        assert not is_quiet(reminder, zone)
    for earlier, later in pairwise(plan):
        assert later - earlier >= REMINDER_SPACING


def test_a_week_long_window_gets_two_reminders() -> None:
    opened_at, closes_at = utc(2026, 1, 5, 8), utc(2026, 1, 12, 8)
    plan = reminder_plan(opened_at, closes_at, LONDON)
    assert plan == (utc(2026, 1, 8, 20), utc(2026, 1, 11, 8))  # halfway, a day before closing
    assert_reminders_are_well_placed(plan, opened_at, closes_at, LONDON)


def test_a_week_long_window_across_the_spring_change() -> None:
    # 10:00 GMT to 10:00 BST: halfway is 21:30 GMT on 2026-03-28, moved to 08:00 BST.
    opened_at, closes_at = utc(2026, 3, 25, 10), utc(2026, 4, 1, 9)
    plan = reminder_plan(opened_at, closes_at, LONDON)
    assert plan == (utc(2026, 3, 29, 7), utc(2026, 3, 31, 9))
    assert_reminders_are_well_placed(plan, opened_at, closes_at, LONDON)


def test_a_one_day_window_gets_one_reminder() -> None:
    opened_at, closes_at = utc(2026, 1, 5, 6), utc(2026, 1, 6, 6)
    assert reminder_plan(opened_at, closes_at, LONDON) == (utc(2026, 1, 5, 18),)


def test_a_two_day_window_gets_one_reminder() -> None:
    # Halfway and a day before closing are the same instant: the second is dropped.
    opened_at, closes_at = utc(2026, 1, 5, 10), utc(2026, 1, 7, 10)
    assert reminder_plan(opened_at, closes_at, LONDON) == (utc(2026, 1, 6, 10),)


def test_a_second_reminder_too_close_to_the_first_is_dropped() -> None:
    # Halfway (06:00) moves to 08:00; a day before closing is 12:00, only 4 hours later.
    opened_at, closes_at = utc(2026, 1, 5, 0), utc(2026, 1, 7, 12)
    assert reminder_plan(opened_at, closes_at, LONDON) == (utc(2026, 1, 6, 8),)


def test_a_ninety_minute_window_gets_no_reminder() -> None:
    # Halfway (10:45) is already in the last hour.
    assert reminder_plan(utc(2026, 1, 5, 10), utc(2026, 1, 5, 11, 30), LONDON) == ()


def test_a_halfway_at_night_moves_to_eight() -> None:
    # Halfway through 10:00 -> 10:00 is 22:00; the reminder waits for 08:00.
    assert reminder_plan(utc(2026, 1, 5, 10), utc(2026, 1, 6, 10), LONDON) == (utc(2026, 1, 6, 8),)


def test_a_halfway_at_night_in_new_york() -> None:
    # 10:00 EST -> 10:00 EST: halfway is 22:00 EST (03:00 UTC), moved to 08:00 EST.
    plan = reminder_plan(utc(2026, 1, 5, 15), utc(2026, 1, 6, 15), NEW_YORK)
    assert plan == (utc(2026, 1, 6, 13),)


def test_a_reminder_moved_into_the_last_hour_is_dropped() -> None:
    # Opens 20:00, closes 08:30: halfway (02:15) would move to 08:00, inside the last hour.
    assert reminder_plan(utc(2026, 1, 5, 20), utc(2026, 1, 6, 8, 30), LONDON) == ()


def test_a_reminder_exactly_an_hour_before_closing_is_kept() -> None:
    # Opens 09:00, closes 09:00 the next day: halfway (21:00) moves to 08:00 = closing - 1 h.
    assert reminder_plan(utc(2026, 1, 5, 9), utc(2026, 1, 6, 9), LONDON) == (utc(2026, 1, 6, 8),)


@given(
    opened_at=st.datetimes(
        min_value=datetime(2020, 1, 1),  # noqa: DTZ001
        max_value=datetime(2040, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    window=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=60)),
    zone=st.sampled_from(ZONES),
)
def test_reminder_plan_property(opened_at: datetime, window: timedelta, zone: str) -> None:
    closes_at = opened_at + window
    plan = reminder_plan(opened_at, closes_at, zone)
    assert_reminders_are_well_placed(plan, opened_at, closes_at, zone)
    if window >= timedelta(days=2):
        # Halfway is at least a day before closing, and 08:00 comes within 11 hours.
        assert plan


# --- next_reminder -----------------------------------------------------------------------------

WEEK_OPENED = utc(2026, 1, 5, 8)
WEEK_CLOSES = utc(2026, 1, 12, 8)
WEEK_PLAN = (utc(2026, 1, 8, 20), utc(2026, 1, 11, 8))


def test_the_week_plan_fixture_is_what_reminder_plan_gives() -> None:
    assert reminder_plan(WEEK_OPENED, WEEK_CLOSES, LONDON) == WEEK_PLAN


@pytest.mark.parametrize(
    ("done", "now", "expected"),
    [
        # Nothing overdue: the next round at its planned time.
        (0, utc(2026, 1, 6, 12), DueReminder(0, utc(2026, 1, 8, 20))),
        (1, utc(2026, 1, 9, 12), DueReminder(1, utc(2026, 1, 11, 8))),
        (1, utc(2026, 1, 11, 6), DueReminder(1, utc(2026, 1, 11, 8))),  # at night, not yet due
        # Exactly at its time: sent now.
        (0, utc(2026, 1, 8, 20), DueReminder(0, utc(2026, 1, 8, 20))),
        # Late in the day: sent now.
        (0, utc(2026, 1, 8, 20, 30), DueReminder(0, utc(2026, 1, 8, 20, 30))),
        # Both rounds overdue: one reminder now, as the latest round.
        (0, utc(2026, 1, 11, 12), DueReminder(1, utc(2026, 1, 11, 12))),
        # Overdue at night: it waits for 08:00.
        (0, utc(2026, 1, 8, 23), DueReminder(0, utc(2026, 1, 9, 8))),
        (0, utc(2026, 1, 9, 2), DueReminder(0, utc(2026, 1, 9, 8))),
        # Overdue at night, and the next round is due by 08:00: they merge into it.
        (0, utc(2026, 1, 11, 3), DueReminder(1, utc(2026, 1, 11, 8))),
    ],
)
def test_next_reminder(done: int, now: datetime, expected: DueReminder) -> None:
    assert next_reminder(WEEK_PLAN, done, now, WEEK_CLOSES, LONDON) == expected


@pytest.mark.parametrize(
    ("done", "now"),
    [
        (2, utc(2026, 1, 6, 12)),  # all rounds done
        (2, utc(2026, 1, 11, 12)),
        (3, utc(2026, 1, 11, 12)),
        (1, utc(2026, 1, 12, 7, 30)),  # overdue, but in the last hour
        (0, utc(2026, 1, 12, 7, 30)),  # both overdue, collapsed into one in the last hour
        (1, utc(2026, 1, 12, 9)),  # after closing
        (1, utc(2026, 1, 11, 22)),  # overdue at night; 08:00 is in the last hour
    ],
)
def test_no_reminder_left(done: int, now: datetime) -> None:
    assert next_reminder(WEEK_PLAN, done, now, WEEK_CLOSES, LONDON) is None


def test_no_reminder_for_an_empty_plan() -> None:
    assert next_reminder((), 0, utc(2026, 1, 6, 12), WEEK_CLOSES, LONDON) is None


def test_an_overdue_round_at_night_whose_eight_oclock_is_in_the_last_hour_is_dropped() -> None:
    closes_at = utc(2026, 1, 11, 8, 30)
    plan = (utc(2026, 1, 10, 20),)
    assert next_reminder(plan, 0, utc(2026, 1, 10, 22), closes_at, LONDON) is None


def test_an_overdue_round_at_night_waits_for_eight_on_a_dst_change() -> None:
    closes_at = utc(2026, 4, 1, 9)
    plan = (utc(2026, 3, 28, 20), utc(2026, 3, 31, 9))
    # 23:30 GMT on 2026-03-28: the round waits for 08:00 BST (07:00 UTC).
    assert next_reminder(plan, 0, utc(2026, 3, 28, 23, 30), closes_at, LONDON) == DueReminder(
        0, utc(2026, 3, 29, 7)
    )


@given(
    done=st.integers(min_value=0, max_value=MAX_REMINDERS),
    now=st.datetimes(
        min_value=datetime(2026, 1, 5, 8),  # noqa: DTZ001
        max_value=datetime(2026, 1, 12, 9),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
def test_next_reminder_property(done: int, now: datetime) -> None:
    due = next_reminder(WEEK_PLAN, done, now, WEEK_CLOSES, LONDON)
    if due is None:
        return
    assert done <= due.round < len(WEEK_PLAN)
    assert due.at >= now
    assert due.at <= WEEK_CLOSES - LAST_HOUR
    assert not is_quiet(due.at, LONDON)


# --- reminder_refusal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "closes_at", "zone", "expected"),
    [
        (utc(2026, 1, 9, 12), utc(2026, 1, 12, 8), LONDON, None),
        (utc(2026, 1, 9, 20, 59), utc(2026, 1, 12, 8), LONDON, None),
        (utc(2026, 1, 9, 21), utc(2026, 1, 12, 8), LONDON, "errors.remind_quiet_hours"),
        (utc(2026, 1, 10, 7, 59), utc(2026, 1, 12, 8), LONDON, "errors.remind_quiet_hours"),
        (utc(2026, 1, 10, 8), utc(2026, 1, 12, 8), LONDON, None),
        # 21:30 BST is 20:30 UTC.
        (utc(2026, 6, 1, 20, 30), utc(2026, 6, 5, 8), LONDON, "errors.remind_quiet_hours"),
        (utc(2026, 6, 1, 19, 30), utc(2026, 6, 5, 8), LONDON, None),
        # 22:00 EST is 03:00 UTC the next day.
        (utc(2026, 1, 10, 3), utc(2026, 1, 12, 8), NEW_YORK, "errors.remind_quiet_hours"),
        # The last hour: exactly an hour before is still allowed.
        (utc(2026, 1, 12, 14), utc(2026, 1, 12, 15), LONDON, None),
        (utc(2026, 1, 12, 14, 1), utc(2026, 1, 12, 15), LONDON, "errors.remind_last_hour"),
        (utc(2026, 1, 12, 14, 59), utc(2026, 1, 12, 15), LONDON, "errors.remind_last_hour"),
        (utc(2026, 1, 12, 16), utc(2026, 1, 12, 15), LONDON, "errors.remind_last_hour"),
        # At night and in the last hour: the last hour is the reason given.
        (utc(2026, 1, 12, 7, 30), utc(2026, 1, 12, 8), LONDON, "errors.remind_last_hour"),
    ],
)
def test_reminder_refusal(
    now: datetime, closes_at: datetime, zone: str, expected: str | None
) -> None:
    assert reminder_refusal(now, closes_at, zone) == expected


# --- reschedule --------------------------------------------------------------------------------

OLD_PLAN = plan_checkins(date(2026, 1, 5), date(2026, 4, 4), LONDON, TEN, 7)
OLD_BEGINNING, OLD_MIDDLE, OLD_END = OLD_PLAN


def test_planned_slots_get_their_new_times() -> None:
    schedule = [slot_of(planned) for planned in OLD_PLAN]
    new_plan = plan_checkins(date(2026, 1, 12), date(2026, 4, 18), LONDON, time(9, 0), 5)
    moved = reschedule(schedule, new_plan, utc(2026, 1, 1))
    assert moved == (
        PlannedCheckin(Phase.BEGINNING, utc(2026, 1, 12, 9), utc(2026, 1, 17, 9)),
        PlannedCheckin(Phase.MIDDLE, utc(2026, 3, 1, 9), utc(2026, 3, 6, 9)),  # 48 days in
        PlannedCheckin(Phase.END, utc(2026, 4, 18, 8), utc(2026, 4, 23, 8)),
    )


def test_slots_missing_from_the_schedule_are_treated_as_planned() -> None:
    new_plan = plan_checkins(date(2026, 1, 12), date(2026, 4, 18), LONDON, TEN, 7)
    assert reschedule([], new_plan, utc(2026, 1, 1)) == new_plan


@pytest.mark.parametrize(
    ("schedule", "new_plan", "now", "phase"),
    [
        pytest.param(
            [
                slot_of(OLD_BEGINNING, SlotState.OPENED, checkin_open=True),
                slot_of(OLD_MIDDLE),
                slot_of(OLD_END),
            ],
            plan_checkins(date(2026, 1, 6), date(2026, 4, 4), LONDON, TEN, 7),
            utc(2026, 1, 6, 12),
            Phase.BEGINNING,
            id="by-a-new-start",
        ),
        pytest.param(
            [
                slot_of(OLD_BEGINNING, SlotState.OPENED),
                slot_of(OLD_MIDDLE, SlotState.OPENED, checkin_open=True),
                slot_of(OLD_END),
            ],
            plan_checkins(date(2026, 1, 5), date(2026, 4, 4), LONDON, time(11, 0), 7),
            utc(2026, 2, 19),
            Phase.MIDDLE,
            id="by-a-new-checkin-time",
        ),
    ],
)
def test_an_open_checkin_cannot_move(
    schedule: list[ScheduledCheckin],
    new_plan: tuple[PlannedCheckin, ...],
    now: datetime,
    phase: Phase,
) -> None:
    with pytest.raises(InvalidScheduleChange) as raised:
        reschedule(schedule, new_plan, now)
    assert raised.value.key == "errors.edit_moves_open"
    assert raised.value.phase is phase
    assert str(raised.value) == "errors.edit_moves_open"
    assert isinstance(raised.value, ValueError)


def test_an_open_checkin_whose_opening_stays_is_fine() -> None:
    schedule = [
        slot_of(OLD_BEGINNING, SlotState.OPENED, checkin_open=True),
        slot_of(OLD_MIDDLE),
        slot_of(OLD_END),
    ]
    # The end moves two weeks later; the middle moves with it; the beginning stays.
    new_plan = plan_checkins(date(2026, 1, 5), date(2026, 4, 18), LONDON, TEN, 7)
    moved = reschedule(schedule, new_plan, utc(2026, 1, 6, 12))
    assert moved == (
        PlannedCheckin(Phase.MIDDLE, utc(2026, 2, 25, 10), utc(2026, 3, 4, 10)),
        PlannedCheckin(Phase.END, utc(2026, 4, 18, 9), utc(2026, 4, 25, 9)),
    )


@pytest.mark.parametrize(
    ("state", "checkin_open"),
    [(SlotState.OPENED, False), (SlotState.MISSED, False)],
    ids=["closed", "missed"],
)
def test_a_closed_or_missed_checkin_is_left_alone(state: SlotState, checkin_open: bool) -> None:
    schedule = [slot_of(OLD_BEGINNING, state, checkin_open), slot_of(OLD_MIDDLE), slot_of(OLD_END)]
    # The new beginning would have been entirely in the past: no error, it is history.
    new_plan = plan_checkins(date(2026, 1, 1), date(2026, 4, 4), LONDON, TEN, 3)
    moved = reschedule(schedule, new_plan, utc(2026, 1, 20))
    assert [planned.phase for planned in moved] == [Phase.MIDDLE, Phase.END]
    assert moved == (
        PlannedCheckin(Phase.MIDDLE, utc(2026, 2, 16, 10), utc(2026, 2, 19, 10)),  # 46 days in
        PlannedCheckin(Phase.END, utc(2026, 4, 4, 9), utc(2026, 4, 7, 9)),
    )


def test_a_planned_checkin_entirely_in_the_past_is_refused() -> None:
    schedule = [slot_of(OLD_BEGINNING, SlotState.OPENED), slot_of(OLD_MIDDLE), slot_of(OLD_END)]
    # Ending on 2026-01-20 puts the middle on 2026-01-12, closing 2026-01-19: before now.
    new_plan = plan_checkins(date(2026, 1, 5), date(2026, 1, 20), LONDON, TEN, 7)
    with pytest.raises(InvalidScheduleChange) as raised:
        reschedule(schedule, new_plan, utc(2026, 2, 10))
    assert raised.value.key == "errors.edit_in_past"
    assert raised.value.phase is Phase.MIDDLE


def test_a_planned_checkin_closing_exactly_now_is_in_the_past() -> None:
    schedule = [slot_of(OLD_BEGINNING, SlotState.OPENED), slot_of(OLD_MIDDLE), slot_of(OLD_END)]
    new_plan = plan_checkins(date(2026, 1, 5), date(2026, 1, 20), LONDON, TEN, 7)
    with pytest.raises(InvalidScheduleChange) as raised:
        reschedule(schedule, new_plan, utc(2026, 1, 19, 10))
    assert raised.value.key == "errors.edit_in_past"
    assert raised.value.phase is Phase.MIDDLE


def test_a_planned_checkin_whose_window_is_still_running_moves() -> None:
    # The new middle opened two days ago but closes in five: it is kept, opening in the past.
    schedule = [slot_of(OLD_BEGINNING, SlotState.OPENED), slot_of(OLD_MIDDLE), slot_of(OLD_END)]
    new_plan = plan_checkins(date(2026, 1, 5), date(2026, 3, 14), LONDON, TEN, 7)
    moved = reschedule(schedule, new_plan, utc(2026, 2, 10))
    assert moved == (
        PlannedCheckin(Phase.MIDDLE, utc(2026, 2, 8, 10), utc(2026, 2, 15, 10)),
        PlannedCheckin(Phase.END, utc(2026, 3, 14, 10), utc(2026, 3, 21, 10)),
    )

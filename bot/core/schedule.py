"""Schedule maths: when a project's check-ins open and close, and when reminders go out.

Pure functions on aware datetimes. Instants are UTC; local times come from `zoneinfo`
(backed by the `tzdata` package), so daylight-saving changes are handled by the zone
database, never by adding hours by hand (DESIGN.md §6).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.models import Phase, ScheduledCheckin, SlotState

SCHEDULED_PHASES = (Phase.BEGINNING, Phase.MIDDLE, Phase.END)

QUIET_FROM = time(21, 0)  # no reminders from 21:00 ...
QUIET_UNTIL = time(8, 0)  # ... until 08:00, in the project's time zone
LAST_HOUR = timedelta(hours=1)  # no reminders in the last hour before a check-in closes
REMINDER_SPACING = timedelta(hours=12)  # never two reminders to one person closer than this
MAX_REMINDERS = 2  # per check-in and participant, automatic and facilitator ones together


@dataclass(frozen=True, slots=True)
class PlannedCheckin:
    """One check-in of a project's schedule: when it opens and closes (UTC)."""

    phase: Phase
    opens_at: datetime
    closes_at: datetime


def local_moment(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a local date and time in `zone`.

    A time skipped by a daylight-saving change (e.g. 01:30 when clocks go forward at 01:00)
    resolves to the instant one hour later on the wall clock; a repeated one to its first
    occurrence (zoneinfo's fold=0).
    """
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def in_zone(moment: datetime, zone: str) -> datetime:
    """The instant as a local time in `zone`."""
    return moment.astimezone(ZoneInfo(zone))


def local_label(moment: datetime, zone: str) -> str:
    """An instant as people in `zone` would write it, e.g. "Monday 5 January 2026, 10:00"."""
    local = in_zone(moment, zone)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M}"


def checkin_days(starts_on: date, ends_on: date) -> dict[Phase, date]:
    """The local dates of the beginning, middle and end check-ins."""
    middle = starts_on + timedelta(days=(ends_on - starts_on).days // 2)
    return {Phase.BEGINNING: starts_on, Phase.MIDDLE: middle, Phase.END: ends_on}


class Dated(Protocol):
    """Anything with a project's dates and times (a Project, NewProject or ProjectInput)."""

    @property
    def starts_on(self) -> date: ...
    @property
    def ends_on(self) -> date: ...
    @property
    def timezone(self) -> str: ...
    @property
    def checkin_time(self) -> time: ...
    @property
    def window_days(self) -> int: ...


def plan_project(project: Dated) -> tuple[PlannedCheckin, ...]:
    """The beginning, middle and end check-ins of a project (see plan_checkins)."""
    return plan_checkins(
        project.starts_on,
        project.ends_on,
        project.timezone,
        project.checkin_time,
        project.window_days,
    )


def plan_checkins(
    starts_on: date, ends_on: date, zone: str, at: time, window_days: int
) -> tuple[PlannedCheckin, ...]:
    """The beginning, middle and end check-ins of a project.

    Each opens at the local check-in time on its day and closes `window_days` later at the
    same local time, or when the next one opens if that is sooner (a project has one open
    check-in at a time).
    """
    days = checkin_days(starts_on, ends_on)
    opens = [local_moment(days[phase], at, zone) for phase in SCHEDULED_PHASES]
    planned = []
    for index, phase in enumerate(SCHEDULED_PHASES):
        closes = local_moment(days[phase] + timedelta(days=window_days), at, zone)
        if index + 1 < len(opens):
            closes = min(closes, opens[index + 1])
        planned.append(PlannedCheckin(phase, opens[index], closes))
    return tuple(planned)


def is_quiet(moment: datetime, zone: str) -> bool:
    """Whether it is night (21:00–08:00) in `zone`: no reminders then."""
    local = in_zone(moment, zone).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def out_of_quiet_hours(moment: datetime, zone: str) -> datetime:
    """The moment itself, or the next 08:00 in `zone` if it falls at night."""
    if not is_quiet(moment, zone):
        return moment
    local = in_zone(moment, zone)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return local_moment(day, QUIET_UNTIL, zone)


@functools.lru_cache(maxsize=4096)  # asked for every open check-in on every scheduler pass
def reminder_plan(opened_at: datetime, closes_at: datetime, zone: str) -> tuple[datetime, ...]:
    """When the automatic reminders of a check-in go out (at most MAX_REMINDERS).

    Halfway through the window, and a day before it closes when the window is two days or
    more; each moved out of the night, dropped if it would fall in the last hour or closer
    than REMINDER_SPACING to the one before.
    """
    window = closes_at - opened_at
    wanted = [opened_at + window / 2]
    if window >= timedelta(days=2):
        wanted.append(closes_at - timedelta(days=1))
    planned: list[datetime] = []
    for moment in wanted:
        moment = out_of_quiet_hours(moment, zone)
        if moment > closes_at - LAST_HOUR or moment <= opened_at:
            continue
        if planned and moment - planned[-1] < REMINDER_SPACING:
            continue
        planned.append(moment)
    return tuple(planned[:MAX_REMINDERS])


@dataclass(frozen=True, slots=True)
class DueReminder:
    """The next automatic reminder round to send: its index in the plan, and when."""

    round: int
    at: datetime


def next_reminder(
    plan: Sequence[datetime], done: int, now: datetime, closes_at: datetime, zone: str
) -> DueReminder | None:
    """The next reminder round worth sending, given `done` rounds are behind us.

    Rounds missed while the bot was down collapse into the latest of them (no burst), a
    late one sent at night waits for 08:00, and one that would land in the last hour before
    closing is dropped: None means no useful reminder remains.
    """
    if done >= len(plan):
        return None
    overdue = [index for index in range(done, len(plan)) if plan[index] <= now]
    if not overdue:
        due = DueReminder(done, plan[done])
    else:
        index = overdue[-1]
        at = out_of_quiet_hours(now, zone)
        if index + 1 < len(plan) and plan[index + 1] <= at:
            index, at = index + 1, plan[index + 1]
        due = DueReminder(index, at)
    if due.at > closes_at - LAST_HOUR:
        return None
    return due


def reminder_refusal(now: datetime, closes_at: datetime, zone: str) -> str | None:
    """Why a reminder may not go out right now (a prompt key), or None if it may."""
    if now > closes_at - LAST_HOUR:
        return "errors.remind_last_hour"
    if is_quiet(now, zone):
        return "errors.remind_quiet_hours"
    return None


def reschedule(
    schedule: Sequence[ScheduledCheckin],
    plan: Sequence[PlannedCheckin],
    now: datetime,
) -> tuple[PlannedCheckin, ...]:
    """The check-ins an edit moves: those not opened yet, with their new times.

    Raises InvalidScheduleChange when the edit would move an open check-in or put one that
    has not opened yet entirely in the past. Opened, closed and missed check-ins keep their
    times: they are history.
    """
    current = {slot.phase: slot for slot in schedule}
    moved = []
    for new in plan:
        slot = current.get(new.phase)
        if slot is None or slot.state is SlotState.PLANNED:
            if new.closes_at <= now:
                raise InvalidScheduleChange("errors.edit_in_past", new.phase)
            moved.append(new)
        elif slot.state is SlotState.OPENED and slot.checkin_open and new.opens_at != slot.opens_at:
            raise InvalidScheduleChange("errors.edit_moves_open", new.phase)
    return tuple(moved)


class InvalidScheduleChange(ValueError):
    """An edit of a project's dates that the schedule cannot take; `key` explains why."""

    def __init__(self, key: str, phase: Phase) -> None:
        super().__init__(key)
        self.key = key
        self.phase = phase

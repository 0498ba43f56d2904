"""Checking what a facilitator typed for a project: names, dates, time zones, times."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from zoneinfo import available_timezones

from bot.core.models import Project

DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_CHECKIN_TIME = time(10, 0)
DEFAULT_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 60
MAX_NAME_LENGTH = 60
MAX_PROJECT_DAYS = 5 * 366
MIN_PROJECT_DAYS = 2  # the middle check-in falls strictly between the beginning and the end

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
# Letters and digits of any script, but no underscore: `__x__` and `_x_` are Discord markdown
# (underline, italics), refused like every other markup character.
_NAME = re.compile(r"[^\W_](?:[^\W_]|[ '&().,+-])*")


class InvalidInput(ValueError):
    """Input a person can fix: `key` names the prompt explaining it, `values` fill it in."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def parse_name(raw: str) -> str:
    """A project name: 1–60 characters of letters, digits, spaces and simple punctuation."""
    name = " ".join(raw.split())
    if not name or len(name) > MAX_NAME_LENGTH or not _NAME.fullmatch(name):
        raise InvalidInput("errors.bad_name", max=MAX_NAME_LENGTH)
    return name


def parse_date(raw: str, *, field: str) -> date:
    """A date written YYYY-MM-DD."""
    text = raw.strip()
    if not _DATE.fullmatch(text):
        raise InvalidInput("errors.bad_date", field=field, value=text[:40])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("errors.bad_date", field=field, value=text[:40]) from None


@cache
def iana_timezones() -> frozenset[str]:
    """The IANA zone names (from the tzdata package), not any file the host can load."""
    return frozenset(available_timezones())


def parse_timezone(raw: str) -> str:
    """An IANA time zone name such as Europe/London."""
    text = raw.strip()
    if text not in iana_timezones():
        raise InvalidInput("errors.bad_timezone", value=text[:64])
    return text


def parse_time(raw: str) -> time:
    """A local time of day written HH:MM (24-hour clock)."""
    match = _TIME.fullmatch(raw.strip())
    if not match:
        raise InvalidInput("errors.bad_time", value=raw.strip()[:20])
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise InvalidInput("errors.bad_time", value=raw.strip()[:20])
    return time(hour, minute)


def parse_window(days: int) -> int:
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise InvalidInput("errors.bad_window", count=MAX_WINDOW_DAYS)
    return days


@dataclass(frozen=True, slots=True)
class ProjectInput:
    name: str
    starts_on: date
    ends_on: date
    timezone: str
    checkin_time: time
    window_days: int


def parse_project(
    *,
    name: str,
    starts: str,
    ends: str,
    timezone: str | None,
    checkin_time: str | None,
    window_days: int | None,
) -> ProjectInput:
    """Validate every field of /project create; raises InvalidInput on the first problem."""
    starts_on = parse_date(starts, field="starts")
    ends_on = parse_date(ends, field="ends")
    check_dates(starts_on, ends_on)
    return ProjectInput(
        name=parse_name(name),
        starts_on=starts_on,
        ends_on=ends_on,
        timezone=parse_timezone(timezone) if timezone else DEFAULT_TIMEZONE,
        checkin_time=parse_time(checkin_time) if checkin_time else DEFAULT_CHECKIN_TIME,
        window_days=parse_window(window_days) if window_days is not None else DEFAULT_WINDOW_DAYS,
    )


def check_dates(starts_on: date, ends_on: date) -> None:
    """A project ends after it starts, lasts long enough for three check-ins, and not years."""
    if ends_on <= starts_on:
        raise InvalidInput("errors.end_before_start")
    if (ends_on - starts_on).days < MIN_PROJECT_DAYS:
        raise InvalidInput("errors.project_too_short", count=MIN_PROJECT_DAYS)
    if (ends_on - starts_on).days > MAX_PROJECT_DAYS:
        raise InvalidInput("errors.project_too_long", count=MAX_PROJECT_DAYS // 366)


def parse_project_edit(
    current: Project,
    *,
    starts: str | None,
    ends: str | None,
    timezone: str | None,
    checkin_time: str | None,
    window_days: int | None,
) -> ProjectInput:
    """`current` with the fields of /project edit that were given; raises InvalidInput."""
    if all(v is None for v in (starts, ends, timezone, checkin_time, window_days)):
        raise InvalidInput("errors.edit_nothing")
    starts_on = parse_date(starts, field="starts") if starts is not None else current.starts_on
    ends_on = parse_date(ends, field="ends") if ends is not None else current.ends_on
    check_dates(starts_on, ends_on)
    return ProjectInput(
        name=current.name,
        starts_on=starts_on,
        ends_on=ends_on,
        timezone=parse_timezone(timezone) if timezone is not None else current.timezone,
        checkin_time=parse_time(checkin_time) if checkin_time is not None else current.checkin_time,
        window_days=parse_window(window_days) if window_days is not None else current.window_days,
    )

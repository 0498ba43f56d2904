"""Plain data the whole bot shares: projects, check-ins, invitations and answers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time

MIN_SCORES_THRESHOLD = 3
MAX_THRESHOLD = 100
DEFAULT_SCORES_THRESHOLD = 3
DEFAULT_COMMENTS_THRESHOLD = 5
COMMENT_MAX_CHARS = 1000


class Phase(enum.StrEnum):
    """When in a project's life a check-in happens."""

    BEGINNING = "beginning"
    MIDDLE = "middle"
    END = "end"
    EXTRA = "extra"


class CheckinStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SlotState(enum.StrEnum):
    """Where a scheduled (beginning, middle or end) check-in is in its life."""

    PLANNED = "planned"  # not opened yet
    OPENED = "opened"  # opened, by the scheduler or by a facilitator
    MISSED = "missed"  # its window passed before it could open


class Delivery(enum.StrEnum):
    """What happened to the DM inviting a participant to a check-in."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # Discord refused (50007: DMs closed); never retried


class DirectionChoice(enum.StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """How many people must answer before anything is shown (DESIGN.md §5)."""

    scores: int = DEFAULT_SCORES_THRESHOLD
    comments: int = DEFAULT_COMMENTS_THRESHOLD

    def problem(self) -> str | None:
        """The prompt key explaining why these thresholds are not allowed, or None."""
        if self.scores < MIN_SCORES_THRESHOLD:
            return "errors.threshold_scores_too_low"
        if self.comments < self.scores:
            return "errors.threshold_comments_below_scores"
        if self.comments > MAX_THRESHOLD:
            return "errors.threshold_too_high"
        return None


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    facilitator_role_id: int | None = None
    facilitator_channel_id: int | None = None  # where notices for facilitators go
    thresholds: Thresholds = field(default_factory=Thresholds)
    language: str | None = None  # None: English


@dataclass(frozen=True, slots=True)
class NewProject:
    """A project as a facilitator describes it, before it has an id."""

    guild_id: int
    name: str
    channel_id: int
    starts_on: date
    ends_on: date
    framework_id: str
    timezone: str
    checkin_time: time
    window_days: int
    language: str | None = field(default=None, kw_only=True)  # None: the server's


@dataclass(frozen=True, slots=True)
class Project(NewProject):
    """A stored project: as described, with its id and the message holding its card."""

    id: int
    card_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class Checkin:
    id: int
    project_id: int
    phase: Phase
    framework_id: str
    opened_at: datetime
    closes_at: datetime
    thresholds: Thresholds  # frozen when the check-in opens
    status: CheckinStatus = CheckinStatus.OPEN
    closed_at: datetime | None = None
    summary_message_id: int | None = None
    reminded_at: datetime | None = None  # last reminder sent by a facilitator
    reminder_rounds: int = 0  # automatic reminder rounds done (or dropped)
    summary_due: bool = False  # closed, summary not posted yet
    summary_attempts: int = 0  # failed tries at posting the summary
    summary_retry_at: datetime | None = None  # when to try posting it again
    # The framework as it was when the check-in opened (JSON, `Framework.snapshot`); None
    # for check-ins opened by an older version, which read the framework by id.
    framework_snapshot: str | None = field(default=None, repr=False)

    @property
    def is_open(self) -> bool:
        return self.status is CheckinStatus.OPEN


@dataclass(frozen=True, slots=True)
class Invitation:
    """Who was invited to a check-in and how their DM went. Never holds answers, nor how
    far they got: that lives only in their keyed response row."""

    checkin_id: int
    user_id: int
    delivery: Delivery = Delivery.PENDING
    dm_channel_id: int | None = None
    attempts: int = 0  # times the invitation DM was tried (cleared at the close)
    next_attempt_at: datetime | None = None  # when to try again after a failure


@dataclass(frozen=True, slots=True)
class ReminderTarget:
    """Someone who may get a reminder now, and how many they have had."""

    user_id: int
    reminders: int
    dm_channel_id: int | None = None


@dataclass(frozen=True, slots=True)
class CheckinCounts:
    """How a check-in is going: counts only, never who. `finished` is None where it was not
    counted: a closed check-in's comes from its frozen figures (`CheckinStanding.frozen`)."""

    invited: int
    finished: int | None
    delivered: int
    undeliverable: int


@dataclass(frozen=True, slots=True)
class DmMessage:
    """A check-in message in a member's DMs (an invitation or reminder, which becomes the
    answering screen), to be emptied when the check-in closes or they erase their data."""

    checkin_id: int
    user_id: int
    channel_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class FrozenResults:
    """A closed check-in's results as frozen at the close (JSON texts, see core.frozen);
    `comments` only until its summary is posted."""

    figures: str
    comments: str | None = None


@dataclass(frozen=True, slots=True)
class ScheduledCheckin:
    """A project's beginning, middle or end check-in as scheduled, and what became of it."""

    project_id: int
    phase: Phase
    opens_at: datetime
    closes_at: datetime
    state: SlotState = SlotState.PLANNED
    checkin_id: int | None = None
    checkin_open: bool = False  # the check-in it became is open now
    announced: bool = True  # for a missed one: facilitators were told


@dataclass(frozen=True, slots=True)
class Participant:
    """A member who pressed Join on a project card, with the names to redact from comments."""

    project_id: int
    user_id: int
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer to one item, stored under the respondent's keyed hash, never a user id.

    `item` is a component key, a direction-check key, or ANYTHING_ELSE.
    """

    item: str
    rating: int | None = None
    skipped: bool = False  # the member chose Skip (rating stays None)
    choice: DirectionChoice | None = None  # direction checks only
    comment: str | None = None


ANYTHING_ELSE = "_anything_else"
# A pick of the priorities step is stored as a keyed answer row to the item
# "priority:<component key>" (rating 1); `Response.priorities` holds the picked keys.
PRIORITY_PREFIX = "priority:"
PRIORITIES = "_priorities"  # the item key of the priorities step (it has no answer row)


def priority_item(component_key: str) -> str:
    """The answer item that stores one pick of the priorities step."""
    return PRIORITY_PREFIX + component_key


@dataclass(frozen=True, slots=True)
class Response:
    """All answers of one respondent in one check-in, with no identity attached."""

    answers: dict[str, Answer]
    submitted: bool = False
    declined: bool = False  # the member pressed "Not this time" (and has not started since)
    priorities: tuple[str, ...] = ()  # component keys picked as mattering most (sorted)


@dataclass(frozen=True, slots=True)
class AnsweringView:
    """What a member's click needs, read at once: the check-in they were invited to, its
    project (None if deleted) and their own answers so far."""

    project: Project | None
    checkin: Checkin
    response: Response


@dataclass(frozen=True, slots=True)
class CheckinStanding:
    """One check-in of a project as its overview shows it: its counts, and (closed) the
    figures frozen at its close, whose counts are the ones to show (None: none frozen)."""

    checkin: Checkin
    counts: CheckinCounts
    frozen: FrozenResults | None = None


@dataclass(frozen=True, slots=True)
class ProjectOverview:
    """What `/project show` needs, read at once: the project, how many joined, its
    schedule and its check-ins, oldest first."""

    project: Project
    participants: int
    schedule: tuple[ScheduledCheckin, ...]
    checkins: tuple[CheckinStanding, ...]


@dataclass(frozen=True, slots=True)
class MemberDataErased:
    """What erasing one member's data on a server removed (for /mydata delete)."""

    answers: int = 0  # answer rows erased
    checkins: int = 0  # check-ins whose responses were erased
    projects: int = 0  # projects the member was taken out of
    messages: tuple[DmMessage, ...] = ()  # check-in messages in their DMs, to be emptied


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One facilitator action, for `/settings audit`. Never holds answers."""

    at: datetime
    actor_id: int
    action: str  # e.g. "project.create", "checkin.close", "settings.thresholds"
    project: str | None = None  # the project's name at the time
    detail: str = ""

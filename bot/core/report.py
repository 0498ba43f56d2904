"""The end-of-project report, built from check-in summaries alone.

Everything here reads `CheckinSummary` objects, which already hold only what the group may see
(DESIGN.md §5): a check-in below the scores threshold carries no numbers, nor does a component
with too few ratings. Nothing here looks past them, and comments are left out entirely (they
stay in the channel summaries), so no text a person wrote and no per-person data can appear.
Pure: no Discord, no database, no files; callers post or attach the strings.

Rules:
- A component is *shown* in a check-in when the check-in met the scores threshold and so did
  the component's ratings. Averages are compared as shown: one decimal, halves up
  (`shown_average`), so every difference matches the numbers in the table.
- Change: per component, from the first to the last check-in where it was shown (two
  different check-ins), the difference of the shown averages. The report lists the
  `MAX_CHANGES` largest moves by size, largest first (framework order within a tie), plus any
  tied with the last of them, so no tie is broken arbitrarily. A move of 0.0 is no change.
- Stayed weak: shown in at least two check-ins and weak in every one of them, where weak
  means a shown average below the middle of the scale (3.0 on 1-5, 2.5 on 1-4) or being named
  under "room to grow" (the summary's `weakest`). Check-ins where it was not shown don't count
  either way.
- Direction checks: counts per check-in, only where the summary holds them.
- What mattered most: the counts of the first beginning check-in that asked for
  priorities, as its summary showed them (none where it withheld them), and for its top
  priorities (`top_priorities`) the shown average at every check-in ("–" where not shown).
- Dates are the local date of `opened_at` in the project's time zone, written YYYY-MM-DD.

The CSV and JSON exports of the same aggregates are in `bot.core.export`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.frameworks import Framework
from bot.core.models import DirectionChoice, Phase
from bot.core.prompts import Prompts
from bot.core.summary import (
    CheckinSummary,
    ComponentResult,
    DirectionResult,
    shown_average,
    top_priorities,
)
from bot.core.summary_text import signed

MAX_CHANGES = 3


@dataclass(frozen=True, slots=True)
class CheckinRecord:
    """One check-in of a project as the report sees it: its phase, its dates, its summary."""

    phase: Phase
    opened_at: datetime  # aware UTC
    closed_at: datetime | None
    summary: CheckinSummary


@dataclass(frozen=True, slots=True)
class ComponentChange:
    """A component's move between the first and last check-ins where it was shown."""

    key: str
    name: str
    first: int  # index into the records
    last: int
    before: Decimal
    after: Decimal

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class WeakComponent:
    """A component that stayed weak, with its shown averages in order and what to discuss."""

    key: str
    name: str
    averages: tuple[Decimal, ...]
    discussion_prompt: str


# The maths -----------------------------------------------------------------------------------


def _component(summary: CheckinSummary, key: str) -> ComponentResult | None:
    return next((r for r in summary.components if r.key == key), None)


def _shown(summary: CheckinSummary, key: str) -> Decimal | None:
    result = _component(summary, key) if summary.enough else None
    if result is None or not result.enough or result.average is None:
        return None
    return shown_average(result.average)


def shown_history(
    framework: Framework, records: Sequence[CheckinRecord]
) -> dict[str, list[tuple[int, Decimal]]]:
    """Per component key, (record index, shown average) for every check-in where it was shown."""
    history: dict[str, list[tuple[int, Decimal]]] = {}
    for component in framework.components:
        history[component.key] = [
            (index, average)
            for index, record in enumerate(records)
            if (average := _shown(record.summary, component.key)) is not None
        ]
    return history


def component_changes(
    framework: Framework, records: Sequence[CheckinRecord]
) -> list[ComponentChange]:
    """Each comparable component's change, first to last shown check-in, in framework order."""
    history = shown_history(framework, records)
    changes = []
    for component in framework.components:
        shown = history[component.key]
        if len(shown) >= 2:
            (first, before), (last, after) = shown[0], shown[-1]
            changes.append(
                ComponentChange(component.key, component.name, first, last, before, after)
            )
    return changes


def biggest_changes(
    changes: Sequence[ComponentChange], limit: int = MAX_CHANGES
) -> list[ComponentChange]:
    """The largest non-zero moves, largest first, keeping any tied with the last one."""
    moved = sorted((c for c in changes if c.delta), key=lambda c: -abs(c.delta))
    if len(moved) <= limit:
        return moved
    cutoff = abs(moved[limit - 1].delta)
    return [c for c in moved if abs(c.delta) >= cutoff]


def _weak_in(summary: CheckinSummary, key: str, average: Decimal, midpoint: Decimal) -> bool:
    return average < midpoint or any(h.key == key for h in summary.weakest)


def stayed_weak(framework: Framework, records: Sequence[CheckinRecord]) -> list[WeakComponent]:
    """Components shown at least twice and weak every time they were shown (module docstring)."""
    midpoint = Decimal(1 + len(framework.scale)) / 2
    history = shown_history(framework, records)
    weak = []
    for component in framework.components:
        shown = history[component.key]
        if len(shown) >= 2 and all(
            _weak_in(records[index].summary, component.key, average, midpoint)
            for index, average in shown
        ):
            averages = tuple(average for _, average in shown)
            weak.append(
                WeakComponent(component.key, component.name, averages, component.discussion_prompt)
            )
    return weak


def _direction(summary: CheckinSummary, key: str) -> DirectionResult | None:
    if not summary.enough:
        return None
    result = next((d for d in summary.directions if d.key == key), None)
    return result if result is not None and result.enough and result.counts else None


def local_date(moment: datetime, timezone: str | ZoneInfo) -> date:
    """The calendar date of an aware datetime in a time zone."""
    if moment.tzinfo is None:
        raise ValueError("check-in times must be timezone-aware")
    zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
    return moment.astimezone(zone).date()


# The report ----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text made safe for one Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _column_label(record: CheckinRecord, prompts: Prompts, zone: ZoneInfo) -> str:
    return prompts(
        "report.column",
        phase=prompts.phase(record.phase, title=True),
        date=prompts.day(local_date(record.opened_at, zone)),
    )


def _scale_line(framework: Framework, prompts: Prompts) -> str:
    scale = prompts("report.list_joiner").join(
        prompts("report.scale_point", value=value, label=framework.label(value))
        for value in framework.scale_values
    )
    return prompts("report.scale", scale=scale)


def _table(
    framework: Framework,
    records: Sequence[CheckinRecord],
    labels: Sequence[str],
    prompts: Prompts,
) -> str:
    not_enough = prompts("report.not_enough")
    lines = [_row([prompts("report.table_part"), *labels]), _row(["---"] * (len(labels) + 1))]
    for component in framework.components:
        averages = [_shown(record.summary, component.key) for record in records]
        cells = [not_enough if a is None else str(a) for a in averages]
        lines.append(_row([component.name, *cells]))
    took_part = [
        prompts("report.took_part_cell", took_part=r.summary.took_part, invited=r.summary.invited)
        for r in records
    ]
    lines.append(_row([prompts("report.took_part"), *took_part]))
    return "\n".join(lines)


def _change_line(change: ComponentChange, labels: Sequence[str], prompts: Prompts) -> str:
    arrow = prompts("report.arrow_up") if change.delta > 0 else prompts("report.arrow_down")
    return prompts(
        "report.change",
        name=change.name,
        arrow=arrow,
        delta=signed(change.delta),
        before=change.before,
        after=change.after,
        start=labels[change.first],
        finish=labels[change.last],
    )


def _changes_section(
    framework: Framework,
    records: Sequence[CheckinRecord],
    labels: Sequence[str],
    prompts: Prompts,
) -> str:
    header = prompts("report.changes_header")
    changes = component_changes(framework, records)
    if not changes:
        return f"{header}\n\n{prompts('report.changes_not_comparable')}"
    biggest = biggest_changes(changes)
    if not biggest:
        return f"{header}\n\n{prompts('report.changes_none')}"
    return f"{header}\n\n" + "\n".join(_change_line(c, labels, prompts) for c in biggest)


def _weak_lines(weak: WeakComponent, prompts: Prompts) -> list[str]:
    averages = prompts("report.weak_joiner").join(str(a) for a in weak.averages)
    return [
        prompts("report.weak_item", name=weak.name, averages=averages),
        prompts("report.weak_discussion", prompt=weak.discussion_prompt),
    ]


def _weak_section(framework: Framework, records: Sequence[CheckinRecord], prompts: Prompts) -> str:
    header = prompts("report.weak_header")
    if not component_changes(framework, records):
        return f"{header}\n\n{prompts('report.weak_not_comparable')}"
    weak = stayed_weak(framework, records)
    if not weak:
        return f"{header}\n\n{prompts('report.weak_none')}"
    lines = [line for component in weak for line in _weak_lines(component, prompts)]
    return f"{header}\n\n{prompts('report.weak_intro')}\n\n" + "\n".join(lines)


def _direction_block(
    key: str,
    question: str,
    records: Sequence[CheckinRecord],
    labels: Sequence[str],
    prompts: Prompts,
) -> str:
    lines = [prompts("report.direction_question", question=question)]
    for record, label in zip(records, labels, strict=True):
        result = _direction(record.summary, key)
        if result is not None:
            lines.append(
                prompts(
                    "report.direction_counts",
                    checkin=label,
                    yes=result.counts.get(DirectionChoice.YES, 0),
                    no=result.counts.get(DirectionChoice.NO, 0),
                    unsure=result.counts.get(DirectionChoice.UNSURE, 0),
                )
            )
    if len(lines) == 1:
        lines.append(prompts("report.direction_none"))
    return "\n".join(lines)


def _directions_section(
    framework: Framework,
    records: Sequence[CheckinRecord],
    labels: Sequence[str],
    prompts: Prompts,
) -> list[str]:
    if not framework.direction_checks:
        return []
    blocks = [
        _direction_block(check.key, check.question, records, labels, prompts)
        for check in framework.direction_checks
    ]
    return [prompts("report.directions_header"), *blocks]


def _priorities_section(records: Sequence[CheckinRecord], prompts: Prompts) -> list[str]:
    asked = next((r for r in records if r.summary.enough and r.summary.priorities_asked), None)
    if asked is None:
        return []
    header = prompts("report.priorities_header")
    summary = asked.summary
    if summary.priorities_picked is None or not summary.priorities:
        return [header, prompts("report.priorities_withheld")]
    counts = [
        prompts("report.priority_count", name=p.name, count=p.count) for p in summary.priorities
    ]
    not_shown = prompts("report.not_enough")
    history = []
    for top in top_priorities(summary):
        averages = [_shown(record.summary, top.key) for record in records]
        cells = [not_shown if a is None else str(a) for a in averages]
        joined = prompts("report.priority_joiner").join(cells)
        history.append(prompts("report.priority_history", name=top.name, averages=joined))
    return [header, prompts("report.priorities_intro"), "\n".join(counts), "\n".join(history)]


def render_report(
    project_name: str,
    framework: Framework,
    records: Sequence[CheckinRecord],
    prompts: Prompts,
    *,
    timezone: str,
) -> str:
    """The end-of-project reflection as one Markdown document; records oldest first."""
    blocks = [
        prompts("report.title", project=project_name),
        prompts("report.intro", project=project_name, framework=framework.title),
    ]
    if not records:
        blocks.append(prompts("report.no_checkins"))
    else:
        zone = ZoneInfo(timezone)
        labels = [_column_label(record, prompts, zone) for record in records]
        blocks += [
            prompts("report.table_header"),
            _scale_line(framework, prompts),
            _table(framework, records, labels, prompts),
            prompts("report.legend"),
            _changes_section(framework, records, labels, prompts),
            _weak_section(framework, records, prompts),
            *_priorities_section(records, prompts),
            *_directions_section(framework, records, labels, prompts),
        ]
    blocks += [prompts("report.comments"), prompts("report.closing")]
    return "\n\n".join(blocks) + "\n"

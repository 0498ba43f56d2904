"""The aggregate exports of a project's check-ins, as CSV and as JSON.

Like the report (`bot.core.report`), they read `CheckinSummary` objects alone, which hold
only what the group may see (DESIGN.md §5): no comment, no per-person data, and no number a
threshold withheld. Pure: callers attach the strings.

Rules:
- One-decimal averages, as in the text (`shown_average`): CSV writes them as text ("3.4"),
  JSON as numbers (3.4). Column and field names are fixed identifiers for spreadsheets and
  scripts, not sentences, so they live here rather than in prompts.
- The CSV holds components only, one row per (check-in, component), and one bare row for a
  check-in too few took part in; the JSON adds the framework and the direction checks.
- Priorities (what mattered most, beginning check-ins that asked): the CSV's
  `priority_picks` column holds how many picked the component, the JSON's `priorities` how
  many picked any and the count per component key; both only where the summary showed them.
- Dates are the local date of `opened_at` in the project's time zone, written YYYY-MM-DD.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.frameworks import Framework
from bot.core.models import DirectionChoice
from bot.core.report import CheckinRecord, local_date
from bot.core.summary import CheckinSummary, ComponentResult, DirectionResult, shown_average

CSV_COLUMNS = (
    "checkin",
    "phase",
    "opened_on",
    "took_part",
    "invited",
    "component_key",
    "component",
    "rated",
    "average",
    "priority_picks",
)


def csv_columns(framework: Framework) -> list[str]:
    """The CSV header: fixed columns, then one count column per scale point (n_1 … n_k)."""
    return [*CSV_COLUMNS, *(f"n_{value}" for value in framework.scale_values)]


def _csv_component(
    result: ComponentResult, framework: Framework, picks: dict[str, int]
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "component_key": result.key,
        "component": result.name,
        "rated": result.rated_count,
    }
    if result.enough and result.average is not None:
        fields["average"] = str(shown_average(result.average))
    if result.key in picks:  # only where the summary showed the priorities
        fields["priority_picks"] = picks[result.key]
    if result.distribution:  # only where the summary showed it
        fields.update({f"n_{v}": result.distribution.get(v, 0) for v in framework.scale_values})
    return fields


def _csv_rows(
    framework: Framework, number: int, record: CheckinRecord, zone: ZoneInfo
) -> list[dict[str, Any]]:
    summary = record.summary
    base = {
        "checkin": number,
        "phase": record.phase.value,
        "opened_on": local_date(record.opened_at, zone).isoformat(),
        "took_part": summary.took_part,
        "invited": summary.invited,
    }
    if not summary.enough:
        return [base]
    picks = _priority_picks(summary)
    return [{**base, **_csv_component(r, framework, picks)} for r in summary.components]


def _priority_picks(summary: CheckinSummary) -> dict[str, int]:
    """How many picked each component, where the summary showed the priorities (every
    component then, nobody's picks counting 0); else nothing."""
    if not summary.enough or summary.priorities_picked is None:
        return {}
    counts = {p.key: p.count for p in summary.priorities}
    return {r.key: counts.get(r.key, 0) for r in summary.components}


def _json_priorities(summary: CheckinSummary) -> dict[str, Any] | None:
    picks = _priority_picks(summary)
    if not picks:
        return None
    return {"picked": summary.priorities_picked, "counts": picks}


def export_csv(
    framework: Framework,
    records: Sequence[CheckinRecord],
    *,
    timezone: str,
    header: Callable[[str], str] | None = None,
) -> str:
    """Aggregates as CSV: one row per (check-in, component); one bare row if too few took part.
    `header` words each column's identifier for the header row (the project's language);
    without it the header row is the identifiers."""
    zone = ZoneInfo(timezone)
    buffer = io.StringIO()
    columns = csv_columns(framework)
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    if header is None:
        writer.writeheader()
    else:
        writer.writerow({column: header(column) for column in columns})
    for number, record in enumerate(records, start=1):
        writer.writerows(_csv_rows(framework, number, record, zone))
    return buffer.getvalue()


def _json_component(result: ComponentResult, framework: Framework) -> dict[str, Any]:
    average = result.average if result.enough else None
    return {
        "key": result.key,
        "name": result.name,
        "rated": result.rated_count,
        "average": None if average is None else float(shown_average(average)),
        "distribution": (
            {str(v): result.distribution.get(v, 0) for v in framework.scale_values}
            if average is not None and result.distribution
            else None
        ),
    }


def _json_direction(result: DirectionResult) -> dict[str, Any]:
    counts = (
        {choice.value: result.counts.get(choice, 0) for choice in DirectionChoice}
        if result.enough and result.counts
        else None
    )
    return {"key": result.key, "counts": counts}


def _json_checkin(
    framework: Framework, number: int, record: CheckinRecord, zone: ZoneInfo
) -> dict[str, Any]:
    summary = record.summary
    return {
        "checkin": number,
        "phase": record.phase.value,
        "opened_on": local_date(record.opened_at, zone).isoformat(),
        "took_part": summary.took_part,
        "invited": summary.invited,
        "enough": summary.enough,
        "components": [_json_component(r, framework) for r in summary.components]
        if summary.enough
        else [],
        "directions": [_json_direction(d) for d in summary.directions] if summary.enough else [],
        **({"priorities": _json_priorities(summary)} if summary.priorities_asked else {}),
    }


def export_json(framework: Framework, records: Sequence[CheckinRecord], *, timezone: str) -> str:
    """The same aggregates as JSON: the framework, then every check-in oldest first."""
    zone = ZoneInfo(timezone)
    data = {
        "framework": {
            "id": framework.id,
            "title": framework.title,
            "scale": [{"value": v, "label": framework.label(v)} for v in framework.scale_values],
        },
        "checkins": [
            _json_checkin(framework, number, record, zone)
            for number, record in enumerate(records, start=1)
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)

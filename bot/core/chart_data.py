"""What a chart shows, as plain data.

Kept apart from `bot.core.chart` so that building a chart's data never imports matplotlib:
the bot's own process stays small, and only the worker that draws
(`bot.core.chart_worker.render_png`) loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RADAR_MIN, RADAR_MAX = 5, 12


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One check-in on the chart: its legend label and an average per component."""

    label: str  # e.g. "Beginning (5 Jan)"
    values: tuple[float | None, ...]  # one average per component, None = not enough answers


@dataclass(frozen=True, slots=True)
class ChartData:
    """Everything the chart shows: components, the scale, and the check-ins to compare."""

    title: str  # e.g. "Youth Board: how we work together"
    components: tuple[str, ...]  # component names, in framework order
    scale: tuple[tuple[int, str], ...]  # (value, label) of the framework's scale
    series: tuple[ChartSeries, ...]  # one per check-in to compare, oldest first


def chart_kind(data: ChartData) -> Literal["radar", "bars"]:
    """A radar for 5 to 12 components, grouped bars otherwise."""
    return "radar" if RADAR_MIN <= len(data.components) <= RADAR_MAX else "bars"

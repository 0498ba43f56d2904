"""The entry point the chart's worker process draws with.

Importing this module loads nothing heavy: matplotlib is imported inside `render_png`,
so only the worker process that runs it ever loads it (the bot's own process stays small).
"""

from __future__ import annotations

from bot.core.chart_data import ChartData


def render_png(data: ChartData) -> bytes:
    """Draw the chart; run in a worker process, where the import of matplotlib happens."""
    from bot.core.chart import draw_chart  # deliberately late: only the worker loads it

    return draw_chart(data)

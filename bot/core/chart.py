"""The chart image of a summary: each check-in's component averages, drawn as a PNG.

`draw_chart` turns a `ChartData` (plain numbers and labels, already anonymised: a component
with too few answers arrives as None) into PNG bytes. It is pure and slow (a few hundred
milliseconds), so the bot runs it in a worker process (`bot.core.chart_worker.render_png`):
neither its CPU time nor matplotlib's memory lands on the bot's own process.

Choices:
- **Kind.** A radar (polar axes) for 5 to 12 components, one closed outline per check-in, as
  the squad health checks draw them; with fewer than 5 a radar is a misleading triangle or
  square, and with more than 12 its labels collide, so those get grouped horizontal bars
  (horizontal so that long component names read as lines of text, not slanted words).
- **Scale.** The value axis runs exactly over the framework's scale, labelled with its points
  ("1 Not yet" … "5 Fully"). On the radar the scale's lowest point is a small circle around
  the centre, not the centre itself, so low scores stay visible apart from each other. Bars
  start at the lowest point, and every bar ends in a marker, so an average at the lowest
  point (a bar of no length) still shows.
- **Missing values** (None: not enough answers). Nothing is drawn for them: no bar, and on the
  radar no point, the outline breaking on both sides of that spoke. A point at the centre
  would read as the lowest score, and joining the neighbours across the gap would invent a
  value in between.
- **Telling series apart without colour.** Okabe–Ito colours (safe for the common kinds of
  colour blindness), and on top of them a line style and a marker shape per series on the
  radar, and a hatch pattern and marker shape per series on the bars. The legend names each
  series, oldest first, in the order they are drawn.
- **Phones.** 12 inches wide at 100 dpi (1200 px); text is 13 pt or larger; long component
  names, legend entries and the title are wrapped with `textwrap`. A PNG larger than
  `MAX_PNG_BYTES` is drawn again at a lower dpi.
- **Threads and global state.** Only the object API (`Figure` with its own `FigureCanvasAgg`),
  never `pyplot`, so nothing is registered globally. `matplotlib.rc_context` is deliberately
  not used: it swaps the process-wide `rcParams` in and out, so two threads drawing at once
  could each restore the other's settings. Instead every setting that shapes the picture
  (sizes, fonts, colours, line widths, dash patterns, hatches, layout pads, grid) is passed
  explicitly, and text is never parsed as mathtext or TeX, so a "$" in a name stays a "$".
  Left to the rc: `lines.scale_dashes`, which matplotlib reads when a line is made and
  offers no argument for, and `hatch.linewidth` on a matplotlib too old to have
  `Patch.set_hatch_linewidth`. A test checks that the rest cannot change the picture.
"""

from __future__ import annotations

import io
import logging
import math
import textwrap
from collections.abc import Sequence
from itertools import pairwise
from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.projections.polar import PolarAxes

# The data types live apart (no matplotlib there); re-exported for callers of this module.
from bot.core.chart_data import (  # noqa: F401
    RADAR_MAX,
    RADAR_MIN,
    ChartData,
    ChartSeries,
    chart_kind,
)

log = logging.getLogger(__name__)

MAX_PNG_BYTES = 1024 * 1024

# The first render is 1200 px wide; the others only if a PNG comes out too large.
DPIS = (100, 80, 64, 50)
WIDTH_IN = 12.0
RADAR_HEIGHT_IN = 11.5

FONT_FAMILY = "DejaVu Sans"  # shipped inside matplotlib, so present on every machine
TITLE_PT = 20.0
LABEL_PT = 15.0
SCALE_PT = 13.0
LEGEND_PT = 15.0

TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#b0b0b0"
BACKGROUND = "#ffffff"

# Okabe & Ito (2008), yellow last: it is hard to see as a line on white.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
# Explicit dash patterns (in points), so the rc's dash settings cannot change them.
DASHES: tuple[tuple[float, tuple[float, ...] | None], ...] = (
    (0.0, None),  # solid
    (0.0, (7.0, 3.5)),
    (0.0, (1.5, 2.5)),
    (0.0, (8.0, 3.0, 1.5, 3.0)),
    (0.0, (3.5, 3.5)),
    (0.0, (8.0, 3.0, 1.5, 3.0, 1.5, 3.0)),
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")

LINE_PT = 2.8
MARKER_PT = 11.0

COMPONENT_WRAP = 18  # characters per line of a component name on the radar
BAR_LABEL_WRAP = 24  # ... and beside the bars, where there is more room
SCALE_WRAP = 14
LEGEND_WRAP = 32
TITLE_WRAP = 60


def draw_chart(data: ChartData) -> bytes:
    """The chart as PNG bytes, under `MAX_PNG_BYTES`; ValueError for data that makes no sense."""
    _check(data)
    size = 0
    for dpi in DPIS:
        png = _render(data, dpi)
        if len(png) < MAX_PNG_BYTES:
            return png
        size = len(png)
        log.info("chart PNG of %d bytes at %d dpi is too large; drawing it smaller", size, dpi)
    raise ValueError(
        f"the chart is still {size} bytes at {DPIS[-1]} dpi, over the {MAX_PNG_BYTES} byte limit"
    )


# Checking ------------------------------------------------------------------------------------


def _check(data: ChartData) -> None:
    if not data.components:
        raise ValueError("a chart needs at least one component")
    if not data.series:
        raise ValueError("a chart needs at least one series")
    if len(data.scale) < 2:
        raise ValueError("a chart's scale needs at least two points")
    values = [value for value, _ in data.scale]
    if any(later <= earlier for earlier, later in pairwise(values)):
        raise ValueError(f"the scale's values must increase, got {values}")
    low, high = values[0], values[-1]
    for series in data.series:
        if len(series.values) != len(data.components):
            raise ValueError(
                f"series {series.label!r} has {len(series.values)} values "
                f"for {len(data.components)} components"
            )
        for component, value in zip(data.components, series.values, strict=True):
            if value is not None and not (math.isfinite(value) and low <= value <= high):
                raise ValueError(
                    f"series {series.label!r}, component {component!r}: {value} is outside "
                    f"the scale {low} to {high}"
                )


# Drawing -------------------------------------------------------------------------------------


def _font(size: float, weight: str = "normal") -> FontProperties:
    return FontProperties(
        family=FONT_FAMILY,
        style="normal",
        variant="normal",
        weight=weight,
        stretch="normal",
        size=size,
    )


def _text_style(size: float, weight: str = "normal") -> dict[str, Any]:
    """Text properties that would otherwise come from the global rc."""
    return {
        "fontproperties": _font(size, weight),
        "color": TEXT_COLOUR,
        "usetex": False,
        "parse_math": False,
    }


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width=width, break_long_words=True) or " "


def _scale_labels(data: ChartData, width: int) -> list[str]:
    return [_wrap(f"{value} {label}", width) for value, label in data.scale]


def _render(data: ChartData, dpi: int) -> bytes:
    kind = chart_kind(data)
    if kind == "radar":
        height = RADAR_HEIGHT_IN
    else:
        per_component = min(0.3 * len(data.series) + 0.45, 2.4)
        height = max(6.0, 3.0 + per_component * len(data.components))
    layout = ConstrainedLayoutEngine(h_pad=0.15, w_pad=0.15, hspace=0.02, wspace=0.02)
    figure = Figure(
        figsize=(WIDTH_IN, height),
        dpi=dpi,
        facecolor=BACKGROUND,
        edgecolor=BACKGROUND,
        linewidth=0.0,
        frameon=True,
        layout=layout,
    )
    canvas = FigureCanvasAgg(figure)
    figure.suptitle(_wrap(data.title, TITLE_WRAP), **_text_style(TITLE_PT, "bold"))
    handles = _draw_radar(figure, data) if kind == "radar" else _draw_bars(figure, data)
    _legend(figure, data, handles)
    buffer = io.BytesIO()
    # zlib level 6: level 9 cost about 40% of the drawing time for 2% of the size.
    canvas.print_png(buffer, pil_kwargs={"compress_level": 6})
    return buffer.getvalue()


def _style_axes(ax: Axes) -> None:
    ax.set_facecolor(BACKGROUND)
    ax.set_axisbelow(True)
    for spine in ax.spines.values():
        spine.set_color(GRID_COLOUR)
        spine.set_linewidth(1.0)
        spine.set_linestyle("-")
    ax.tick_params(
        which="both",
        direction="out",
        length=0,
        width=0,
        color=GRID_COLOUR,
        labelsize=SCALE_PT,
        labelcolor=TEXT_COLOUR,
        pad=6,
    )
    ax.minorticks_off()


def _grid(ax: Axes, axis: Literal["both", "x", "y"]) -> None:
    ax.grid(visible=True, axis=axis, color=GRID_COLOUR, linewidth=1.0, linestyle="-", alpha=1.0)


def _series_line(index: int) -> dict[str, Any]:
    """Line and marker properties of the index-th series, none taken from the rc."""
    colour = PALETTE[index % len(PALETTE)]
    return {
        "color": colour,
        "linewidth": LINE_PT,
        "linestyle": DASHES[index % len(DASHES)],
        "dash_capstyle": "butt",
        "solid_capstyle": "round",
        "solid_joinstyle": "round",
        "dash_joinstyle": "round",
        "marker": MARKERS[index % len(MARKERS)],
        "markersize": MARKER_PT,
        "markerfacecolor": colour,
        "markeredgecolor": TEXT_COLOUR,
        "markeredgewidth": 1.2,
        "antialiased": True,
        "drawstyle": "default",
    }


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """(index, value) of the radar's unbroken stretches, each to be joined by a line.

    With no gap the one run closes on itself (the first point repeated at the end); a gap
    breaks the outline, and a run may wrap from the last component to the first.
    """
    count = len(values)
    if all(value is not None for value in values):
        closed = [*range(count), 0]
        return [[(i, v) for i in closed if (v := values[i]) is not None]]
    start = next(i for i, value in enumerate(values) if value is None)
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for step in range(1, count + 1):  # begin just after a gap, so no run is cut in two
        index = (start + step) % count
        value = values[index]
        if value is not None:
            current.append((index, value))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _draw_radar(figure: Figure, data: ChartData) -> list[Any]:
    ax = figure.add_subplot(projection="polar")
    assert isinstance(ax, PolarAxes)
    _style_axes(ax)
    count = len(data.components)
    values = [value for value, _ in data.scale]
    low, high = values[0], values[-1]
    angles = [2 * math.pi * i / count for i in range(count)]

    ax.set_theta_offset(math.pi / 2)  # first component at the top, then clockwise
    ax.set_theta_direction(-1)
    ax.set_ylim(low, high)
    ax.set_rorigin(low - 0.18 * (high - low))  # the lowest point is a small circle, not a dot
    ax.set_xticks(angles, [""] * count)
    ax.set_yticks(values, [""] * len(values))  # the circles; their labels are drawn below
    _grid(ax, "both")

    # The scale's labels sit between the first two spokes, on a backing that hides the grid
    # behind them but under the outlines: a line may cross a label, but no label hides a point.
    between = math.pi / count
    for value, label in zip(values, _scale_labels(data, SCALE_WRAP), strict=True):
        ax.text(
            between,
            value,
            label,
            **_text_style(SCALE_PT),
            ha="center",
            va="center",
            zorder=2.5,
            clip_on=False,
            bbox={
                "boxstyle": "round,pad=0.2",
                "facecolor": BACKGROUND,
                "edgecolor": "none",
                "alpha": 0.8,
            },
        )

    # Component names are placed by hand, aligned away from the circle, so that wrapped
    # names on the left and right grow outwards instead of over the chart.
    label_radius = high + 0.1 * (high - low)
    for angle, name in zip(angles, data.components, strict=True):
        x, y = math.sin(angle), math.cos(angle)
        ax.text(
            angle,
            label_radius,
            _wrap(name, COMPONENT_WRAP),
            **_text_style(LABEL_PT),
            ha="left" if x > 0.15 else "right" if x < -0.15 else "center",
            va="bottom" if y > 0.15 else "top" if y < -0.15 else "center",
            multialignment="left" if x > 0.15 else "right" if x < -0.15 else "center",
            clip_on=False,
        )

    handles = []
    for index, series in enumerate(data.series):
        style = _series_line(index)
        for run in _runs(series.values):
            ax.plot(
                [angles[i] for i, _ in run],
                [value for _, value in run],
                **style,
                label="_nolegend_",
                zorder=3 + index,
                clip_on=False,  # markers on the outer circle are drawn whole
            )
        handles.append(Line2D([], [], **style))
    return handles


def _set_hatch(patch: Patch, colour: str) -> None:
    # Patch.set_hatch_linewidth and set_hatchcolor are newer than our lowest matplotlib;
    # where they exist, use them so the rc's hatch settings cannot apply.
    if hasattr(patch, "set_hatch_linewidth"):
        patch.set_hatch_linewidth(1.2)
    if hasattr(patch, "set_hatchcolor"):
        patch.set_hatchcolor(colour)


def _bar_style(index: int) -> dict[str, Any]:
    return {
        "facecolor": PALETTE[index % len(PALETTE)],
        "edgecolor": TEXT_COLOUR,  # also the hatch colour where it cannot be set apart
        "linewidth": 1.0,
        "linestyle": "-",
        "hatch": HATCHES[index % len(HATCHES)] or None,
        "antialiased": True,
        "fill": True,
    }


def _draw_bars(figure: Figure, data: ChartData) -> list[Any]:
    ax = figure.add_subplot()
    _style_axes(ax)
    values = [value for value, _ in data.scale]
    low, high = values[0], values[-1]
    count = len(data.series)
    thickness = 0.8 / count

    ax.set_xlim(low, high)
    ax.set_xticks(values, _scale_labels(data, SCALE_WRAP), **_text_style(SCALE_PT))
    ax.xaxis.set_ticks_position("top")  # the scale is read before the bars; also at the foot
    ax.tick_params(axis="x", which="both", labeltop=True, labelbottom=True)
    positions = list(range(len(data.components)))
    ax.set_yticks(
        positions,
        [_wrap(name, BAR_LABEL_WRAP) for name in data.components],
        **_text_style(LABEL_PT),
    )
    ax.set_ylim(len(data.components) - 0.5, -0.5)  # first component at the top
    _grid(ax, "x")
    ax.grid(visible=False, axis="y")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    handles = []
    for index, series in enumerate(data.series):
        offset = (index - (count - 1) / 2) * thickness  # oldest at the top of each group
        shown = [(i, v) for i, v in enumerate(series.values) if v is not None]
        ys = [i + offset for i, _ in shown]
        bar_style = _bar_style(index)
        bars = ax.barh(
            ys,
            [v - low for _, v in shown],
            height=thickness * 0.92,
            left=low,
            align="center",
            zorder=2,
            **bar_style,
        )
        for patch in bars.patches:
            _set_hatch(patch, TEXT_COLOUR)
        line_style = _series_line(index) | {"linestyle": "none", "markersize": MARKER_PT * 0.8}
        ax.plot([v for _, v in shown], ys, **line_style, zorder=3, clip_on=False)
        proxy = Patch(**bar_style)
        _set_hatch(proxy, TEXT_COLOUR)
        handles.append((proxy, Line2D([], [], **line_style)))
    return handles


def _legend(figure: Figure, data: ChartData, handles: list[Any]) -> Legend:
    labels = [_wrap(series.label, LEGEND_WRAP) for series in data.series]
    legend = figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(len(labels), 3),
        prop=_font(LEGEND_PT),
        frameon=False,
        fancybox=False,
        shadow=False,
        facecolor=BACKGROUND,
        edgecolor=BACKGROUND,
        framealpha=1.0,
        labelcolor=TEXT_COLOUR,
        markerscale=1.0,
        numpoints=1,
        handlelength=3.5,
        handleheight=1.2,
        handletextpad=0.8,
        columnspacing=2.0,
        labelspacing=0.6,
        borderpad=0.4,
        borderaxespad=0.5,
    )
    for text in legend.get_texts():
        text.set_parse_math(False)
        text.set_usetex(False)
    for patch in legend.findobj(Patch):  # the legend copies the handles' patches, not all
        _set_hatch(patch, TEXT_COLOUR)  # of their hatch settings
    return legend

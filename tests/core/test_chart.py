"""The chart image: which kind, real PNGs of both kinds, size limits, bad data, threads."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.image import imread
from matplotlib.patches import Patch

from bot.core import chart
from bot.core.chart import (
    MAX_PNG_BYTES,
    RADAR_MAX,
    RADAR_MIN,
    ChartData,
    ChartSeries,
    chart_kind,
    draw_chart,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SCALE = ((1, "Not yet"), (2, "A little"), (3, "Somewhat"), (4, "Mostly"), (5, "Fully"))
NAMES = (
    "Shared purpose",
    "Power sharing and decision making",
    "Including everyone",
    "Reciprocity",
    "Building relationships",
    "Respecting and valuing the knowledge of all",
    "Mutual accountability",
    "Co-learning",
    "Budget $ and resources",  # a "$" must not start mathtext
    "Sustainability beyond the project",
    "Accessibility",
    "Celebrating together",
    "Sharing the credit",
)
LABELS = ("Beginning (5 Jan)", "Middle (3 Mar)", "End (28 Apr)")


def values(count: int, seed: int, gaps: tuple[int, ...] = ()) -> tuple[float | None, ...]:
    """Averages spread over the whole scale, both ends included, with None at `gaps`."""
    return tuple(None if i in gaps else 1.0 + ((i * 7 + seed * 3) % 9) / 2 for i in range(count))


def make_data(
    count: int,
    *,
    series: int = 3,
    names: tuple[str, ...] | None = None,
    gaps: tuple[tuple[int, ...], ...] = (),
) -> ChartData:
    components = names if names is not None else tuple(NAMES[i % len(NAMES)] for i in range(count))
    return ChartData(
        title="Youth Board: how we work together",
        components=components,
        scale=SCALE,
        series=tuple(
            ChartSeries(
                label=LABELS[s % len(LABELS)],
                values=values(count, s, gaps[s] if s < len(gaps) else ()),
            )
            for s in range(series)
        ),
    )


def pixels(png: bytes) -> np.ndarray:
    """The PNG read back by matplotlib's own reader: (height, width, channels)."""
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) < MAX_PNG_BYTES
    return imread(io.BytesIO(png))


def assert_readable_png(png: bytes) -> None:
    image = pixels(png)
    height, width = image.shape[:2]
    assert 900 <= width <= 1400
    assert height >= 600
    # Something was drawn: the image is not one flat colour.
    assert image.std() > 0.05


# Which kind ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "kind"),
    [(1, "bars"), (4, "bars"), (5, "radar"), (10, "radar"), (12, "radar"), (13, "bars")],
)
def test_chart_kind_is_a_radar_for_five_to_twelve_components(count: int, kind: str) -> None:
    assert (RADAR_MIN, RADAR_MAX) == (5, 12)
    assert chart_kind(make_data(count, series=1)) == kind


# Real drawings -------------------------------------------------------------------------------


def test_a_radar_of_ten_components_and_three_check_ins_with_gaps() -> None:
    data = make_data(10, gaps=((), (4, 9), (0, 1, 5)))
    assert chart_kind(data) == "radar"
    assert_readable_png(draw_chart(data))


@pytest.mark.parametrize("count", [4, 13])
def test_grouped_bars_for_few_or_many_components(count: int) -> None:
    data = make_data(count, gaps=((), (1,), (0, count - 1)))
    assert chart_kind(data) == "bars"
    assert_readable_png(draw_chart(data))


@pytest.mark.parametrize("count", [3, 7])
def test_a_single_check_in_whose_every_value_is_missing_still_draws(count: int) -> None:
    data = make_data(count, series=1, gaps=(tuple(range(count)),))
    assert_readable_png(draw_chart(data))


def test_many_check_ins_cycle_through_the_styles() -> None:
    assert_readable_png(draw_chart(make_data(8, series=10)))
    assert_readable_png(draw_chart(make_data(13, series=10)))


@pytest.mark.parametrize("count", [12, 13])
def test_long_component_names_stay_under_the_size_limit(count: int) -> None:
    names = tuple(
        f"{i:02d} " + ("a long component name that wraps onto lines " * 2)[:57]
        for i in range(count)
    )
    assert all(len(name) == 60 for name in names)
    data = make_data(count, names=names)
    png = draw_chart(data)
    assert len(png) < MAX_PNG_BYTES
    assert_readable_png(png)


def test_a_scale_of_other_values_and_long_labels() -> None:
    data = ChartData(
        title="A title long enough that it has to be wrapped over more than one line " * 2,
        components=NAMES[:6],
        scale=((0, "Not at all, not even a little"), (1, "Partly"), (2, "Completely, always")),
        series=(ChartSeries(label="Extra (1 Feb)", values=(0.0, 2.0, 1.5, None, 0.4, 1.0)),),
    )
    assert_readable_png(draw_chart(data))


def test_an_oversized_png_is_drawn_again_at_a_lower_dpi(monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_data(10)
    full = draw_chart(data)
    monkeypatch.setattr(chart, "MAX_PNG_BYTES", len(full))  # the first render is now too large
    smaller = draw_chart(data)
    assert len(smaller) < len(full)
    assert pixels(full).shape[1] > imread(io.BytesIO(smaller)).shape[1]


def test_a_chart_that_cannot_fit_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart, "MAX_PNG_BYTES", 1000)
    with pytest.raises(ValueError, match="limit"):
        draw_chart(make_data(4))


# Global state and threads -------------------------------------------------------------------

ODD_RC: dict[str, Any] = {
    "font.size": 4,
    "font.family": "serif",
    "font.weight": "bold",
    "text.color": "red",
    "lines.linewidth": 9,
    "lines.markersize": 30,
    "lines.dashed_pattern": [1, 9],
    "axes.facecolor": "yellow",
    "figure.facecolor": "pink",
    "axes.edgecolor": "green",
    "axes.prop_cycle": matplotlib.cycler(color=["red", "lime"]),
    "axes.grid": False,
    "grid.color": "red",
    "xtick.labelsize": 3,
    "ytick.labelsize": 3,
    "xtick.major.pad": 30,
    "legend.fontsize": 3,
    "legend.frameon": True,
    "figure.dpi": 30,
    "figure.figsize": [3, 3],
    "savefig.dpi": 30,
    "savefig.bbox": "tight",
    "hatch.color": "red",
    "patch.edgecolor": "red",
    "figure.constrained_layout.h_pad": 1,
    "polaraxes.grid": False,
    "ytick.minor.visible": True,
}


if hasattr(Patch, "set_hatch_linewidth"):  # older matplotlib offers no way to pin it
    ODD_RC["hatch.linewidth"] = 6


@pytest.mark.parametrize("count", [4, 10])
def test_the_global_rc_does_not_change_the_picture(count: int) -> None:
    data = make_data(count, gaps=((), (2,)))
    plain = pixels(draw_chart(data))
    with matplotlib.rc_context(ODD_RC):
        odd = pixels(draw_chart(data))
    assert plain.shape == odd.shape
    assert np.array_equal(plain, odd)


def test_drawing_from_several_threads_at_once() -> None:
    jobs = [make_data(count) for count in (4, 6, 10, 12, 13, 5, 8, 3)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        pngs = list(pool.map(draw_chart, jobs))
    for png in pngs:
        assert_readable_png(png)
    # The same data drawn alone gives the same picture: the threads did not disturb each other.
    assert np.array_equal(pixels(pngs[2]), pixels(draw_chart(jobs[2])))


# Data that makes no sense ---------------------------------------------------------------------


def series(*vals: float | None, label: str = "Beginning (5 Jan)") -> ChartSeries:
    return ChartSeries(label=label, values=vals)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ChartData("t", (), SCALE, (series(),)), "component"),
        (ChartData("t", ("a", "b"), SCALE, ()), "series"),
        (ChartData("t", ("a", "b"), SCALE, (series(1.0),)), "1 values for 2 components"),
        (ChartData("t", ("a", "b"), SCALE, (series(1.0, 2.0), series(1.0))), "1 values"),
        (ChartData("t", ("a",), (), (series(1.0),)), "scale"),
        (ChartData("t", ("a",), ((1, "One"),), (series(1.0),)), "scale"),
        (ChartData("t", ("a",), ((2, "Two"), (1, "One")), (series(1.0),)), "increase"),
        (ChartData("t", ("a", "b"), SCALE, (series(1.0, 5.5),)), "outside the scale"),
        (ChartData("t", ("a", "b"), SCALE, (series(0.5, 3.0),)), "outside the scale"),
        (ChartData("t", ("a", "b"), SCALE, (series(float("nan"), 3.0),)), "outside the scale"),
    ],
)
def test_data_that_makes_no_sense_is_refused(data: ChartData, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw_chart(data)


# How a radar outline breaks at a gap ----------------------------------------------------------


@pytest.mark.parametrize(
    ("vals", "runs"),
    [
        ((1.0, 2.0, 3.0), [[0, 1, 2, 0]]),  # no gap: closed
        ((1.0, None, 3.0, 4.0), [[2, 3, 0]]),  # wraps past the last component
        ((None, 2.0, 3.0, None, 5.0), [[1, 2], [4]]),  # a lone point is a marker only
        ((None, None, None), []),
    ],
)
def test_a_missing_value_breaks_the_radar_outline(
    vals: tuple[float | None, ...], runs: list[list[int]]
) -> None:
    got = chart._runs(vals)
    assert [[i for i, _ in run] for run in got] == runs
    assert all(value == vals[i] for run in got for i, value in run)

"""Summaries with trends and a chart, comments in a thread, the report and the exports,
through the real bot on SimCord."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import simcord
from matplotlib.image import imread

from bot.core.models import ANYTHING_ELSE
from bot.core.text import MESSAGE_LIMIT
from bot.settings import PROJECT_ROOT, Settings
from tests.bot.world import (
    PROJECT,
    World,
    allow_facilitator_commands,
    answer,
    make_world,
    reply_text,
    summaries,
)
from tests.conftest import settings_for
from tests.core.test_summary import framework_yaml

PNG = b"\x89PNG\r\n\x1a\n"
MIB = 1024 * 1024


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The shipped frameworks plus a custom one with twelve components (id "test")."""
    frameworks = tmp_path / "frameworks"
    shutil.copytree(PROJECT_ROOT / "frameworks", frameworks)
    (frameworks / "test.yaml").write_text(framework_yaml(12), encoding="utf-8")
    return settings_for(tmp_path, frameworks_dir=frameworks)


async def run_checkin(world: World, phase: str, ratings: list[int], **kwargs: object) -> None:
    """Open a check-in by hand; the first len(ratings) members answer; close it."""
    await world.open_checkin(phase)
    for member, rating in zip(world.members, ratings, strict=False):
        await answer(member, rating, **kwargs)
    await world.close_checkin()


async def test_a_summary_carries_a_chart_trends_and_its_comments_in_a_thread(env):
    world = make_world(env, members=5)
    await world.create_project()
    await world.join_all()
    await run_checkin(world, "beginning", [2, 2, 3, 3, 3])
    await run_checkin(world, "middle", [2, 2], last_word="Too few of us")  # below threshold
    await run_checkin(world, "end", [4, 4, 5, 5, 5], last_word="We got there")

    [beginning] = summaries(world, "beginning")
    [chart] = beginning.attachments
    assert chart.filename == "summary-chart.png"
    assert "same figures are in the text" in (chart.description or "")
    png = await chart.read()
    assert png.startswith(PNG) and len(png) < MIB
    assert imread(io.BytesIO(png)).shape[1] >= 900

    [middle] = summaries(world, "middle")
    assert "2 of 5 participants took part this time" in middle.content
    assert middle.attachments == []  # below the threshold: no chart

    [end] = summaries(world, "end")
    assert "4.6 on average (↑ +2.0 since the beginning)" in end.content
    assert "since the middle" not in end.content  # no trend through the middle
    assert len(end.attachments) == 1
    assert "We got there" not in end.content
    threads = world.channel.threads
    assert [t.name for t in threads] == ["Youth Board, end check-in: in your own words"]
    assert "We got there" in "\n".join(m.content for m in threads[0].history())
    assert "Too few of us" not in "\n".join(
        m.content for m in [*world.channel.history(), *threads[0].history()]
    )


async def test_comments_stay_below_the_summary_when_no_thread_can_be_made(env):
    world = make_world(env, members=5)
    await world.create_project()
    await world.join_all()
    env.inject_error("POST", "/channels/*/messages/*/threads", status=403, code=50013, times=None)
    await run_checkin(world, "beginning", [3] * 5, last_word="Still here")

    assert world.channel.threads == []
    texts = [m.content for m in world.channel.history()]
    assert any("Still here" in t for t in texts)
    assert len(summaries(world, "beginning")) == 1


async def test_if_the_chart_cannot_be_drawn_the_text_still_goes_out(env, monkeypatch):
    async def broken(_data: object) -> bytes:
        raise RuntimeError("no fonts today")  # as the worker process would report it

    monkeypatch.setattr("bot.services.results.draw_in_worker", broken)
    world = make_world(env, members=3)
    await world.create_project()
    await world.join_all()
    await run_checkin(world, "beginning", [4, 4, 4])

    [summary] = summaries(world, "beginning")
    assert summary.attachments == []
    assert "**3 of 3** participants took part" in summary.content


async def test_twelve_components_and_fifty_long_comments_stay_within_every_limit(env):
    world = make_world(env, members=50)
    await world.create_project(framework="test")
    await world.join_all()
    await world.open_checkin()
    store = env.bot.store
    project = await store.find_project(world.guild.id, PROJECT)
    checkin = await store.current_checkin(project.id)
    comments = [f"Comment {i:02d} " + ("word " * 200)[: 990 - 12] + "END" for i in range(50)]
    for index, member in enumerate(world.members):
        for component in range(12):
            await store.record_rating(checkin.id, member.id, f"c{component}", 1 + index % 5)
        item = f"c{index % 12}" if index % 2 else ANYTHING_ELSE
        await store.record_comment(checkin.id, member.id, item, comments[index])
        await store.set_submitted(checkin.id, member.id, True)
    await world.close_checkin()

    [thread] = world.channel.threads
    posted = [m for m in world.channel.history() if m.author.id == env.bot.user.id]
    posted += thread.history()
    assert len(thread.name) <= 100
    for message in posted:
        assert len(message.content) <= MESSAGE_LIMIT
        assert sum(len(a.filename) for a in message.attachments) < 1000
        for attachment in message.attachments:
            assert attachment.size < MIB
    text = "\n".join(m.content for m in thread.history())
    for comment in comments:  # every comment whole, in one message
        assert any(comment in m.content for m in thread.history()), comment[:12]
    assert text.count("END") == 50
    [summary] = summaries(world, "beginning")
    assert "**50 of 50** participants took part" in summary.content


async def read_files(result: simcord.InteractionResult) -> dict[str, bytes]:
    message = result.followups[-1] if result.followups else result.response
    return {a.filename: await a.read() for a in message.attachments}


async def test_report_and_exports_hold_aggregates_only(env):
    world = make_world(env, members=4)
    await world.create_project()
    await world.join_all()
    none_yet = await world.facilitator.slash(world.channel, "project report", name=PROJECT)
    assert "has no closed check-ins yet" in reply_text(none_yet)

    secret = "only-mine-4711"
    await run_checkin(world, "beginning", [2, 3, 3, 4], last_word=secret)  # 4 < 5: no comments
    await run_checkin(world, "end", [4, 4, 5, 5], last_word=secret)

    report = await world.facilitator.slash(world.channel, "project report", name=PROJECT)
    assert report.ephemeral
    files = await read_files(report)
    assert set(files) == {"youth-board-report.md", "youth-board-chart.png"}
    markdown = files["youth-board-report.md"].decode()
    assert files["youth-board-chart.png"].startswith(PNG)
    assert "Beginning" in markdown and "End" in markdown
    assert "↑" in markdown

    for kind in ("csv", "json"):
        result = await world.facilitator.slash(
            world.channel, "project export", name=PROJECT, format=kind
        )
        assert result.ephemeral
        [(name, data)] = (await read_files(result)).items()
        assert name == f"youth-board-results.{kind}"
        files[name] = data
    rows = list(csv.DictReader(io.StringIO(files["youth-board-results.csv"].decode())))
    assert len(rows) == 2 * 10
    assert {row["phase"] for row in rows} == {"beginning", "end"}
    assert all(row["took_part"] == "4" for row in rows)
    exported = json.loads(files["youth-board-results.json"])
    assert len(exported["checkins"]) == 2

    everything = "\n".join(
        data.decode() for name, data in files.items() if not name.endswith(".png")
    )
    assert secret not in everything
    for person in [world.facilitator, *world.members]:
        assert str(person.id) not in everything
        assert person.name not in everything

    member = world.members[0]
    allow_facilitator_commands(env, world.guild, member)
    refused = await member.slash(world.channel, "project export", name=PROJECT, format="csv")
    assert "only facilitators" in reply_text(refused)
    assert not refused.response.attachments


def test_the_bot_process_never_imports_matplotlib():
    """Charts are drawn in a worker process: the bot itself stays free of matplotlib."""
    import subprocess
    import sys

    code = (
        "import sys, bot.app, bot.services.results, bot.core.summary; "
        "sys.exit('matplotlib' in sys.modules or 'numpy' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


async def test_the_worker_process_draws_a_png(env):
    from bot.core.chart_data import ChartData, ChartSeries
    from bot.services.results import draw_in_worker

    data = ChartData(
        title="t",
        components=("a", "b", "c"),
        scale=((1, "low"), (2, "mid"), (3, "high")),
        series=(ChartSeries("x", (1.0, 2.0, 3.0)),),
    )
    png = await draw_in_worker(data)
    assert png.startswith(b"\x89PNG")

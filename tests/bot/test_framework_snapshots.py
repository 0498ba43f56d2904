"""A check-in keeps the framework it opened with: removing or editing the file afterwards
changes none of its questions, its summary or the report; a project whose framework is gone
gets no new check-in, and the facilitators are told why."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import simcord

from bot.app import create_bot
from bot.core.frameworks import FrameworkLibrary
from bot.core.models import Checkin, Phase, Thresholds
from bot.settings import PROJECT_ROOT, Settings
from bot.simworld import VirtualClock
from tests.bot.world import (
    PROJECT,
    answer_invitation,
    dm_answering,
    make_world,
    ready,
    reply_text,
    restart,
)
from tests.conftest import settings_for

SIX = "six-principles"
SIX_NAMES = [
    "People as assets",
    "Growing capacity",
    "Mutuality (give and take)",
    "Networks",
    "Blurring roles",
    "Public bodies as catalysts",
]


@pytest.fixture
def frameworks_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped frameworks that the bot reads as its shipped ones, so a test can
    remove or edit one as a host upgrading the bot would."""
    folder = tmp_path / "frameworks"
    shutil.copytree(PROJECT_ROOT / "frameworks", folder)
    monkeypatch.setattr("bot.app.shipped_frameworks", lambda: folder)
    return folder


@pytest.fixture
def settings(tmp_path: Path, frameworks_dir: Path) -> Settings:
    return settings_for(tmp_path)


async def restart_without_six(
    env: simcord.Env, settings: Settings, clock: VirtualClock, frameworks_dir: Path
) -> None:
    (frameworks_dir / f"{SIX}.yaml").unlink()
    await restart(env, lambda: create_bot(settings, clock=clock))
    assert env.bot.frameworks.get(SIX) is None


async def answer_six(member: simcord.MemberActor, rating: int) -> None:
    await answer_invitation(member, [rating] * len(SIX_NAMES))


async def test_a_removed_framework_keeps_its_open_checkin_and_refuses_new_ones(
    env, settings, clock, frameworks_dir
):
    world = await ready(env, members=5, framework=SIX)
    await env.settle()

    await restart_without_six(env, settings, clock, frameworks_dir)
    for index, member in enumerate(world.members):
        await answer_six(member, 3 + index % 2)  # six questions, not the default's ten
    await world.close_checkin()

    header = f"## 🌱 {PROJECT}: beginning check-in"
    [first] = [m for m in world.channel.history() if m.content.startswith(header)]
    posted = "\n".join(m.content for m in world.channel.history()[1:])  # after the card
    for name in SIX_NAMES:
        assert name in posted
    assert "not enough answers" not in posted.casefold()
    assert "3.4" in posted  # 3, 4, 3, 4, 3 on every principle
    assert "**Inclusive**" not in posted  # no sign of the default ten components
    assert len(first.attachments) == 1  # the chart, drawn from the snapshot

    refused = await world.open_checkin("middle")
    assert refused.ephemeral
    assert reply_text(refused) == env.bot.prompts(
        "errors.framework_gone", project=PROJECT, framework=SIX
    )
    assert [c.phase.value for c in await env.bot.store.list_checkins(1)] == ["beginning"]

    report = await world.facilitator.slash(world.channel, "project report", name=PROJECT)
    shown = report.followups[-1] if report.followups else report.response
    [text] = [a for a in shown.attachments if a.filename.endswith(".md")]
    body = (await text.read()).decode()
    assert all(name in body for name in SIX_NAMES)


async def test_editing_a_framework_file_does_not_rewrite_an_open_checkin(
    env, settings, clock, frameworks_dir
):
    world = await ready(env, members=3, framework=SIX)
    await env.settle()

    path = frameworks_dir / f"{SIX}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("People as assets", "Renamed later"),
        encoding="utf-8",
    )
    await restart(env, lambda: create_bot(settings, clock=clock))

    answering = dm_answering(world.members[0])
    shown = await answering.click("Start")
    assert "People as assets" in shown.response.message.content  # type: ignore[union-attr]
    assert "Renamed later" not in shown.response.message.content  # type: ignore[union-attr]


async def test_the_scheduler_tells_facilitators_instead_of_opening_on_a_removed_framework(
    env, settings, clock, frameworks_dir
):
    world = make_world(env, members=3)
    notices = world.guild.create_text_channel("facilitators")
    await world.facilitator.slash(world.channel, "settings facilitator-channel", channel=notices)
    start = env.now().date() + timedelta(days=2)
    await world.create_project(
        framework=SIX, starts=start.isoformat(), ends=(start + timedelta(days=120)).isoformat()
    )
    await world.join_all()
    await restart_without_six(env, settings, clock, frameworks_dir)

    await env.advance_time(timedelta(days=3).total_seconds())

    assert await env.bot.store.list_checkins(1) == []
    expected = env.bot.prompts(
        "scheduler.framework_gone",
        phase=env.bot.prompts.phase(Phase.BEGINNING),
        project=PROJECT,
        framework=SIX,
    )
    assert [m.content for m in notices.history()] == [expected]
    # Told once: later passes do not repeat it, nor announce it again as "missed".
    await env.advance_time(timedelta(days=1).total_seconds())
    assert len(notices.history()) == 1


def test_a_snapshot_holds_the_whole_framework_and_reads_back_equal() -> None:
    library = FrameworkLibrary.from_directory(PROJECT_ROOT / "frameworks")
    six = library[SIX]
    data = json.loads(six.snapshot())
    assert data["id"] == SIX and data["title"] == six.title
    assert [c["name"] for c in data["components"]] == SIX_NAMES
    assert data["components"][0]["questions"]["beginning"] == six.components[0].questions.beginning
    assert [d["key"] for d in data["direction_checks"]] == ["uncomfortable", "sharing_power"]
    assert data["scale"] == six.scale


def test_an_older_checkin_without_a_snapshot_reads_its_framework_by_id() -> None:
    library = FrameworkLibrary.from_directory(PROJECT_ROOT / "frameworks")
    now = datetime(2026, 1, 5, tzinfo=UTC)
    old = Checkin(1, 1, Phase.BEGINNING, SIX, now, now + timedelta(days=7), Thresholds())
    assert library.for_checkin(old) is library[SIX]
    edited = library[SIX].model_copy(update={"title": "As it was"})
    kept = Checkin(
        2,
        1,
        Phase.BEGINNING,
        SIX,
        now,
        now + timedelta(days=7),
        Thresholds(),
        framework_snapshot=edited.snapshot(),
    )
    assert library.for_checkin(kept).title == "As it was"

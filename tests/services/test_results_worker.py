"""The close's summary maths runs in the worker process, and freezes the same results as the
same maths in the bot's own process (only the comments' shuffle differs)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

from bot.core.frameworks import FrameworkLibrary
from bot.core.models import Answer, Checkin, Phase, Response, Thresholds
from bot.services import results as results_module
from bot.services.redacting import AheadOfClose
from bot.services.results import ResultsService

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = FrameworkLibrary.from_directory(ROOT / "frameworks")


def _responses() -> list[Response]:
    framework = LIBRARY["ten-components"]
    rng = random.Random(7)
    return [
        Response(
            {
                c.key: Answer(c.key, rating=rng.randint(1, 5), comment=f"Thanks, ben {i} {c.key}")
                for c in framework.components
            },
            submitted=True,
        )
        for i in range(6)
    ]


def _checkin() -> Checkin:
    framework = LIBRARY["ten-components"]
    at = datetime(2026, 1, 5, 10, tzinfo=UTC)
    return Checkin(
        id=1,
        project_id=1,
        phase=Phase.BEGINNING,
        framework_id=framework.id,
        opened_at=at,
        closes_at=at,
        thresholds=Thresholds(3, 5),
        framework_snapshot=framework.snapshot(),
    )


def _service(rng: random.Random | None) -> ResultsService:
    return ResultsService(
        store=None,  # type: ignore[arg-type]
        frameworks=LIBRARY,
        prompts=None,  # type: ignore[arg-type]
        rng=rng,
        ahead=AheadOfClose(None),  # type: ignore[arg-type]
    )


def test_the_worker_freezes_what_the_bot_would_and_redacts_the_same() -> None:
    checkin, responses = _checkin(), _responses()
    in_worker = _service(None).summariser(checkin)(responses, 8, ["ben"])
    here = _service(random.Random(1)).summariser(checkin)(responses, 8, ["ben"])
    assert results_module._chart_worker is not None  # the worker process did it
    assert json.loads(in_worker[0]) == json.loads(here[0])  # every figure
    assert in_worker[1] is not None and here[1] is not None

    def comments(frozen: str) -> list[str]:
        return sorted(c for group in json.loads(frozen) for c in group["comments"])

    assert comments(in_worker[1]) == comments(here[1])
    assert all("ben" not in c for c in comments(in_worker[1]))  # redacted in the worker too


def test_a_worker_that_cannot_be_reached_leaves_the_maths_to_the_bot(monkeypatch) -> None:
    def broken() -> object:
        raise RuntimeError("no worker")

    monkeypatch.setattr(results_module, "_worker", broken)
    frozen = _service(None).summariser(_checkin())(_responses(), 8, ["ben"])
    assert json.loads(frozen[0])["took_part"] == 6

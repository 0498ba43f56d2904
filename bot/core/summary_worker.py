"""The entry point the worker process freezes a check-in's results with.

The summary maths with its comment redaction is pure Python: run in the bot's own process
(even on the database's thread) it holds the interpreter lock against the event loop for
as long as it takes. The close hands it to the worker process that draws charts instead,
and waits there, off the loop. Everything it takes is plain data, so it pickles.
"""

from __future__ import annotations

import random

from bot.core.frameworks import Framework
from bot.core.frozen import freeze
from bot.core.models import Phase, Response, Thresholds
from bot.core.summary import RedactedAhead, summarise_checkin


def frozen_results(
    framework: Framework,
    thresholds: Thresholds,
    phase: Phase,
    invited: int,
    responses: list[Response],
    names: list[str],
    shuffle: int | random.Random,
    ahead: RedactedAhead | None = None,
) -> tuple[str, str | None]:
    """The check-in's results as stored at its close (`bot.core.frozen.freeze`). `shuffle`
    orders the comments: in the worker, a fresh secret seed for each close; in the bot's own
    process, its random source. `ahead`: comments already redacted as they were written
    (`summarise_checkin`)."""
    rng = shuffle if isinstance(shuffle, random.Random) else random.Random(shuffle)
    summary = summarise_checkin(
        framework,
        thresholds,
        phase,
        invited=invited,
        responses=responses,
        names=names,
        rng=rng,
        ahead=ahead,
    )
    return freeze(summary)

"""`python -m bench.profile FIGURE [N]`: one figure of the benchmark under cProfile, with the
functions that took the most time (own and cumulative), to find where a figure goes over.

FIGURE is one of: maths (summary maths, N participants, default 1000); close (the close of
N members x 10 with comments, default 100, profiled from the close on); scheduler (passes at
N answers, default 1000000); acks (the real bot's interaction run, N members, default 10, on
the 1,000,000 database); invitations (N cold invitations, default 200, profiled from the
opening on). The whole profile is saved in bench/.cache/profile-FIGURE.prof.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import sys
from collections.abc import Callable

from bench import figures, interactions
from bench.build import CACHE, cached_database


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def target(figure: str, size: int | None, profiler: cProfile.Profile) -> Callable[[], object]:
    """What to run; the profiler is on around it, or (close, invitations) switched on by it
    around the part measured."""
    if figure == "maths":
        return lambda: figures.summary_maths(size or 1000, 1)
    if figure == "close":
        database, _ = cached_database(1_000_000, say)
        return lambda: asyncio.run(figures.close_stall_run(database, size or 100, profiler))
    if figure == "scheduler":
        database, _ = cached_database(size or 1_000_000, say)
        return lambda: asyncio.run(figures.scheduler_pass_run(database, 5))
    if figure == "acks":
        database, _ = cached_database(1_000_000, say)
        return lambda: asyncio.run(interactions.real_run(database, size or 10, 10))
    if figure == "invitations":
        return lambda: asyncio.run(figures.invitation_cpu_run(size or 200, profiler))
    raise SystemExit(f"unknown figure {figure!r}; see `python -m bench.profile --help`")


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    figure = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else None
    profiler = cProfile.Profile()
    run = target(figure, size, profiler)
    if figure in ("close", "invitations"):
        run()
    else:
        profiler.enable()
        run()
        profiler.disable()
    CACHE.mkdir(exist_ok=True)
    saved = CACHE / f"profile-{figure}.prof"
    profiler.dump_stats(saved)
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(25)
        print(f"== by {order} ==")
        print(out.getvalue())
    print(f"(all of it in {saved}, for pstats)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

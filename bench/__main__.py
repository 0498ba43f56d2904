"""`python -m bench` (`make bench`): measure every figure of the budget and print the table.

BENCH_SCALE=full (the default) uses the issue's sizes, but for the burst of openings (100
check-ins x 10 by default; BENCH_BURST=1000 for the issue's 1,000). BENCH_SCALE=small runs
the same figures on smaller databases and worlds, in a few minutes, for a quick look (its
rows say which size they used). BENCH_ONLY=acks,stall,... runs some figures only (names:
acks, stall, maths, scheduler, rest, cpu, memory, burst). The table is printed and written
to bench/last-run.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import figures, interactions
from bench.build import cached_database

HERE = Path(__file__).resolve().parent
FIGURES = ("acks", "stall", "maths", "scheduler", "rest", "cpu", "memory", "burst")


@dataclass(frozen=True)
class Scale:
    name: str
    scheduler_answers: tuple[int, ...]
    ack_answers: int
    ack_runs: int
    ack_members: int
    close_members: int
    close_runs: int
    maths_sizes: tuple[int, ...]
    memory_servers: int
    burst_checkins: int
    cpu_members: int


FULL = Scale(
    name="full",
    scheduler_answers=(1_000, 100_000, 1_000_000),
    ack_answers=1_000_000,
    ack_runs=3,
    ack_members=20,
    close_members=100,
    close_runs=3,
    maths_sizes=(10, 100, 1000),
    memory_servers=1000,
    # 1,000 check-ins x 10 is the size (BENCH_BURST=1000), but SimCord's settling
    # grows with the number of tasks waiting at once: it does not finish in 20 minutes.
    burst_checkins=int(os.environ.get("BENCH_BURST", "100")),
    cpu_members=200,
)
SMALL = Scale(
    name="small",
    scheduler_answers=(1_000, 100_000),
    ack_answers=100_000,
    ack_runs=2,
    ack_members=10,
    close_members=100,
    close_runs=2,
    maths_sizes=(10, 100, 1000),
    memory_servers=100,
    burst_checkins=100,
    cpu_members=100,
)


@dataclass
class Row:
    figure: str
    measured: str
    budget: str
    verdict: str  # OK, OVER, or "-" when the issue sets no budget


def verdict(ok: bool | None) -> str:
    if ok is None:
        return "-"
    return "OK" if ok else "OVER"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def ack_rows(scale: Scale) -> list[Row]:
    database, _ = cached_database(scale.ack_answers, say)
    say(f"interaction acks: {scale.ack_runs} runs of each bot")
    acks = interactions.measure(database, scale.ack_runs, scale.ack_members)
    rows = []
    for kind in interactions.KINDS:
        real_p50, real_p99 = acks.real[kind]
        p50, p99 = acks.ratio(kind, 0), acks.ratio(kind, 1)
        rows.append(
            Row(
                f"ack {kind}, {scale.ack_answers:,} answers stored "
                f"({acks.samples[kind]} per run; p50 / p99)",
                f"{ms(real_p50)} / {ms(real_p99)} = {p50:.1f}x / {p99:.1f}x trivial",
                "p99 <= 3x trivial",
                verdict(p99 <= 3.0),
            )
        )
    flush_p50, flush_p99 = figures.disk_flushes()
    rows.append(
        Row(
            "this machine's disk: one flush (fsync) of a 4 KiB write, which every answer "
            "waits for (p50 / p99 of 200)",
            f"{ms(flush_p50)} / {ms(flush_p99)}",
            "-",
            verdict(None),
        )
    )
    return rows


def stall_rows(scale: Scale) -> list[Row]:
    database, _ = cached_database(scale.ack_answers, say)
    say(f"close of {scale.close_members} x 10 with comments: {scale.close_runs} runs")
    stall = figures.close_stall(database, scale.close_members, scale.close_runs)
    return [
        Row(
            f"longest loop stall, close of {scale.close_members} members x 10 parts "
            "with comments, summary and chart",
            ms(stall),
            "<= 50 ms",
            verdict(stall <= 0.050),
        )
    ]


# The summary maths budget by participants (DESIGN.md §11), for either kind of close.
MATHS_LIMITS = {100: 0.020, 1000: 0.150}


def maths_budget(size: int, seconds: float) -> tuple[str, bool | None]:
    limit = MATHS_LIMITS.get(size)
    return ("-", None) if limit is None else (f"<= {limit * 1000:.0f} ms", seconds <= limit)


def maths_rows(scale: Scale) -> list[Row]:
    rows, timings = [], {}
    for size in scale.maths_sizes:
        runs = 5 if size <= 100 else 3
        say(f"summary maths, {size} participants: {runs} runs")
        timings[size] = figures.summary_maths(size, runs)
    for size, seconds in timings.items():
        budget, ok = maths_budget(size, seconds)
        label = f"summary maths, {size:,} participants (CPU; comments redacted as written)"
        rows.append(Row(label, ms(seconds), budget, verdict(ok)))
    if 100 in timings and 1000 in timings:
        growth = timings[1000] / timings[100]
        rows.append(
            Row(
                "summary maths growth, 1,000 / 100 participants",
                f"{growth:.1f}x",
                "<= 12x",
                verdict(growth <= 12),
            )
        )
    for size in scale.maths_sizes:
        if size not in MATHS_LIMITS:
            continue
        say(f"summary maths, {size} participants, every comment redacted at the close: 3 runs")
        seconds = figures.summary_maths(size, 3, redacted_ahead=False)
        budget, ok = maths_budget(size, seconds)
        label = (
            f"summary maths, {size:,} participants (CPU; every comment redacted at the close, "
            "by a worker that has not redacted these names before: a close that comes before "
            "the copies are made again after a restart, a name added or an erasure)"
        )
        rows.append(Row(label, ms(seconds), budget, verdict(ok)))
    say("redacting a comment as it is written: 5 runs")
    per_comment = figures.comment_redaction(100, 5)
    rows.append(
        Row(
            "redacting one comment as it is written (CPU, 100 participants' names; "
            "in a thread, after the member's answer)",
            f"{per_comment * 1e6:.0f} us",
            "-",
            "-",
        )
    )
    return rows


def scheduler_rows(scale: Scale) -> list[Row]:
    rows = []
    for answers in scale.scheduler_answers:
        database, shape = cached_database(answers, say)
        say(f"scheduler pass, {answers:,} answers")
        result = figures.scheduler_pass(database, passes=7)
        rows.append(
            Row(
                f"scheduler pass, {answers:,} answers stored ({shape.projects:,} projects, "
                f"each with 3 closed check-ins and 1 open; median of 7)",
                ms(result.seconds),
                "<= 20 ms",
                verdict(result.seconds <= 0.020),
            )
        )
        rows.append(
            Row(
                f"longest loop stall during those passes, {answers:,} answers",
                ms(result.stall),
                "<= 50 ms",
                verdict(result.stall <= 0.050),
            )
        )
    return rows


def rest_rows(scale: Scale) -> list[Row]:
    say("REST requests")
    rest = figures.rest_requests(members=10)
    return [
        Row(
            "REST requests per cold invitation",
            f"{rest.cold_invitation:g}",
            "2",
            verdict(rest.cold_invitation <= 2),
        ),
        Row(
            "REST requests per warm invitation (after a restart)",
            f"{rest.warm_invitation:g}",
            "1",
            verdict(rest.warm_invitation <= 1),
        ),
        Row(
            "REST requests per reminder",
            f"{rest.reminder:g}",
            "1 (a later DM)",
            verdict(rest.reminder <= 1),
        ),
        Row(
            "REST requests per summary (10 members, posts, thread, chart)",
            f"{rest.summary:g}",
            "-",
            "-",
        ),
    ]


def cpu_rows(scale: Scale) -> list[Row]:
    say(f"CPU per invitation: {scale.cpu_members} invitations, 3 runs")
    raw, net = figures.invitation_cpu(scale.cpu_members, runs=3)
    return [
        Row(
            f"bot CPU per invitation, dm_gap 0 ({scale.cpu_members} cold invitations; "
            "process CPU less a bare discord.py bot sending the same DMs)",
            f"{ms(net)} (whole process {ms(raw)})",
            "<= 0.5 ms",
            verdict(net <= 0.0005),
        )
    ]


def peak_memory(kind: str, servers: int) -> int:
    """VmHWM (KiB) of the process `kind` ran in, in the world (bench.memory: the real bot's
    database is filled by another process before it starts)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", kind, str(servers)],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    )
    return int(done.stdout.split()[-1])


def memory_rows(scale: Scale) -> list[Row]:
    say(f"peak memory, {scale.memory_servers} servers x 5 projects: 3 runs of each")
    ratios, real_kib, noop_kib = [], [], []
    for _ in range(3):
        noop = peak_memory("noop", scale.memory_servers)
        real = peak_memory("coreflect", scale.memory_servers)
        noop_kib.append(noop)
        real_kib.append(real)
        ratios.append(real / noop)
    ratio = statistics.median(ratios)
    return [
        Row(
            f"peak memory, {scale.memory_servers:,} servers x 5 projects, against a no-op "
            "discord.py bot in the same world",
            f"{statistics.median(real_kib) / 1024:.0f} MiB / "
            f"{statistics.median(noop_kib) / 1024:.0f} MiB = {ratio:.2f}x",
            "<= 1.15x",
            verdict(ratio <= 1.15),
        )
    ]


def burst_rows(scale: Scale) -> list[Row]:
    say(f"burst: {scale.burst_checkins} check-ins x 10 members opening in the same minute")
    result = figures.burst(scale.burst_checkins, 10)
    dms = result.checkins * result.members
    if result.per_second:
        limit = max(dms / result.per_second, result.members * result.gap)
        # The pacer's own limit, with 5% and 10 s for the sends' own round trips and the
        # scheduler's wake-up after the openings.
        allowed = limit * 1.05 + 10
        budget = (
            f"<= {allowed:,.0f} s ({dms:,} DMs at {result.per_second:g}/s, the pacer's limit "
            f"of {limit:,.0f} s, plus 5% and 10 s)"
        )
        ok: bool | None = result.sent == dms and result.last_invitation <= allowed
    else:
        budget = "the pacer's limit (bot.services has no global pacer)"
        ok = None
    return [
        Row(
            f"last invitation, {result.checkins:,} check-ins x {result.members} members opening "
            f"in the same minute (virtual time, {result.real_seconds:.0f} s real)",
            f"{result.last_invitation:,.0f} s"
            + ("" if result.sent == dms else f" ({result.sent:,} of {dms:,} sent, then none)"),
            budget,
            verdict(ok),
        )
    ]


RUNNERS: dict[str, Callable[[Scale], list[Row]]] = {
    "acks": ack_rows,
    "stall": stall_rows,
    "maths": maths_rows,
    "scheduler": scheduler_rows,
    "rest": rest_rows,
    "cpu": cpu_rows,
    "memory": memory_rows,
    "burst": burst_rows,
}


def table(rows: list[Row]) -> str:
    lines = ["| figure | measured | budget | |", "| --- | --- | --- | --- |"]
    lines += [f"| {r.figure} | {r.measured} | {r.budget} | {r.verdict} |" for r in rows]
    return "\n".join(lines)


def machine() -> str:
    return (
        f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )


def write_report(rows: list[Row], scale: Scale, seconds: float, *, done: bool) -> None:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    status = "" if done else " (still running: the figures so far)"
    report = (
        f"# `make bench`, last run{status}\n\n{when}, BENCH_SCALE={scale.name}, {machine()}, "
        f"{seconds:.0f} s in all.\n\n{table(rows)}\n"
    )
    (HERE / "last-run.md").write_text(report, encoding="utf-8")


def main() -> int:
    scale = SMALL if os.environ.get("BENCH_SCALE", "full") == "small" else FULL
    wanted = [n.strip() for n in os.environ.get("BENCH_ONLY", ",".join(FIGURES)).split(",")]
    unknown = [n for n in wanted if n not in RUNNERS]
    if unknown:
        say(f"unknown figure(s) {', '.join(unknown)}; known: {', '.join(FIGURES)}")
        return 2
    started = time.perf_counter()
    rows: list[Row] = []
    for name in wanted:
        begun = time.perf_counter()
        rows += RUNNERS[name](scale)
        say(f"  {name}: {time.perf_counter() - begun:.0f} s")
        # Written after every figure, so a long run that is stopped keeps what it measured.
        write_report(rows, scale, time.perf_counter() - started, done=name == wanted[-1])
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

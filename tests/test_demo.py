"""`coreflect demo` plays a whole project on the simulated Discord and exits by itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "Youth Board 2026"


def test_the_demo_plays_a_whole_project_on_the_schedulers_clock_and_exits(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    out = done.stdout

    # Three summaries, posted by the scheduler in order, none opened or closed by hand.
    headers = [
        out.find(f"## 🌱 {PROJECT}: {phase} check-in") for phase in ("beginning", "middle", "end")
    ]
    assert -1 not in headers and headers == sorted(headers), headers
    assert out.count("**8 of 8** participants took part") == 2  # beginning and end
    assert out.count("**7 of 8** participants took part") == 1  # gus sits the middle one out
    assert "/checkin open" not in out and "/checkin close" not in out
    assert "✗" not in out  # the demo saw everything it waited for

    # Each opens and closes at 10:00 London time, also after the clocks go forward.
    assert "── Monday 5 January 2026, 10:00 (Europe/London) ──" in out
    assert "── Wednesday 18 February 2026, 10:00 (Europe/London) ──" in out
    assert "── Friday 3 April 2026, 10:00 (Europe/London) ──" in out
    assert "end: Friday 10 April 2026, 10:00 (Europe/London), 09:00 UTC" in out

    # Automatic reminders reach those who haven't answered; one is shown in full.
    assert out.count("An automatic reminder goes by DM to") >= 2
    assert "the reminder" in out and "A gentle reminder: 6 of 8 have answered" in out

    # What members see, and what the summaries keep private.
    assert "amira's DM: the first question" in out
    assert "answers with /reflect" in out
    assert "In your own words" in out and "[email]" in out
    assert "dana.r@example.org" not in out and "07700 900123" not in out

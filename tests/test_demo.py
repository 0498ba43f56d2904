"""`coreflect demo` runs to the end on the simulated Discord and exits by itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_plays_a_checkin_and_exits(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "**8 of 8** participants took part" in out
    assert "amira's DM: the first question" in out
    assert "In your own words" in out and "[email]" in out
    assert "dana.r@example.org" not in out and "07700 900123" not in out

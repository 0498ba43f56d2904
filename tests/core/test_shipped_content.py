"""Every shipped YAML file is valid, and every prompt key the code uses exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import create_bot
from bot.check import check, code_uses
from bot.core.frameworks import FrameworkError
from bot.core.prompts import PromptError, Prompts
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(database_path=tmp_path / "db.sqlite3", secret="s" * 40, **changes)  # type: ignore[arg-type]


def test_coreflect_check_accepts_every_shipped_file(tmp_path, capsys):
    assert check(_settings(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "ten-components.yaml" in out and "six-principles.yaml" in out and "en.yaml" in out
    assert "✗" not in out


def test_coreflect_check_names_the_file_and_key_of_a_broken_framework(tmp_path, capsys):
    frameworks = tmp_path / "frameworks"
    frameworks.mkdir()
    text = (ROOT / "frameworks" / "ten-components.yaml").read_text(encoding="utf-8")
    (frameworks / "ten-components.yaml").write_text(
        text.replace("discussion_prompt:", "prompt:", 1)
    )
    assert check(_settings(tmp_path, frameworks_dir=frameworks)) == 1
    out = capsys.readouterr().out
    assert "ten-components.yaml" in out and "discussion_prompt" in out


def test_the_bot_refuses_to_build_with_a_broken_framework(tmp_path):
    frameworks = tmp_path / "frameworks"
    frameworks.mkdir()
    text = (ROOT / "frameworks" / "ten-components.yaml").read_text(encoding="utf-8")
    (frameworks / "ten-components.yaml").write_text(
        text.replace("  - key: open\n", "  - kee: open\n")
    )
    with pytest.raises(FrameworkError, match=r"ten-components.yaml.*components\.2"):
        create_bot(_settings(tmp_path, frameworks_dir=frameworks))


def test_the_bot_refuses_to_build_with_a_broken_prompts_file(tmp_path):
    broken = tmp_path / "en.yaml"
    broken.write_text("errors:\n  generic: ''\n", encoding="utf-8")
    with pytest.raises(PromptError, match=r"errors\.generic"):
        create_bot(_settings(tmp_path, prompts_file=broken))


def test_every_prompt_key_used_in_the_code_exists():
    prompts = Prompts.load(ROOT / "prompts" / "en.yaml")
    used = code_uses()
    assert len(used) > 60
    missing = sorted(k for k in used if k not in prompts)
    assert missing == []
    for phase in ("beginning", "middle", "end", "extra"):
        assert f"common.phase_{phase}" in prompts and f"common.phase_title_{phase}" in prompts


def test_run_without_a_token_explains_what_to_do(monkeypatch, capsys):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().out

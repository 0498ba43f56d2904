"""Every shipped YAML file is valid, and every prompt key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import create_bot
from bot.check import check, code_uses
from bot.core.frameworks import Framework, FrameworkError, FrameworkLibrary
from bot.core.models import Phase
from bot.core.prompts import PromptError, Prompts
from bot.data import shipped_frameworks
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EASY_READ = "ten-components-easy-read"
MAX_SENTENCE_WORDS = 15  # UK easy-read guidance: about 15 words or fewer a sentence


def _settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(database_path=tmp_path / "db.sqlite3", secret="s" * 40, **changes)  # type: ignore[arg-type]


def test_coreflect_check_accepts_every_shipped_file(tmp_path, capsys):
    assert check(_settings(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "ten-components.yaml" in out and "six-principles.yaml" in out and "en.yaml" in out
    assert f"{EASY_READ}.yaml: Easy read: 10 things that help us work together" in out
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


# -- the easy-read framework ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> FrameworkLibrary:
    return FrameworkLibrary.from_directory(shipped_frameworks())


def _texts(framework: Framework) -> list[str]:
    """Every sentence-bearing text a member reads: description, meanings, questions, prompts
    and direction checks."""
    texts = [framework.description]
    for component in framework.components:
        texts += [component.meaning, component.discussion_prompt]
        texts += [component.questions.for_phase(phase) for phase in Phase]
    for direction in framework.direction_checks:
        texts += [direction.question, direction.hint]
    return texts


def _long_sentences(framework: Framework) -> list[str]:
    sentences = (s for text in _texts(framework) for s in re.split(r"(?<=[.?!])\s+", text))
    return [s for s in sentences if len(s.split()) > MAX_SENTENCE_WORDS]


def test_the_easy_read_framework_is_shipped_and_listed_beside_the_default(shipped, tmp_path):
    assert EASY_READ in shipped.ids()
    # /framework list shows the bot's library: the shipped folder, read through bot.data.
    bot = create_bot(_settings(tmp_path))
    assert bot.frameworks.ids()[0] == "ten-components"
    assert EASY_READ in bot.frameworks.ids()
    assert bot.frameworks[EASY_READ] == shipped[EASY_READ]


def test_the_easy_read_framework_has_the_ten_components_in_the_same_order(shipped):
    easy, original = shipped[EASY_READ], shipped["ten-components"]
    assert [c.key for c in easy.components] == [c.key for c in original.components]
    assert [d.key for d in easy.direction_checks] == [d.key for d in original.direction_checks]
    assert len(easy.scale) == len(original.scale) == 5
    assert "Co-create's ten components of co-production" in easy.source
    assert "easy-read adaptation" in easy.source and "this project" in easy.source


def test_the_easy_read_framework_speaks_in_short_sentences(shipped):
    easy = shipped[EASY_READ]
    assert _long_sentences(easy) == []
    # The rule bites: the original's longer sentences would not pass it.
    assert len(_long_sentences(shipped["ten-components"])) > 10
    for component in easy.components:
        assert len(component.name.split()) <= 2, component.key
    for label in easy.scale:
        assert len(label.split()) <= 2 and len(label) <= 12, label


def test_the_easy_read_framework_has_no_abbreviations_or_semicolons(shipped):
    easy = shipped[EASY_READ]
    for text in [easy.title, easy.source, *(c.name for c in easy.components), *_texts(easy)]:
        assert not re.search(r"\b[A-Z]{2,}\b", text), text
        assert ";" not in text, text

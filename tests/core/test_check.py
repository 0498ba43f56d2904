"""`coreflect check`: prompts against English and the code, .yml files, host frameworks."""

from __future__ import annotations

from pathlib import Path

from bot import check as check_module
from bot.check import KeyUse, check, code_uses, prompt_problems, scan_source
from bot.core.prompts import parse_prompts
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = ROOT / "prompts" / "en.yaml"


def _settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(database_path=tmp_path / "db.sqlite3", **changes)  # type: ignore[arg-type]


def _english() -> dict[str, str]:
    return parse_prompts(ENGLISH.read_text(encoding="utf-8"), source=str(ENGLISH))


def test_the_shipped_english_prompts_match_the_code():
    uses = code_uses()
    assert len(uses) > 60
    assert prompt_problems(_english(), "en.yaml", None, uses) == []


def test_the_code_scan_reads_keys_and_the_names_each_call_fills_in():
    uses: dict[str, KeyUse] = {}
    scan_source(
        "p('a.b', count=1)\n"
        "self.bot.prompts('a.b', count=2, project=x)\n"
        "refuse(interaction, 'errors.x', **values)\n"
        "prompts(f'common.{x}')\n"
        "logging.getLogger('discord.http')\n",
        "bot/x.py",
        uses,
    )
    assert sorted(uses) == ["a.b", "errors.x"]
    assert uses["a.b"].allowed() == {"count"}
    assert uses["a.b"].places == ["bot/x.py:1", "bot/x.py:2"]
    assert uses["errors.x"].allowed() is None  # **values: any name may be filled in


def test_a_misspelt_placeholder_in_english_is_caught_against_the_code():
    english = _english()
    key = next(
        k
        for k, use in code_uses().items()
        if "delivered" in (use.allowed() or ()) and isinstance(english[k], dict)
    )
    english[key] = {
        form: text.replace("{delivered}", "{deliverd}") for form, text in english[key].items()
    }
    problems = prompt_problems(english, "en.yaml", None, code_uses())
    assert len(problems) == 1
    assert problems[0].startswith(f"en.yaml: {key}: unknown placeholder {{deliverd}}")
    assert "{delivered}" in problems[0]


def test_a_broken_copy_fails_check_naming_file_key_and_placeholder(tmp_path, capsys):
    text = ENGLISH.read_text(encoding="utf-8")
    assert "{delivered}" in text and "  generic: " in text
    broken = tmp_path / "fr.yml"
    broken.write_text(
        text.replace("{delivered}", "{deliverd}", 1).replace("  generic: ", "  generik: ", 1),
        encoding="utf-8",
    )
    assert check(_settings(tmp_path, prompts_file=broken)) == 1
    out = capsys.readouterr().out
    assert f"✓ {ENGLISH}" in out  # the shipped file still passes
    assert f"✗ {broken}: errors.generic: missing (the code uses it at bot/" in out
    assert f"✗ {broken}: errors.generik: not a key of the English file" in out
    assert "unknown placeholder {deliverd} (it may use: " in out
    assert f"{broken}:" in out.split("{deliverd}")[0].splitlines()[-1]


def test_a_translation_may_leave_a_placeholder_out_but_not_add_one():
    english = {"a.b": "{count} people in {project}"}
    uses = {"a.b": KeyUse(["bot/x.py:1"], [frozenset({"count", "project"})])}
    assert prompt_problems({"a.b": "{project}"}, "fr.yaml", english, uses) == []
    assert prompt_problems({"a.b": "{who}"}, "fr.yaml", english, uses) == [
        "fr.yaml: a.b: unknown placeholder {who} (it may use: {count}, {project})"
    ]
    assert prompt_problems({"a.b": "{0}"}, "fr.yaml", english, uses) == [
        "fr.yaml: a.b: placeholders need a name, e.g. {count}"
    ]


def test_plural_forms_are_checked_against_the_code_and_the_language():
    english = {"a.b": {"one": "{count} person", "other": "{count} people"}}
    uses = {"a.b": KeyUse(["bot/x.py:1"], [frozenset({"count"})])}
    welsh = {"a.b": {"zero": "{count} o bobl", "two": "{count} berson", "other": "{count} o bobl"}}
    assert prompt_problems(welsh, "cy.yaml", english, uses, "cy") == []
    assert prompt_problems({"a.b": {"few": "x", "other": "y"}}, "en.yaml", None, uses, "en") == [
        "en.yaml: a.b: few: not a plural form of 'en' (it has: one, other)"
    ]
    no_count = {"a.b": KeyUse(["bot/x.py:1"], [frozenset({"project"})])}
    assert prompt_problems({"a.b": {"one": "a", "other": "b"}}, "cy.yaml", None, no_count) == [
        "cy.yaml: a.b: has plural forms, but the code gives it no {count}"
    ]


def test_check_reads_a_hosts_yml_frameworks_beside_the_shipped_ones(tmp_path, capsys):
    host = tmp_path / "host"
    host.mkdir()
    text = (ROOT / "frameworks" / "six-principles.yaml").read_text(encoding="utf-8")
    (host / "our-own.yml").write_text(text.replace("id: six-principles", "id: our-own"))
    (host / "six-principles.yml").write_text(text)
    (host / "notes.txt").write_text("not a framework")
    assert check(_settings(tmp_path, frameworks_dir=host)) == 0
    out = capsys.readouterr().out
    assert f"✓ {host / 'our-own.yml'}: " in out
    assert f"✓ {host / 'six-principles.yml'}: " in out and "(replaces " in out
    assert "ten-components.yaml" in out and "notes.txt" not in out


def test_the_bot_uses_a_hosts_framework_in_place_of_a_shipped_one(tmp_path):
    from bot.app import create_bot

    host = tmp_path / "host"
    host.mkdir()
    text = (ROOT / "frameworks" / "six-principles.yaml").read_text(encoding="utf-8")
    (host / "six-principles.yaml").write_text(text.replace("title: Six", "title: Our six"))
    bot = create_bot(_settings(tmp_path, secret="s" * 40, frameworks_dir=host))
    assert bot.frameworks["six-principles"].title == "Our six principles of co-production"
    assert "ten-components" in bot.frameworks.ids()


def test_a_missing_host_folder_fails_check(tmp_path, capsys):
    assert check(_settings(tmp_path, frameworks_dir=tmp_path / "nowhere")) == 1
    assert f"✗ {tmp_path / 'nowhere'}: no such folder" in capsys.readouterr().out


def test_check_fails_when_it_finds_no_file_at_all(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(check_module, "shipped_frameworks", lambda: empty)
    monkeypatch.setattr(check_module, "shipped_prompts", lambda: empty)
    assert check(_settings(tmp_path)) == 1
    out = capsys.readouterr().out
    assert "✗ no framework file found" in out and "✗ no prompts file found" in out


def test_the_host_folder_comes_from_the_environment(tmp_path):
    settings = Settings.from_env({"COREFLECT_FRAMEWORKS_DIR": str(tmp_path)})
    assert settings.frameworks_dir == tmp_path
    assert Settings.from_env({}).frameworks_dir is None


def test_a_source_checkout_never_installed_reads_the_folders_beside_bot(monkeypatch):
    import bot.data

    def not_installed(package: str) -> None:
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(bot.data, "files", not_installed)
    assert bot.data.shipped_frameworks() == ROOT / "frameworks"
    assert bot.data.default_prompts_file() == ROOT / "prompts" / "en.yaml"


def test_check_passes_the_shipped_welsh_and_fails_a_welsh_file_with_a_gap(tmp_path, capsys):
    assert check(_settings(tmp_path)) == 0
    welsh = ROOT / "prompts" / "cy.yaml"
    assert f"✓ {welsh}" in capsys.readouterr().out
    text = welsh.read_text(encoding="utf-8")
    assert "  generic: " in text and "{project}" in text
    broken = tmp_path / "cy.yaml"
    broken.write_text(
        text.replace("  generic: ", "  generig: ", 1).replace("{project}", "{prosiect}", 1),
        encoding="utf-8",
    )
    assert check(_settings(tmp_path, prompts_file=broken)) == 1
    out = capsys.readouterr().out
    assert f"✗ {broken}: errors.generic: missing (the code uses it at bot/" in out
    assert f"✗ {broken}: errors.generig: not a key of the English file" in out
    assert "unknown placeholder {prosiect} (it may use: " in out
    # A plural form Welsh does not have is caught too.
    broken.write_text(text.replace("    other:", "    several:", 1), encoding="utf-8")
    assert check(_settings(tmp_path, prompts_file=broken)) == 1

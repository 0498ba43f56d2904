"""`bot/core/` is pure: it imports the standard library, a few parsing libraries and itself.

Sources are read with `ast` rather than imported, and every `import` counts, including one
inside a function, so a late import cannot hide a dependency. Only the summary check runs
real code, in a fresh interpreter, to see what importing the maths actually loads.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "bot" / "core"
MODULES = sorted(CORE.rglob("*.py"))

# Validated YAML (frameworks, prompts) and, when it is there, plural forms.
THIRD_PARTY = {"yaml", "pydantic", "babel"}
# Only the chart's drawing may load matplotlib; it runs in a worker process.
DRAWING = {"chart.py": {"matplotlib"}}
FORBIDDEN = ("discord", "aiosqlite", "bot.storage", "bot.services", "bot.exts")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[str]:
    """Every module the file imports, anywhere in it; `from a import b` yields a and a.b."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names if alias.name != "*")


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def allowed(name: str, path: Path) -> bool:
    root = name.partition(".")[0]
    if root == "bot":  # `from bot import storage` is checked as bot.storage
        return name == "bot" or within(name, "bot.core")
    return (
        root in sys.stdlib_module_names
        or root in THIRD_PARTY
        or root in DRAWING.get(path.name, set())
    )


def test_every_module_of_core_is_checked() -> None:
    names = {path.name for path in MODULES}
    assert {"__init__.py", "summary.py", "summary_text.py", "report.py", "export.py"} <= names


def test_imports_inside_functions_are_seen() -> None:
    # chart_worker.render_png imports the drawing late, inside the function
    assert "bot.core.chart" in set(imports_of(CORE / "chart_worker.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_a_core_module_imports_only_the_standard_library_parsers_and_core(path: Path) -> None:
    assert not sorted(n for n in set(imports_of(path)) if not allowed(n, path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_no_core_module_imports_discord_the_database_services_or_extensions(path: Path) -> None:
    names = set(imports_of(path))
    assert not sorted(n for n in names for prefix in FORBIDDEN if within(n, prefix))


def test_the_summary_maths_imports_no_text_and_no_drawing() -> None:
    names = set(imports_of(CORE / "summary.py"))
    for module in ("bot.core.prompts", "bot.core.summary_text", "bot.core.chart", "matplotlib"):
        assert not any(within(n, module) for n in names), module


def test_the_summary_text_does_not_draw() -> None:
    names = set(imports_of(CORE / "summary_text.py"))
    assert not any(within(n, m) for n in names for m in ("bot.core.chart", "matplotlib"))


def test_importing_the_summary_maths_loads_neither_matplotlib_nor_numpy_nor_prompts() -> None:
    code = (
        "import sys, bot.core.summary; "
        "print(' '.join(m for m in ('matplotlib', 'numpy', 'bot.core.chart', "
        "'bot.core.prompts', 'bot.core.summary_text') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""

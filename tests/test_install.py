"""A plain `pip install .` (no editable install, no source tree) gives a bot with its content.

The wheel is built offline from a copy of the sources, with the setuptools already installed
(no build isolation), and installed with `--no-deps` into a fresh virtual environment that
borrows the development environment's libraries (discord.py, PyYAML, ...) through a `.pth`
line placed after its own site-packages, so the bot it runs is the wheel's, never the source.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("bot", "frameworks", "prompts", "pyproject.toml", "setup.py", "README.md", "LICENSE")
FRAMEWORK = """\
id: host-made
title: A host's own framework
source: Written for this test.
description: One question about trust.
scale: [Not yet, Partly, Fully]
components:
  - key: trust
    name: Trust
    meaning: People trust each other.
    questions:
      beginning: We expect to trust each other.
      middle: We trust each other.
      end: We trusted each other.
      extra: We trust each other.
    discussion_prompt: What builds trust here?
"""

pytestmark = pytest.mark.install


def _run(*command: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _quiet_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COREFLECT_", "PYTHON"))}
    env.pop("DISCORD_TOKEN", None)
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONDONTWRITEBYTECODE="1")
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh virtual environment holding only the built wheel."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    env = _quiet_env()
    wheels = base / "wheels"
    built = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
        "-w", wheels, source, cwd=base, env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("coreflect-*.whl")

    venv = base / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base, env=env)
    assert made.returncode == 0, made.stdout + made.stderr
    python = venv / "bin" / "python"
    done = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        wheel, cwd=base, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    site = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base, env=env
    ).stdout.strip()
    # Dependencies from the development environment, searched after the wheel's own files.
    borrowed = [sysconfig.get_paths()["purelib"]]
    borrowed += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    (Path(site) / "zz-dependencies.pth").write_text(
        "".join(f"{p}\n" for p in dict.fromkeys(borrowed)), encoding="utf-8"
    )
    return venv / "bin"


def test_the_installed_wheel_checks_its_shipped_frameworks_and_prompts(installed, tmp_path):
    result = _run(installed / "coreflect", "check", cwd=tmp_path, env=_quiet_env())
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    shipped = {"ten-components.yaml", "six-principles.yaml", "en.yaml"}
    for name in shipped:
        (line,) = [line for line in lines if line.endswith(name) or f"/{name}:" in line]
        assert line.startswith("✓ ")
        # Read from the installed package, not from a source checkout.
        assert str(installed.parent) in line and "/bot/data/" in line
    assert "✗" not in result.stdout


def test_the_installed_bot_reads_a_hosts_own_frameworks(installed, tmp_path):
    host = tmp_path / "host-frameworks"
    host.mkdir()
    (host / "host-made.yml").write_text(FRAMEWORK, encoding="utf-8")
    env = _quiet_env() | {"COREFLECT_FRAMEWORKS_DIR": str(host)}
    result = _run(installed / "coreflect", "check", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"✓ {host / 'host-made.yml'}: A host's own framework (1 components; en)" in result.stdout
    assert "ten-components.yaml" in result.stdout


def test_the_installed_bot_knows_its_version(installed, tmp_path):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    result = _run(installed / "coreflect", "--version", cwd=tmp_path, env=_quiet_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"coreflect {pyproject['project']['version']}"

"""Ships the top-level frameworks/ and prompts/ folders inside the package, as bot.data.*.

Everything else is in pyproject.toml. The folders stay where organisers look for them;
setuptools maps them to `bot/data/frameworks` and `bot/data/prompts` in the wheel (and, in
an editable install, its import hook finds them in place), so the bot reads them with
importlib.resources however it was installed.
"""

from setuptools import find_packages, setup

DATA = {"bot.data.frameworks": "frameworks", "bot.data.prompts": "prompts"}

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), *DATA],
    package_dir=DATA,
    package_data={
        "bot": ["storage/migrations/*.sql"],
        **{package: ["*.yaml", "*.yml"] for package in DATA},
    },
)

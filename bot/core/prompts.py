"""Every sentence the bot says, looked up by dotted key from `prompts/<language>.yaml`.

A sentence that holds a count is a mapping of CLDR plural categories (`one`, `other`; Welsh
also uses `zero`, `two`, `few` and `many`), chosen by Babel from the `count` placeholder.
Dates and times are written by Babel in the same language.

Which language speaks is decided per task (a contextvar, as web frameworks do per request):
`prompts.use("cy")` at the start of an interaction makes every `prompts(...)` in it Welsh;
`prompts.lang("cy")` is a catalogue fixed to one language, for text written for a project
(summaries, reports, reminders) whoever triggered it.
"""

from __future__ import annotations

import functools
import string
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from importlib.resources.abc import Traversable
from typing import Any

from babel import Locale, localedata
from babel.dates import format_date, format_datetime, format_time

from bot.core.models import Phase
from bot.core.yamltext import load_yaml_mapping

DEFAULT_LANGUAGE = "en"
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
# Babel patterns (CLDR): "Monday 5 January 2026, 10:00", "1 March 2026", "10:00".
MOMENT_PATTERN = "EEEE d MMMM y, HH:mm"
DAY_PATTERN = "d MMMM y"
TIME_PATTERN = "HH:mm"
SHORT_DAY_PATTERN = "d MMM"

# A plural sentence: {category: text}; a plain one: its text.
Text = str | dict[str, str]

_active: ContextVar[str | None] = ContextVar("coreflect_language", default=None)

# Every read of a language's Babel data, whichever thread does it (the warm-ups run in a
# worker thread), one at a time: see `Language.locale`.
_babel_reads = threading.Lock()


class PromptError(ValueError):
    """A prompts file that cannot be used; the message names file, key and reason."""


def _check_format(text: str, source: str, key: str) -> None:
    try:
        list(string.Formatter().parse(text))
    except ValueError as exc:
        raise PromptError(f"{source}: {key}: bad placeholder: {exc}") from exc


def _is_plural(node: dict[Any, Any]) -> bool:
    return "other" in node and all(key in PLURAL_FORMS for key in node)


def _flatten(node: Any, prefix: str, source: str, out: dict[str, Text]) -> None:
    key = prefix.rstrip(".")
    if isinstance(node, dict) and node and _is_plural(node):
        forms: dict[str, str] = {}
        for form, text in node.items():
            if not isinstance(text, str) or not text.strip():
                raise PromptError(f"{source}: {key}.{form}: must be a non-empty string")
            _check_format(text, source, f"{key}.{form}")
            forms[form] = text.rstrip("\n")
        out[key] = forms
        return
    if isinstance(node, dict):
        if not node:
            raise PromptError(f"{source}: {prefix or '(top level)'}: empty section")
        for name, value in node.items():
            if not isinstance(name, str) or not name.replace("_", "").isalnum():
                raise PromptError(f"{source}: {prefix}{name!r}: keys are letters, digits and _")
            _flatten(value, f"{prefix}{name}.", source, out)
        return
    if not isinstance(node, str) or not node.strip():
        raise PromptError(f"{source}: {key}: must be a non-empty string")
    _check_format(node, source, key)
    out[key] = node.rstrip("\n")


def parse_prompts(text: str, *, source: str) -> dict[str, Text]:
    """Validate prompts YAML text into a flat {dotted.key: sentence or plural forms} mapping."""
    data = load_yaml_mapping(text, source=source, error=PromptError)
    out: dict[str, Text] = {}
    _flatten(data, "", source, out)
    return out


def placeholders_of(text: Text) -> set[str]:
    """The names a sentence expects (across all its plural forms)."""
    texts = text.values() if isinstance(text, dict) else [text]
    return {name for one in texts for _, name, _, _ in string.Formatter().parse(one) if name}


def language_of(path: Traversable) -> str:
    """The language a prompts file's name gives: "cy" for cy.yaml."""
    return path.name.split(".")[0]


def is_language(code: str) -> bool:
    """Whether Babel knows `code` as a language (and so its plural rules and dates), without
    reading its data."""
    return bool(code) and localedata.exists(code)


class Language:
    """One language's sentences, with Babel's plural rules and date formats for it."""

    def __init__(self, code: str, texts: dict[str, Text], source: str) -> None:
        if not is_language(code):
            raise PromptError(f"{source}: {code!r} is not a language Babel knows")
        self.code = code
        self.texts = texts
        self.source = source

    @functools.cached_property
    def locale(self) -> Locale:
        """Babel's data for the language, read when a plural or a date first needs it (or
        when `Prompts.warm` reads it ahead, off the event loop); one read at a time."""
        with _babel_reads:
            locale = Locale.parse(self.code)
            locale.plural_form  # noqa: B018 - reads the locale's data now, under the lock
        return locale

    @property
    def read(self) -> bool:
        """Whether Babel's data for the language has been read (`locale`)."""
        return "locale" in self.__dict__

    def text(self, key: str, values: Mapping[str, Any]) -> str:
        try:
            text = self.texts[key]
        except KeyError:
            raise PromptError(f"{self.source}: {key}: missing") from None
        if isinstance(text, dict):
            if "count" not in values:
                raise PromptError(f"{self.source}: {key}: a plural sentence needs `count`")
            form = self.locale.plural_form(values["count"])
            text = text.get(form, text["other"])
        return text.format(**values) if values else text


class Prompts:
    """Look-up of user-facing text. `prompts("key", name=...)` formats the sentence in the
    language in use (see the module's docstring)."""

    def __init__(
        self,
        languages: Mapping[str, Language],
        source: str = "prompts",
        *,
        default: str = DEFAULT_LANGUAGE,
        fixed: str | None = None,
    ) -> None:
        self._languages: dict[str, Language] = dict(languages)
        if default not in self._languages:
            raise PromptError(f"{source}: no prompts for the default language {default!r}")
        self.default = default
        self.source = source
        self._fixed = fixed
        self._views: dict[str, Prompts] = {}

    @classmethod
    def of(cls, texts: dict[str, Text], source: str = "prompts") -> Prompts:
        """One language's sentences as parsed (`parse_prompts`), as English."""
        return cls({DEFAULT_LANGUAGE: Language(DEFAULT_LANGUAGE, texts, source)}, source)

    @classmethod
    def load(cls, path: Traversable) -> Prompts:
        """One prompts file, e.g. `en.yaml` (its name is its language)."""
        return cls.load_files([path], default=path.name.split(".")[0])

    @classmethod
    def load_files(
        cls,
        paths: list[Traversable],
        *,
        default: str = DEFAULT_LANGUAGE,
        languages: list[str] | None = None,
    ) -> Prompts:
        """Prompts files, one per language: each named by its language (`cy.yaml`) unless
        `languages` names them in the same order."""
        found = {}
        for index, path in enumerate(paths):
            code = languages[index] if languages else language_of(path)
            texts = parse_prompts(path.read_text(encoding="utf-8"), source=str(path))
            found[code] = Language(code, texts, str(path))
        return cls(found, ", ".join(str(p) for p in paths), default=default)

    # Which language speaks.

    @property
    def language(self) -> str:
        """The language of the sentences this returns now."""
        code = self._fixed or _active.get() or self.default
        return code if code in self._languages else self.default

    def languages(self) -> list[str]:
        """Every language there are prompts for, the default first."""
        return [self.default, *(code for code in self._languages if code != self.default)]

    def knows(self, code: str | None) -> bool:
        return code in self._languages

    def lang(self, code: str | None) -> Prompts:
        """These prompts fixed to one language (the default if there are none for it)."""
        code = code if code in self._languages else self.default
        assert code is not None
        view = self._views.get(code)
        if view is None:
            view = self._views[code] = Prompts(
                self._languages, self.source, default=self.default, fixed=code
            )
        return view

    def use(self, code: str | None) -> None:
        """Speak `code` for the rest of the current task (an interaction's handling)."""
        _active.set(code if code in self._languages else None)

    @contextmanager
    def using(self, code: str | None) -> Iterator[Prompts]:
        """Speak `code` inside the block only (text for a project or a member, written in the
        middle of someone else's task); the language before it comes back after."""
        token = _active.set(code if code in self._languages else None)
        try:
            yield self
        finally:
            _active.reset(token)

    def name_of(self, code: str) -> str:
        """A language's own name for itself, e.g. "Cymraeg"."""
        locale = self._languages[code].locale  # its own name, in itself: no second read
        return locale.get_display_name(locale) or code

    # Sentences.

    def _current(self) -> Language:
        return self._languages[self.language]

    def __call__(self, key: str, /, **values: Any) -> str:
        return self._current().text(key, values)

    def __contains__(self, key: str) -> bool:
        return key in self._current().texts

    def keys(self) -> list[str]:
        return list(self._current().texts)

    def placeholders(self, key: str) -> set[str]:
        """The names a sentence expects, e.g. {"project", "closes"}."""
        return placeholders_of(self._current().texts[key])

    def raw(self, code: str) -> dict[str, Text]:
        """One language's sentences as written (for `coreflect check` and tests)."""
        return self._languages[code].texts

    def phase(self, phase: Phase, *, title: bool = False) -> str:
        """A phase as people read it: "beginning", or "Beginning" as a title."""
        return self(f"common.phase_{'title_' if title else ''}{phase.value}")

    def unread(self, code: str | None) -> bool:
        """Whether `code` is a language there are prompts for whose Babel data is not read
        yet (see `warm`)."""
        language = self._languages.get(code) if code is not None else None
        return language is not None and not language.read

    def warm(self, *codes: str) -> None:
        """Read Babel's data (plural rules, month and day names) for the default language and
        for `codes` now. Slow work (tens of milliseconds, a few MB a language): the bot calls
        this off the event loop, at start for the default language and before a language is
        first spoken or listed by its own name (`LanguageService`), so no first plural or
        date stalls the loop, and a language nobody uses or looks for is never read."""
        for code in dict.fromkeys((self.default, *codes)):
            language = self._languages.get(code)
            if language is None:
                continue
            language.locale.plural_form(1)
            format_datetime(
                datetime(2000, 1, 1, tzinfo=UTC), MOMENT_PATTERN, locale=language.locale
            )
            format_date(date(2000, 1, 1), SHORT_DAY_PATTERN, locale=language.locale)

    # Dates and times, by Babel, in the same language.

    def moment(self, local: datetime) -> str:
        """A local date and time, e.g. "Monday 5 January 2026, 10:00"."""
        return format_datetime(local, MOMENT_PATTERN, locale=self._current().locale)

    def day(self, day: date) -> str:
        """A date, e.g. "1 March 2026"."""
        return format_date(day, DAY_PATTERN, locale=self._current().locale)

    def short_day(self, day: date) -> str:
        """A date in a chart's legend, e.g. "5 Jan"."""
        return format_date(day, SHORT_DAY_PATTERN, locale=self._current().locale)

    def clock(self, at: time) -> str:
        """A time of day on a 24-hour clock, e.g. "21:00"."""
        return format_time(at, TIME_PATTERN, locale=self._current().locale)

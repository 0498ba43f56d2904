"""Redaction's shortcuts change nothing: a comment is skipped by a rule only when the rule
cannot match it, and names are matched by a pattern of only the names a comment may hold.

Each comment is redacted twice: as the bot does, and with every shortcut switched off (every
rule run, every name in one pattern), on many generated comments mixing names (with markup,
dots and spaces inside), links, addresses, phones, postcodes and Discord markup.
"""

from __future__ import annotations

import random

import pytest

from bot.core import redaction
from bot.core.redaction import Redactor

NAMES = ["Amira Khan", "Ben O'Neil", "Chidi", "Dana-Lee Smith", "Eli", "Jo", "Ivo Petrov"]
PIECES = [
    "amira",
    "Amira",
    "a**mi**ra",
    "am.ira",
    "A m i r a",
    "khan",
    "KHAN",
    "Khan's",
    "ben",
    "o'neil",
    "oneil",
    "chidi",
    "c.h.i.d.i",
    "dana-lee",
    "danalee",
    "smith",
    "eli",
    "elias",
    "jo",
    "joke",
    "ivo",
    "petrov",
    "#AmiraKhan",
    "@everyone",
    "<@123>",
    "<#456>",
    "<t:1700000000:R>",
    "<:amira_wave:123456>",
    "[link](https://example.org/x)",
    "<https://example.org>",
    "www.example.org",
    "example.org",
    "example dot org",
    "example . org",
    "ana@example.org",
    "ana @ example.org",
    "ana [at] example [dot] org",
    "ana at gmail",
    "discord.gg/abc",
    ".gg/abcd",
    "07700 900123",
    "+44 7700 900123",
    "SW1A 1AA",
    "sw1a1aa",
    "in 2026",
    "10.30",
    "e.g.",
    "we",
    "met",
    "on",
    "Tuesday",
    "and",
    "talked",
    "about",
    "it.",
    "Good!",
    "(at)",
    "[dot]",
    "😀",
    "１２３",
    "ß",
    "ﬁne",
    "\u200b",
    "`code`",
    "> quote",
    "__under__",
]


def comments(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12))) for _ in range(count)]


@pytest.fixture
def unshortened(monkeypatch: pytest.MonkeyPatch) -> Redactor:
    """The same redaction with every shortcut off."""
    reference = Redactor(NAMES)
    full_forms = frozenset(form for forms in reference._forms_of.values() for form in forms)
    everything = redaction._names_pattern(full_forms)
    monkeypatch.setattr(reference, "_names_for", lambda text: [everything])
    return reference


def test_shortcuts_change_no_redaction(monkeypatch: pytest.MonkeyPatch, unshortened: Redactor):
    fast = Redactor(NAMES)
    texts = comments(3000, seed=7)
    expected_hints = redaction._CONTACT_HINTS
    shortened = [fast.redact(text) for text in texts]
    monkeypatch.setattr(redaction, "_CONTACT_HINTS", tuple(lambda t: True for _ in expected_hints))
    monkeypatch.setattr(redaction, "_MARKUP_HINT", redaction.re.compile(""))
    monkeypatch.setattr(redaction, "_DIGIT_HINT", redaction.re.compile(""))
    assert [unshortened.redact(text) for text in texts] == shortened


def test_a_comment_with_no_name_in_it_gets_no_names_pattern():
    redactor = Redactor(NAMES)
    assert redactor._names_for("we met on tuesday and it was good") == []
    found = redactor._names_for("a**mi**ra said so")
    assert any(pattern.search("a**mi**ra said so") for pattern in found)

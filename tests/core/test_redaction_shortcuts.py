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
    monkeypatch.setattr(reference, "_claim_names", _claim_with(everything))
    return reference


def _claim_with(everything: redaction.re.Pattern[str]):  # type: ignore[no-untyped-def]
    """Claiming names with one pattern of them all, as the bot did before its shortcuts."""

    def claim(scan: redaction._Scan) -> None:
        scan.claim(everything, redaction.NAME)

    return claim


def test_shortcuts_change_no_redaction(monkeypatch: pytest.MonkeyPatch, unshortened: Redactor):
    fast = Redactor(NAMES)
    texts = comments(3000, seed=7)
    expected_hints = redaction._CONTACT_HINTS
    shortened = [fast.redact(text) for text in texts]
    monkeypatch.setattr(redaction, "_CONTACT_HINTS", tuple(lambda t: True for _ in expected_hints))
    monkeypatch.setattr(redaction, "_may_hold_markup", lambda text: True)
    monkeypatch.setattr(redaction, "_DIGIT_HINT", redaction.re.compile(""))
    assert [unshortened.redact(text) for text in texts] == shortened


def test_a_comment_with_no_name_in_it_gets_no_names_pattern():
    redactor = Redactor(NAMES)
    assert redactor._names_for("we met on tuesday and it was good") == []
    found = redactor._names_for("a**mi**ra said so")
    assert any(pattern.search("a**mi**ra said so") for pattern in found)


# -- the shortcuts that make a large check-in's comments fast ------------------------------------

MORE_PIECES = [
    *PIECES,
    "ivo58",
    "Ivo58's",
    "member 58",
    "Member58",
    "someone58@example.org.",
    "someone58 @ example.org",
    "write to me at amira dot com",
    "ana (at) gmail",
    "me@hotmail",
    "x.com/amira",
    "https://t.me/amira",
    "so.",
    "time,",
    "1, 2, 3",
    "12 34 56 7",
    "(020) 7946-0958",
    "2019-2021",
    "£1500000",
    "07700-900-123",
    "a, b, c",
    "j.o",
    "e l i",
    "#",
    "# heading",
    ">",
    "\n\n\n",
    "\u202eanihc",
    "`",
    "[mention]",
    "<@&9>",
    "@here",
    "＠everyone",
    "Ｍｅｍｂｅｒ",
    "١٢٣٤٥٦٧",
    "日本",
]
MORE_NAMES = [*NAMES, "ivo58", "Member 58", "jo12", "a.", "Zoë"]
# Names that begin or end with something other than a letter or digit, as display names
# with an emoji or brackets do: their own patterns are read, wherever they begin.
ODD_NAMES = ["(Sam)", "Kai 🌱", "🌱 Rosa", "_lee_", "Ivo58"]
# A name's letters apart, as its pattern allows and does not: markdown, punctuation, runs of
# spaces and line breaks between the words of a full name, letters and digits either side.
GAP_PIECES = [
    "amira  khan",
    "amira\nkhan",
    "amira\n\nkhan",
    "**amira** khan",
    "amira_ khan",
    "amira _khan",
    "amira-khan",
    "amira.khan",
    "amira\u00a0khan",
    "ivo \tpetrov",
    "i*vo pet|rov",
    "iv-o",
    "i-vo58",
    "ivo-58",
    "ivo 58",
    "ivo580",
    "xivo58",
    "2ivo58",
    "ivo58x",
    "ivo58@example.org",
    "mem_ber 58",
    "member\n\n58",
    "member  58",
    "**member** 58",
    "j*o12",
    "j-o12",
    "jo1 2",
    "(sam)",
    "( sam )",
    "sam",
    "kai 🌱",
    "kai🌱",
    "🌱 rosa",
    "🌱rosa",
    "_lee_",
    "__lee__",
    "lee",
]


def _joined(pieces: list[str], joins: list[str], count: int, seed: int) -> list[str]:
    """`count` comments of 1 to 14 random `pieces`, each followed by one of `joins`."""
    rng = random.Random(seed)
    return [
        "".join(rng.choice(pieces) + rng.choice(joins) for _ in range(n))
        for n in (rng.randint(1, 14) for _ in range(count))
    ]


def more_comments(count: int, seed: int) -> list[str]:
    return _joined(MORE_PIECES, [" ", " ", "", "\n", ", "], count, seed)


# Comments written in ASCII, as most are, which some shortcuts read byte by byte: names with
# digits, addresses and postcodes beside them, and letters standing alone.
ASCII_PIECES = [
    *(piece for piece in MORE_PIECES if piece.isascii()),
    "farah685",
    "Farah685",
    "farah15",
    "farah6",
    "farah1",
    "f**arah**685",
    "farah 685",
    "member 685",
    "ivo778's",
    "someone685@example.org.",
    "someone685 @ example . org",
    "sw1a1aa@example.org",
    "farah685@sw1a1aa.uk",
    "w1a 1aa",
    "call 0770 090 0123",
    "f a r a h",
    "i. v. o",
    "a",
    "I",
    "x-y-z",
    "(a)",
    "_b_",
    "9ab",
    "5 a 5",
]
# Names that begin alike, as a large group's do ("farah6", "farah15", "farah685").
MORE_NAMES_AND_DIGITS = [*MORE_NAMES, "farah685", "farah15", "farah6", "ivo778", "Member 685"]


def ascii_comments(count: int, seed: int) -> list[str]:
    return _joined(ASCII_PIECES, [" ", " ", "", "\n", ", ", "."], count, seed)


def _make_safe_every_step(text: str) -> str:
    text = redaction._BIDI_OVERRIDE.sub("", text)
    text = redaction._AT.sub("@" + redaction.ZERO_WIDTH_SPACE, text)
    text = redaction._LIVE_BACKTICK.sub(r"\1\\`", text)
    text = redaction._LINE_MARKUP.sub(r"\1\\\2", text)
    return redaction._MANY_NEWLINES.sub("\n\n", text)


def _every_contact_rule(text: str) -> tuple[list[redaction._Rule], list[int]]:
    return list(redaction._CONTACTS), [0] * len(redaction._CONTACTS)


def gap_comments(count: int, seed: int) -> list[str]:
    return _joined(GAP_PIECES + ASCII_PIECES, [" ", " ", "", "\n", ", ", "."], count, seed)


@pytest.mark.parametrize(
    "names",
    [
        MORE_NAMES_AND_DIGITS,
        # with no name of one letter, which is tried on every comment, names are found by place
        [name for name in MORE_NAMES_AND_DIGITS if name != "a."],
        # and names that do not begin or end with a letter or digit among them
        [name for name in MORE_NAMES_AND_DIGITS + ODD_NAMES if name != "a."],
    ],
)
def test_no_shortcut_changes_any_redaction(monkeypatch: pytest.MonkeyPatch, names: list[str]):
    """Every shortcut off at once: every rule run from the start of the text, every name in
    one pattern of the original form, every step of making the text safe taken."""
    fast = Redactor(names)
    texts = (
        more_comments(4000, seed=11)
        + comments(1000, seed=12)
        + ascii_comments(3000, seed=21)
        + gap_comments(3000, seed=23)
    )
    shortened = [fast.redact(text) for text in texts]
    reference = Redactor(names)
    forms = frozenset(form for named in reference._forms_of.values() for form in named)
    everything = redaction._names_pattern(forms)
    monkeypatch.setattr(reference, "_names_for", lambda text: [everything])
    monkeypatch.setattr(reference, "_claim_names", _claim_with(everything))
    monkeypatch.setattr(redaction, "_HELD", {})
    always = redaction.re.compile("")
    for hint in (
        "_MASS_PING_HINT",
        "_DIGIT_HINT",
        "_POSTCODE_HINT",
        "_PHONE_HINT",
        "_SPELLED_HINT",
    ):
        monkeypatch.setattr(redaction, hint, always)
    monkeypatch.setattr(redaction, "_contacts_in", _every_contact_rule)
    monkeypatch.setattr(redaction, "_may_hold_markup", lambda text: True)
    monkeypatch.setattr(redaction, "_may_hold_phone", lambda scan: True)
    monkeypatch.setattr(redaction, "_may_hold_postcode", lambda scan: True)
    monkeypatch.setattr(redaction, "_may_be_spelled", lambda scan: True)
    monkeypatch.setattr(redaction, "_make_safe", _make_safe_every_step)
    assert [reference.redact(text) for text in texts] == shortened


def test_contact_hints_and_starts_are_worked_out_as_the_tables_say():
    for text in more_comments(3000, seed=13):
        for form in (text, text.lower(), redaction._normalise(text)[0]):
            rules, starts = redaction._contacts_in(form)
            by_table = redaction._contacts_by_table(form)
            assert (rules, starts) == redaction._without_outdone(form, *by_table)


def test_a_contact_rule_never_matches_before_its_start():
    for text in more_comments(3000, seed=14):
        form = redaction._normalise(text)[0]
        for (pattern, _), hint, start in zip(
            redaction._CONTACTS, redaction._CONTACT_HINTS, redaction._CONTACT_STARTS, strict=True
        ):
            found = pattern.search(form)
            if found is None:
                continue
            assert hint(form)
            assert found.start() >= start(form)
            later = pattern.search(form, start(form))
            assert later is not None and later.span() == found.span()


def test_every_match_of_a_contact_rule_holds_its_piece():
    rules = {rule.pattern: rule for rule, _ in redaction._CONTACTS}
    assert set(redaction._HELD) <= set(rules)
    matched = 0
    for text in more_comments(3000, seed=26) + ascii_comments(1000, seed=27):
        form = redaction._normalise(text)[0]
        for source, piece in redaction._HELD.items():
            for match in rules[source].finditer(form):
                assert piece in match[0], (text, match)
                matched += 1
    assert matched > 1000


def test_every_mail_service_holds_a_piece_looked_for():
    for service in redaction._MAIL_SERVICES.split():
        assert any(piece in service for piece in redaction._MAIL_SERVICE_PIECES)


def test_hints_hold_wherever_their_rules_match():
    groups = {
        redaction._POSTCODE_HINT: (redaction._POSTCODE,),
        redaction._SPELLED_HINT: (redaction._SPELLED_OUT,),
    }
    for text in more_comments(3000, seed=15):
        form = redaction._normalise(text)[0]
        if redaction._MENTION.search(text):
            assert "<" in text or redaction._MASS_PING_HINT.search(text)
        markup = (
            redaction._MASKED_LINK,
            redaction._ANGLE_LINK,
            redaction._TIMESTAMP,
            redaction._CUSTOM_EMOJI,
            redaction._PLACEHOLDER,
        )
        if any(rule.search(form) for rule in markup):
            assert "<" in form or "[" in form
        if redaction._MENTION.search(form) and "<" not in form:
            assert redaction._MASS_PING_HINT.search(form)
        for hint, rules in groups.items():
            if any(rule.search(form) for rule in rules):
                assert hint.search(form)
        for candidate in redaction._PHONE_CANDIDATE.finditer(form):
            if redaction._phone(candidate) is not None:
                assert redaction._PHONE_HINT.search(form)


def _scans_with_claims(texts: list[str]) -> list[redaction._Scan]:
    """Each text's scan once its contacts are claimed, so its working copy holds masks."""
    scans = []
    for text in texts:
        scan = redaction._Scan(text)
        rules, starts = redaction._contacts_in(scan.text)
        if rules:
            scan.claim_longest(rules, starts)
        scans.append(scan)
    return scans


def test_the_hints_read_by_byte_classes_are_the_patterns():
    """In a comment written in ASCII the digit and spelling hints read each byte's class;
    they say what their patterns find, masks and all."""
    texts = ascii_comments(3000, seed=22) + more_comments(1000, seed=23)
    held = {"postcode": 0, "spelled": 0, "phone": 0}
    for scan in _scans_with_claims(texts):
        postcode = redaction._POSTCODE_HINT.search(scan.text) is not None
        spelled = redaction._SPELLED_HINT.search(scan.text) is not None
        phone = redaction._PHONE_HINT.search(scan.text) is not None
        assert redaction._may_hold_postcode(scan) == postcode, scan.text
        assert redaction._may_be_spelled(scan) == spelled, scan.text
        assert redaction._may_hold_phone(scan) == phone, scan.text
        held["postcode"] += postcode
        held["spelled"] += spelled
        held["phone"] += phone
    assert min(held.values()) > 100


def test_the_letters_of_a_scan_are_the_pattern():
    for scan in _scans_with_claims(ascii_comments(1000, seed=24) + more_comments(1000, seed=25)):
        assert redaction._letters_of(scan) == redaction._NOT_LETTERS.sub("", scan.text)


def test_letters_only_on_ascii_is_the_pattern():
    for text in more_comments(2000, seed=16):
        for form in (text, text.lower() + redaction._MASK + "ab"):
            assert redaction._letters_only(form) == redaction._NOT_LETTERS.sub("", form)


def test_a_name_pattern_matches_as_the_original_form():
    redactor = Redactor(MORE_NAMES)
    forms = [form for named in redactor._forms_of.values() for form in named]
    texts = [redaction._normalise(text)[0] for text in more_comments(500, seed=17)]
    for form in forms:
        fast, original = redaction._name_pattern(form), redaction._names_pattern([form])
        assert fast is not None and original is not None
        for text in texts:
            assert [m.span() for m in fast.finditer(text)] == [
                m.span() for m in original.finditer(text)
            ]


def test_the_names_a_comment_may_hold_are_those_whose_letters_it_holds():
    redactor = Redactor(MORE_NAMES)
    for text in more_comments(2000, seed=18):
        letters = redaction._letters_only(redaction._normalise(text)[0])
        expected = set(redactor._always) | {
            form
            for key, named in redactor._forms_of.items()
            if len(key) >= 2 and key in letters
            for form in named
        }
        ordered = sorted(expected, key=lambda n: (-len(n), n))
        assert redactor._names_for(redaction._normalise(text)[0]) == [
            redaction._name_pattern(form) for form in ordered
        ]


def test_a_plain_name_is_found_with_no_pattern_compiled_for_it(monkeypatch: pytest.MonkeyPatch):
    """A name of letters and digits is found by where its letters stand in the comment, so
    a large group's first close compiles no pattern per name; a name with punctuation in it
    has its own pattern read where its letters are. Both claim what the pattern of all the
    names claims."""
    names = [name for name in MORE_NAMES_AND_DIGITS + ODD_NAMES if name != "a."]
    redactor = Redactor(names)
    read: list[str] = []
    name_pattern = redaction._name_pattern

    def spy(form: str) -> redaction.re.Pattern[str] | None:
        read.append(form)
        return name_pattern(form)

    monkeypatch.setattr(redaction, "_name_pattern", spy)
    comment = "Farah685 and **Member** 58 and ivo  petrov said so, and ivo58 too"
    assert redactor.redact(comment) == "[name] and **[name] and [name] said so, and [name] too"
    assert read == []
    assert redactor.redact("Ben O'Neil and (Sam) said so") == "[name] and [name] said so"
    assert set(read) == {"ben o'neil", "o'neil", "(sam)"}
    # A name of one letter is looked for everywhere, and the others still by where they are.
    with_a_letter = Redactor([*names, "J."])
    read.clear()
    assert with_a_letter.redact(comment + ", J.") == (
        "[name] and **[name] and [name] said so, and [name] too, [name]"
    )
    assert read == ["j."]

    texts = gap_comments(3000, seed=19) + more_comments(1000, seed=20)
    found = [redactor.redact(text) for text in texts]
    one_pattern = Redactor(names)
    everything = redaction._names_pattern(
        form for named in one_pattern._forms_of.values() for form in named
    )
    assert everything is not None
    monkeypatch.setattr(one_pattern, "_claim_names", _claim_with(everything))
    assert [one_pattern.redact(text) for text in texts] == found


def test_the_spaced_address_rules_never_win_without_a_space_or_an_odd_dot():
    """Where no "@" has a space beside it and no dot is written another way, every match of
    the spaced address rules is outdone by the plain rule's at the same place."""
    plain = redaction._EMAILS[0]
    addresses = [
        "ana@example.org",
        "a.b-c@mail.example.co.uk",
        "x@y.z",
        "ana@example.org.",
        "me@host",
        "ivo58@exa_mple.o-rg.uk and jo@x.io",
        "ana@例え.jp",
        "ana@example.c0m",
    ]
    texts = addresses + more_comments(3000, seed=20)
    checked = 0
    for text in texts:
        form = redaction._normalise(text)[0]
        rules = [(rule, redaction.EMAIL) for rule in redaction._SPACED_ADDRESSES]
        if redaction._without_outdone(form, rules, [0, 0])[0]:
            continue  # a space beside an "@" or an odd dot: they are kept
        for rule, _ in rules:
            for match in rule.finditer(form):
                rival = plain.match(form, match.start())
                assert rival is not None and rival.end() >= match.end(), (text, match)
                checked += 1
    assert checked > 50


def _normalise_character_by_character(text: str) -> tuple[str, list[int], list[int]]:
    """`_normalise` as it was before it lower-cased ASCII runs in one piece: every cluster
    folded on its own."""
    folded: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in redaction._clusters(text):
        form = redaction._fold(text[start:end])
        folded.append(form)
        starts.extend([start] * len(form))
        ends.extend([end] * len(form))
    return "".join(folded), starts, ends


# What sits in mostly-ASCII comments: accents (composed and as combining marks, also on the
# first character), curly quotes, dashes, emoji, invisible characters, letters that fold to
# two (ß, ﬁ) or to nothing, look-alikes.
MIXED_PIECES = [
    *ASCII_PIECES,
    "Zoë",
    "Zoe\u0308",
    "\u0301",
    "e\u0301\u0323",
    "café",
    "I’d",
    "everyone’s",
    "—",
    "…",
    "😀",
    "👍🏽",
    "A\u200bmira",
    "ß",
    "ﬁne",
    "Аmira",
    "İstanbul",
    "\u202e",
    "\ue000",
    "Ｍｅｍｂｅｒ",
    "ŵ",
]


def test_normalising_ascii_in_runs_is_normalising_each_character():
    texts = _joined(MIXED_PIECES, [" ", "", "\n", ", ", "’"], 3000, seed=28)
    texts += ["\u0301abc", "abc\u0301", "a\u0301", "é", "aé", "éa", "\u0301"]
    beyond = 0
    for text in texts:
        form, starts, ends = redaction._normalise(text)
        assert (form, list(starts), list(ends)) == _normalise_character_by_character(text), text
        beyond += not text.isascii()
    assert beyond > 2000

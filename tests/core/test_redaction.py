"""Redaction of comments: mentions, e-mails, phone numbers and names never reach the group."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.core.redaction import EMAIL, MENTION, NAME, PHONE, ZERO_WIDTH_SPACE, redact

# --- examples ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mention",
    [
        "@everyone",
        "@here",
        "<@123456789012345678>",
        "<@!123>",
        "<@&42>",
        "<#987>",
        "</project create:1234>",
        "</reflect:55>",
    ],
)
def test_mentions_become_placeholders(mention: str) -> None:
    assert redact(f"ping {mention} now", []) == f"ping {MENTION} now"


@pytest.mark.parametrize(
    "email",
    ["ana@example.org", "ana.lopez+coreflect@mail.example.co.uk", "o'brien@x.ie", "a_b-c@d-e.com"],
)
def test_emails_become_placeholders(email: str) -> None:
    assert redact(f"write to {email}.", []) == f"write to {EMAIL}."


@pytest.mark.parametrize(
    "phone",
    [
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "020 7946 0958",
        "07700 900123",
        "07700900123",
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "+1-555-123-4567",
        "+33 1 23 45 67 89",
        "0049 30/1234567",
        "1234567",
    ],
)
def test_phone_numbers_become_placeholders(phone: str) -> None:
    assert redact(f"call {phone} today", []) == f"call {PHONE} today"


def test_brackets_around_a_phone_number_stay_with_the_sentence() -> None:
    assert redact("(call 07700 900123)", []) == f"(call {PHONE})"
    assert redact("(07700 900123 is mine)", []) == f"({PHONE} is mine)"


@pytest.mark.parametrize(
    "text",
    [
        "3 of 10 people came",
        "In 2026 we start again",
        "It ran from 2019-2021, then 2023 2024 2025",
        "Next meeting 2026-03-01 or 01.03.2026 or 3/1/2026",
        "We raised £123,456 and 98.5% agreed",
        "Room 101, 10:30, item 4.2, 123456 steps",
    ],
)
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert redact(text, []) == text


def test_names_are_whole_words_case_insensitive_longest_first() -> None:
    names = ["Ana", "Ana Lopez", "Bo"]
    text = "ana lopez said ANA and Anabel and bo, not Bob"
    assert redact(text, names) == f"{NAME} said {NAME} and Anabel and {NAME}, not Bob"


def test_names_with_regex_characters_are_taken_literally() -> None:
    names = ["c++", "J. (Jo)", "a.b", "x*"]
    assert redact("c++ met J. (Jo) and a.b, not axb or xx", names) == (
        f"{NAME} met {NAME} and {NAME}, not axb or xx"
    )


def test_single_letter_and_blank_names_are_ignored() -> None:
    assert redact("a b c", ["a", " ", ""]) == "a b c"


def test_names_match_across_any_whitespace() -> None:
    assert redact("Ana\n  Lopez came", ["Ana Lopez"]) == f"{NAME} came"


def test_a_name_equal_to_a_placeholder_word_keeps_placeholders_intact() -> None:
    assert redact("mail ana@example.org, Email", ["email"]) == f"mail {EMAIL}, {NAME}"


def test_email_is_replaced_whole_even_when_it_holds_a_name() -> None:
    assert redact("ana@example.org", ["ana"]) == EMAIL


def test_remaining_at_signs_cannot_form_a_mention() -> None:
    out = redact("@ana hi @ @Everyone1", [])
    assert out == f"@{ZERO_WIDTH_SPACE}ana hi @ @{ZERO_WIDTH_SPACE}Everyone1"


def test_markdown_that_could_break_the_layout_is_escaped() -> None:
    text = "# Big\n  ## also\n-# small\n> quote\n>>> all\n```code``` and `x`"
    assert redact(text, []) == (
        "\\# Big\n  \\## also\n\\-# small\n\\> quote\n\\>>> all\n\\`\\`\\`code\\`\\`\\` and \\`x\\`"
    )


def test_hashes_and_arrows_inside_a_line_are_kept() -> None:
    text = "#hashtag is fine, 2 > 1, and -#x too"
    assert redact(text, []) == text


def test_many_blank_lines_collapse_to_one() -> None:
    assert redact("a\n\n\n\nb\n \n\t\nc\n\nd", []) == "a\n\nb\n\nc\n\nd"


# --- properties --------------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèüößñÅØ"
PLAIN = LETTERS + " \n.,;:!?'\"()-_*/&%+=~|[]{}$£€😊"
ORDINARY_NUMBERS = [
    "3",
    "10",
    "3 of 10",
    "2026",
    "2019-2021",
    "2026-03-01",
    "31.12.2025",
    "4.5",
    "42%",
    "123456",
    "10:30",
    "1,000,000",
]
PLACEHOLDER_WORDS = {"mention", "email", "phone", "name"}


def _no_mass_newlines(text: str) -> bool:
    return re.search(r"\n[ \t]*\n[ \t]*\n", text) is None


words = st.text(alphabet=PLAIN, max_size=40)
fragment = st.one_of(words, st.sampled_from(ORDINARY_NUMBERS))
# Letters between fragments, so two ordinary numbers never run together into a long one.
plain_text = (
    st.lists(fragment, max_size=6).map(" so ".join).filter(_no_mass_newlines).filter(str.strip)
)
names = st.lists(
    st.text(alphabet=LETTERS + " .'-()+*", min_size=2, max_size=15)
    .map(lambda n: " ".join(n.split()))
    .filter(lambda n: len(n) >= 2 and any(c.isalpha() for c in n))
    .filter(lambda n: n.lower() not in PLACEHOLDER_WORDS),
    min_size=1,
    max_size=4,
)


def _contains_name(text: str, name: str) -> bool:
    pattern = r"\s+".join(re.escape(part) for part in name.split())
    return re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE) is not None


@given(plain_text, names)
def test_text_without_anything_to_redact_is_unchanged(text: str, given_names: list[str]) -> None:
    assume(not any(_contains_name(text, name) for name in given_names))
    assert redact(text, given_names) == text


snowflake = st.integers(min_value=10**6, max_value=2**63).map(str)
mentions = st.one_of(
    st.sampled_from(["@everyone", "@here"]),
    snowflake.map(lambda i: f"<@{i}>"),
    snowflake.map(lambda i: f"<@!{i}>"),
    snowflake.map(lambda i: f"<@&{i}>"),
    snowflake.map(lambda i: f"<#{i}>"),
    st.tuples(st.from_regex(r"[a-z]{1,12}( [a-z]{1,12})?", fullmatch=True), snowflake).map(
        lambda t: f"</{t[0]}:{t[1]}>"
    ),
)


def _looks_like_years_or_date(groups: list[str], separators: list[str]) -> bool:
    # The deliberate exemptions of `redact`; phone numbers shaped like them are not generated.
    if all(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
        return True
    lengths = [len(g) for g in groups]
    return len(groups) == 3 and (lengths[0] == 4 or lengths[2] == 4)


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "+44 ", "+1 ", "+1-", "+33 ", "0044 ", "+49 (0)"]))
    groups = draw(
        st.lists(st.from_regex(r"[0-9]{1,5}", fullmatch=True), min_size=1, max_size=5).filter(
            lambda gs: sum(map(len, gs)) >= 7
        )
    )
    separators = draw(
        st.lists(
            st.sampled_from([" ", "-", ".", "/", "\u00a0"]),
            min_size=len(groups) - 1,
            max_size=len(groups) - 1,
        )
    )
    assume(prefix or not _looks_like_years_or_date(groups, separators))
    if len(groups) > 1 and draw(st.booleans()):
        groups[0] = f"({groups[0]})"
    number = groups[0]
    for separator, group in zip(separators, groups[1:], strict=True):
        number += separator + group
    return prefix + number


local_part = st.from_regex(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9_+-]+)*", fullmatch=True)
domain = st.from_regex(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9-]+)*\.[a-z]{2,6}", fullmatch=True)
emails = st.one_of(st.emails(), st.tuples(local_part, domain).map("@".join))

DIGITS_OR_MARKUP = re.compile(r"[0-9<>@]")


@given(words, words, st.one_of(mentions, emails, phone_numbers()))
def test_mentions_emails_and_phones_never_survive(before: str, after: str, secret: str) -> None:
    out = redact(f"{before} {secret} {after}", [])
    # The surrounding text holds no digits, < > or @, so nothing of the secret may be left.
    assert DIGITS_OR_MARKUP.search(out) is None


@given(plain_text, plain_text, names, st.data())
def test_names_never_survive(before: str, after: str, given_names: list[str], data) -> None:
    name = data.draw(st.sampled_from(given_names))
    spelled = data.draw(st.sampled_from([name, name.upper(), name.lower()]))
    out = redact(f"{before} {spelled} {after}", given_names)
    for each in given_names:
        assert not _contains_name(out, each)


@given(st.text(max_size=300), st.lists(st.text(max_size=10), max_size=4))
def test_no_mention_can_form_in_any_text(text: str, given_names: list[str]) -> None:
    out = redact(text, given_names)
    assert re.search(r"<@[!&]?\d+>|<#\d+>|</[^<>:\n]+:\d+>", out) is None
    assert re.search(rf"@(?![\s{ZERO_WIDTH_SPACE}]|$)", out) is None
    assert "\n\n\n" not in out

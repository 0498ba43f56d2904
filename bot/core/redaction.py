"""Redaction of comments before the group sees them: no mentions, contacts or names.

`redact` replaces, in this order,
1. Discord mentions (`@everyone`, `@here`, `<@1>`, `<@!1>`, `<@&1>`, `<#1>`, `</cmd:1>`);
2. e-mail addresses;
3. phone numbers: a run of digits joined by single spaces, dashes, dots, slashes or brackets,
   optionally starting with `+`, holding at least 7 digits. Lists of years (`2019-2021`) and
   plausible dates (`2026-03-01`, `01.03.2026`) are left alone; shorter numbers always are.
   Other long digit runs (ids, account numbers) count as phone numbers on purpose: when in
   doubt, hide;
4. the participants' names: case-insensitive, whole words, longest first, 2+ characters;

with the placeholder tokens below. Then, so a comment cannot break the summary's layout or
ping anyone, it
5. puts a zero-width space after any `@` followed by something (no mention can form);
6. escapes backticks, and headings (`# `), sub-text (`-# `) and quotes (`> `) opening a line;
7. collapses three or more line breaks (blank lines may hold spaces) into two.

Text with none of these comes back unchanged. Placeholders are never empty, so removing
something cannot join the text around it into a new mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MENTION = "[mention]"
EMAIL = "[email]"
PHONE = "[phone]"
NAME = "[name]"
PLACEHOLDERS = (MENTION, EMAIL, PHONE, NAME)

MIN_PHONE_DIGITS = 7
MIN_NAME_CHARS = 2
ZERO_WIDTH_SPACE = "\u200b"

_MENTION = re.compile(
    r"@(?:everyone|here)\b"  # mass pings
    r"|<@[!&]?\d+>"  # users (<@1>, nickname form <@!1>) and roles (<@&1>)
    r"|<#\d+>"  # channels
    r"|</[^<>:\n]{1,100}:\d+>",  # slash commands, e.g. </project create:123>
    re.IGNORECASE,
)

# The local part may hold any character RFC 5322 allows unquoted; it must start a run of
# them (the look-behind keeps the scan linear on long words).
_LOCAL_CHARS = r"\w.!#$%&'*+/=?^`{|}~-"
_EMAIL = re.compile(rf"(?<![{_LOCAL_CHARS}])[{_LOCAL_CHARS}]+@[\w-]+(?:\.[\w-]+)+")

# A candidate, checked in `_phone_or_keep`: digits and brackets with at most one separator
# between them. Each step starts with a different character, so matching stays linear.
_PHONE_CANDIDATE = re.compile(r"(?:\+[ \u00a0]?)?\(?\d(?:\d|\)|\((?=\d)|[ \u00a0./-](?=\(?\d))*")
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_YEARS = re.compile(r"\d{4}(?:[ \u00a0./-]\d{4})*")
_YEAR = range(1900, 2100)
_DATE_YMD = re.compile(r"(\d{4})([-./])(\d{1,2})\2(\d{1,2})")
_DATE_DMY = re.compile(r"(\d{1,2})([-./])(\d{1,2})\2(\d{4})")

_PROTECTED = "|".join(re.escape(p) for p in PLACEHOLDERS)

_AT = re.compile(rf"@(?=[^\s{ZERO_WIDTH_SPACE}])")
_BACKTICK = re.compile(r"`")
_LINE_MARKUP = re.compile(r"^([ \t]*)(#{1,3}[ \t]|-#[ \t]|>{1,3}[ \t])", re.MULTILINE)
_MANY_NEWLINES = re.compile(r"\n(?:[ \t]*\n){2,}")


def _is_year_list(candidate: str) -> bool:
    if not _YEARS.fullmatch(candidate):
        return False
    return all(int(year) in _YEAR for year in _DIGITS.findall(candidate))


def _is_date(candidate: str) -> bool:
    if match := _DATE_YMD.fullmatch(candidate):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
        return year in _YEAR and 1 <= month <= 12 and 1 <= day <= 31
    if match := _DATE_DMY.fullmatch(candidate):
        first, second, year = int(match[1]), int(match[3]), int(match[4])
        # Day and month either way round (UK and US writing).
        return year in _YEAR and 1 <= min(first, second) <= 12 and max(first, second) <= 31
    return False


def _phone_or_keep(match: re.Match[str]) -> str:
    candidate = match[0]
    # Brackets that open or close outside the number belong to the sentence, not the number.
    lead = "(" if candidate.startswith("(") and candidate.count("(") > candidate.count(")") else ""
    trail = ")" if candidate.endswith(")") and candidate.count(")") > candidate.count("(") else ""
    core = candidate[len(lead) : len(candidate) - len(trail)]
    if len(_DIGIT.findall(core)) < MIN_PHONE_DIGITS:
        return candidate
    if _is_date(core) or _is_year_list(core):
        return candidate
    return f"{lead}{PHONE}{trail}"


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for all names, longest first, keeping existing placeholders as they are."""
    cleaned = {" ".join(name.split()) for name in names}
    usable = sorted((n for n in cleaned if len(n) >= MIN_NAME_CHARS), key=lambda n: (-len(n), n))
    if not usable:
        return None
    # Inner spaces match any run of whitespace ("Ana  Lopez", "Ana\nLopez").
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in n.split()) for n in usable)
    return re.compile(rf"(?P<keep>{_PROTECTED})|(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _name_or_keep(match: re.Match[str]) -> str:
    return match["keep"] or NAME


def redact(text: str, names: Iterable[str]) -> str:
    """`text` with mentions, e-mails, phone numbers and `names` replaced by placeholders."""
    text = _MENTION.sub(MENTION, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _PHONE_CANDIDATE.sub(_phone_or_keep, text)
    names_pattern = _names_pattern(names)
    if names_pattern is not None:
        text = names_pattern.sub(_name_or_keep, text)
    text = _AT.sub("@" + ZERO_WIDTH_SPACE, text)
    text = _BACKTICK.sub(r"\\`", text)
    text = _LINE_MARKUP.sub(r"\1\\\2", text)
    return _MANY_NEWLINES.sub("\n\n", text)

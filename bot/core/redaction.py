"""Redaction of comments before the group sees them: no mentions, contacts, places or names.

`Redactor(names)` is built once for a set of participants' names; `Redactor.redact(text)`
(or `redact(text, names)` for a single comment) replaces, in this order,
1. Discord mentions (`@everyone`, `@here`, `<@1>`, `<@!1>`, `<@&1>`, `<#1>`, `</cmd:1>`),
   also disguised (`＠everyone`);
2. links: masked links `[text](https://…)` (text included), `<https://…>` (brackets
   included), any `scheme://…`, `www.…`, and bare domains such as `example.org/x`,
   `example.co.uk`, `example[.]org` or `amirakhan dot com`. A bare domain needs a top-level
   domain from the lists below; one that is also an everyday word or file type (`.me`,
   `.it`, `.py`…) counts only with a path (`t.me/x`), so `end.Then` or `tell.me` stay words;
3. e-mail addresses, also written `name @ example.org`, `name [at] example [dot] org`,
   `name(at)example(dot)org`, `name at example dot org` (spelled out, it needs a known
   top-level domain) or `name at gmail`; links and e-mails are read together, and where
   they overlap the longest reading wins;
4. UK postcodes (`SW1A 1AA`, `sw1a1aa`, `M1 1AE`), whole words, in any case;
5. phone numbers: a run of digits joined by separators (up to two spaces or a line break; a
   dash, dot, slash, `~`, `|`, `*` or `·` with up to two spaces either side; a bare comma,
   underscore or apostrophe), optionally starting with `+`, holding at least 7 digits.
   Lists of years (`2019-2021`), plausible dates (`2026-03-01`, `01.03.2026`), ranges of
   those, thousands (`1,000,000`) and sums of money straight after a currency sign
   (`£1500000`) are left alone; shorter numbers always are. Other long digit runs (ids,
   account numbers) count as phone numbers on purpose: when in doubt, hide;
6. the participants' names: the full name (any whitespace between its words, 2+ characters),
   every word of it with 3+ letters on its own (`Amira`, `Khan`; for a username such as
   `ben.jones_2` also `ben`, `jones` and `benjones`) and the whole name run together
   (`AmiraKhan`); whole words, longest first; also with markdown, punctuation or symbols
   inside (`**Am**ira`, `Am-ira`) or spelled out letter by letter (`A.m.i.r.a`, `a m i r a`);

with the placeholder tokens below. Discord timestamps (`<t:1767000000:R>`) and custom emoji
(`<:wave:1>`, `<a:wave:1>`) are kept as they are, except that an emoji named after a
participant becomes a name placeholder; placeholders already in the text are kept too.

Everything is matched on a normalised copy of the comment: NFKC (fullwidth forms become
ASCII), accents dropped, case folded, invisible characters removed and common look-alike
letters (Cyrillic, Greek…) read as Latin. So `Ａｍｉｒａ`, `Amira` with a zero-width space
inside, `Аmira` (Cyrillic А) and `AMÍRA` all hide `Amira`, and `Zoe` hides `Zoë`. Matches
are mapped back to the original text, so everything not redacted keeps the author's own
characters. (Mentions are also matched on the original, exactly as Discord reads them.)

Then, so a comment cannot break the summary's layout or ping anyone, it
7. puts a zero-width space after any `@` followed by something (no mention can form);
8. escapes backticks (unless already escaped), and headings (`# `), sub-text (`-# `) and
   quotes (`> `) opening a line;
9. collapses three or more line breaks (blank lines may hold spaces) into two;
10. removes right-to-left and left-to-right overrides (U+202E, U+202D), which can show
    text backwards, so that what the rules read is what the group sees.

Text with none of these comes back unchanged, and redacting a redacted text changes nothing.
Placeholders are never empty, so removing something cannot join the text around it into a
new mention. Every pattern runs in time linear in the text: nothing is compiled per comment,
and no pattern backtracks more than a bounded amount at any position.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

MENTION = "[mention]"
EMAIL = "[email]"
PHONE = "[phone]"
NAME = "[name]"
LINK = "[link]"
POSTCODE = "[postcode]"
PLACEHOLDERS = (MENTION, EMAIL, PHONE, NAME, LINK, POSTCODE)
# The prompt key of each placeholder as a reader sees it, in their language ("[enw]").
PLACEHOLDER_KEYS = {p: f"redaction.{p.strip('[]')}" for p in PLACEHOLDERS}

MIN_PHONE_DIGITS = 7
MIN_NAME_CHARS = 2
MIN_NAME_PART_CHARS = 3
MAX_MONEY_DIGITS = 9
ZERO_WIDTH_SPACE = "\u200b"

# --- normalisation ------------------------------------------------------------------------------

# Characters that show as nothing, so they can sit inside a name without being seen. Every
# format character (category Cf: bidi controls, joiners, tags) is dropped too.
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]  # zero-width space, joiners, direction marks
    + [chr(c) for c in range(0x2060, 0x2065)]  # word joiner, invisible operators
    + [chr(c) for c in range(0xFE00, 0xFE10)]  # variation selectors
    + [chr(c) for c in range(0xE0100, 0xE01F0)]  # variation selectors supplement
    + ["\ufeff", "\u00ad", "\u180e", "\u034f"]  # BOM, soft hyphen, Mongolian vowel sep., CGJ
    + ["\u115f", "\u1160", "\u3164", "\uffa0"]  # Hangul fillers, which render blank
)

# Marks the working copy uses to hide what an earlier rule claimed (a private-use character,
# so no rule matches it); a real one in the text is read as U+FFFD so it cannot pose as one.
_MASK = "\ue000"

# Letters from other scripts that look like Latin ones, read as the Latin letter they pass
# for. NFKC does not do this (it keeps Cyrillic а distinct from Latin a), and without it
# `Аmira` with a Cyrillic А would slip past. Capitals and small letters are listed apart where
# they look like different Latin letters (Greek Ν is N, ν is v). The table is applied before
# and after case folding. It also folds Latin letters that NFD does not split into a base and
# an accent (ø, ł, đ…), small capitals, enclosed letters NFKC leaves alone, and apostrophes.
_LOOK_ALIKES: dict[str, str] = {
    # Cyrillic
    **dict.fromkeys("аА", "a"),
    **dict.fromkeys("вВьЬ", "b"),
    **dict.fromkeys("сСҫҪ", "c"),
    **dict.fromkeys("ԁԀ", "d"),
    **dict.fromkeys("еЕ", "e"),
    **dict.fromkeys("һҺнН", "h"),
    **dict.fromkeys("іІ", "i"),
    **dict.fromkeys("јЈ", "j"),
    **dict.fromkeys("кК", "k"),
    **dict.fromkeys("ӏӀ", "l"),
    **dict.fromkeys("мМ", "m"),
    **dict.fromkeys("оО", "o"),
    **dict.fromkeys("рР", "p"),
    **dict.fromkeys("ԛԚ", "q"),
    **dict.fromkeys("ѕЅ", "s"),
    **dict.fromkeys("тТ", "t"),
    **dict.fromkeys("ԝԜѡ", "w"),
    **dict.fromkeys("хХ", "x"),
    **dict.fromkeys("уУүҮ", "y"),
    # Greek
    **dict.fromkeys("Αα", "a"),
    **dict.fromkeys("Ββ", "b"),
    **dict.fromkeys("ϲϹ", "c"),
    **dict.fromkeys("Εε", "e"),
    **dict.fromkeys("Η", "h"),
    **dict.fromkeys("Ιιϊ", "i"),
    **dict.fromkeys("ϳ", "j"),
    **dict.fromkeys("Κκ", "k"),
    **dict.fromkeys("Μ", "m"),
    **dict.fromkeys("Νη", "n"),
    **dict.fromkeys("Οο", "o"),
    **dict.fromkeys("Ρρ", "p"),
    **dict.fromkeys("Ττ", "t"),
    **dict.fromkeys("υμ", "u"),
    **dict.fromkeys("ν", "v"),
    **dict.fromkeys("ω", "w"),
    **dict.fromkeys("Χχ", "x"),
    **dict.fromkeys("Υγ", "y"),
    **dict.fromkeys("Ζ", "z"),
    # Armenian
    **dict.fromkeys("հ", "h"),
    **dict.fromkeys("ո", "n"),
    **dict.fromkeys("օՕ", "o"),
    **dict.fromkeys("զ", "q"),
    **dict.fromkeys("ս", "u"),
    # Latin letters without a decomposition, and IPA look-alikes
    **dict.fromkeys("ɑ", "a"),
    **dict.fromkeys("đĐðÐ", "d"),
    **dict.fromkeys("ɡ", "g"),
    **dict.fromkeys("ħĦ", "h"),
    **dict.fromkeys("ıɩ", "i"),
    **dict.fromkeys("ȷ", "j"),
    **dict.fromkeys("łŁ", "l"),
    **dict.fromkeys("øØ", "o"),
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "þ": "th",
    "Þ": "th",
    # Cherokee capitals that pass for Latin ones
    **dict(zip("ᎪᏴᏟᎠᎬᎻᎫᏦᏞᎷᏢᏚᎢᏔᎩᏃᏒᏙ", "abcdehjklmpstwyzrv", strict=True)),
    "ƒ": "f",
    "ǀ": "l",
    # small capitals
    **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz", strict=True)),
    # negative circled and negative squared capitals (🅐, 🅰), which NFKC leaves alone
    **{chr(base + i): chr(ord("a") + i) for base in (0x1F150, 0x1F170) for i in range(26)},
    # the ideographic full stop, which browsers read as a dot in a domain (example。org)
    "。": ".",
    # apostrophes, so O’Brien is O'Brien
    **dict.fromkeys("’‘ʼʹ′", "'"),
    _MASK: "\ufffd",
}
_LOOK_ALIKE_TABLE = str.maketrans(_LOOK_ALIKES)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def _drop_marks(text: str) -> str:
    # Non-spacing and enclosing marks: accents, and variation selectors (category Mn).
    return "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Me"))


def _visible(text: str) -> str:
    return "".join(c for c in text if c not in _INVISIBLE and unicodedata.category(c) != "Cf")


@lru_cache(maxsize=8192)
def _fold(cluster: str) -> str:
    """The matching form of one character with its combining marks ('' if it shows nothing)."""
    if not _visible(cluster[0]):
        return ""
    folded = _drop_marks(unicodedata.normalize("NFKD", cluster)).translate(_LOOK_ALIKE_TABLE)
    # Case folding can bring marks back (İ folds to i + a combining dot).
    folded = _drop_marks(unicodedata.normalize("NFKD", folded.casefold()))
    return _visible(folded.translate(_LOOK_ALIKE_TABLE))


def _clusters(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each character of `text` together with the combining marks after it."""
    start = 0
    for end in range(1, len(text) + 1):
        if end == len(text) or not _is_mark(text[end]):
            yield start, end
            start = end


_BEYOND_ASCII = re.compile("[\x80-\U0010ffff]+")


def _normalise(text: str) -> tuple[str, Sequence[int], Sequence[int]]:
    """The matching form of `text`, and for each of its characters the original span it is from.

    Each character is folded with its combining marks, so a match maps back to whole original
    characters even where folding changes the length (ß to ss, ﬁ to fi, a dropped zero-width
    space to nothing).
    """
    if text.isascii():
        # Folding ASCII is lower-casing (a test checks this), and keeps every offset.
        return text.lower(), range(len(text)), range(1, len(text) + 1)
    folded: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    # Most comments are ASCII but for a few characters (’, é, —, an emoji): the ASCII between
    # them is lower-cased in one piece, and only the rest is folded character by character.
    # No ASCII character is a mark, so the clusters are those `_clusters` gives (a test checks).
    for run in _BEYOND_ASCII.finditer(text):
        start, end = run.span()
        if start > done and _is_mark(text[start]):
            start -= 1  # the ASCII letter these marks sit on
        if start > done:
            folded.append(text[done:start].lower())
            starts.extend(range(done, start))
            ends.extend(range(done + 1, start + 1))
        for first, last in _clusters(text[start:end]):
            form = _fold(text[start + first : start + last])
            folded.append(form)
            starts.extend([start + first] * len(form))
            ends.extend([start + last] * len(form))
        done = end
    if done < len(text):
        folded.append(text[done:].lower())
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
    return "".join(folded), starts, ends


# --- the rules ---------------------------------------------------------------------------------

_MENTION = re.compile(
    r"@(?:everyone|here)\b"  # mass pings
    r"|<@[!&]?\d+>"  # users (<@1>, nickname form <@!1>) and roles (<@&1>)
    r"|<#\d+>"  # channels
    rf"|</[^<>:\n{_MASK}]{{1,100}}:\d+>",  # slash commands, e.g. </project create:123>
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"<t:-?\d{1,20}(?::[a-z])?>")
_CUSTOM_EMOJI = re.compile(r"<a?:(?P<name>[\w~]{1,32}):\d{1,20}>")
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))

# Top-level domains a bare domain may end in. Those that are also everyday words (or file
# extensions) only count when a path follows, so "tell.me", "end.It" and "setup.py" stay text.
_TLDS = (
    "com org net edu gov mil int info biz io app dev xyz uk ie eu de fr nl es ch se dk fi au nz "
    "ca jp cn ru br za co gg tv fm cymru wales scot london"
)
_WORDY_TLDS = (
    "me it to in is at be no so us ly ai am my by do im pl sh md py rs la tk ws cc "
    "page link live news email store shop blog club site online tech life world today space "
    "art one top fun pro name social website"
)


def _top_level(domains: str) -> str:
    """A pattern for the space-separated `domains`, longest first, each a whole label."""
    alternatives = sorted(domains.split(), key=lambda d: (-len(d), d))
    return rf"(?:{'|'.join(alternatives)})(?![a-z0-9-])"


_TLD = _top_level(_TLDS)
_ANY_TLD = _top_level(f"{_TLDS} {_WORDY_TLDS}")
_WORDY_TLD = _top_level(_WORDY_TLDS)

_NOT_URL = rf"\s<>{_MASK}"
# The rest of a link: anything up to a space, but not the punctuation that ends a sentence.
_URL_REST = rf"[^{_NOT_URL}]*[^{_NOT_URL}.,;:!?'\")\]}}*_~|]"
_SCHEME = r"[a-z][a-z0-9+.-]{1,20}://"
_IN_BRACKETS = rf"[^{_NOT_URL}()]+(?:\([^{_NOT_URL}()]*\)[^{_NOT_URL}()]*)*"
_MASKED_LINK = re.compile(
    rf"\[[^\[\]\n{_MASK}]{{0,256}}\]\( {{0,2}}<?{_SCHEME}{_IN_BRACKETS}>? {{0,2}}\)"
)
_ANGLE_LINK = re.compile(rf"<{_SCHEME}[^{_NOT_URL}]+>")
_SCHEME_URL = re.compile(rf"{_SCHEME}{_URL_REST}")
_WWW_URL = re.compile(rf"(?<![\w.-])www\d{{0,3}}\.{_URL_REST}")

_LABEL = r"[a-z0-9][a-z0-9-]{0,62}"
# A domain starts a word, and not after "a." (the longest reading is taken at its start).
_DOMAIN_START = r"(?<![a-z0-9-])(?<![a-z0-9]\.)"
_PATH = rf"(?:[:/?#]{_URL_REST})?"
_OPEN = r"[\[({<]"
_CLOSE = r"[\])}>]"
_DOT_BRACKETED = rf" {{0,3}}{_OPEN} {{0,2}}(?:dot|\.) {{0,2}}{_CLOSE} {{0,3}}"
# A dot spelled out, or with a space before it (no sentence ends like that): "example . org".
_DOT_LOOSE = r"(?: {1,3}dot {1,3}| {1,3}\. {0,3})"
_DOMAIN_BRACKETED = re.compile(
    rf"{_DOMAIN_START}(?:{_LABEL}(?:{_DOT_BRACKETED}|\.)){{0,8}}{_LABEL}{_DOT_BRACKETED}"
    rf"(?:{_LABEL}\.){{0,8}}{_ANY_TLD}{_PATH}"
)
_DOMAIN = re.compile(rf"{_DOMAIN_START}(?:{_LABEL}\.){{1,8}}{_TLD}{_PATH}")
# amirakhan dot com, amirakhan . com; not "the dot com bubble", so a few small words cannot
# be the name.
_DOMAIN_SPELLED = re.compile(
    rf"{_DOMAIN_START}(?!(?:the|a|an|this|that|my|our|your|their|dot|so|and|or|one)\b)"
    rf"(?:{_LABEL}\.){{0,8}}{_LABEL}{_DOT_LOOSE}(?:{_LABEL}(?:{_DOT_LOOSE}|\.)){{0,8}}{_TLD}{_PATH}"
)
# A Discord invite written without its domain: ".gg/amira".
_INVITE = re.compile(r"(?<![a-z0-9-])\.gg/[a-z0-9-]{2,32}")
_DOMAIN_WITH_PATH = re.compile(
    rf"{_DOMAIN_START}(?:{_LABEL}\.){{1,8}}{_WORDY_TLD}(?::\d{{1,5}})?/{_URL_REST}"
)

# The local part may hold any character RFC 5322 allows unquoted; it must start a run of
# them (the look-behind keeps the scan linear on long words).
_LOCAL_CHARS = r"\w.!#$%&'*+/=?^`{|}~-"
_LOCAL = rf"(?<![{_LOCAL_CHARS}])[{_LOCAL_CHARS}]+"
_EMAIL_LABEL = r"[\w-]{1,63}"
_AT_BRACKETED = rf" {{0,3}}{_OPEN} {{0,2}}(?:at|@) {{0,2}}{_CLOSE} {{0,3}}"
# The dots an address may be written with never overlap (each starts differently after its
# spaces), so no text can be read two ways and backtracking stays bounded.
_DOT_HIDDEN = rf"(?:{_DOT_BRACKETED}|{_DOT_LOOSE})"
_DOT_PLAIN = r"\. {0,3}"
_LAST_LABEL = r"[a-z][a-z0-9-]{1,23}(?![\w-])"
_MAIL_SERVICES = "gmail googlemail hotmail outlook yahoo ymail icloud protonmail aol gmx"
_MAIL_SERVICE = _top_level(_MAIL_SERVICES)
# What every match of `_MAIL_SERVICE` holds: one of the names, as written.
_MAIL_SERVICE_HINT = re.compile("|".join(_MAIL_SERVICES.split()))
_EMAILS = (
    # ana@example.org
    re.compile(rf"{_LOCAL}@[\w-]+(?:\.[\w-]+)+"),
    # ana @ example.org (the last label starts with a letter, so "meet @ 10.30" is kept)
    re.compile(rf"{_LOCAL} {{0,3}}@ {{0,3}}(?:{_EMAIL_LABEL}\.){{1,8}}{_LAST_LABEL}"),
    # ana @ example [dot] org, ana@example(dot)org, ana@example dot org, ana @ example . org
    re.compile(
        rf"{_LOCAL} {{0,3}}@ {{0,3}}(?:{_EMAIL_LABEL}(?:{_DOT_HIDDEN}|\.)){{1,8}}{_LAST_LABEL}"
    ),
    # ana [at] example [dot] org, ana(at)example.org, ana [at] example . org
    re.compile(
        rf"{_LOCAL}{_AT_BRACKETED}"
        rf"(?:{_EMAIL_LABEL}(?:{_DOT_HIDDEN}|{_DOT_PLAIN})){{1,8}}{_LAST_LABEL}"
    ),
    # ana at gmail, ana [at] hotmail: the mail services everyone knows need no domain
    re.compile(rf"{_LOCAL}(?: {{0,3}}@ {{0,3}}|{_AT_BRACKETED}| {{1,3}}at {{1,3}}){_MAIL_SERVICE}"),
    # ana at example dot org, ana at example . org: spelled out in full, so it needs a hidden
    # dot and a known domain
    re.compile(
        rf"{_LOCAL} {{1,3}}at {{1,3}}{_EMAIL_LABEL}(?:{_DOT_PLAIN}{_EMAIL_LABEL}){{0,8}}"
        rf"{_DOT_HIDDEN}(?:{_EMAIL_LABEL}(?:{_DOT_HIDDEN}|{_DOT_PLAIN})){{0,8}}{_TLD}"
    ),
)

# Outward code (area and district) and inward code (sector digit and unit letters), with the
# letters the Royal Mail uses in each position; whole words.
_POSTCODE = re.compile(
    r"(?<![^\W_])"
    r"(?:[a-pr-uwyz](?:\d[\da-hjkpstuw]?|[a-hk-y]\d[\dabehmnprv-y]?)|gir)"
    r"(?:-| {0,2})\d[abd-hjlnp-uw-z]{2}"
    r"(?![^\W_])"
)

# Between the digit groups of a phone number: up to two spaces or one line break, one dash
# (any width), dot, slash, ~ | * or · with up to two spaces either side, or a bare comma,
# underscore or apostrophe. (No-break and thin spaces are spaces by now.) A comma with a
# space after it is a list ("item 4.2, 123456 steps"), so it separates nothing.
_DASHES = "\\-\u2010-\u2015\u2212"
_SEPARATOR = rf"(?: {{0,2}}[{_DASHES}./~|*·•] {{0,2}}|[,_']| {{1,2}}| ?\n ?)"
# A candidate, checked in `_phone`: digits and brackets with a separator between them. Each
# step starts with a different character, so matching stays linear.
_PHONE_CANDIDATE = re.compile(rf"(?:\+ {{0,2}})?\(?\d(?:\d|\)|\((?=\d)|{_SEPARATOR}(?=\(?\d))*")
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_YEARS = re.compile(rf"\d{{4}}(?:{_SEPARATOR}\d{{4}})*")
_YEAR = range(1900, 2100)
_DATE_YMD = re.compile(rf"(\d{{4}})({_SEPARATOR})(\d{{1,2}})\2(\d{{1,2}})")
_DATE_DMY = re.compile(rf"(\d{{1,2}})({_SEPARATOR})(\d{{1,2}})\2(\d{{4}})")
# What joins the two ends of a range: a long dash, or a short one with spaces around it.
_RANGE = re.compile(rf" {{0,2}}[\u2013-\u2015] {{0,2}}| {{1,2}}[{_DASHES}] {{1,2}}")
_CURRENCY = frozenset("£$€¥₹")
_MONEY = re.compile(r"[1-9]\d{0,8}(?:\.\d\d)?|[1-9]\d{0,2}(?P<sep>[ .])\d{3}(?:(?P=sep)\d{3})*")
# Thousands grouped with commas or apostrophes (1,000,000 or 1'000'000.50) are a number.
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?P<sep>[,'])\d{3}(?:(?P=sep)\d{3})*(?:\.\d+)?")

# Discord markdown that can sit inside a word and not show (`**Am**ira`, `A||mi||ra`).
_MARKUP = r"[*_~|\\`]*"
# ...and any punctuation or symbol that breaks a longer name up without hiding it from a
# reader (`Am-ira`, `Am.ira`, `Am😀ira`).
_INSIDE_NAME = rf"(?:[^\w\s{_MASK}]|_)*"
_NAME_GAP = rf"{_MARKUP}\s+{_MARKUP}"
# What may stand between the letters of a name spelled out (`A.m.i.r.a`, `a m i r a`, and
# `⒜⒨⒤⒭⒜`, which NFKC writes as `(a)(m)(i)(r)(a)`).
_SPELLING_CHARS = r" .\-·•*/+,:;~|_()"
_SPELLING = rf"[{_SPELLING_CHARS}]{{1,2}}"
_NAME_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_LETTER = r"[^\W\d_]"
# Single letters with the same separator between each (3+ letters), checked in
# `Redactor._spelled_name` for names among them: one pass however many names there are.
_SPELLED_OUT = re.compile(
    rf"(?<!{_LETTER}){_LETTER}(?P<sep>{_SPELLING})(?:{_LETTER}(?P=sep))+{_LETTER}(?!{_LETTER})"
)

_AT = re.compile(rf"@(?=[^\s{ZERO_WIDTH_SPACE}])")
# A backtick after an even number of backslashes is live; one after an odd number is escaped.
_LIVE_BACKTICK = re.compile(r"(?<!\\)((?:\\\\)*)`")
_LINE_MARKUP = re.compile(r"^([ \t]*)(#{1,3}[ \t]|-#[ \t]|>{1,3}[ \t])", re.MULTILINE)
_MANY_NEWLINES = re.compile(r"\n(?:[ \t]*\n){2,}")
# Right-to-left and left-to-right overrides show the text after them backwards: typed as
# "arimA", it reads "Amira". Without them a comment shows as it was typed (and as it was read).
_BIDI_OVERRIDE = re.compile("[\u202d\u202e]")

# A claim that keeps the original text: later rules cannot touch it, and it is shown as written.
_KEEP = ""
# Where a claim is in the working copy and what replaces it (`_KEEP`), or None to pass.
_Claim = tuple[int, int, str] | None


def _whole(match: re.Match[str], replacement: str) -> _Claim:
    return match.start(), match.end(), replacement


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


def _is_dates(candidate: str) -> bool:
    """Whether `candidate` is years or a date, or a range of them ("2026-03-01 – 2026-03-05")."""
    return all(_is_date(part) or _is_year_list(part) for part in _RANGE.split(candidate))


def _is_money(text: str, start: int, core: str) -> bool:
    if start == 0 or text[start - 1] not in _CURRENCY or not _MONEY.fullmatch(core):
        return False
    return len(_DIGIT.findall(core)) <= MAX_MONEY_DIGITS


def _phone(match: re.Match[str]) -> _Claim:
    candidate = match[0]
    # Brackets that open or close outside the number belong to the sentence, not the number.
    lead = "(" if candidate.startswith("(") and candidate.count("(") > candidate.count(")") else ""
    trail = ")" if candidate.endswith(")") and candidate.count(")") > candidate.count("(") else ""
    core = candidate[len(lead) : len(candidate) - len(trail)]
    start, end = match.start() + len(lead), match.end() - len(trail)
    if len(_DIGIT.findall(core)) < MIN_PHONE_DIGITS:
        return None
    if _is_dates(core) or _THOUSANDS.fullmatch(core) or _is_money(match.string, start, core):
        return None
    return start, end, PHONE


def _in_word(word: str) -> str:
    """`word` as a pattern that allows markdown (and, in longer words, dots) between letters."""
    # Two letters with a dot between them are too often something else (b.o., t.v).
    inside = _INSIDE_NAME if len(word) >= MIN_NAME_PART_CHARS else _MARKUP
    pieces = [re.escape(word[0])]
    for before, char in itertools.pairwise(word):
        if before.isalnum() and char.isalnum():
            pieces.append(inside)
        pieces.append(re.escape(char))
    return "".join(pieces)


def _name_words(name: str) -> set[str]:
    """The words of a normalised `name` that are hidden on their own (3+ letters each)."""
    words = set()
    for token in name.split():
        for word in _NAME_WORD.findall(token):
            words.add(word)
            if "'" in word:  # O'Brien: also Brien, and OBrien
                words.update(word.split("'"))
                words.add(word.replace("'", ""))
        # A username run together: ben.jones_2 is also written benjones.
        words.add("".join(c for c in token if c.isalpha()))
    return {w for w in words if len(w) >= MIN_NAME_PART_CHARS}


def _name_forms(names: Iterable[str]) -> tuple[set[str], set[str]]:
    """The normalised full names (2+ characters) and the words hidden on their own (3+ letters)."""
    full_names: set[str] = set()
    words: set[str] = set()
    for name in names:
        folded = " ".join(_normalise(name)[0].split())
        if len(folded) >= MIN_NAME_CHARS and any(c.isalnum() for c in folded):
            full_names.add(folded)
            words |= _name_words(folded)
            # The whole name run together, as in a handle or hashtag: #AmiraKhan.
            if len(joined := "".join(c for c in folded if c.isalpha())) >= MIN_NAME_PART_CHARS:
                words.add(joined)
    return full_names, words


def _name_body(form: str) -> str:
    """The pattern of a normalised name's letters; inner spaces match any run of whitespace
    ("Ana  Lopez", "Ana\nLopez")."""
    return _NAME_GAP.join(_in_word(part) for part in form.split())


def _names_pattern(literals: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for all `literals`, longest first, whole words of the normalised text."""
    ordered = sorted(literals, key=lambda n: (-len(n), n))
    if not ordered:
        return None
    alternatives = "|".join(_name_body(n) for n in ordered)
    return re.compile(rf"(?<!{_LETTER})(?:{alternatives})(?!{_LETTER})")


@functools.lru_cache(maxsize=8192)
def _name_pattern(form: str) -> re.Pattern[str]:
    """The pattern of one name (not empty), compiled once for every comment (and check-in)
    holding it.

    It matches what `_names_pattern([form])` matches, but starts with the name's first
    character, so a search skips straight to where it stands: the look-behind (no letter
    before) is checked after that character, reaching back over it.
    """
    first = re.escape(form[0])
    body = _name_body(form)
    assert body.startswith(first)
    return re.compile(rf"{first}(?<!{_LETTER}{first}){body[len(first) :]}(?!{_LETTER})")


# How the letters of a plain name (letters and digits, single spaces between its words) may
# stand apart in a comment, at each step from one letter to the next: inside a word of 3+
# letters, any punctuation or symbol (`_INSIDE_NAME`); inside a shorter one, markdown only
# (`_MARKUP`); between two words, whitespace with markdown either side (`_NAME_GAP`).
_IN_LONG_WORD, _IN_SHORT_WORD, _BETWEEN_WORDS = "l", "s", " "
_GAP_MATCHES: dict[str, Callable[[str], re.Match[str] | None]] = {
    _IN_LONG_WORD: re.compile(_INSIDE_NAME).fullmatch,
    _IN_SHORT_WORD: re.compile(_MARKUP).fullmatch,
    _BETWEEN_WORDS: re.compile(_NAME_GAP).fullmatch,
}
_IS_LETTER = re.compile(_LETTER).match
_LETTER_RUN = re.compile(r"[^\W_]+")
# Each ASCII byte as "a" if it is a letter or digit (as `_LETTER_RUN` reads it), else " ";
# and the two swapped.
_RUN_CLASSES = bytes(
    ord("a") if _LETTER_RUN.fullmatch(chr(byte)) else ord(" ") for byte in range(256)
)
_SWAP_CLASSES = bytes.maketrans(b"a ", b" a")


def _every_match(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The span of the match of `pattern` that begins at each place in `text` where one
    does (a search from just after each begins the next)."""
    spans: list[tuple[int, int]] = []
    match = pattern.search(text)
    while match is not None:
        spans.append(match.span())
        match = pattern.search(text, match.start() + 1)
    return spans


def _plain_steps(form: str) -> str | None:
    """For a normalised name of letters and digits only, with single spaces between its
    words, the gap allowed at each step from one of its letters to the next (one of
    `_GAP_MATCHES`, as its pattern `_name_body` has them); None for any other name."""
    words = form.split(" ")
    if not all(word and word.isalnum() for word in words):
        return None
    steps = []
    for index, word in enumerate(words):
        if index:
            steps.append(_BETWEEN_WORDS)
        inside = _IN_LONG_WORD if len(word) >= MIN_NAME_PART_CHARS else _IN_SHORT_WORD
        steps.extend(inside * (len(word) - 1))
    return "".join(steps)


_Trie = dict[str, "_Trie"]  # each next character, and "" where a word ends


def _trie(words: Iterable[str]) -> str:
    """A pattern matching the longest of `words` that starts where it is tried.

    Alternatives that share a beginning share its pattern, so a place is tried against every
    word in a few steps: at each letter at most one branch goes on, and a word that ends
    there is taken only when no longer one does.
    """
    root: _Trie = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: _Trie) -> str:
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


_Outcome = str | Callable[[re.Match[str]], _Claim]
_Rule = tuple[re.Pattern[str], _Outcome]

# Links and e-mail addresses overlap (`ana@example.org` holds a domain, an obfuscated address
# starts like a plain one), so they are matched together and the longest reading wins.
_CONTACTS: tuple[_Rule, ...] = (
    (_SCHEME_URL, LINK),
    *((email, EMAIL) for email in _EMAILS),
    (_WWW_URL, LINK),
    (_DOMAIN_BRACKETED, LINK),
    (_DOMAIN, LINK),
    (_DOMAIN_SPELLED, LINK),
    (_DOMAIN_WITH_PATH, LINK),
    (_INVITE, LINK),
)


_BRACKETS = frozenset("[({<")
_DOT_LETTER = re.compile(r"\.[a-z]")


_BRACKET = re.compile("[" + re.escape("".join(sorted(_BRACKETS))) + "]")


def _has_bracket(text: str) -> bool:
    return _BRACKET.search(text) is not None


# What every match of each contact rule holds (in the normalised text), in `_CONTACTS`'
# order: a rule whose hint is not in a comment cannot match there and is not run. Most
# comments hold no link or address, and then none of the thirteen is read.
_CONTACT_HINTS: tuple[Callable[[str], bool], ...] = (
    lambda t: "://" in t,  # a link with its scheme
    lambda t: "@" in t,  # ana@example.org
    lambda t: "@" in t,  # ana @ example.org
    lambda t: "@" in t,  # ana @ example [dot] org
    _has_bracket,  # ana [at] example [dot] org
    # ana at gmail
    lambda t: (
        ("@" in t or " at " in t or _has_bracket(t)) and _MAIL_SERVICE_HINT.search(t) is not None
    ),
    lambda t: " at " in t,  # ana at example dot org
    lambda t: "www" in t,
    _has_bracket,  # example [dot] org
    lambda t: _DOT_LETTER.search(t) is not None,  # example.org
    lambda t: " dot " in t or " ." in t,  # example dot org, example . org
    lambda t: "/" in t and _DOT_LETTER.search(t) is not None,  # example.it/path
    lambda t: ".gg/" in t,  # a Discord invite
)
assert len(_CONTACT_HINTS) == len(_CONTACTS)

# A piece of text every match of a contact rule holds, where there is one: no match can
# start at or after a place with no such piece after it. Keyed by each rule's pattern as
# written, whose hash is kept (a compiled pattern hashes its whole program every time).
_HELD: dict[str, str] = {
    _SCHEME_URL.pattern: "://",
    **dict.fromkeys((email.pattern for email in _EMAILS[:3]), "@"),
    _WWW_URL.pattern: "www",
    _DOMAIN.pattern: ".",
    _DOMAIN_WITH_PATH.pattern: "/",
    _INVITE.pattern: ".gg/",
}


def _after_last_space(text: str, end: int) -> int:
    """Just after the last space or line break before `end` (0 if none)."""
    end = max(0, end)
    return max(text.rfind(" ", 0, end), text.rfind("\n", 0, end)) + 1


def _from_scheme(text: str) -> int:
    # A scheme is 2 to 21 characters, none of them ":" or "/", right before its "://".
    at = text.find("://")
    return max(0, at - 21) if at >= 0 else 0


def _from_at(text: str) -> int:
    # An address's local part (no space or line break in it) ends at most 3 spaces before
    # its "@"; and no match can hold an "@" before its own, so it is the first one's or
    # starts after it.
    at = text.find("@")
    return _after_last_space(text, at - 3) if at >= 0 else 0


def _from_dot_letter(text: str) -> int:
    # A domain's labels and dots (no space or line break) run from its start to the dot
    # before its top-level domain, which is a dot and a letter: the first such dot in the
    # text is in the match, or before its start.
    found = _DOT_LETTER.search(text)
    return _after_last_space(text, found.start()) if found else 0


def _from_start(text: str) -> int:
    return 0


def _from_literal(literal: str) -> Callable[[str], int]:
    # For a rule whose every match starts with `literal`.
    return lambda text: max(0, text.find(literal))


# Where in a comment each contact rule's first match may start, at the earliest, in
# `_CONTACTS`' order (in the normalised text, once its hint holds): each rule's first search
# starts there instead of at the start, which finds the same matches (look-behinds still see
# the text before it).
_CONTACT_STARTS: tuple[Callable[[str], int], ...] = (
    _from_scheme,  # a link with its scheme
    _from_at,  # ana@example.org
    _from_at,  # ana @ example.org
    _from_at,  # ana @ example [dot] org
    _from_start,  # ana [at] example [dot] org
    _from_start,  # ana at gmail
    _from_start,  # ana at example dot org
    _from_literal("www"),
    _from_start,  # example [dot] org
    _from_dot_letter,  # example.org
    _from_start,  # example dot org, example . org
    _from_dot_letter,  # example.it/path
    _from_literal(".gg/"),  # a Discord invite
)
assert len(_CONTACT_STARTS) == len(_CONTACTS)

# A piece of every mail service's name (gmail, hotmail… hold "mail"), cheaper to look for.
_MAIL_SERVICE_PIECES = ("mail", "outlook", "yahoo", "icloud", "aol", "gmx")


def _contacts_by_table(text: str) -> tuple[list[_Rule], list[int]]:
    """The contact rules that may match `text`, and where each may start (the tables)."""
    found = [
        (rule, start)
        for rule, hint, start in zip(_CONTACTS, _CONTACT_HINTS, _CONTACT_STARTS, strict=True)
        if hint(text)
    ]
    return [rule for rule, _ in found], [start(text) for _, start in found]


# The address rules that read an "@" with spaces beside it or a dot written another way.
_SPACED_ADDRESSES = frozenset(rule[0] for rule in _CONTACTS[2:4])


def _without_outdone(
    text: str, rules: list[_Rule], starts: list[int]
) -> tuple[list[_Rule], list[int]]:
    """`rules` (and their `starts`) less the spaced address rules where they cannot win.

    With no space beside any "@" and no dot written another way, each match of those rules
    is an address the plain rule (`ana@example.org`, listed before them) finds at the same
    place, as long or longer (it takes every dotted label after the "@"): the longest
    match, or the first rule among equals, is never theirs, so leaving them out changes
    nothing (a test checks).
    """
    if "@ " in text or " @" in text or " ." in text or " dot " in text or _has_bracket(text):
        return rules, starts
    kept = [i for i, rule in enumerate(rules) if rule[0] not in _SPACED_ADDRESSES]
    if len(kept) == len(rules):
        return rules, starts
    return [rules[i] for i in kept], [starts[i] for i in kept]


(
    _SCHEME_LINK,
    _PLAIN_ADDRESS,
    _SPACED_AT_ADDRESS,
    _SPACED_AT_HIDDEN_DOT_ADDRESS,
    _BRACKETED_AT_ADDRESS,
    _MAIL_SERVICE_ADDRESS,
    _SPELLED_ADDRESS,
    _WWW_LINK,
    _BRACKETED_DOMAIN,
    _DOTTED_DOMAIN,
    _SPELLED_DOMAIN,
    _PATH_DOMAIN,
    _INVITE_LINK,
) = _CONTACTS


def _contacts_in(text: str) -> tuple[list[_Rule], list[int]]:
    """What `_without_outdone` leaves of what `_contacts_by_table` gives, each hint and start
    worked out once (a test checks)."""
    rules, starts = [], []
    if "://" in text:
        rules.append(_SCHEME_LINK)
        starts.append(_from_scheme(text))
    at = text.find("@")
    has_bracket = "[" in text or "(" in text or "{" in text or "<" in text  # `_BRACKETS`
    spelled_dot = " dot " in text or " ." in text
    if at >= 0:
        at_start = _after_last_space(text, at - 3)  # `_from_at`
        if has_bracket or spelled_dot or "@ " in text or " @" in text:  # `_without_outdone`
            rules += (_PLAIN_ADDRESS, _SPACED_AT_ADDRESS, _SPACED_AT_HIDDEN_DOT_ADDRESS)
            starts += (at_start, at_start, at_start)
        else:
            rules.append(_PLAIN_ADDRESS)
            starts.append(at_start)
    if has_bracket:
        rules.append(_BRACKETED_AT_ADDRESS)
        starts.append(0)
    spaced_at = " at " in text
    if (
        (at >= 0 or spaced_at or has_bracket)
        # `_MAIL_SERVICE_PIECES`, each one C-level read
        and (
            "mail" in text
            or "outlook" in text
            or "yahoo" in text
            or "icloud" in text
            or "aol" in text
            or "gmx" in text
        )
        and _MAIL_SERVICE_HINT.search(text)
    ):
        rules.append(_MAIL_SERVICE_ADDRESS)
        starts.append(0)
    if spaced_at:
        rules.append(_SPELLED_ADDRESS)
        starts.append(0)
    www = text.find("www")
    if www >= 0:
        rules.append(_WWW_LINK)
        starts.append(www)
    if has_bracket:
        rules.append(_BRACKETED_DOMAIN)
        starts.append(0)
    found = _DOT_LETTER.search(text)
    if found:
        dot_start = _after_last_space(text, found.start())  # `_from_dot_letter`
        rules.append(_DOTTED_DOMAIN)
        starts.append(dot_start)
    if spelled_dot:
        rules.append(_SPELLED_DOMAIN)
        starts.append(0)
    if found and "/" in text:
        rules.append(_PATH_DOMAIN)
        starts.append(dot_start)
    invite = text.find(".gg/")
    if invite >= 0:
        rules.append(_INVITE_LINK)
        starts.append(invite)
    return rules, starts


# What the other groups cannot match without: phones and postcodes need a digit.
# ASCII digits, or any character beyond ASCII (one set, which a search reads fastest)
_DIGIT_HINT = re.compile("[0-9\x80-\U0010ffff]")
# Sharper, each what every match of its rules holds:
# - Discord markup: a "<" or "[" (links, timestamps, emoji, placeholders, mentions) or a
#   mass ping, in any case as `_MENTION` reads it (found from its "@", which is quick); so
#   too mentions as Discord reads them (on the text as written), with no "[";
_MASS_PING_HINT = re.compile(r"@(?:everyone|here)", re.IGNORECASE)
# - a postcode: its inward code's digit and two letters;
_POSTCODE_HINT = re.compile(r"\d[abd-hjlnp-uw-z]{2}")
# - a phone number: enough digits with nothing between them but what a candidate may hold
#   (separators, brackets, a plus);
_PHONE_HINT = re.compile(rf"\d(?:[ \n{_DASHES}./~|*·•,_'()+]*\d){{{MIN_PHONE_DIGITS - 1}}}")
# - a name spelled out: three letters with the same number of separators (one or two)
#   between each, as its shortest spelling (`a.m.i`) holds; a letter standing alone, as "I"
#   and "a" do in most sentences, is not enough. It starts with a separator (the letter
#   before it is looked back at), so a search skips straight to the separators.
_SEPARATOR_CHAR = f"[{_SPELLING_CHARS}]"
_SPELLED_HINT = re.compile(
    rf"{_SEPARATOR_CHAR}(?:(?<={_LETTER}{_SEPARATOR_CHAR}){_LETTER}{_SEPARATOR_CHAR}{_LETTER}"
    rf"|{_SEPARATOR_CHAR}(?<={_LETTER}{_SEPARATOR_CHAR}{{2}}){_LETTER}{_SEPARATOR_CHAR}{{2}}{_LETTER})"
)


def _may_hold_markup(text: str) -> bool:
    """Whether the working copy may hold Discord markup: a "<" or "[" (links, timestamps,
    emoji, placeholders, mentions) or a mass ping (after normalising, "＠" is "@")."""
    return "<" in text or "[" in text or ("@" in text and _MASS_PING_HINT.search(text) is not None)


def _leftmost_longest(
    text: str, rules: Sequence[_Rule], starts: Sequence[int] | None = None
) -> list[tuple[re.Match[str], _Outcome]]:
    """The matches of `rules` in `text`, not overlapping: at each place the longest one.

    `starts`, one per rule, are where each rule's first match can start at the earliest.
    """
    if starts is None:
        starts = [0] * len(rules)
    if len(rules) == 1:
        pattern, outcome = rules[0]
        return [(match, outcome) for match in pattern.finditer(text, starts[0])]
    # Each rule's next match, searched again only once an earlier pick has passed its start,
    # so every rule reads the text once.
    searches = [pattern.search for pattern, _ in rules]
    held = [_HELD.get(pattern.pattern) for pattern, _ in rules]
    upcoming = [search(text, start) for search, start in zip(searches, starts, strict=True)]
    found: list[tuple[re.Match[str], _Outcome]] = []
    done = 0
    while True:
        # The first match, the longest there, the earliest rule among equals.
        first: re.Match[str] | None = None
        first_start = first_end = chosen = 0
        for i, match in enumerate(upcoming):
            if match is None:
                continue
            start = match.start()
            if start < done:
                # A rule whose every match holds a piece of text matches no more once that
                # piece is nowhere after the pick (one C-level find, not a search).
                piece = held[i]
                if piece is not None and text.find(piece, done) < 0:
                    upcoming[i] = None
                    continue
                match = upcoming[i] = searches[i](text, done)
                if match is None:
                    continue
                start = match.start()
            if (
                first is None
                or start < first_start
                or (start == first_start and match.end() > first_end)
            ):
                first, first_start, first_end, chosen = match, start, match.end(), i
        if first is None:
            return found
        found.append((first, rules[chosen][1]))
        done = first_end


class _Scan:
    """One comment being redacted: its normalised working copy and what the rules claimed."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.text, self._starts, self._ends = _normalise(text)
        # Whether each character of the working copy is the original one at the same place.
        self.same_places = isinstance(self._starts, range)
        self._claims: list[tuple[int, int, str]] = []
        self._utf8: bytes | None = None  # the working copy's, once read
        self._classes: bytes | None = None

    def utf8(self) -> bytes:
        """The working copy in UTF-8, encoded once for what reads it until the next claim."""
        if self._utf8 is None:
            self._utf8 = self.text.encode()
        return self._utf8

    def ascii_classes(self) -> bytes:
        """For a comment written in ASCII (`same_places`), the class of each byte of the
        working copy (`_ASCII_CLASSES`), worked out once until the next claim."""
        if self._classes is None:
            self._classes = self.utf8().translate(_ASCII_CLASSES)
        return self._classes

    def claim(self, pattern: re.Pattern[str], outcome: _Outcome) -> None:
        """Claims every match of `pattern` in what is left, for `outcome` or what it decides."""
        self.claim_longest([(pattern, outcome)])

    def claim_longest(self, rules: Sequence[_Rule], starts: Sequence[int] | None = None) -> None:
        """Claims the matches of all `rules` at once: the first, and the longest there, wins
        (`starts`: where each rule's first match can start, at the earliest)."""
        claims = []
        for match, outcome in _leftmost_longest(self.text, rules, starts):
            claim = outcome(match) if callable(outcome) else (*match.span(), outcome)
            if claim:
                claims.append(claim)
        if claims:
            self.take(claims)

    def take(self, claims: Iterable[tuple[int, int, str]]) -> None:
        """Claims these places of the working copy, in order and not overlapping."""
        pieces: list[str] = []
        done = 0
        for claim in claims:
            start, end, _ = claim
            if not self.same_places:
                start, end = self._whole_characters(start, end)
            start = max(start, done)  # two matches inside one folded character
            if start >= end:
                continue
            self._claims.append((start, end, claim[2]))
            pieces.append(self.text[done:start])
            pieces.append(_MASK * (end - start))
            done = end
        if pieces:
            self.text = "".join([*pieces, self.text[done:]])
            self._utf8 = self._classes = None

    def _whole_characters(self, start: int, end: int) -> tuple[int, int]:
        # A match may begin or end inside what one original character folded to (ß is ss).
        while start > 0 and self._starts[start - 1] == self._starts[start]:
            start -= 1
        while end < len(self.text) and self._starts[end] == self._starts[end - 1]:
            end += 1
        return start, end

    def result(self) -> str:
        """The original text with every claim replaced by its placeholder."""
        pieces = []
        done = 0
        for start, end, replacement in sorted(self._claims):
            first, last = self._starts[start], self._ends[end - 1]
            pieces += [self.original[done:first], replacement or self.original[first:last]]
            done = last
        pieces.append(self.original[done:])
        return "".join(pieces)


_NOT_LETTERS = re.compile(r"[\W_]+")
# The ASCII characters `_NOT_LETTERS` takes out: all but letters and digits.
_ASCII_NOT_LETTERS = bytes(c for c in range(128) if not chr(c).isalnum())
# The bytes of UTF-8 that are not ASCII letters or digits: those, and every byte of a
# character beyond ASCII.
_UTF8_NOT_LETTERS = _ASCII_NOT_LETTERS + bytes(range(128, 256))


def _letters_only(text: str) -> str:
    # The mask is not a letter, and in ASCII "\\w" is a letter, digit or underscore: so on
    # ASCII text (masks aside) deleting bytes is the same as the pattern, in one C call.
    text = text.replace(_MASK, "")
    if text.isascii():
        return text.encode("ascii").translate(None, _ASCII_NOT_LETTERS).decode("ascii")
    return _NOT_LETTERS.sub("", text)


def _letters_of(scan: _Scan) -> str:
    """`_letters_only` of the working copy. A comment written in ASCII holds nothing else
    but masks, whose every byte in UTF-8 is beyond ASCII: deleting those bytes and the ASCII
    ones that are not letters or digits is the same (a test checks)."""
    if scan.same_places:
        return scan.utf8().translate(None, _UTF8_NOT_LETTERS).decode("ascii")
    return _letters_only(scan.text)


# What the digit and spelling hints read in a comment written in ASCII, whose working copy
# holds nothing but ASCII and masks (beyond ASCII, so "x" however encoded): each byte's
# class, from the patterns themselves. Then each hint is one C-level find of a few classes
# in a row (what its every match holds), not a scan by a pattern, and a count of digits.
_DIGIT_CLASS = "0"  # "\d"
_UNIT_LETTER_CLASS = "u"  # a letter that may end a postcode ("[abd-hjlnp-uw-z]")
_LETTER_CLASS = "l"  # any other letter (`_LETTER`)
_SPELLING_CLASS = "s"  # what may stand between the letters of a name spelled out


def _ascii_class(char: str) -> str:
    if re.fullmatch(r"\d", char):
        return _DIGIT_CLASS
    if re.fullmatch(r"[abd-hjlnp-uw-z]", char):
        return _UNIT_LETTER_CLASS
    if re.fullmatch(_LETTER, char):
        return _LETTER_CLASS
    if re.fullmatch(f"[{_SPELLING_CHARS}]", char):
        return _SPELLING_CLASS
    return "x"


_ASCII_CLASSES = "".join(_ascii_class(chr(c)) for c in range(128)).encode() + b"x" * 128
# `_POSTCODE_HINT`: a digit and two letters that may end a postcode.
_POSTCODE_CLASSES = (_DIGIT_CLASS + 2 * _UNIT_LETTER_CLASS).encode()
# `_SPELLED_HINT`, read with both classes of letter as one: three letters, one or two
# separators between each.
_ONE_LETTER_CLASS = bytes.maketrans(_UNIT_LETTER_CLASS.encode(), _LETTER_CLASS.encode())
_SPELLED_CLASSES = tuple(
    _LETTER_CLASS.join(["", _SPELLING_CLASS * gap, _SPELLING_CLASS * gap, ""]).encode()
    for gap in (1, 2)
)


def _may_hold_postcode(scan: _Scan) -> bool:
    """Whether the working copy may hold a postcode (`_POSTCODE_HINT`)."""
    if scan.same_places:
        return _POSTCODE_CLASSES in scan.ascii_classes()
    return _POSTCODE_HINT.search(scan.text) is not None


def _may_be_spelled(scan: _Scan) -> bool:
    """Whether the working copy may hold a name spelled out (`_SPELLED_HINT`)."""
    if scan.same_places:
        classes = scan.ascii_classes().translate(_ONE_LETTER_CLASS)
        one_gap, two_gaps = _SPELLED_CLASSES
        return one_gap in classes or two_gaps in classes
    return _SPELLED_HINT.search(scan.text) is not None


def _may_hold_phone(scan: _Scan) -> bool:
    """Whether the working copy may hold a phone number (`_PHONE_HINT`): a comment written
    in ASCII holds no digits but ASCII ones, and a number needs `MIN_PHONE_DIGITS` of them."""
    if scan.same_places and scan.ascii_classes().count(b"0") < MIN_PHONE_DIGITS:
        return False
    return _PHONE_HINT.search(scan.text) is not None


def _make_safe(text: str) -> str:
    """`text` with no live `@`, backticks, line markup or overrides, and one blank line at most."""
    # Each step runs only where the character its every match holds is in the text (a
    # substitution that matches nothing changes nothing).
    if "\u202d" in text or "\u202e" in text:
        text = _BIDI_OVERRIDE.sub("", text)
    if "@" in text:
        text = _AT.sub("@" + ZERO_WIDTH_SPACE, text)
    if "`" in text:
        text = _LIVE_BACKTICK.sub(r"\1\\`", text)
    if "#" in text or ">" in text:
        text = _LINE_MARKUP.sub(r"\1\\\2", text)
    if text.count("\n") >= 3:
        text = _MANY_NEWLINES.sub("\n\n", text)
    return text


def _letter_runs(text: str) -> tuple[list[int], list[int]]:
    """`text` read as runs of letters and digits with gaps between them (the first gap
    before the first run, the last after the last, either may be empty): where each run
    starts among the letters and digits (and, last, how many there are), and where each gap
    ends, its length and those before it added up. So letter `at` of run `run` is at
    `at + gap_ends[run]` in `text`."""
    plain = text.replace(_MASK, "\x00")
    if plain.isascii():
        # In ASCII, a letter or digit is what `_LETTER_RUN` reads as one: the runs and gaps
        # are each one C-level split of the text's classes, not a scan by a pattern.
        classes = plain.encode("ascii").translate(_RUN_CLASSES)
        runs = list(map(len, classes.split()))
        gaps = list(map(len, classes.translate(_SWAP_CLASSES).split()))
        if not classes.startswith(b" "):
            gaps.insert(0, 0)
        if not classes.endswith(b" "):
            gaps.append(0)
    else:
        runs = list(map(len, _LETTER_RUN.findall(text)))
        gaps = list(map(len, _LETTER_RUN.split(text)))
    return list(itertools.accumulate(runs, initial=0)), list(itertools.accumulate(gaps))


def _plain_match(
    text: str, firsts: Sequence[int], gap_ends: Sequence[int], run: int, at: int, steps: str
) -> int | None:
    """Where a match of a plain name (`_plain_steps`) ends, if one starts at its letters'
    place `at` among the comment's letters, in run `run` of them (`_letter_runs`), with no
    letter just before it: what its pattern would find there, or None.

    Only letters and digits stand in a name's pattern, and none of the gaps it allows
    between them can hold one: so its letters are the comment's next ones, and it matches
    where each gap it crosses is one allowed at that step, with no letter just after its
    last letter."""
    left = len(steps) + 1  # the name's letters still to find
    if firsts[run + 1] - at >= left and _BETWEEN_WORDS not in steps:
        # Most often, one word written as it is: its letters side by side, no gap to read.
        end = at + gap_ends[run] + left
        return None if end < len(text) and _IS_LETTER(text, end) else end
    step = 0  # the step from the last letter taken to the next
    while True:
        taken = min(left, firsts[run + 1] - at)
        # Letters side by side: no gap between them, which only a step between two words
        # (it needs a space) refuses.
        if _BETWEEN_WORDS in steps[step : step + taken - 1]:
            return None
        left -= taken
        at += taken
        step += taken - 1
        if not left:
            end = at + gap_ends[run]
            return None if end < len(text) and _IS_LETTER(text, end) else end
        gap = text[at + gap_ends[run] : at + gap_ends[run + 1]]
        if not _GAP_MATCHES[steps[step]](gap):
            return None
        step += 1
        run += 1


class Redactor:
    """Redaction for one set of names: build it once, then redact any number of comments."""

    def __init__(self, names: Iterable[str]) -> None:
        full_names, words = _name_forms(names)
        forms = full_names | words
        self._has_names = bool(forms)
        # A name can only match where its letters stand in order with nothing but markup,
        # punctuation or spaces between them: with those taken out of a comment, each name
        # (taken out the same way) is a plain substring there. So each comment is matched
        # only against the names whose letters it holds (found in one scan of its letters),
        # checked where those letters stand and the longest match taken where they overlap:
        # a large group's names are neither compiled together nor all tried on every comment,
        # and a plain name (letters and digits) has no pattern of its own compiled at all.
        self._forms_of: dict[str, list[str]] = {}  # the names with these letters
        for form in forms:
            self._forms_of.setdefault(_letters_only(form), []).append(form)
        self._always: list[str] = []  # a name of one letter and marks ("a."): always tried
        longer = []
        for letters, named in self._forms_of.items():
            if len(letters) >= 2:
                longer.append(letters)
            else:
                self._always += named
        # At each place in a comment's letters, the longest letters of a name starting there
        # (a trie, so one scan tries every name at once) ...
        self._starts = re.compile(_trie(longer)) if longer else None
        # ... and the names whose letters start there too: those are its beginnings.
        self._forms_within: dict[str, tuple[str, ...]] = {
            letters: tuple(
                form
                for end in range(2, len(letters) + 1)
                for form in self._forms_of.get(letters[:end], ())
            )
            for letters in longer
        }
        # How each name's letters may stand apart (`_plain_steps`): a plain name is matched
        # where its letters are found (`_plain_match`); None for a name with punctuation in
        # it, whose own pattern (`_name_pattern`) is read there instead.
        steps = {form: _plain_steps(form) for form in forms}
        # At each place, its names: the plain ones (by their steps), those with punctuation
        # in them that begin with a letter or digit, and the others.
        self._within: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
        for letters, within in self._forms_within.items():
            plain = tuple(step for form in within if (step := steps[form]) is not None)
            others = [form for form in within if steps[form] is None]
            self._within[letters] = (
                plain,
                tuple(form for form in others if form[0].isalnum()),
                tuple(form for form in others if not form[0].isalnum()),
            )
        self._words = frozenset(words)
        self._word_lengths = sorted({len(w) for w in words}, reverse=True)

    def redact(self, text: str) -> str:
        """`text` with mentions, links, e-mails, postcodes, phones and names as placeholders."""
        # Mentions are matched first as Discord reads them, on the text as written; every
        # other rule reads the normalised copy.
        # Every mention but a mass ping starts with "<"; a mass ping is what
        # `_MASS_PING_HINT` finds (a search, cheaper than a substitution that finds nothing).
        if "<" in text or ("@" in text and _MASS_PING_HINT.search(text) is not None):
            text = _MENTION.sub(MENTION, text)
        scan = _Scan(text)
        # Each group of rules is skipped only when the text cannot hold a match of any of
        # them (the hints are what every match needs), so skipping changes nothing.
        if _may_hold_markup(scan.text):
            scan.claim(_MASKED_LINK, LINK)
            scan.claim(_ANGLE_LINK, LINK)
            scan.claim(_TIMESTAMP, _KEEP)
            scan.claim(_CUSTOM_EMOJI, self._emoji)
            scan.claim(_PLACEHOLDER, _KEEP)
            scan.claim(_MENTION, MENTION)  # disguised ones: `＠everyone`, `@\u200beveryone`
        contacts, starts = _contacts_in(scan.text)
        if contacts:
            scan.claim_longest(contacts, starts)
        if _DIGIT_HINT.search(scan.text):
            if _may_hold_postcode(scan):
                scan.claim(_POSTCODE, POSTCODE)
            if _may_hold_phone(scan):
                scan.claim(_PHONE_CANDIDATE, _phone)
        if self._has_names:
            self._claim_names(scan)
            if _may_be_spelled(scan):
                scan.claim(_SPELLED_OUT, self._spelled_name)
        return _make_safe(scan.result())

    def _emoji(self, match: re.Match[str]) -> _Claim:
        # An emoji named after someone (:amira_wave:) names them; any other is kept as it is.
        return _whole(match, NAME if self._names_in(match["name"]) else _KEEP)

    def _names_in(self, text: str) -> bool:
        if not self._has_names:
            return False
        if any(pattern.search(text) for pattern in self._names_for(text)):
            return True
        return any(self._spelled_name(m) for m in _SPELLED_OUT.finditer(text))

    def _claim_names(self, scan: _Scan) -> None:
        """Claims the names in `scan`, as one pattern of them all (`_names_pattern`) would:
        at each place, the longest match of any name, then on after it.

        A name's letters are a plain substring of the comment's letters (`_letters_of`), so
        the places where names may start are found by one scan of those (`_starts`). There,
        each name whose letters start at that place is checked: a plain one by the gaps
        between its letters in the comment (`_plain_match`), any other by its own pattern.
        So a large group's names are neither compiled together nor all tried on every
        comment, and most are never compiled at all."""
        if self._starts is None:
            names = self._names_for(scan.text)
            if names:
                scan.claim_longest([(pattern, NAME) for pattern in names])
            return
        text = scan.text
        # A name of one letter (and marks: "a.") has no place to be looked for at: every
        # match of it, wherever it begins.
        found = [span for form in self._always for span in _every_match(_name_pattern(form), text)]
        places = self._place_starts(_letters_of(scan))
        if not places and not found:
            return
        firsts, gap_ends = _letter_runs(text)
        searched = set()
        for at, place in places:
            plain, punctuated, odd = self._within[place]
            for form in odd:
                if form not in searched:
                    # It begins with something else than a letter or digit ("(ana)"): every
                    # match of it, wherever it begins, searched once for the comment.
                    searched.add(form)
                    found += _every_match(_name_pattern(form), text)
            run = bisect.bisect_right(firsts, at) - 1
            start = at + gap_ends[run]
            if start > 0 and _IS_LETTER(text, start - 1):
                continue  # a letter before: no other name here begins with its first letter
            for steps in plain:
                if (end := _plain_match(text, firsts, gap_ends, run, at, steps)) is not None:
                    found.append((start, end))
            for form in punctuated:
                # Its match begins with its first letter, here.
                if match := _name_pattern(form).match(text, start):
                    found.append(match.span())
        # The first match, the longest there; then the first that starts after it.
        found.sort(key=lambda span: (span[0], -span[1]))
        claims = []
        done = 0
        for start, end in found:
            if start >= done:
                claims.append((start, end, NAME))
                done = end
        scan.take(claims)

    def _place_starts(self, letters: str) -> list[tuple[int, str]]:
        """Each place in `letters` where a name's letters start, with the longest such."""
        places: list[tuple[int, str]] = []
        if self._starts is not None:
            search = self._starts.search
            # One search skips to the next place, and is tried again just after it, as
            # names can overlap.
            match = search(letters)
            while match is not None:
                places.append((match.start(), match[0]))
                match = search(letters, match.start() + 1)
        return places

    def _places_in(self, text: str) -> set[str]:
        """At each place in `text`'s letters where a name's letters start, the longest such."""
        return {place for _, place in self._place_starts(_letters_only(text))}

    def _names_for(self, text: str) -> list[re.Pattern[str]]:
        """The patterns of the names `text` may hold, longest first (none: it holds none)."""
        found = set(self._always)
        for letters in self._places_in(text):
            found.update(self._forms_within[letters])
        ordered = sorted(found, key=lambda n: (-len(n), n))
        return [_name_pattern(form) for form in ordered]

    def _spelled_name(self, match: re.Match[str]) -> _Claim:
        # The letters sit one separator apart, and any run of them may spell a name word
        # ("x a m i r a"): the claim runs from the first such word to the last.
        step = 1 + len(match["sep"])
        letters = match[0][::step]
        first = last = None
        i = 0
        while i < len(letters):
            fits = (n for n in self._word_lengths if i + n <= len(letters))
            length = next((n for n in fits if letters[i : i + n] in self._words), 0)
            if length:
                first = i if first is None else first
                last = i + length - 1
            i += length or 1
        if first is None or last is None:
            return None
        return match.start() + first * step, match.start() + last * step + 1, NAME


def redact(text: str, names: Iterable[str]) -> str:
    """`text` with mentions, contacts, postcodes and `names` replaced by placeholders."""
    return Redactor(names).redact(text)

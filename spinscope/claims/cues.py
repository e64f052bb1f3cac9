"""What makes a sentence checkable, found by regex: figures, dates, names, attribution, comparison.

Why regex and not spaCy's entities: the same cues feed the model (`hand_features`) at training,
on 22,501 debate sentences, and at run time, on news, and the claim stage must not parse the
text a second time after the quote stage (the parse costs about 0.25 s an article). A name here
is a run of capitalised words that does not merely open the sentence ("Aleppo", "Rupert
Colville", "UN"); that is crude but cheap, and it is only a reason shown to a reader and one
feature among thousands.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_MONTHS = "january february march april may june july august september october november december".split()
_MONTH_ABBR = "jan feb mar apr jun jul aug sep sept oct nov dec".split()
_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTH = r"(?:" + "|".join(m.capitalize() for m in _MONTHS) + r"|(?:" + "|".join(m.capitalize() for m in _MONTH_ABBR) + r")\.?)"
_DAY = r"(?:" + "|".join(d.capitalize() for d in _DAYS) + r")"

_MONEY = re.compile(
    r"[$£€¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn|m|k)\b)?"
    r"|\b\d[\d,.]*\s?(?:million|billion|trillion)?\s?(?:dollars|euros|pounds|yuan|rubles|roubles)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\b\d[\d,.]*\s?(?:%|percent\b|per cent\b|percentage points?\b)", re.IGNORECASE)
_NUMBER = re.compile(
    r"\b\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:\s(?:million|billion|trillion))?\b"
    r"|\b\d+(?:\.\d+)?(?:\s(?:million|billion|trillion|thousand|hundred))?\b"
    r"|\b(?:hundreds|thousands|millions|billions|dozens|tens of thousands)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b")
_DATE = re.compile(
    rf"\b(?:{_MONTH}(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?,?\s\d{{4}}|{_MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?{_MONTH}(?:,?\s\d{{4}})?"
    rf"|(?i:in|since|until|by|during|from|last|next|early|late|mid-?)\s{_MONTH}(?:,?\s\d{{4}})?\b|{_DAY}"
    r"|(?i:yesterday|last (?:week|month|year|night|decade)|this (?:week|month|year)|(?:in|since|until|by|from|during) (?:1[89]\d\d|20\d\d)))\b",
)
# Word lists are looked up word by word (a set), not as regex alternations: Python's regex engine
# tries every alternative at every position, which made these the slowest part of the stage.
_ATTRIBUTION = frozenset(
    """said says told reported reports stated claimed claims announced confirmed denied estimated estimates
    warned added quoted cited testified revealed insisted alleged""".split()
)
_COMPARISON = frozenset(
    """more less fewer most least higher lower larger smaller bigger greater highest lowest largest smallest
    biggest greatest doubled tripled halved increase increased increases decrease decreased decreases rose
    risen fell fallen dropped grew grown record""".split()
)
_FIRST_PERSON = frozenset("i i'm i've i'll we we're we've we'll my our me us".split())
_FUTURE = frozenset("will would should could might must ought 'll".split())
_WORDS = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_COUNTS = frozenset("hundreds thousands millions billions dozens".split())
# Words without which _DATE cannot match: it only runs on sentences that hold a digit or one of them.
_DATE_WORDS = frozenset(_MONTHS + _DAYS + _MONTH_ABBR + ["yesterday", "last", "this"])
# A capitalised word: "Aleppo", "Al-Nusra", "al-Zenki", "McCain", "UN", "U.S.", "O'Brien"; "I" is not a name.
_CAP = r"(?:(?:[A-Z]\.){2,}|(?:al-|el-)?[A-Z][a-z]*(?:['-][A-Za-z]+)*|[A-Z]{2,}|Mc[A-Z][a-z]+)"
_NAME = re.compile(rf"(?<![\w.-]){_CAP}(?:\s(?:of|de|al|bin|van|von|for|without)\s{_CAP}|\s{_CAP})*(?:(?<=\.)|\b)")
_POSSESSIVE = re.compile(r"['’]s$")
# Words that are capitalised without naming anything: sentence openers, pronouns, months, days.
_NOT_NAMES = frozenset(
    """
    i a an the this that these those it its he she they we you his her their our my your
    but and or so if when while after before as at in on of for to by with from but yet
    mr mrs ms dr yesterday today tomorrow tonight
    """.split()
) | frozenset(_MONTHS) | frozenset(_DAYS) | frozenset(_MONTH_ABBR)

MAX_FOUND = 3  # of each kind, as reasons: a reader needs an example, not an inventory


@dataclass(frozen=True, slots=True)
class Cues:
    """The checkable things a sentence holds, as the words that show them, in text order."""

    figures: tuple[str, ...]
    percentages: tuple[str, ...]
    money: tuple[str, ...]
    dates: tuple[str, ...]
    names: tuple[str, ...]
    attribution: str | None
    comparison: str | None
    first_person: bool
    future: bool
    question: bool
    chars: int


def _names(text: str, skip: set[str]) -> tuple[str, ...]:
    """Capitalised runs, less the opener of the sentence when it stands alone ("Yesterday")."""
    out: list[str] = []
    for m in _NAME.finditer(text):
        words = m.group().split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        while words and words[-1].lower() in _NOT_NAMES:
            words = words[:-1]
        name = _POSSESSIVE.sub("", " ".join(words))
        at_start = not text[: m.start()].strip(" \"'“‘([")
        if not name or (at_start and len(words) == 1 and not words[0].isupper()) or name in skip or name in out:
            continue
        out.append(name)
    return tuple(out)


def find_cues(text: str) -> Cues:
    """The cues of one sentence."""
    words = [w.replace("’", "'") for w in _WORDS.findall(text)]
    lower = [w.lower() for w in words]
    digit = any(c.isdigit() for c in text)
    dated = digit or not _DATE_WORDS.isdisjoint(lower)
    checks = ((_MONEY, digit), (_PERCENT, digit), (_DATE, dated), (_YEAR, digit))
    found = {r: list(r.finditer(text)) if needed else [] for r, needed in checks}
    money = [m.group().strip() for m in found[_MONEY]]
    percentages = [m.group().strip() for m in found[_PERCENT]]
    dates = [m.group() for m in found[_DATE]]
    taken = [m.span() for matches in found.values() for m in matches]
    figures = [
        m.group()
        for m in (_NUMBER.finditer(text) if digit or not _COUNTS.isdisjoint(lower) else ())
        if not any(s <= m.start() < e for s, e in taken) and not (m.group().isdigit() and len(m.group()) == 1 and m.group() in "01")
    ]
    dates += [m.group() for m in found[_YEAR] if not any(d.find(m.group()) >= 0 for d in dates)]
    pairs = list(zip(lower, lower[1:] + [""]))
    attribution = next((w if w != "according" else "according to" for w, n in pairs if w in _ATTRIBUTION or (w, n) == ("according", "to")), None)
    comparison = next((w if w in _COMPARISON else f"{w} than" for w, n in pairs if w in _COMPARISON or (n == "than" and w.endswith("er"))), None)
    return Cues(
        figures=tuple(figures[:MAX_FOUND]),
        percentages=tuple(percentages[:MAX_FOUND]),
        money=tuple(money[:MAX_FOUND]),
        dates=tuple(dates[:MAX_FOUND]),
        names=_names(text, {d for d in dates})[:MAX_FOUND],
        attribution=attribution,
        comparison=comparison,
        first_person=any(w in _FIRST_PERSON and (w != "us" or words[k] == "us") for k, w in enumerate(lower)),
        future=any(w in _FUTURE or w.endswith("'ll") or (w, n) == ("going", "to") for w, n in pairs),
        question=text.rstrip(" \"'”’)").endswith("?"),
        chars=len(text),
    )


# The dense features the model reads from a sentence's cues, in this order (config.json lists them).
HAND_FEATURES: tuple[str, ...] = (
    "figure",
    "percentage",
    "money",
    "date",
    "names",
    "attribution",
    "comparison",
    "first_person",
    "future",
    "question",
    "log_chars",
)


def hand_features(c: Cues) -> list[float]:
    """`HAND_FEATURES` of one sentence: presence as 0/1, names as log(1 + n), length as log chars / 5."""
    return [
        float(bool(c.figures)),
        float(bool(c.percentages)),
        float(bool(c.money)),
        float(bool(c.dates)),
        math.log1p(len(c.names)),
        float(c.attribution is not None),
        float(c.comparison is not None),
        float(c.first_person),
        float(c.future),
        float(c.question),
        math.log1p(c.chars) / 5.0,
    ]


def _listed(kind: str, found: tuple[str, ...]) -> str:
    return f"{kind}{'s' if len(found) > 1 else ''}: {', '.join(found)}"


def reasons(c: Cues, attributed_to: str | None = None) -> list[str]:
    """Short strings a reader understands, strongest evidence of a checkable fact first."""
    out: list[str] = []
    if c.figures:
        out.append(_listed("a figure" if len(c.figures) == 1 else "figure", c.figures))
    if c.percentages:
        out.append(_listed("a percentage" if len(c.percentages) == 1 else "percentage", c.percentages))
    if c.money:
        out.append(_listed("a sum" if len(c.money) == 1 else "sum", c.money))
    if c.dates:
        out.append(_listed("a date" if len(c.dates) == 1 else "date", c.dates))
    if c.comparison:
        out.append(f"a comparison: {c.comparison}")
    if c.names:
        out.append(_listed("a name" if len(c.names) == 1 else "name", c.names))
    if attributed_to:
        out.append(f"attributed to {attributed_to}")
    elif c.attribution:
        out.append(f"an attribution: {c.attribution}")
    return out

"""What a claim's vector misses: the figures it states and the names it mentions.

Sentence vectors place "300,000 people fled" next to "200,000 people fled": same topic, another
claim. So each text also yields its numbers, normalised so that "300,000", "300 000", "300k" and
"300 thousand" are one value, and its capitalised names (people, places, organisations, hashtags
and handles split at their capitals), lower-cased, to compare across texts. Words (lower-cased,
stop words out) feed BM25.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Digits in groups of three after a comma, a space (also no-break and thin) or a dot-free run,
# an optional decimal part, then an optional scale word or letter.
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:(?:,|[ \u00a0\u202f\u2009])\d{3})+(?![\d,])|\d+)(\.\d+)?(?![\d.,]\d)"
    r"(?:\s?(thousand|million|billion|trillion)(?![a-z])|(bn|mn|[kKmMbB])(?![a-zA-Z]))?",
)
_SCALES = {"thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9, "b": 9, "trillion": 12}
_SEPARATORS = re.compile(r"[, \u00a0\u202f\u2009]")

_TAG = re.compile(r"[#@]\w+")
_CAPITALISED = re.compile(r"(?<![\w#@])[A-Z][\w.]*(?<!\.)")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_WORD = re.compile(r"[a-z0-9]+")

# Function words that start sentences or headlines capitalised, and words capitalised only by
# custom (months, days): no evidence of a shared name.
_NOT_NAMES = frozenset(
    """a an the this that these those there here it its i we you he she they his her their our my your
    in on at of for to from by with without about after before over under into as and or but if when
    while what who whom whose which where why how not no yes all any some every each more most many
    much few one two three new breaking watch video photo photos image images pic look just so than
    do does did is are was were be been has have had will would can could should may might must
    says said say says according report reports reported fact check false true fake hoax news
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr
    omg lol rt via amp""".split()
)
STOP_WORDS = _NOT_NAMES | frozenset("s t re ve ll d m".split())


@dataclass(frozen=True, slots=True)
class ClaimFeatures:
    numbers: frozenset[str]
    names: frozenset[str]
    words: tuple[str, ...]


def numbers(text: str) -> frozenset[str]:
    """Each number's value as a plain decimal string: '300,000', '300 000', '300k' and
    '300 thousand' are all '300000'; '4.50' is '4.5'; '70%' and '70 per cent' are '70'."""
    found = set()
    for match in _NUMBER.finditer(text):
        whole, fraction, word, letter = match.groups()
        scale = word or letter
        try:
            value = Decimal(_SEPARATORS.sub("", whole) + (fraction or ""))
        except InvalidOperation:
            continue
        if scale:
            value = value.scaleb(_SCALES[scale.lower()])
        found.add(_plain(value))
    return frozenset(found)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def names(text: str) -> frozenset[str]:
    """Lower-cased parts of capitalised words, hashtags and handles ('#IranUSA' gives 'iran' and
    'usa', '@realDonaldTrump' gives 'donald' and 'trump'); 'U.S.' is 'us'."""
    parts = [p.lower() for tag in _TAG.findall(text) for p in _CAMEL.findall(tag[1:])]
    parts += [token.replace(".", "").lower() for token in _CAPITALISED.findall(text)]
    return frozenset(p for p in parts if len(p) > 1 and p not in _NOT_NAMES)


def words(text: str) -> tuple[str, ...]:
    """Lower-cased words in order, stop words out (for BM25)."""
    return tuple(w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS)


def features(text: str) -> ClaimFeatures:
    return ClaimFeatures(numbers(text), names(text), words(text))

"""Why a linear model chose a technique, in words a reader can check against the text.

A hashed linear model cannot list its vocabulary, but at prediction time we still hold the
feature names of the span, so each one's pull towards the chosen technique (its weight there
minus its mean weight over all techniques) ranks the evidence.
"""

from __future__ import annotations

import zlib

import numpy as np

TOP_REASONS = 3
# Words too common to be evidence a reader would accept, even when the model leans on them.
_STOP = frozenset(
    "a an and are as at be but by for from has have he her his how i in is it its of on or our she "
    "that the their them they this to was we were what when which who will with you your".split()
)


def describe(name: str) -> str | None:
    """A feature name as a phrase; None for features that mean nothing to a reader (bias, sizes)."""
    key, _, value = name.partition("=")
    if key == "u":
        return None if value in _STOP or not value.isalpha() else f'the word "{value}"'
    if key == "bi":
        return '"' + value.replace("|", " ") + '"'
    if key in ("f", "l") and value.isalpha() and value not in _STOP:
        return f'{"starts" if key == "f" else "ends"} with "{value}"'
    if key in ("pb", "pa") and value.isalpha() and value not in _STOP:
        return f'{"after" if key == "pb" else "before"} "{value}"'
    if key == "rep" and value != "0":
        return f"the phrase recurs in the article ({value}x)"
    if key == "wrec" and value != "0":
        return "its key word recurs in the article"
    if key == "lex" and value != "0":
        return "emotive words from the lexicon"
    simple = {
        "!": "an exclamation mark",
        "?": "a question",
        "q": "quoted words",
        "qedge": "sits in quotation marks",
        "caps": "words in capitals",
        "allcapitalised": "every word capitalised",
        "title": "it is in the title",
        "multisent": "it spans sentences",
    }
    return simple.get(name)


def reasons(names: list[str], weights: np.ndarray, label_index: int, bits: int) -> str:
    """The strongest describable features pulling towards ``label_index``, joined for display."""
    mask = (1 << bits) - 1
    pulls: dict[str, float] = {}
    for name in set(names):
        phrase = describe(name)
        if phrase is None:
            continue
        row = weights[zlib.crc32(name.encode("utf-8")) & mask].astype(np.float64)
        pull = float(row[label_index] - row.mean())
        if pull > 0:
            pulls[phrase] = max(pull, pulls.get(phrase, 0.0))
    top = sorted(pulls, key=lambda p: (-pulls[p], p))[:TOP_REASONS]  # ties by phrase: set order changes with each process's hash seed
    return "; ".join(top)

"""The claims both articles make and those only one makes.

Two claims are one when ``spinscope.repeats`` would group them across a corpus: its pair score
(the cosine of their sentence vectors, less where their figures disagree, more where they name the
same names) with its ``CLAIMS`` weights, at or above its grouping threshold. So "300,000 people
fled" and "30,000 people fled" are two claims, each made by one article: the comparison shows
exactly where two outlets' facts part. Each claim pairs with one claim at most, best score first.
"""

from __future__ import annotations

import numpy as np

from spinscope.compare.model import ClaimPair, Claims
from spinscope.nlp.embed import Encoder, embed
from spinscope.repeats import CLAIMS, pair_score
from spinscope.repeats.features import features
from spinscope.repeats.groups import THRESHOLD
from spinscope.report.who import Claim


def match_claims(a: tuple[Claim, ...], b: tuple[Claim, ...], vectors_a: np.ndarray, vectors_b: np.ndarray, threshold: float = THRESHOLD) -> Claims:
    """Pairs (in ``a``'s rank order) and the claims left on each side (in rank order), given each
    claim's unit sentence vector (one row per claim, in the order given)."""
    found_a = [features(c.place.text) for c in a]
    found_b = [features(c.place.text) for c in b]
    cosines = vectors_a @ vectors_b.T if len(a) and len(b) else np.zeros((len(a), len(b)))
    scored = sorted(
        ((pair_score(float(cosines[i, j]), found_a[i], found_b[j], CLAIMS), i, j) for i in range(len(a)) for j in range(len(b))),
        key=lambda s: (-s[0], s[1], s[2]),
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score < threshold:
            break
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append(ClaimPair(a[i], b[j], round(score, 4)))
    pairs.sort(key=lambda p: (p.a.rank, p.a.place.index))
    return Claims(tuple(pairs), tuple(c for i, c in enumerate(a) if i not in used_a), tuple(c for j, c in enumerate(b) if j not in used_b))


def compare_claims(a: tuple[Claim, ...], b: tuple[Claim, ...], model: Encoder | None = None) -> Claims:
    """``match_claims`` with the claims embedded by the shared encoder (loaded only where both
    articles make a claim)."""
    if not a or not b:
        return match_claims(a, b, np.zeros((len(a), 0)), np.zeros((len(b), 0)))
    return match_claims(a, b, embed([c.place.text for c in a], model), embed([c.place.text for c in b], model))

"""SemEval-2020 Task 11 scorers that reproduce the organizers' figures.

Definitions (Da San Martino et al., EMNLP 2019) as in ../shared/data/ptc/README.md:
a span is the set of its character positions; precision sums, over every predicted/gold pair in
an article, the overlap divided by the predicted span's length, over the number of predicted
spans; recall the same with the gold length and gold count. SI merges overlapping spans first and
ignores techniques; FLC keeps spans as they are and counts a pair only when techniques agree.
TC compares one technique per gold span (micro-F1).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from spinscope.eval.formats import Labelled


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _by_article(rows: Iterable[Labelled]) -> dict[str, list[Labelled]]:
    out: dict[str, list[Labelled]] = defaultdict(list)
    for row in rows:
        out[row.article_id].append(row)
    return out


def merge_overlapping(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of character ranges; touching-but-disjoint ranges stay apart, as in the official scorer."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap_sums(pred: list[tuple[int, int, str]], gold: list[tuple[int, int, str]], match_labels: bool) -> tuple[float, float]:
    p_sum = r_sum = 0.0
    for ps, pe, pl in pred:
        for gs, ge, gl in gold:
            inter = min(pe, ge) - max(ps, gs)
            if inter > 0 and (not match_labels or pl == gl):
                p_sum += inter / (pe - ps)
                r_sum += inter / (ge - gs)
    return p_sum, r_sum


def _span_scores(gold: Iterable[Labelled], pred: Iterable[Labelled], merge: bool, match_labels: bool) -> Scores:
    gold_by, pred_by = _by_article(gold), _by_article(pred)
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for article in set(gold_by) | set(pred_by):
        g_rows, p_rows = gold_by.get(article, []), pred_by.get(article, [])
        if merge:
            g = [(s, e, "") for s, e in merge_overlapping((r.start, r.end) for r in g_rows)]
            p = [(s, e, "") for s, e in merge_overlapping((r.start, r.end) for r in p_rows)]
        else:
            g = [(r.start, r.end, r.technique or "") for r in g_rows]
            p = [(r.start, r.end, r.technique or "") for r in p_rows]
        ps, rs = _overlap_sums(p, g, match_labels)
        p_sum, r_sum = p_sum + ps, r_sum + rs
        n_pred, n_gold = n_pred + len(p), n_gold + len(g)
    precision = p_sum / n_pred if n_pred else 0.0
    recall = r_sum / n_gold if n_gold else 0.0
    return Scores(precision, recall, _f1(precision, recall), n_pred, n_gold)


def score_si(gold: Iterable[Labelled], pred: Iterable[Labelled]) -> Scores:
    return _span_scores(gold, pred, merge=True, match_labels=False)


def score_flc(gold: Iterable[Labelled], pred: Iterable[Labelled]) -> Scores:
    return _span_scores(gold, pred, merge=False, match_labels=True)


def score_tc(gold: Iterable[Labelled], pred: Iterable[Labelled]) -> Scores:
    """Micro-F1 over spans; a span with several gold techniques matches as many predictions as agree."""
    gold_labels: dict[tuple[str, int, int], Counter[str]] = defaultdict(Counter)
    pred_labels: dict[tuple[str, int, int], Counter[str]] = defaultdict(Counter)
    for row in gold:
        gold_labels[(row.article_id, row.start, row.end)][row.technique or ""] += 1
    for row in pred:
        pred_labels[(row.article_id, row.start, row.end)][row.technique or ""] += 1
    correct = sum(sum((gold_labels[key] & labels).values()) for key, labels in pred_labels.items() if key in gold_labels)
    n_pred = sum(sum(c.values()) for c in pred_labels.values())
    n_gold = sum(sum(c.values()) for c in gold_labels.values())
    precision = correct / n_pred if n_pred else 0.0
    recall = correct / n_gold if n_gold else 0.0
    return Scores(precision, recall, _f1(precision, recall), n_pred, n_gold)


def per_technique(gold: Iterable[Labelled], pred: Iterable[Labelled], techniques: Iterable[str]) -> dict[str, dict[str, float | int]]:
    """TC precision/recall/F1 for each technique (a span matches as often as gold and prediction agree)."""
    gold, pred = list(gold), list(pred)
    out: dict[str, dict[str, float | int]] = {}
    for tech in techniques:
        g = Counter((r.article_id, r.start, r.end) for r in gold if r.technique == tech)
        p = Counter((r.article_id, r.start, r.end) for r in pred if r.technique == tech)
        hits = sum((g & p).values())
        n_g, n_p = sum(g.values()), sum(p.values())
        prec, rec = (hits / n_p if n_p else 0.0), (hits / n_g if n_g else 0.0)
        out[tech] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(_f1(prec, rec), 4), "gold": n_g, "predicted": n_p}
    return out


SCORERS = {"si": score_si, "tc": score_tc, "flc": score_flc}

"""Train the actor role heads (models/roles/) on the SemEval-2025 Task 10 entity-framing training set.

    python -m spinscope.training.roles [--data ../shared/data/entity-framing] [--out models/roles]

Only the English training release is available (no dev, no test), so features and thresholds are
chosen by 5-fold cross-validation grouped by article (folds fixed by SEED): a configuration's
figures are the pooled out-of-fold predictions. The main head's configuration (which parts of
the features, C, class weights) is chosen for main-role macro-F1 (accuracy says little: 70% of
mentions are Antagonists); the fine head's (parts, C, fine_ratio) for the exact-match ratio,
given the chosen main head's out-of-fold main roles; of configurations within NEAR_BEST of the best,
the cheaper one at run time. The chosen configuration is then refitted on
every article and written with its cross-validated figures in card.json.

Each gold mention becomes the actor that the actor stage finds at its place (the same rules:
spaCy parse, mention finding, merging, labels), so training sees what run time sees; a gold mention
the rules miss becomes a one-mention actor. sklearn at training only; run time is numpy.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.actors.features import ActorContext, features
from spinscope.actors.roles import MAIN_ROLES, RoleModel, write_model

SEED = 13
FOLDS = 5
MIN_CUE_COUNT = 3
PART_CHOICES: tuple[tuple[str, ...], ...] = (
    ("first", "mean"),
    ("mean", "cues"),
    ("first", "mean", "cues"),
    ("marked", "mean"),
    ("marked", "mean", "cues"),
    ("marked", "first", "mean", "cues"),
)
C_CHOICES = (0.5, 2.0, 8.0)
WEIGHT_CHOICES: tuple[str | None, ...] = (None, "balanced")
RATIO_CHOICES = (1.0, 0.8, 0.6, 0.4)
# Differences in CV figures smaller than this are noise between configurations (685 mentions,
# 201 articles); within it the cheaper configuration is chosen.
NEAR_BEST = 0.01
VERSION = "1.0.0"


@dataclass(frozen=True)
class Example:
    """One gold mention as the heads see it: its article, the actor's context and the gold roles."""

    article: str
    context: ActorContext
    vectors: np.ndarray  # the article's sentence vectors (shared by its examples)
    marked_vector: np.ndarray  # the actor's first sentence, the mention in brackets
    main: str
    fine: frozenset[str]


def taxonomy(data: Path) -> list[tuple[str, str]]:
    """(fine role, its main role) in the taxonomy's order."""
    tree = json.loads((data / "taxonomy.json").read_text(encoding="utf-8"))
    return [(fine["name"], main["name"]) for main in tree["children"] for fine in main["children"]]


def read_examples(data: Path, log: bool = True, every: int = 1) -> list[Example]:
    """Every gold mention of the training file (of every ``every``-th article, sorted by name),
    with its actor found by the stage's own rules."""
    from spinscope.actors.features import marked
    from spinscope.actors.found import actor_of, find_actors
    from spinscope.actors.mentions import Mention
    from spinscope.document import SENTENCE, Document
    from spinscope.nlp.embed import embed
    from spinscope.nlp.spacy_doc import parse
    from spinscope.nlp.stage import SentenceStage

    rows = [json.loads(line) for line in (data / "entity-framing-en-train.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_doc.setdefault(row["doc"], []).append(row)
    out: list[Example] = []
    started = time.perf_counter()
    for n, (name, gold) in enumerate(sorted(by_doc.items())[::every], 1):
        text = (data / "documents" / name).read_text(encoding="utf-8")
        doc = SentenceStage()(Document(id=name, text=text))
        sentences = doc.spans[SENTENCE]
        starts = [s.start for s in sentences]
        parsed = parse(doc)
        actors = find_actors(parsed, starts)
        vectors = embed([s.text(doc) for s in sentences])
        found = []
        for row in gold:
            start, end = _gold_offsets(text, row)
            actor = next((a for a in actors if any(s < end and start < e for s, e in a.mentions)), None)
            if actor is None:
                piece = parsed.char_span(start, end, alignment_mode="expand")
                root = piece.root.i if piece is not None else 0
                actor = actor_of(parsed, [Mention(start, end, text[start:end], "organisation", text[start:end], root, named=True)], starts, "organisation")
            found.append((actor, row))
        spans = [(s.start, s.end) for s in sentences]
        marked_vectors = embed([marked(text, spans[a.context.sentences[0]], a.context.first) for a, _ in found])
        for (actor, row), mv in zip(found, marked_vectors):
            out.append(Example(name, actor.context, vectors, mv, row["main_role"], frozenset(row["fine_roles"])))
        if log and n % 20 == 0:
            print(f"  {n}/{len(by_doc)} articles read ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return out


def _gold_offsets(text: str, row: dict[str, Any]) -> tuple[int, int]:
    """The mention's offsets (end exclusive); the 11 released 1-2 characters too far right are
    found where the mention really is, just before."""
    start, end = int(row["start"]), int(row["end_inclusive"]) + 1
    if text[start:end] != row["mention"]:
        found = text.rfind(row["mention"], max(0, start - 3), end + 3)
        if found >= 0:
            start, end = found, found + len(row["mention"])
    return start, end


def folds(examples: list[Example]) -> np.ndarray:
    """Each example's fold: articles shuffled with SEED, then dealt round-robin into FOLDS."""
    articles = sorted({e.article for e in examples})
    random.Random(SEED).shuffle(articles)
    fold_of = {a: i % FOLDS for i, a in enumerate(articles)}
    return np.array([fold_of[e.article] for e in examples])


def vocabulary(examples: list[Example]) -> dict[str, int]:
    counts = Counter(cue for e in examples for cue in set(e.context.cues))
    kept = sorted(c for c, n in counts.items() if n >= MIN_CUE_COUNT)
    return {c: i for i, c in enumerate(kept)}


def matrix(examples: list[Example], vocab: dict[str, int], parts: tuple[str, ...]) -> np.ndarray:
    return np.stack([features(e.vectors, e.context, vocab, parts, e.marked_vector) for e in examples])


def _fit(x: np.ndarray, y: list[str], c: float, weight: str | None) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight=weight, max_iter=2000).fit(x, y)


def _fine_rows(examples: list[Example]) -> tuple[list[int], list[str]]:
    """Row indices and labels for the fine head: a mention with two fine roles counts once for each."""
    idx, labels = [], []
    for i, e in enumerate(examples):
        for role in sorted(e.fine):
            idx.append(i)
            labels.append(role)
    return idx, labels


def fine_sets(probs: np.ndarray, classes: list[str], mains: list[str], parent: dict[str, str], ratio: float) -> list[frozenset[str]]:
    """The fine roles given for each row: among the children of its main role, the best and any
    with at least ``ratio`` of its probability (as RoleModel.predict)."""
    out: list[frozenset[str]] = []
    for p, main in zip(probs, mains):
        children = [k for k, c in enumerate(classes) if parent[c] == main]
        if not children:
            out.append(frozenset())
            continue
        sub = p[children] / p[children].sum()
        top = sub.max()
        out.append(frozenset(classes[children[k]] for k in range(len(children)) if sub[k] >= ratio * top))
    return out


def main_scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {"accuracy": round(float(accuracy_score(gold, pred)), 4), "macro_f1": round(float(f1_score(gold, pred, labels=list(MAIN_ROLES), average="macro", zero_division=0)), 4)}


def fine_scores(gold: list[frozenset[str]], pred: list[frozenset[str]], roles: list[str]) -> dict[str, float]:
    """Exact-match ratio (the SemEval metric), micro- and macro-F1 over the fine roles (macro over
    the roles that occur in gold)."""
    tp, fp, fn = Counter[str](), Counter[str](), Counter[str]()
    for g, p in zip(gold, pred):
        for r in p & g:
            tp[r] += 1
        for r in p - g:
            fp[r] += 1
        for r in g - p:
            fn[r] += 1
    micro_p = sum(tp.values()) / max(1, sum(tp.values()) + sum(fp.values()))
    micro_r = sum(tp.values()) / max(1, sum(tp.values()) + sum(fn.values()))
    present = [r for r in roles if tp[r] + fn[r] > 0]
    per_role = [2 * tp[r] / max(1, 2 * tp[r] + fp[r] + fn[r]) for r in present]
    return {
        "emr": round(sum(g == p for g, p in zip(gold, pred)) / max(1, len(gold)), 4),
        "micro_f1": round(2 * micro_p * micro_r / max(1e-9, micro_p + micro_r), 4),
        "macro_f1": round(float(np.mean(per_role)) if per_role else 0.0, 4),
    }


MAIN_GRID: tuple[dict[str, Any], ...] = tuple({"parts": p, "C": c, "class_weight": w} for p, c, w in product(PART_CHOICES, C_CHOICES, WEIGHT_CHOICES))
FINE_GRID: tuple[dict[str, Any], ...] = tuple({"parts": p, "C": c} for p, c in product(PART_CHOICES, C_CHOICES))


def cross_validate(
    examples: list[Example],
    tree: list[tuple[str, str]],
    log: bool = True,
    main_grid: tuple[dict[str, Any], ...] = MAIN_GRID,
    fine_grid: tuple[dict[str, Any], ...] = FINE_GRID,
    ratios: tuple[float, ...] = RATIO_CHOICES,
) -> dict[str, Any]:
    """Choose the configuration by grouped 5-fold CV among the grids; return it with its
    out-of-fold figures and the majority baseline's (one-point grids measure one configuration)."""
    fold = folds(examples)
    parent = dict(tree)
    roles = [r for r, _ in tree]
    gold_main = [e.main for e in examples]
    gold_fine = [e.fine for e in examples]
    vocabs = [vocabulary([e for e, f in zip(examples, fold) if f != k]) for k in range(FOLDS)]
    all_parts = {tuple(g["parts"]) for g in main_grid + fine_grid}
    mats = {(parts, k): matrix(examples, vocabs[k], parts) for parts in all_parts for k in range(FOLDS)}

    def oof_main(parts: tuple[str, ...], c: float, weight: str | None) -> list[str]:
        pred = [""] * len(examples)
        for k in range(FOLDS):
            x, train = mats[(parts, k)], fold != k
            model = _fit(x[train], [g for g, t in zip(gold_main, train) if t], c, weight)
            for i, p in zip(np.flatnonzero(~train), model.predict(x[~train])):
                pred[i] = str(p)
        return pred

    def oof_fine(parts: tuple[str, ...], c: float) -> tuple[np.ndarray, list[str]]:
        probs = np.zeros((len(examples), len(roles)))
        for k in range(FOLDS):
            x, train = mats[(parts, k)], np.flatnonzero(fold != k)
            rows, labels = _fine_rows([examples[i] for i in train])
            model = _fit(x[train[rows]], labels, c, None)
            test = np.flatnonzero(fold == k)
            p = model.predict_proba(x[test])
            for j, cls in enumerate(model.classes_):
                probs[test, roles.index(str(cls))] = p[:, j]
        return probs, roles

    main_results = []
    for config in main_grid:
        parts, c, weight = tuple(config["parts"]), float(config["C"]), config["class_weight"]
        pred = oof_main(parts, c, weight)
        main_results.append(({"parts": list(parts), "C": c, "class_weight": weight}, main_scores(gold_main, pred), pred))
        if log:
            print(f"  main {'+'.join(parts):<16} C={c:<4} {str(weight):<8} {main_results[-1][1]}", file=sys.stderr)
    main_config, main_fig, main_pred = _cheapest_near_best(main_results, lambda r: (r[1]["macro_f1"], r[1]["accuracy"]))
    fine_results = []
    for config in fine_grid:
        parts, c = tuple(config["parts"]), float(config["C"])
        probs, classes = oof_fine(parts, c)
        for ratio in ratios:
            figs = fine_scores(gold_fine, fine_sets(probs, classes, main_pred, parent, ratio), roles)
            fine_results.append(({"parts": list(parts), "C": c, "fine_ratio": ratio}, figs))
            if log:
                print(f"  fine {'+'.join(parts):<16} C={c:<4} ratio={ratio} {figs}", file=sys.stderr)
    fine_config, fine_fig = _cheapest_near_best(fine_results, lambda r: (r[1]["emr"], r[1]["micro_f1"]))
    majority_main = Counter(gold_main).most_common(1)[0][0]
    majority_fine = frozenset([Counter(r for f in gold_fine for r in f if parent[r] == majority_main).most_common(1)[0][0]])
    return {
        "main": {**main_config, **main_fig},
        "fine": {**fine_config, **fine_fig},
        "majority": {
            "main_role": majority_main,
            "fine_roles": sorted(majority_fine),
            **main_scores(gold_main, [majority_main] * len(examples)),
            **{f"fine_{k}": v for k, v in fine_scores(gold_fine, [majority_fine] * len(examples), roles).items()},
        },
        "examples": len(examples),
        "articles": len({e.article for e in examples}),
    }


def _cheapest_near_best(results: list[Any], score: Any) -> Any:
    """Of the results whose score is within NEAR_BEST of the best, the cheapest at run time (no
    "marked" part: it costs the encoder one more text per actor), then the best scoring."""
    best = max(score(r)[0] for r in results)
    near = [r for r in results if score(r)[0] >= best - NEAR_BEST]
    return max(near, key=lambda r: ("marked" not in r[0]["parts"], score(r)))


def fit_final(examples: list[Example], tree: list[tuple[str, str]], chosen: dict[str, Any]) -> RoleModel:
    """Both heads refitted on every example with the chosen configuration; one feature layout
    (the union of the parts the two heads chose; a head's unused part gets zero weights)."""
    parts = tuple(p for p in ("marked", "first", "mean", "cues") if p in chosen["main"]["parts"] or p in chosen["fine"]["parts"])
    vocab = vocabulary(examples) if "cues" in parts else {}
    x = matrix(examples, vocab, parts)
    roles = [r for r, _ in tree]

    def head(own: list[str], y: list[str], rows: list[int], c: float, weight: str | None, classes: list[str]) -> tuple[np.ndarray, np.ndarray]:
        mask = _part_mask(parts, own, len(vocab))
        model = _fit(x[rows][:, mask], y, c, weight)
        w = np.zeros((len(classes), x.shape[1]), dtype=np.float32)
        b = np.full(len(classes), -30.0, dtype=np.float32)  # a role never seen in training is never given
        for j, cls in enumerate(model.classes_):
            w[classes.index(str(cls)), mask] = model.coef_[j]
            b[classes.index(str(cls))] = model.intercept_[j]
        return w, b

    main_w, main_b = head(chosen["main"]["parts"], [e.main for e in examples], list(range(len(examples))), chosen["main"]["C"], chosen["main"]["class_weight"], list(MAIN_ROLES))
    rows, labels = _fine_rows(examples)
    fine_w, fine_b = head(chosen["fine"]["parts"], labels, rows, chosen["fine"]["C"], None, roles)
    return RoleModel(
        parts=parts,
        vocabulary=vocab,
        main_roles=MAIN_ROLES,
        fine_roles=tuple(roles),
        fine_parent=tuple(p for _, p in tree),
        main_w=main_w,
        main_b=main_b,
        fine_w=fine_w,
        fine_b=fine_b,
        fine_ratio=float(chosen["fine"]["fine_ratio"]),
        version=VERSION,
    )


def _part_mask(parts: tuple[str, ...], own: list[str], n_cues: int) -> np.ndarray:
    """Which columns of the joint layout belong to the parts a head uses."""
    sizes = {"marked": 384, "first": 384, "mean": 384, "cues": n_cues}
    return np.concatenate([np.full(sizes[p], p in own) for p in parts])


def write_card(out: Path, data: Path, figures: dict[str, Any], digest: str) -> None:
    from spinscope.nlp.spacy_doc import tree_sha256
    from spinscope.techniques.model_files import file_sha256

    card = {
        "name": "actor-roles",
        "version": VERSION,
        "task": "SemEval-2025 Task 10 subtask 1 (entity framing), English: main role and fine roles of an actor",
        "training_data": {
            "source": "entity-framing-en-train.jsonl and documents/ (SemEval-2025 Task 10 English training release)",
            "jsonl_sha256": file_sha256(data / "entity-framing-en-train.jsonl"),
            "documents_sha256": tree_sha256(data / "documents"),
            "articles": figures["articles"],
            "mentions": figures["examples"],
        },
        "encoder": "models/sentence (all-MiniLM-L6-v2 int8, spinscope.nlp.embed)",
        "validation": f"{FOLDS}-fold cross-validation grouped by article (seed {SEED}); no dev set here, so every figure is a CV figure, and the configuration was chosen on the same folds (slightly optimistic)",
        "chosen": {"main": {k: figures["main"][k] for k in ("parts", "C", "class_weight")}, "fine": {k: figures["fine"][k] for k in ("parts", "C", "fine_ratio")}},
        "metrics": {
            "main_accuracy": figures["main"]["accuracy"],
            "main_macro_f1": figures["main"]["macro_f1"],
            "fine_emr": figures["fine"]["emr"],
            "fine_micro_f1": figures["fine"]["micro_f1"],
            "fine_macro_f1": figures["fine"]["macro_f1"],
        },
        "majority_baseline": figures["majority"],
        "model_sha256": digest,
        "command": "python -m spinscope.training.roles --data ../shared/data/entity-framing --out models/roles",
    }
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    m, f, b = figures["main"], figures["fine"], figures["majority"]
    (out / "README.md").write_text(
        f"""# actor-roles {VERSION}

Two logistic-regression heads (numpy at run time) that give each actor of the `actor` stage a main
role (Protagonist, Antagonist, Innocent) and fine roles of the SemEval-2025 Task 10 entity-framing
taxonomy. Input: the shared sentence encoder's vectors of the sentences the actor is named in
(`spinscope/actors/features.py`) and, where chosen, lexical cues.

Trained on the English training release (the only part here: {figures['articles']} articles,
{figures['examples']} mentions). **Every figure is a {FOLDS}-fold cross-validation figure, grouped by
article** (seed {SEED}), and the configuration was chosen on those same folds, so they are a little
optimistic; there is no dev set to check them on.

| | main accuracy | main macro-F1 | fine EMR | fine micro-F1 | fine macro-F1 |
|---|---|---|---|---|---|
| these heads | {m['accuracy']} | {m['macro_f1']} | {f['emr']} | {f['micro_f1']} | {f['macro_f1']} |
| majority ({b['main_role']} / {', '.join(b['fine_roles'])}) | {b['accuracy']} | {b['macro_f1']} | {b['fine_emr']} | {b['fine_micro_f1']} | {b['fine_macro_f1']} |

Chosen: main head {'+'.join(m['parts'])}, C={m['C']}, class weights {m['class_weight']}; fine head
{'+'.join(f['parts'])}, C={f['C']}, {'only the best fine role' if f['fine_ratio'] >= 1 else f"also any fine role within {f['fine_ratio']} of the best's probability"}
(one fine role scores the exact match best: only 60 of 685 mentions have two).

Reproduce (about 10 minutes on 2 cores shared with other jobs, most of it spaCy and the encoder
reading the articles; `--cache FILE` keeps what they read for another run):

    python -m spinscope.training.roles --data ../shared/data/entity-framing --out models/roles

The data has no stated licence (research use); it stays out of the repository.
""",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spinscope.training.roles", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/entity-framing"))
    parser.add_argument("--out", type=Path, default=Path("models/roles"))
    parser.add_argument("--cv-only", action="store_true", help="print the cross-validated figures; write nothing")
    parser.add_argument("--cache", type=Path, help="keep the read examples in this pickle and reuse them (the parse and encoder take minutes)")
    args = parser.parse_args(argv)
    tree = taxonomy(args.data)
    if args.cache and args.cache.is_file():
        examples = pickle.loads(args.cache.read_bytes())
    else:
        examples = read_examples(args.data)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(examples))
    figures = cross_validate(examples, tree)
    print(json.dumps({k: figures[k] for k in ("main", "fine", "majority")}, indent=1))
    if args.cv_only:
        return 0
    model = fit_final(examples, tree, figures)
    digest = write_model(args.out, model)
    write_card(args.out, args.data, figures, digest)
    print(f"wrote {args.out} ({digest[:12]}...)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

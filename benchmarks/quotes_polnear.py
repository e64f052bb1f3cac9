#!/usr/bin/env python
"""Quotes and speakers on PolNeAR, scored as GenderGapTracker scores its quote extractor.

GenderGapTracker (nlp/english/evaluation/src/evaluate_quotes.py) walks the gold quotes in order
and takes, for each, the remaining predicted quote that covers the largest share of its
characters, when that share is above the threshold (0.3, 0.8); each predicted quote matches
once. Precision = matched / predicted, recall = matched / gold. Speaker match = share of the
matched quotes whose predicted speaker span overlaps the gold source span (or, for a gold quote
with no source, whose prediction has no speaker). Its published figures, on its own 98 Canadian
articles: quote F1 0.837 (0.3) and 0.761 (0.8), speaker match 0.865 (0.3).

PolNeAR annotates every attribution, beliefs and paraphrases too, as content / source / cue
fragments; a quote's characters are the union of its content fragments (a quote split around its
cue is one quote). Two protocols are printed:

* ``quoted``: gold = direct and mixed attributions (content holding two or more double quote
  marks: the PolNeAR build's ``kind`` rule, with two apostrophes ('') counted as a mark too, as the
  New York Times texts write them, where the build's ``kind`` calls those quotes indirect),
  predicted = direct and mixed quotes; the closest to what GenderGapTracker annotates;
* ``all``: gold = every attribution with content, predicted = every quote (indirect too).

Also, for matched quotes: the cue verb right (exact cue text), and pronoun resolution: for gold
quotes whose source is a pronoun and whose predicted speaker overlaps it, whether the resolved
name agrees with the nearest earlier gold attribution that has a named source (a silver
antecedent: PolNeAR has no coreference). And the stage's time per article: the median of
``--runs`` passes over the articles (spaCy loaded before timing); with ``--pipeline``, the whole
default analysis (sentence + technique, the default detector) with and without the quote stage.

    .venv/bin/python benchmarks/quotes_polnear.py [--split dev] [--stride K] [--limit N] [--runs 3] [--json]

Dev is the split for figures; train is for development (``--split train --stride 6``).

Measured (dev, all 84 articles, 2 busy cores, `--split dev --runs 3`): quoted P 0.913 R 0.896
F1 0.905 at 0.3 and P 0.817 R 0.802 F1 0.810 at 0.8, speaker match 0.846 / 0.883; all
attributions F1 0.654 / 0.584 (recall 0.51: PolNeAR's paraphrases and beliefs with nominal cues),
speaker 0.877 / 0.905. The quote stage took 0.25 s per article (4,900 characters; 0.24 to 0.36 s
over runs on a loaded machine); with `--stride 4 --runs 3 --pipeline` it added 0.25 s to the whole
default analysis (0.96 s then, on a machine busy with other work; 0.32 s on a quieter run), so
the stage is opt-in.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("SPINSCOPE_SHARED", REPO.parent / "shared"))
if not SHARED.is_dir() and Path("/work/shared").is_dir():
    SHARED = Path("/work/shared")
POLNEAR = SHARED / "data" / "polnear"
THRESHOLDS = (0.3, 0.8)
QUOTED_KINDS = ("direct", "mixed")


@dataclass
class Quote:
    chars: frozenset[int]
    speaker: frozenset[int]  # empty: no speaker
    cue: str = ""
    kind: str = ""
    source_type: str = ""
    name: str | None = None
    start: int = 0


def _chars(fragments: list[dict[str, Any]]) -> frozenset[int]:
    return frozenset(i for f in fragments for i in range(int(f["start"]), int(f["end"])))


def gold_quotes(article: dict[str, Any]) -> list[Quote]:
    out = []
    for a in article["attributions"]:
        if not a["content"]:
            continue
        cue = " ".join(c["text"] for c in a["cue"])
        content = " ".join(c["text"] for c in a["content"])
        marks = sum(content.count(m) for m in ('"', "“", "”")) + content.count("''")
        kind = a["kind"] if a["kind"] != "indirect" or marks < 2 else "mixed"
        out.append(Quote(_chars(a["content"]), _chars(a["source"]), cue.lower().strip(), kind, a["source_type"],
                         " ".join(s["text"] for s in a["source"]) or None, min(int(f["start"]) for f in a["content"])))  # fmt: skip
    return sorted(out, key=lambda q: q.start)


def predicted_quotes(analysis_spans: tuple[Any, ...]) -> list[Quote]:
    out = []
    for span in analysis_spans:
        a = span.attributes
        fragments = a.get("fragments") or [{"start": span.start, "end": span.end}]
        speaker = a.get("speaker")
        cue = a.get("cue")
        out.append(Quote(_chars(fragments), _chars([speaker]) if speaker else frozenset(), (cue or {}).get("text", "").lower(), a["kind"],
                         name=a.get("speaker_name"), start=span.start))  # fmt: skip
    return out


@dataclass
class Tally:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker: int = 0
    cue: int = 0
    pronoun_cases: int = 0
    pronoun_agree: int = 0
    pairs: list[tuple[Quote, Quote]] = field(default_factory=list)

    def figures(self) -> dict[str, float | int]:
        p = self.matched / self.predicted if self.predicted else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        m = self.matched or 1
        return {"gold": self.gold, "predicted": self.predicted, "matched": self.matched, "precision": round(p, 3), "recall": round(r, 3),
                "f1": round(f, 3), "speaker_match": round(self.speaker / m, 3), "cue_match": round(self.cue / m, 3),
                "pronoun_cases": self.pronoun_cases,
                "pronoun_resolution_silver": round(self.pronoun_agree / self.pronoun_cases, 3) if self.pronoun_cases else 0.0}  # fmt: skip


def _surname(name: str | None) -> str:
    words = [w for w in (name or "").replace("’s", "").replace("'s", "").split() if w[:1].isupper()]
    return words[-1].lower() if words else ""


def score(gold: list[Quote], pred: list[Quote], threshold: float, tally: Tally) -> None:
    """GenderGapTracker's greedy matching, gold as the reference."""
    tally.gold += len(gold)
    tally.predicted += len(pred)
    remaining = list(pred)
    for g in gold:
        best, best_share = None, 0.0
        for p in remaining:
            share = len(g.chars & p.chars) / len(g.chars)
            if share > threshold and share > best_share:
                best, best_share = p, share
        if best is None:
            continue
        remaining.remove(best)
        tally.matched += 1
        if (g.speaker and g.speaker & best.speaker) or (not g.speaker and not best.speaker):
            tally.speaker += 1
        if g.cue and g.cue == best.cue:
            tally.cue += 1
        if g.source_type == "pronoun" and g.speaker & best.speaker:
            antecedent = next((q for q in reversed(gold) if q.start < g.start and q.source_type == "mention" and _surname(q.name)), None)
            if antecedent is not None:
                tally.pronoun_cases += 1
                tally.pronoun_agree += int(_surname(antecedent.name) == _surname(best.name))


def load(split: str, limit: int | None, stride: int = 1) -> list[dict[str, Any]]:
    path = POLNEAR / f"polnear-{split}.jsonl"
    if not path.is_file():
        raise SystemExit(f"PolNeAR is not at {path}; set SPINSCOPE_SHARED to the folder that holds data/polnear/")
    with path.open(encoding="utf-8") as f:
        articles = [json.loads(line) for line in f]
    articles = articles[:: max(1, stride)]  # the files are sorted by outlet: a stride samples all of them
    return articles[:limit] if limit else articles


def evaluate(articles: list[dict[str, Any]], runs: int = 1) -> dict[str, Any]:
    from spinscope.document import Document
    from spinscope.nlp.spacy_doc import load_model
    from spinscope.quotes.stage import QuoteStage

    load_model()
    stage = QuoteStage()
    docs = [Document(id=a["id"], text=a["text"]) for a in articles]
    times: list[float] = []
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        analysed = [stage(d) for d in docs]
        times.append((time.perf_counter() - t0) / len(docs))
    out: dict[str, Any] = {"articles": len(articles), "seconds_per_article": round(statistics.median(times), 4),
                           "chars_per_article": round(statistics.mean(len(d.text) for d in docs))}  # fmt: skip
    for protocol in ("quoted", "all"):
        for threshold in THRESHOLDS:
            tally = Tally()
            for article, doc in zip(articles, analysed):
                gold = gold_quotes(article)
                pred = predicted_quotes(doc.spans["quote"])
                if protocol == "quoted":
                    gold = [q for q in gold if q.kind in QUOTED_KINDS]
                    pred = [q for q in pred if q.kind in QUOTED_KINDS]
                score(gold, pred, threshold, tally)
            out[f"{protocol}@{threshold}"] = tally.figures()
    return out


def pipeline_times(articles: list[dict[str, Any]], runs: int) -> dict[str, float]:
    """Median seconds per article of the techniques-only analysis (`--no-who`), and of the same with
    the quote stage, over ``runs`` passes (models loaded before timing), in this one process."""
    import spinscope
    from spinscope.document import Document
    from spinscope.pipeline.options import TECHNIQUES_ONLY

    docs = [Document(id=a["id"], text=a["text"]) for a in articles]
    variants = (("techniques_only", TECHNIQUES_ONLY), ("with_quotes", ("sentence", "quote", *TECHNIQUES_ONLY[1:])))
    times: dict[str, list[float]] = {name: [] for name, _ in variants}
    for _, stages in variants:
        spinscope.analyze(docs[0], stages=stages)
    # the two alternate, pass by pass, so that a busy machine slows both alike
    for _ in range(max(1, runs)):
        for name, stages in variants:
            t0 = time.perf_counter()
            for d in docs:
                spinscope.analyze(d, stages=stages)
            times[name].append((time.perf_counter() - t0) / len(docs))
    added = [w - d for d, w in zip(times["techniques_only"], times["with_quotes"])]
    return {**{name: round(statistics.median(t), 4) for name, t in times.items()}, "added": round(statistics.median(added), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--stride", type=int, default=1, help="every Nth article only (before --limit)")
    parser.add_argument("--runs", type=int, default=1, help="passes to time (the median is printed)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--pipeline", action="store_true", help="also time the whole default analysis with and without the quote stage")
    args = parser.parse_args()
    articles = load(args.split, args.limit, args.stride)
    result = {"split": args.split, **evaluate(articles, args.runs)}
    if args.pipeline:
        result["pipeline_seconds_per_article"] = pipeline_times(articles, args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"PolNeAR {args.split}: {result['articles']} articles, {result['chars_per_article']} characters on average; "
          f"quote stage {result['seconds_per_article']:.3f} s per article (median of {args.runs})")  # fmt: skip
    if args.pipeline:
        t = result["pipeline_seconds_per_article"]
        print(f"whole analysis per article (median of {args.runs}): techniques only {t['techniques_only']:.3f} s, with quotes {t['with_quotes']:.3f} s, added {t['added']:.3f} s")
    for key, f in result.items():
        if "@" in key:
            print(f"{key:12} P {f['precision']:.3f} R {f['recall']:.3f} F1 {f['f1']:.3f}  speaker {f['speaker_match']:.3f}  cue {f['cue_match']:.3f}  "
                  f"(gold {f['gold']}, predicted {f['predicted']}, matched {f['matched']}; pronoun→name silver {f['pronoun_resolution_silver']:.3f} of {f['pronoun_cases']})")  # fmt: skip


if __name__ == "__main__":
    main()

"""Real corpus stores for the outlet, plot and corpus page tests.

Articles go in through ``spinscope corpus add`` (the baseline detector, so a store takes seconds),
from a hand-written JSONL with outlets and dates, one of them undated and one outlet named with
markup; analyses carrying every who-says-what group (tests/who_fixture.py) go in through
``Store.save``, as the web app saves, each under an outlet and date of its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.document import TECHNIQUE, Analysis, Component, Document, Span
from spinscope.store import Store
from tests.who_fixture import who_analysis

HOSTILE = "<script>alert('outlet')</script>"
ARTICLES = [
    {"id": "p1", "title": "Regime", "outlet": "Daily Planet", "published": "2019-03-05",
     "text": "The corrupt and shameless regime is a disaster. Everyone knows this terrible gang of thugs must go. They are destroying our beautiful country."},
    {"id": "p2", "title": "Budget", "outlet": "Daily Planet", "published": "2019-04-10",
     "text": "Officials met on Tuesday to discuss the budget. The meeting lasted two hours and ended without agreement."},
    {"id": "p3", "title": "Attack", "outlet": HOSTILE, "published": "March 7, 2019",
     "text": "A brutal, evil attack by cowards left the city in shock. Never again! Stop the madness now."},
    {"id": "p4", "title": "Park", "outlet": "Daily Planet",
     "text": "An undated piece with no date at all. The weather was mild and people walked in the park."},
]  # fmt: skip
WHO = (("Globe", "2019-03-05"), ("Globe", "2019-04-01"))  # outlet and date of each who-says-what analysis
PLAIN = "Plain Post"  # an outlet whose one analysis ran the technique stage alone: its voice and sources were not measured


def corpus_add(db: Path, articles: list[dict[str, Any]] = ARTICLES) -> None:
    """``spinscope corpus add`` of ``articles`` (a JSONL written beside ``db``) with the baseline detector."""
    source = db.with_suffix(".jsonl")
    source.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    result = CliRunner().invoke(app, ["corpus", "add", str(source), "--db", str(db), "--detector", "baseline"])
    assert result.exit_code == 0, result.output


def who(outlet: str, published: str | None, n: int) -> dict[str, Any]:
    """The fixture's analysis under ``outlet`` and ``published``; its text gains ``n`` trailing
    spaces (every span's offsets hold) so that each is a document of its own."""
    analysis = who_analysis()
    analysis["document"] = {**analysis["document"], "id": f"who{n}", "outlet": outlet, "published": published,
                            "text": analysis["document"]["text"] + " " * n}  # fmt: skip
    return analysis


def save_who(db: Path, placed: tuple[tuple[str, str | None], ...] = WHO) -> list[int]:
    with Store(db) as store:
        return [store.save(who(outlet, published, n)) for n, (outlet, published) in enumerate(placed, start=1)]


def plain(text: str = "The shameless regime lies. Officials met on Tuesday.") -> dict[str, Any]:
    """An analysis by the technique stage alone (no quote, source, actor, voice or claim stage),
    whatever stages ``corpus add`` runs by default: 2 spans in 8 words."""
    doc = Document(id="plain", text=text, title="Plain", outlet=PLAIN, published="2019-03-20")
    doc = doc.with_spans(TECHNIQUE, [Span(4, 13, "Loaded_Language", 0.8), Span(14, 26, "Name_Calling,Labeling", 0.6)])
    return Analysis(doc, {"sentence": {"words": 8}}, (Component("technique", "hand", "1"),), {"stages": ["sentence", "technique"]}).to_dict()


def full_store(db: Path) -> Path:
    """Baseline articles of two outlets (one undated), two who-says-what analyses of a third and
    one technique-only analysis of a fourth."""
    corpus_add(db)
    save_who(db)
    with Store(db) as store:
        store.save(plain())
    return db

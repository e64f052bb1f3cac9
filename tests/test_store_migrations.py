"""Schema version 3 (the corpus tables) on real SQLite files: a version-2 store migrates in place."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from spinscope.document import QUOTE, SENTENCE, TECHNIQUE, Analysis, Component, Document, Relation, Span, SpanRef
from spinscope.store import Store, schema
from spinscope.store.rows import pipeline_sha256, published_date, text_sha256
from tests.store_v2 import write_v2_store

TEXT = 'Minister Jones said: "The traitors will pay." Only we can save the nation!'


def make_analysis(n: int = 0, text: str = TEXT, published: str | None = "2019-03-01", outlet: str | None = "Daily") -> dict[str, Any]:
    quote = Span(20, 44, "direct", None, {"kind": "direct", "speaker_name": "Minister Jones"}, id="q1")
    source = Span(0, 14, "official", None, {"name": "Minister Jones", "named": True}, id="s1")
    doc = (
        Document(id=f"doc{n}", text=text, title=f"Title {n}", outlet=outlet, published=published, source=f"in/{n}.txt")
        .with_spans(SENTENCE, [Span(0, 45, "sentence"), Span(46, len(text), "sentence")])
        .with_spans(TECHNIQUE, [Span(26, 34, "Name_Calling,Labeling", 0.9, {"voice": "quoted"}), Span(46, len(text), "Flag-Waving", 0.6)])
        .with_spans(QUOTE, [quote])
        .with_spans("source", [source])
        .with_relations([Relation("statement", SpanRef("source", "s1"), SpanRef(QUOTE, "q1"))])
    )
    components = (Component("sentence", "regex-sentences", "0.1.0"), Component("technique", "hand", "1", "abc"))
    return Analysis(document=doc, summary={"technique": {"spans": 2}}, components=components, options={"stages": ["sentence", "technique"]}).to_dict()


def schema_1_0(n: int) -> dict[str, Any]:
    """An analysis as spinscope wrote it before schema 2.0 (one flat summary, a detector block)."""
    return {
        "schema_version": "1.0",
        "document": {"id": f"old{n}", "text": f"Old article {n}: the corrupt council lied.", "title": None, "source": "old"},
        "spans": {"technique": [{"start": 19, "end": 26, "label": "Loaded_Language", "score": 0.7, "attributes": {}}]},
        "summary": {"sentences": 1, "words": 6},
        "detector": {"name": "baseline", "version": "0.9", "path": "/home/x/models"},
    }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "spinscope.db"


def spans_of(db: Path, analysis_id: int) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT span_group, span_id, label, start_char, end_char, score, text, attributes FROM spans WHERE analysis_id = ? ORDER BY span_group, start_char, end_char, label",
        (analysis_id,),
    ).fetchall()
    conn.close()
    return rows


def expected_spans(analysis: dict[str, Any]) -> list[tuple[Any, ...]]:
    text = analysis["document"]["text"]
    rows = [
        (group, s.get("id"), s["label"], s["start"], s["end"], s.get("score"), text[s["start"] : s["end"]], json.dumps(s.get("attributes") or {}, sort_keys=True))
        for group, spans in analysis["spans"].items() for s in spans
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (r[0], r[3], r[4], r[2]))


def test_store_migrations_v2_store_migrates_with_every_analysis_readable_and_its_spans_in_the_new_table(db: Path) -> None:
    analyses = [make_analysis(n) for n in range(3)] + [make_analysis(3, text=TEXT + " Again.")] + [schema_1_0(0)]
    ids = write_v2_store(db, analyses)
    with Store(db) as store:
        for analysis_id, analysis in zip(ids, analyses):
            stored = store.get(analysis_id)
            assert stored is not None and stored["document"]["id"] == analysis["document"]["id"]
            if analysis["schema_version"] != "1.0":
                assert stored == analysis
                assert [r[:7] for r in spans_of(db, analysis_id)] == [r[:7] for r in expected_spans(analysis)]
        assert [r.id for r in store.recent().rows] == ids[::-1]
        assert store.integrity_check() == "ok"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST == 5
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'technique_spans'").fetchone()[0] == 0
    # three analyses of one text are one document; the 1.0 analysis is upgraded and linked too
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    assert conn.execute("SELECT count(*) FROM analyses WHERE document IS NULL OR pipeline IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT label, text FROM spans WHERE analysis_id = ?", (ids[4],)).fetchall() == [("Loaded_Language", "corrupt")]
    assert conn.execute("SELECT published, published_date, outlet FROM documents WHERE text_sha256 = ?", (text_sha256(TEXT),)).fetchone() == (
        "2019-03-01", "2019-03-01", "Daily")  # fmt: skip
    assert conn.execute("SELECT label, head_group, head_id, tail_group, tail_id FROM relations WHERE analysis_id = ?", (ids[0],)).fetchall() == [
        ("statement", "source", "s1", "quote", "q1")]  # fmt: skip
    sha = pipeline_sha256(analyses[0]["components"], analyses[0]["options"])
    components = conn.execute(
        "SELECT c.stage, c.name, c.version, c.model_sha256 FROM pipelines p JOIN pipeline_components pc ON pc.pipeline_id = p.id "
        "JOIN components c ON c.id = pc.component_id WHERE p.sha256 = ? ORDER BY pc.position",
        (sha,),
    ).fetchall()
    assert components == [("sentence", "regex-sentences", "0.1.0", None), ("technique", "hand", "1", "abc")]
    # the full-text index covers the text and the quotes of the migrated rows
    assert conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'corrupt'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM spans_fts WHERE spans_fts MATCH 'traitors'").fetchone()[0] == 4
    conn.close()


def test_store_migrations_a_row_of_unreadable_json_does_not_block_the_migration(db: Path) -> None:
    ids = write_v2_store(db, [make_analysis(0), make_analysis(1)])
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE analyses SET analysis_json = '{not json' WHERE id = ?", (ids[1],))
    conn.close()
    with Store(db) as store:
        assert store.get(ids[0]) == make_analysis(0)
        assert store.integrity_check() == "ok"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT id FROM analyses WHERE document IS NULL").fetchall() == [(ids[1],)]
    conn.close()


def test_store_migrations_version_3_saves_fill_every_table(db: Path) -> None:
    with Store(db) as store:
        first = store.save(make_analysis(0))
        store.save(make_analysis(1))  # same text: a second analysis of the same document
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert conn.execute("SELECT count(DISTINCT document), count(DISTINCT pipeline), count(*) FROM analyses").fetchone() == (1, 1, 2)
    assert [r[:7] for r in spans_of(db, first)] == [r[:7] for r in expected_spans(make_analysis(0))]
    assert conn.execute("SELECT count(*) FROM components").fetchone()[0] == 2
    conn.close()


def test_store_migrations_metadata_a_document_lacked_is_filled_never_overwritten(db: Path) -> None:
    with Store(db) as store:
        store.save(make_analysis(0, published=None, outlet=None))
        store.save(make_analysis(1, published="2020-01-02", outlet="First"))
        store.save(make_analysis(2, published="2021-05-05", outlet="Second"))
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT outlet, published, published_date FROM documents").fetchall() == [("First", "2020-01-02", "2020-01-02")]
    conn.close()


@pytest.mark.parametrize(
    "given,expected",
    [
        ("2019-03-01", "2019-03-01"),
        ("2019-03-01T23:30:00+05:00", "2019-03-01"),  # the date as written, no shift to UTC
        ("2019-03-01T10:00:00Z", "2019-03-01"),
        ("Fri, 01 Mar 2019 10:00:00 GMT", "2019-03-01"),
        ("March 1, 2019", "2019-03-01"),
        ("1 Mar 2019", "2019-03-01"),
        ("01/03/2019", None),  # day or month first: not guessed
        ("yesterday", None),
        ("", None),
        (None, None),
        ("9" * 500, None),
    ],
)
def test_store_migrations_published_date_reads_only_unambiguous_dates(given: str | None, expected: str | None) -> None:
    assert published_date(given) == expected

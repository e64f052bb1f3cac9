"""The profile tables (spinscope.store.profile_tables): each document's latest analysis, counted
when it is stored, and filled by the version-5 migration for a store written before it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from spinscope.corpus.profiles import actor_framings, first_framings
from spinscope.store import Store
from spinscope.store import schema
from spinscope.store.profile_tables import latest_counts
from spinscope.store.rows import link_analysis
from tests.outlets_store import full_store, plain, who


def test_profile_tables_count_techniques_by_voice_sources_by_name_and_actors() -> None:
    analysis = who("Globe", "2019-03-05", 1)
    counts = latest_counts(analysis)
    spans = analysis["spans"]
    assert sum(n for _, _, n in counts.techniques) == len(spans["technique"])
    assert {voice for _, voice, _ in counts.techniques} <= {"author", "quoted"}
    assert sum(n for _, n in counts.sources) == len(spans["source"])
    assert [name for name, *_ in counts.actors] == [s["attributes"]["name"] for s in spans["actor"]]
    assert {"voice", "source", "actor"} <= counts.stages


def test_profile_tables_skip_what_a_hand_edited_analysis_garbles() -> None:
    analysis: dict[str, Any] = plain()
    analysis["spans"]["actor"] = [{"start": 0, "end": 3, "label": "Antagonist", "attributes": {"name": None, "role": "oops", "labels": [1, " ", "the regime"]}}]
    analysis["spans"]["technique"][0]["attributes"] = "not an object"
    counts = latest_counts(analysis)
    assert counts.actors == (("?", "Antagonist", (), ("the regime",)),)
    assert [(label, voice) for label, voice, _ in counts.techniques] == [("Loaded_Language", None), ("Name_Calling,Labeling", None)]
    assert "voice" not in counts.stages


def test_profile_tables_a_newer_analysis_of_a_document_replaces_its_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "corpus.db") as store:
        store.save(who("Globe", "2019-03-05", 1))
        first = store.profile_rows()
        newer = who("Globe", "2019-03-05", 1)
        newer["spans"]["technique"] = newer["spans"]["technique"][:2]
        newer["options"] = {**newer["options"], "run": "again"}  # another pipeline: a second analysis of the same text
        second_id = store.save(newer)
        rows = store.profile_rows()
    assert len(first.documents) == 1 and len(rows.documents) == 1
    assert rows.documents[0].analysis_id == second_id
    assert sum(t.spans for t in rows.techniques) == 2 < sum(t.spans for t in first.techniques)
    assert {s.analysis_id for s in rows.sources} == {a.analysis_id for a in rows.actors} == {second_id}


def test_profile_tables_a_version_4_store_reads_the_same_rows_once_migrated(tmp_path: Path) -> None:
    """Written by the version-4 schema (no profile tables), then opened: the migration counts each
    document's latest analysis as a store written today holds it."""
    today = full_store(tmp_path / "today.db")
    with Store(today) as store:
        expected = store.profile_rows()
        payloads = [row[0] for row in store._writer.execute("SELECT analysis_json FROM analyses ORDER BY id")]
    old = tmp_path / "v4.db"
    conn = sqlite3.connect(old, isolation_level=None)
    for steps in schema.MIGRATIONS[:4]:
        for step in steps:
            conn.execute(step) if isinstance(step, str) else step(conn)
    conn.execute("PRAGMA user_version = 4")
    for payload in payloads:
        analysis = json.loads(payload)
        analysis_id = conn.execute(
            "INSERT INTO analyses (created, document_id, detector, span_count, analysis_json, words) VALUES ('2026-01-01T00:00:00+00:00', ?, 'x', 0, ?, ?)",
            (analysis["document"]["id"], payload, (analysis.get("summary") or {}).get("sentence", {}).get("words")),
        ).lastrowid
        assert analysis_id is not None
        link_analysis(conn, analysis_id, analysis)
    conn.close()
    with Store(old) as store:
        migrated = store.profile_rows()
    key = lambda rows: sorted(rows, key=repr)  # noqa: E731
    assert len(migrated.documents) == len(expected.documents) == 7
    assert key(migrated.documents) == key(expected.documents)
    assert key(migrated.techniques) == key(expected.techniques)
    assert key(migrated.sources) == key(expected.sources)
    assert key(migrated.actors) == key(expected.actors)


def test_profile_tables_top_actors_rank_as_actor_framings_do(tmp_path: Path) -> None:
    """The outlets page reads the rows of the actors it lists alone: framed, they are the first of every actor's framing."""
    with Store(full_store(tmp_path / "corpus.db")) as store:
        store.save(who("Herald", "2019-06-01", 8))
        again = who("Globe", "2019-03-05", 1)  # a document stored before, analysed again naming fewer actors
        again["spans"]["actor"] = again["spans"]["actor"][:1]
        again["options"] = {**again["options"], "run": "again"}
        store.save(again)
        rows = store.profile_rows()
        every = actor_framings(rows)
        assert len(every) > 3
        for limit in (1, 3, 1000):
            top, count = store.top_actors(limit=limit)
            assert count == len(every)
            assert first_framings(rows._replace(actors=top), limit)[0] == every[:limit]
        recount = "SELECT name_key, outlet, count(DISTINCT analysis_id) FROM profile_actors GROUP BY 1, 2 ORDER BY 1, 2"
        kept = "SELECT name_key, outlet, documents FROM profile_actor_outlets ORDER BY 1, 2"
        assert store._writer.execute(kept).fetchall() == store._writer.execute(recount).fetchall(), "the kept counts are the rows' counts"
        top, count = store.top_actors(("Globe",), limit=2)
        assert {a.analysis_id for a in top} <= {d.analysis_id for d in store.profile_rows(("Globe",)).documents}

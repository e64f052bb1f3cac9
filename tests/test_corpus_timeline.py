"""One claim's timeline across a store (spinscope.corpus.claims.timeline_of, ``corpus timeline``,
``/claims?claim=``) and the claims' vectors the store keeps (spinscope.store.vectors)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.corpus.claims import claim_groups, repeated_claims, timeline_of
from spinscope.nlp.embed import embed
from spinscope.repeats import ClaimRecord
from spinscope.store import Store
from tests.outlets_store import HOSTILE, corpus_add, save_who, who
from tests.web_server import RunningServer, serve_in_thread

ENGINEER = "the bridge could collapse at any moment, killing hundreds of children"  # a paraphrase of the fixture's claim c3
PLACED = (("Globe", "2019-03-05"), ("Herald", "2019-03-07"), (HOSTILE, None))


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("timeline") / "corpus.db"
    save_who(db, PLACED)
    return db


def test_timeline_of_a_paraphrase_finds_every_telling_first_appearance_first(store_path: Path) -> None:
    with Store(store_path) as store:
        found = claim_groups(store, (), ENGINEER)
    (group,) = found.groups
    assert [(e.outlet, e.published) for e in group.entries] == [("Globe", "2019-03-05"), ("Herald", "2019-03-07"), (HOSTILE, None)]
    assert all("bridge could collapse" in e.text for e in group.entries)
    assert found.compared >= 3 and not found.truncated


def test_timeline_of_an_unrelated_claim_is_empty_and_of_another_claim_is_that_claim(store_path: Path) -> None:
    with Store(store_path) as store:
        assert claim_groups(store, (), "Unemployment in Norway fell to 3 percent in 2021.").groups == ()
        (mayor,) = claim_groups(store, (), "the mayor's new office cost 2 million dollars").groups
        assert all("mayor's new office" in e.text for e in mayor.entries)
        assert claim_groups(store, ("Globe",), ENGINEER).groups[0].documents == 1, "--outlet narrows the tellings"


def test_timeline_of_a_figure_that_disagrees_is_another_claim(store_path: Path) -> None:
    """"2 million" and "9 million" dollars: the same words, a different claim."""
    with Store(store_path) as store:
        candidates = store.claim_candidates("the mayor's new office cost 9 million dollars")
        assert candidates, "the shared words find the stored claim"
        assert timeline_of("the mayor's new office cost 9 million dollars", candidates, store.claim_vectors) is None


def test_timeline_search_words_are_text_never_fts_syntax(store_path: Path) -> None:
    with Store(store_path) as store:
        for hostile in ('"bridge" OR (collapse* NEAR', "bridge AND NOT children ^ - + :", "\x00collapse", "*", ""):
            store.claim_candidates(hostile)


def test_store_keeps_each_claims_vector_once_as_float16(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    save_who(db, PLACED[:2])
    texts = ["Taxes rose by 4 percent.", "Taxes rose by 4 percent.", "The bridge is safe."]
    with Store(db) as store:
        first = store.claim_vectors(texts)
        again = store.claim_vectors(texts[::-1])
    conn = sqlite3.connect(db)
    (rows,) = conn.execute("SELECT count(*) FROM claim_vectors").fetchone()
    conn.close()
    assert rows == 2, "one row per distinct wording"
    assert np.array_equal(first, again[::-1]), "the first read and later ones give the same vectors"
    assert np.allclose(np.linalg.norm(first, axis=1), 1, atol=1e-5)
    assert float(first[0] @ embed(texts[:1])[0]) > 0.999, "float16 keeps the vector's direction"


def test_store_claim_vectors_give_the_groups_of_fresh_embeddings(store_path: Path) -> None:
    with Store(store_path) as store:
        records, _ = store.claim_records()
        assert repeated_claims(records, store.claim_vectors) == repeated_claims(records)


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["corpus", "timeline", *args])
    return result.exit_code, result.output


def test_cli_corpus_timeline_prints_the_tellings_and_json(store_path: Path) -> None:
    code, out = run_cli(ENGINEER, "--db", str(store_path))
    assert code == 0, out
    assert "Told in 3 documents by 3 outlets; first: Globe, 2019-03-05" in out and "Herald" in out
    code, out = run_cli(ENGINEER, "--db", str(store_path), "--format", "json")
    body = json.loads(out)
    assert [e["outlet"] for e in body["timeline"]["entries"]] == ["Globe", "Herald", HOSTILE]
    assert [o["outlet"] for o in body["timeline"]["outlets"]] == ["Globe", "Herald", HOSTILE]


def test_cli_corpus_timeline_refuses_an_empty_claim_and_a_missing_store(store_path: Path, tmp_path: Path) -> None:
    code, out = run_cli("   ", "--db", str(store_path))
    assert code == 2 and "give the claim's text" in out
    code, out = run_cli(ENGINEER, "--db", str(tmp_path / "missing.db"))
    assert code == 2 and "no such store" in out
    code, out = run_cli("Unemployment in Norway fell to 3 percent.", "--db", str(store_path))
    assert code == 0 and "No stored claim states this" in out


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[RunningServer]:
    with serve_in_thread(store_path) as running:
        yield running


def test_web_claims_page_follows_one_claim_and_escapes_it(server: RunningServer) -> None:
    page = httpx.get(f"{server.url}/claims", params={"claim": ENGINEER}, timeout=60).text
    assert "A claim's timeline" in page and page.count('class="claim-group"') == 1
    assert "2019-03-05" in page and "2019-03-07" in page and "&lt;script&gt;alert" in page and "<script" not in page
    hostile = httpx.get(f"{server.url}/claims", params={"claim": "<script>alert(1)</script> bridge collapse"}, timeout=60).text
    assert "<script>alert(1)" not in hostile and "&lt;script&gt;alert(1)&lt;/script&gt; bridge collapse" in hostile
    plot = httpx.get(f"{server.url}/plots/claims.svg", params={"claim": ENGINEER}, timeout=60)
    assert plot.status_code == 200 and plot.content.lstrip().startswith(b"<?xml") and b"<script" not in plot.content


def test_web_claims_page_says_when_no_stored_claim_states_it(server: RunningServer) -> None:
    page = httpx.get(f"{server.url}/claims", params={"claim": "Unemployment in Norway fell to 3 percent."}, timeout=60).text
    assert "No stored claim states this" in page
    assert httpx.get(f"{server.url}/claims", params={"claim": "x" * 2001}, timeout=60).status_code == 422


def test_store_version_5_keeps_who_placed_as_outlets(store_path: Path) -> None:
    """The fixture's third telling has a hostile outlet name and no date: stored as given."""
    with Store(store_path) as store:
        assert {d.outlet for d in store.profile_rows().documents} == {"Globe", "Herald", HOSTILE}
        assert who(HOSTILE, None, 9)["document"]["outlet"] == HOSTILE


def test_corpus_add_keeps_the_vectors_of_the_claims_it_stores(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    corpus_add(db)
    conn = sqlite3.connect(db)
    claims = {t for (t,) in conn.execute("SELECT text FROM spans WHERE span_group = 'claim'")}
    (kept,) = conn.execute("SELECT count(*) FROM claim_vectors").fetchone()
    conn.close()
    assert claims and kept == len(claims), "each distinct claim embedded once, at ingest"


def test_timeline_of_keeps_one_telling_a_document() -> None:
    """A headline and a sentence of one article that both state the claim are one telling."""
    records = [ClaimRecord("c1", "Bridge will collapse, engineer warns", "1", "Globe", "2019-03-05"),
               ClaimRecord("c2", "The bridge will collapse, an engineer warned.", "1", "Globe", "2019-03-05"),
               ClaimRecord("c1", "An engineer warned that the bridge will collapse.", "2", "Herald", "2019-03-06")]  # fmt: skip
    group = timeline_of("the bridge will collapse, an engineer warned", records)
    assert group is not None
    assert [(e.document_id, e.claim_id) for e in group.entries] == [("1", "c2"), ("2", "c1")], "the closest telling of document 1"

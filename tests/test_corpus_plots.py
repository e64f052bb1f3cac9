"""The corpus's plots (spinscope.corpus.plots) and ``spinscope corpus outlets`` / ``corpus plot`` on real stores."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.corpus.plots import claim_timeline, format_of, technique_bars, trend_lines
from spinscope.corpus.profiles import outlet_profiles, trends
from spinscope.errors import UsageError
from spinscope.repeats import group_claims
from spinscope.store import Store
from spinscope.store.profiles import DocumentRow, ProfileRows, TechniqueCount
from tests.outlets_store import HOSTILE, PLAIN, full_store

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"
NAMED = "Dollar $\\frac{a}{b}$ Post"  # mathtext would read a formula (and fail on a broken one)


def assert_image(data: bytes, fmt: str) -> None:
    """A valid PNG (its signature) or SVG (XML with an <svg> root) of more than a blank canvas."""
    assert len(data) > 4_000, len(data)
    if fmt == "png":
        assert data.startswith(PNG)
    else:
        root = ET.fromstring(data)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return full_store(tmp_path_factory.mktemp("plots") / "corpus.db")


@pytest.fixture(scope="module")
def rows(store: Path) -> ProfileRows:
    with Store(store) as opened:
        return opened.profile_rows()


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_corpus_plots_draw_every_kind_as_a_valid_image(rows: ProfileRows, store: Path, fmt: str) -> None:
    assert_image(technique_bars(outlet_profiles(rows), fmt=fmt), fmt)  # type: ignore[arg-type]
    assert_image(trend_lines(trends(rows), fmt=fmt), fmt)  # type: ignore[arg-type]
    with Store(store) as opened:
        records, _ = opened.claim_records()
    assert_image(claim_timeline(group_claims(records), fmt=fmt), fmt)  # type: ignore[arg-type]


def test_corpus_plots_svg_keeps_store_text_as_escaped_text(rows: ProfileRows) -> None:
    extra = ProfileRows((DocumentRow(99, NAMED, "2019-03-01", 100, False, False, False),), (TechniqueCount(99, "Loaded_Language", None, 2),), (), ())
    svg = technique_bars(outlet_profiles(rows) + outlet_profiles(extra), fmt="svg")
    assert b"<script" not in svg
    texts = "".join(el.text or "" for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))
    assert HOSTILE in texts and "Dollar $\\frac{a}{b}$ Post" in texts, "names drawn as written, not as markup or formulas"


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_corpus_plots_say_when_there_is_nothing_to_draw(fmt: str) -> None:
    for image in (technique_bars((), fmt=fmt), trend_lines(trends(ProfileRows((), (), (), ())), fmt=fmt), claim_timeline((), fmt=fmt)):  # type: ignore[arg-type]
        assert image.startswith(PNG) if fmt == "png" else b"<svg" in image
    assert b"No technique spans" in technique_bars((), fmt="svg")


def test_corpus_plots_trends_name_undated_documents_left_out(rows: ProfileRows) -> None:
    svg = trend_lines(trends(rows), outlets=("Daily Planet",), fmt="svg").decode()
    assert "1 undated document not shown" in svg


@pytest.mark.parametrize(("name", "expected"), [("a.png", "png"), ("B.SVG", "svg")])
def test_corpus_plots_format_comes_from_the_file_name(name: str, expected: str) -> None:
    assert format_of(name) == expected


@pytest.mark.parametrize("name", ["plot.gif", "plot", "png"])
def test_corpus_plots_other_file_names_are_refused(name: str) -> None:
    with pytest.raises(UsageError, match=r"\.png or \.svg"):
        format_of(name)


@pytest.mark.parametrize(("kind", "suffix"), [("techniques", "png"), ("trends", "svg"), ("claims", "png")])
def test_corpus_plots_cli_writes_each_kind(store: Path, tmp_path: Path, kind: str, suffix: str) -> None:
    out = tmp_path / f"plot.{suffix}"
    result = runner.invoke(app, ["corpus", "plot", kind, "--db", str(store), "-o", str(out), "--technique", "loaded_language"])
    assert result.exit_code == 0, result.output
    assert_image(out.read_bytes(), suffix)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["-o", "x.gif"], ".png or .svg"), (["-o", "x.png", "--technique", "Bogus"], "not a technique"), (["-o", "x.png", "--db", "missing.db"], "no such store")],
)
def test_corpus_plots_cli_refuses_bad_requests_with_exit_2(store: Path, tmp_path: Path, args: list[str], message: str) -> None:
    db = ["--db", str(store)] if "--db" not in args else []
    result = runner.invoke(app, ["corpus", "plot", "techniques", *db, *[str(tmp_path / a) if a.endswith((".gif", ".png", ".db")) else a for a in args]])
    assert result.exit_code == 2 and message in result.output, result.output


def test_corpus_outlets_cli_json_has_profiles_actors_and_trends(store: Path) -> None:
    result = runner.invoke(app, ["corpus", "outlets", "--db", str(store), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    outlets = {o["outlet"]: o for o in data["outlets"]}
    assert set(outlets) == {HOSTILE, "Daily Planet", "Globe", PLAIN}
    assert outlets[PLAIN]["voice"] is None and outlets[PLAIN]["sources"] is None, "not measured is null, not 0"
    assert 0 < outlets["Globe"]["voice"]["quoted_share"] < 1 and outlets["Globe"]["sources"]["named_share"] == pytest.approx(2 / 3)
    assert "spread between documents" in data["interval"] and any(a["name"] == "Eastbrook council" for a in data["actors"])
    assert {p["period"] for p in data["trends"]["points"]} == {"2019-03", "2019-04"}


def test_corpus_outlets_cli_csv_has_a_row_per_outlet_and_technique(store: Path) -> None:
    result = runner.invoke(app, ["corpus", "outlets", "--db", str(store), "--format", "csv", "--outlet", "Globe"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["outlet"] for r in rows} == {"Globe"} and rows[0]["technique"] == "all"
    assert all(float(r["ci95_low"]) <= float(r["per_1000_words"]) <= float(r["ci95_high"]) for r in rows)


def test_corpus_outlets_cli_table_says_not_measured(store: Path) -> None:
    result = runner.invoke(app, ["corpus", "outlets", "--db", str(store)], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    assert "Daily Planet" in result.stdout and PLAIN in result.stdout and "not measured" in result.stdout and HOSTILE in result.stdout


def test_corpus_plots_drawn_from_many_threads_keep_names_as_text() -> None:
    """matplotlib's settings are global: plots drawn at once must each still keep mathtext off
    (without the drawing lock, about one plot in 24 here drew a name as a formula)."""
    documents = tuple(DocumentRow(i, f"{NAMED} {i}", "2019-03-01", 100, False, False, False) for i in range(6))
    profiles = outlet_profiles(ProfileRows(documents, tuple(TechniqueCount(i, "Loaded_Language", None, 2) for i in range(6)), (), ()))
    with ThreadPoolExecutor(4) as pool:
        images = list(pool.map(lambda _: technique_bars(profiles, fmt="svg"), range(24)))
    for svg in images:
        texts = "".join(el.text or "" for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))
        assert texts.count(NAMED) == 6

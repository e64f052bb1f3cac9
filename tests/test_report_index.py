"""The index page of a folder of reports."""

from __future__ import annotations

from spinscope.report.index import Entry, render_index


def _analysis(title: str, counts: dict[str, int]) -> dict[str, object]:
    return {
        "document": {"id": "x", "title": title},
        "summary": {"technique": {"spans": sum(counts.values()), "sentence_share": 0.5, "density_per_100_words": 2.345, "technique_counts": counts}},
    }


def test_report_index_escapes_titles_sources_and_errors() -> None:
    page = render_index([
        Entry("<img src=x onerror=alert(1)>.txt", "a.html", _analysis("<script>alert(1)</script>", {"Doubt": 2})),
        Entry("bad<b>.txt", error="<svg onload=alert(2)>"),
    ])
    assert "<script>alert" not in page and "<img" not in page and "<svg" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_report_index_quotes_file_names_in_links_and_shows_readers_names() -> None:
    page = render_index([Entry("s.txt", 'we"ird name.html', _analysis("T", {"Name_Calling,Labeling": 3, "Doubt": 1}))])
    assert 'href="we%22ird%20name.html"' in page
    assert "Name calling or labelling (3), Doubt (1)" in page
    assert ">2.3<" in page and ">50%<" in page

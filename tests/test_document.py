from __future__ import annotations

import pytest

from spinscope.document import BOILERPLATE, TECHNIQUE, Analysis, Document, Span


def _doc() -> Document:
    return Document(id="d1", text="Crooked elites lie. Back to top")


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (6, 2)])
def test_document_span_rejects_bad_offsets(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        Span(start, end, "Loaded_Language")


def test_document_span_past_the_text_is_refused() -> None:
    with pytest.raises(ValueError, match="runs past the text"):
        _doc().with_spans(TECHNIQUE, [Span(0, 999, "Loaded_Language")])


def test_document_with_spans_keeps_the_text_and_sorts() -> None:
    doc = _doc().with_spans(TECHNIQUE, [Span(8, 14, "Name_Calling,Labeling"), Span(0, 7, "Loaded_Language")])
    assert [s.text(doc) for s in doc.spans[TECHNIQUE]] == ["Crooked", "elites"]
    assert doc.text == _doc().text


def test_document_content_end_stops_at_boilerplate() -> None:
    doc = _doc().with_spans(BOILERPLATE, [Span(20, 31, "boilerplate")])
    assert doc.content_end == 20
    assert _doc().content_end == len(_doc().text)


def test_document_analysis_round_trips_through_dict() -> None:
    doc = _doc().with_spans(TECHNIQUE, [Span(0, 7, "Loaded_Language", 0.8, {"why": "emotive word"})])
    analysis = Analysis(document=doc, summary={"spans": 1}, detector={"name": "test"})
    again = Analysis.from_dict(analysis.to_dict())
    assert again == analysis
    assert analysis.to_dict()["spans"][TECHNIQUE][0]["text"] == "Crooked"

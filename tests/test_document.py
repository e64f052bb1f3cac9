from __future__ import annotations

import pytest

from spinscope.document import BOILERPLATE, TECHNIQUE, Analysis, Component, Document, Relation, Span, SpanRef


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
    analysis = Analysis(document=doc, summary={"technique": {"spans": 1}}, components=(Component("technique", "test", "1", "ab" * 32),), options={"stages": ["technique"]})
    again = Analysis.from_dict(analysis.to_dict())
    assert again == analysis
    assert analysis.to_dict()["spans"][TECHNIQUE][0]["text"] == "Crooked"


def _quoted() -> Document:
    text = 'Smith said: "They lie."'
    doc = Document(id="q", text=text).with_spans("entity", [Span(0, 5, "PERSON", id="e1")])
    return doc.with_spans("quote", [Span(12, 22, "direct", id="q1")])


def test_document_relation_links_spans_by_group_and_id() -> None:
    speaker = Relation("speaker", SpanRef("quote", "q1"), SpanRef("entity", "e1"))
    doc = _quoted().with_relations([speaker])
    assert doc.span(speaker.tail).text(doc) == "Smith"
    assert doc.with_relations([speaker]).relations == (speaker,), "a relation is kept once"


def test_document_relation_to_a_missing_span_is_refused() -> None:
    with pytest.raises(ValueError, match="entity/e9"):
        _quoted().with_relations([Relation("speaker", SpanRef("quote", "q1"), SpanRef("entity", "e9"))])


def test_document_span_ids_are_unique_within_a_group() -> None:
    with pytest.raises(ValueError, match="the id 'e1'"):
        _quoted().with_spans("entity", [Span(0, 5, "PERSON", id="e1"), Span(6, 10, "PERSON", id="e1")])
    same_id_other_group = _quoted().with_spans("claim", [Span(12, 22, "claim", id="e1")])
    assert same_id_other_group.spans["claim"][0].id == "e1"


def test_document_relations_and_ids_round_trip_through_dict() -> None:
    doc = _quoted().with_relations([Relation("speaker", SpanRef("quote", "q1"), SpanRef("entity", "e1"))])
    data = Analysis(document=doc, summary={}).to_dict()
    assert data["spans"]["quote"][0]["id"] == "q1"
    assert data["relations"] == [{"label": "speaker", "head": {"group": "quote", "id": "q1"}, "tail": {"group": "entity", "id": "e1"}}]
    assert Analysis.from_dict(data).document == doc

"""spaCy's parse of a document: one parse per text, shared by the stages that read it."""

from __future__ import annotations

from spinscope.document import Document
from spinscope.nlp.spacy_doc import parse


def test_spacy_doc_parse_is_shared_for_the_same_text_and_new_for_another() -> None:
    first = parse(Document(id="a", text="The UN met in Geneva. It voted."))
    again = parse(Document(id="b", text="The UN met in Geneva. It voted."))
    other = parse(Document(id="c", text="The UN met in Paris. It voted."))
    assert again is first
    assert other is not first and other.text == "The UN met in Paris. It voted."
    assert [t.idx for t in first] == [t.idx for t in parse(Document(id="a", text="The UN met in Geneva. It voted."))]

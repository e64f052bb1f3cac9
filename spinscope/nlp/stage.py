"""The sentence stage: segments the analysable text once, for every stage and report after it."""

from __future__ import annotations

from typing import Any

from spinscope import __version__
from spinscope.document import BOILERPLATE, SENTENCE, Component, Document, Span
from spinscope.nlp.language import english_share, language_warning
from spinscope.nlp.segment import sentences, word_count


class SentenceStage:
    """Writes ``spans["sentence"]``: the sentences of ``text[:content_end]`` (boilerplate left out)."""

    name = SENTENCE
    reads: tuple[str, ...] = (BOILERPLATE,)
    writes: tuple[str, ...] = (SENTENCE,)
    amends: tuple[str, ...] = ()

    def __call__(self, doc: Document) -> Document:
        return doc.with_spans(SENTENCE, [Span(s, e, SENTENCE) for s, e in sentences(doc.text, 0, doc.content_end)])

    def info(self) -> Component:
        return Component(stage=self.name, name="regex-sentences", version=__version__)

    def summarise(self, doc: Document) -> dict[str, Any]:
        """Counts, and whether the text looks English: every door (CLI, JSON, report, web) reads
        the warning from here, so a French article is never analysed silently as English."""
        end = doc.content_end
        analysed = doc.text[:end]
        return {
            "sentences": len(doc.spans.get(SENTENCE, ())),
            "words": word_count(doc.text, 0, end),
            "boilerplate_chars": len(doc.text) - end,
            "english_share": round(english_share(analysed), 3),
            "language_warning": language_warning(analysed),
        }

"""The terminal view: readers' names in both tables, each span in its (trimmed) sentence."""

from __future__ import annotations

import io

from rich.console import Console

from spinscope.document import Span
from spinscope.nlp.segment import sentences
from spinscope.report.terminal import CONTEXT_CHARS, _in_context, render
from tests.test_report_html import _analysis


def _printed(data: dict) -> str:
    out = io.StringIO()
    render(data, Console(file=out, width=300))
    return out.getvalue()


def test_terminal_report_names_techniques_as_readers_do() -> None:
    printed = _printed(_analysis("They are corrupt traitors and liars.", [Span(9, 24, "Name_Calling,Labeling", 0.7)]))
    assert printed.count("Name calling or labelling") == 2, "in the technique table and the span table"
    assert "Name_Calling" not in printed


def test_terminal_report_shows_each_span_in_its_sentence_not_offsets() -> None:
    text = "Nothing here at all. The plan is backed by corrupt traitors, the minister said. A last calm line."
    start = text.index("corrupt traitors")
    printed = _printed(_analysis(text, [Span(start, start + len("corrupt traitors"), "Name_Calling,Labeling", 0.7)]))
    assert "The plan is backed by corrupt traitors, the minister said." in printed
    assert "Nothing here" not in printed and "calm line" not in printed, "only the sentence the span is in"
    assert "start" not in printed and str(start) not in printed


def test_terminal_report_trims_a_long_sentence_around_the_span_at_words() -> None:
    text = " ".join(f"word{n}" for n in range(60)) + " the corrupt elite " + " ".join(f"tail{n}" for n in range(60)) + "."
    start = text.index("corrupt elite")
    line = _in_context(text, start, start + len("corrupt elite"), sentences(text))
    assert line.plain.startswith("…word") and line.plain.endswith("…") and "corrupt elite" in line.plain
    assert len(line.plain) <= 2 * CONTEXT_CHARS + len("corrupt elite") + 4
    assert all(w.startswith(("word", "tail", "the", "corrupt", "elite", "…")) for w in line.plain.split()), "cut at word boundaries"
    bold = [line.plain[s.start : s.end] for s in line.spans if s.style == "bold"]
    assert bold == ["corrupt elite"]


def test_terminal_report_context_spans_several_sentences_and_newlines() -> None:
    text = "First one.\nSecond one here. Third."
    line = _in_context(text, 6, 17, sentences(text))
    assert line.plain == "First one. Second one here."

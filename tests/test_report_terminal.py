"""The terminal view: readers' names in both tables, each span in its (trimmed) sentence."""

from __future__ import annotations

import io

from rich.console import Console

from spinscope.document import ACTOR, CLAIM, QUOTE, SOURCE, Span
from spinscope.nlp.segment import sentences
from spinscope.report.terminal import CONTEXT_CHARS, _in_context, render
from tests.test_report_html import _analysis
from tests.who_fixture import MARA, who_analysis


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


def test_terminal_report_says_who_says_what_where_its_stages_ran() -> None:
    printed = _printed(who_analysis())
    lines = printed.splitlines()
    start = lines.index("Who says what")
    assert lines[start + 1 : start + 5] == [
        f"Techniques: 4 are the author's own and 3 are quoted ({MARA} 1, The council 1, a local engineer 1).",
        f"Quotes: 3, by speaker: {MARA} 1, a local engineer (not named) 1, The council (not named) 1",
        f"Sources: 3, 2 named, 1 anonymous: Eastbrook council (official); {MARA} (official); a local engineer (unnamed source)",
        f"Actors: 3, most named: Eastbrook council (Antagonist 81%); Eastbrook (Innocent 55%); {MARA} (Antagonist 77%)",
    ]
    assert lines[start + 5] == "Check-worthy claims: 4, top 3:"
    claims = lines[start + 6 : start + 9]
    assert [c.split(".")[0].strip() for c in claims] == ["1", "2", "3"] and claims[0].startswith("  1. 83% According to a local engineer")
    assert claims[0].endswith("(source: a local engineer, anonymous)") and claims[2].endswith("(no source given)")
    assert "But what about" not in "\n".join(lines[start:start + 9]), "only the top 3 claims"


def test_terminal_report_says_who_uses_each_span() -> None:
    printed = _printed(who_analysis())
    assert "who uses it" in printed
    row = next(line for line in printed.splitlines() if "will finish on schedule" in line and "Exaggeration" in line)
    assert f"quoted: {MARA}" in row
    assert next(line for line in printed.splitlines() if "Our town" in line).rstrip(" │").endswith("the author")


def test_terminal_report_without_who_says_what_is_as_before() -> None:
    printed = _printed(who_analysis(groups=()))
    assert "Who says what" not in printed and "who uses it" not in printed and "quoted" not in printed


def test_terminal_report_says_none_found_for_empty_groups() -> None:
    printed = _printed(who_analysis(empty=(QUOTE, SOURCE, ACTOR, CLAIM)))
    assert all(f"{what}: none found" in printed for what in ("Quotes", "Sources", "Actors", "Check-worthy claims"))


def test_terminal_report_prints_hostile_names_as_text_not_markup() -> None:
    printed = _printed(who_analysis(name="[bold red]<script>x</script>[/]"))
    assert "Sources: 3, 2 named, 1 anonymous: [bold red]<script>x</script>[/] (official)" in printed

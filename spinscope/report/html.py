"""A self-contained HTML report: a summary in words, the legend, who says what (where its stages
ran: spinscope.report.who_html), and the article with every technique span highlighted
(spinscope.report.article), its panel explaining a chosen span and who uses it.

Every piece of article text goes through ``html.escape``; the page carries a strict
Content-Security-Policy whose only script is the one inlined here, allowed by its hash, so the
report opens offline and runs nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from importlib import resources
from typing import Any

from spinscope.report import technique_component, technique_detector
from spinscope.report.article import Heading, article_html, assign_slots, colour_class
from spinscope.report.article import is_weak as _is_weak  # the name _details_json has always used
from spinscope.report.headings import heading_lines, same_title
from spinscope.report.legend import chart_html, definitions_html, legend_numbers
from spinscope.report.overview import overview_html
from spinscope.report.palette import colour
from spinscope.report.who import voice, voice_phrase, who_says_what
from spinscope.report.who_html import who_html, who_regions
from spinscope.techniques.confidence import DISPLAY_PRECISION, DISPLAY_THRESHOLD, STRONG_SCORE, is_calibrated, level
from spinscope.techniques.definitions import CHECKS, DEFINITIONS, display_name
from spinscope.techniques.examples import builtin_example
from spinscope.techniques.registry import detector_card, installed_sha256

SLOT_PX = 4
# Techniques the model labels right less often than this (technique F1 on validation) are named
# in the report's note as its least reliable.
WEAK_TECHNIQUE_F1 = 0.4


def _generated_css(spans: list[dict[str, Any]], labels: list[str], slots: int) -> str:
    """Per-report rules (colours, underline slots, bar widths) so no element needs a style attribute,
    which the Content-Security-Policy forbids."""
    rules = [f".{colour_class(l)}{{background:{colour(l)}}}" for l in sorted(set(labels) | {s['label'] for s in spans})]
    rules += [f".s{i}{{bottom:{-(i + 1) * SLOT_PX}px}}.d{i + 1}{{padding-bottom:{(i + 1) * SLOT_PX}px}}" for i in range(slots)]
    rules += [f".w{w}{{width:{w}%}}" for w in range(0, 101)]
    return "\n".join(rules)


def model_card(data: dict[str, Any]) -> dict[str, Any]:
    """The card of the model that found the spans, where the installed model has the same files
    (model hash): another model's figures and calibration would mislead, so then {}."""
    component = technique_component(data)
    name = str(component.get("name", ""))
    known = component.get("model_sha256") is not None and component.get("model_sha256") == installed_sha256(name)
    return detector_card(name) if known else {}


def _details_json(spans: list[dict[str, Any]], calibrated: bool) -> str:
    details = [
        {
            "label": s["label"],
            "name": display_name(s["label"]),
            "score": s["score"],
            "level": level(s["score"]) if calibrated else None,
            "weak": _is_weak(s, calibrated),
            "text": s["text"],
            "definition": DEFINITIONS.get(s["label"], ""),
            "why": s.get("attributes", {}).get("why", ""),
            "evidence": s.get("attributes", {}).get("evidence", []),
            "check": CHECKS.get(s["label"], ""),
            "example": _example_json(s["label"]),
            "voice": voice_phrase(*voice(s)),
        }
        for s in spans
    ]
    raw = json.dumps({"calibrated": calibrated, "spans": details}, ensure_ascii=True)
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _example_json(label: str) -> dict[str, str] | None:
    """The built-in example of the span's technique, to contrast with the span; None for a
    label outside the corpus's 14."""
    example = builtin_example(label)
    return None if example is None else {"text": example.text, "source": example.source}


def _confidence_note(spans: list[dict[str, Any]], calibrated: bool) -> str:
    """What the highlights' strength means and which spans are shown; with the control that shows
    the weaker ones where some are hidden."""
    if not calibrated:
        return ('<p class="confidence">These scores are not calibrated: a score ranks spans but is not a '
                "probability, so every span is shown with the same highlight.</p>")
    weak = sum(_is_weak(s, calibrated) for s in spans)
    strength = (f"A deeper highlight means a likelier technique: strong from {STRONG_SCORE:.0%}, moderate from "
                f"{DISPLAY_THRESHOLD:.0%}, weak below; a score is the estimated chance that the span is right.")
    if not weak:
        return (f'<p class="confidence">{strength} Every span here scores at least {DISPLAY_THRESHOLD:.0%}, '
                f"the threshold above which spans were {DISPLAY_PRECISION:.0%} precise on the PTC validation split.</p>")
    return (f'<p class="confidence">{strength} Showing spans with at least {DISPLAY_PRECISION:.0%} estimated precision '
            f"(score {DISPLAY_THRESHOLD:.0%} or more, measured on the PTC validation split); {weak} weaker "
            f'{"span is" if weak == 1 else "spans are"} hidden. <button type="button" id="show-weak" aria-pressed="false">Show weaker spans</button></p>')


def _how_to_read(card: dict[str, Any], voiced: bool) -> str:
    """What the marks are, the model's measured figures (from its card, so they follow any
    retrain) and what it cannot do."""
    metrics = card.get("metrics", {})
    si, tc = metrics.get("si", {}), metrics.get("tc", {})
    if si and tc:
        weakest = sorted((f["f1"], display_name(label)) for label, f in metrics.get("tc_per_technique", {}).items() if f["f1"] < WEAK_TECHNIQUE_F1)
        figures = (
            f"On the validation split of the PTC corpus (English news annotated by experts), {si['recall']:.0%} of the text the "
            f"annotators marked is marked here and {si['precision']:.0%} of what is marked here was marked by them (SemEval-2020 "
            f"Task 11 span measure, F1 {si['f1']:.2f}); given an annotated passage, it names the annotators' technique "
            f"{tc['f1']:.0%} of the time. Held-out articles score a few points lower."
        )
        if weakest:
            figures += f" Least reliable (technique F1 under {WEAK_TECHNIQUE_F1:.1f}): {'; '.join(name for _f1, name in weakest)}."
        missed = f"it misses {1 - si['recall']:.0%} of the text annotators mark"
    else:
        figures = "The model that made this analysis is not the one installed here, so its measured figures cannot be shown."
        missed = "it misses much of what annotators mark"
    quotation = ("irony (quoted passages are shown apart, and each mark says whether the author or a quoted speaker uses it)"
                 if voiced else "irony or quotation (a quoted slogan is marked like the author's own)")
    return (
        '<section class="howto"><h2>How to read this</h2>'
        "<p>Each mark is a passage that a model trained on annotated news takes to use one of 14 propaganda techniques: "
        f"it says how the text tries to persuade, not whether it is true or who is right. {escape(figures)}</p>"
        f"<p>It cannot check facts or sources, judge {quotation}, "
        "read languages other than English, or see images and layout; a passage without a mark is not proof of neutral "
        f"writing: {missed}.</p></section>"
    )


def _headings(text: str, content_end: int, title: str | None, spans: list[dict[str, Any]]) -> tuple[str | None, list[Heading]]:
    """The page's title and the article's headings. Where the text opens with its title (or has no
    other and opens with a heading-like line) the header shows it and the article's copy is hidden,
    so it is read once; a copy carrying spans stays in sight, as its marks must."""
    found = [Heading(a, b) for a, b in heading_lines(text, content_end)]
    first = found[0] if found and not text[: found[0].start].strip() else None
    if first is None or (title and not same_title(text[first.start:first.end], title)):
        return title, found
    bare = not any(s["start"] < first.end and first.start < s["end"] for s in spans)
    # A hidden copy takes the blank lines after it along, or they would open the article with a gap.
    end = len(text) - len(text[first.end:].lstrip()) if bare else first.end
    return text[first.start:first.end], [Heading(first.start, min(end, content_end), hidden=bare)] + found[1:]


def render(data: dict[str, Any]) -> str:
    doc = data["document"]
    summary = data["summary"].get("technique", {})
    text_figures = data["summary"].get("sentence", {})
    spans = sorted(data["spans"].get("technique", []), key=lambda s: (s["start"], -s["end"]))
    content_end = len(doc["text"]) - text_figures.get("boilerplate_chars", 0)
    script = resources.files("spinscope.report").joinpath("report.js").read_text()
    css = resources.files("spinscope.report").joinpath("report.css").read_text()
    slots = assign_slots(spans)
    card = model_card(data)
    calibrated = is_calibrated(card)
    css += _generated_css(spans, list(summary["technique_counts"]), max(slots, default=0) + 1)
    script_hash = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    style_hash = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    csp = (
        f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'sha256-{style_hash}'; "
        "img-src data:; object-src 'none'; base-uri 'none'; form-action 'none'"
    )
    who = who_says_what(data)
    regions = who_regions(who)
    # A title copy that a panel link points into stays in sight, as one carrying marks does.
    title, headings = _headings(doc["text"], content_end, doc.get("title"), [*spans, *({"start": r.start, "end": r.end} for r in regions)])
    title = title or doc["id"]
    numbers = legend_numbers([*summary["technique_counts"], *(s["label"] for s in spans)])
    shown = [s for s in spans if not _is_weak(s, calibrated) and s["start"] < content_end and s["text"].strip()]
    terms = ", ".join(f"{escape(t['term'])} ({t['count']})" for t in summary["top_loaded_terms"]) or "none"
    meta = " · ".join(escape(str(doc[k])) for k in ("outlet", "published", "url") if doc.get(k))
    language = text_figures.get("language_warning")
    warning = f'<p class="warning" role="alert">{escape(language)}</p>' if language else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spinscope: {escape(title)}</title>
<style>{css}</style></head>
<body>
<header><h1>{escape(title)}</h1><p class="meta">{meta}</p>{warning}</header>
<section class="summary">
{overview_html(shown, sum(_is_weak(s, calibrated) for s in spans), calibrated)}
<div class="figures">
<div><b>{summary['spans']}</b> technique spans</div>
<div><b>{summary['sentence_share']:.0%}</b> of {text_figures.get('sentences', 0)} sentences use a technique</div>
<div><b>{summary['density_per_100_words']:.1f}</b> spans per 100 words</div>
</div>
<p class="terms">Most loaded terms: {terms}</p>
{chart_html(summary['technique_counts'], numbers)}
{_confidence_note(spans, calibrated)}
</section>
{who_html(who)}{_how_to_read(card, any(voice(s)[0] for s in spans))}
<main id="report" class="hide-weak">
<article id="article">{article_html(doc['text'], spans, slots, content_end, calibrated, numbers, headings, regions)}</article>
<aside id="detail" aria-live="polite"><p>Click a highlighted passage, or press Enter on it, to see its techniques.</p></aside>
</main>
{definitions_html(numbers)}
<footer>spinscope {escape(str(data.get('spinscope_version', '')))} · detector {escape(technique_detector(data))}.
spinscope shows how a text persuades; it does not say who is right.</footer>
<script type="application/json" id="span-data">{_details_json(spans, calibrated)}</script>
<script>{script}</script>
</body></html>
"""

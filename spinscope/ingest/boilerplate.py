"""Scraping residue at the end of an article: "Related Articles", "Back to top button", share bars.

It is marked, never cut: the text stays as read so offsets hold, and `Document.content_end` tells
analysis where to stop. Only the tail is scanned, and the scan stops at the first line that is not
residue, so a "Read more" inside the article is never touched.
"""

from __future__ import annotations

import re

from spinscope.document import BOILERPLATE, Span

# Residue lines are short; a longer line is a sentence of the article even if it starts like residue.
_MAX_LINE_CHARS = 160

_SOCIAL = r"(?:facebook|twitter|x|whatsapp|telegram|linkedin|pinterest|reddit|tumblr|vk|email|e-mail|print|pocket|skype|messenger|viber|copy link)"

# (rule, pattern) pairs; a line is residue when one pattern matches the whole stripped line.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (rule, re.compile(pattern, re.IGNORECASE))
    for rule, pattern in (
        ("related", r"(?:related|recommended|popular|trending|latest|more)(?: (?:articles?|posts?|stories|news|content|reading|videos?))?:?"),
        ("related", r"(?:you (?:may|might) (?:also )?like|read (?:more|also|next)|see also|continue reading|more from .{1,60}|also read:?.*)[:.…]*"),
        ("navigation", r"(?:back to top(?: button)?|top|next|previous|next (?:article|post|story)|previous (?:article|post|story)|go to top)"),
        ("share", r"(?:share(?: this(?: article| story| post)?| on .{1,40}| via .{1,40})?|click to (?:share|email|print).{0,80}|like this|tweet|pin it)[:!.]*"),
        ("share", _SOCIAL + r"(?:\s*[|,/·•]\s*" + _SOCIAL + r")*"),
        ("follow", r"(?:follow us(?: on .{1,60})?|join us on .{1,60})[:.!]*"),
        ("newsletter", r"(?:subscribe|sign up|signup)(?: (?:to|for) (?:our|the) .{0,60})?[:.!]*"),
        ("tags", r"(?:tags?|tagged|topics?|categories|category|filed under|posted in)\s*:.{0,150}"),
        ("advertisement", r"(?:advertisement|advertising|sponsored(?: content)?|ad)"),
        ("comments", r"(?:leave a (?:comment|reply)|post a comment|add a comment|comments?(?: \(\d+\))?|\d+ comments?|you must be logged in to post a comment\.?|loading(?: comments)?\.*)"),
        ("copyright", r"(?:©|\(c\)|copyright|all rights reserved).{0,150}"),
    )
)


def find_trailing_boilerplate(text: str) -> list[Span]:
    """One `boilerplate` span per residue line at the end of `text`, in text order."""
    spans: list[Span] = []
    end = len(text)
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        stripped = line.strip()
        if stripped:
            rule = _rule_for(stripped)
            if rule is None:
                break
            first = start + (len(line) - len(line.lstrip()))
            spans.append(Span(first, first + len(stripped), BOILERPLATE, attributes={"rule": rule}))
        end = start - 1 if start > 0 else 0
    spans.reverse()
    return spans


def _rule_for(line: str) -> str | None:
    if len(line) > _MAX_LINE_CHARS:
        return None
    for rule, pattern in _RULES:
        if pattern.fullmatch(line):
            return rule
    return None

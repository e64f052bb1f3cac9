"""boilerplate.py: scraping residue at the end of a text is marked; the article never is."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.document import BOILERPLATE
from spinscope.ingest.boilerplate import find_trailing_boilerplate

ARTICLE = "The army entered the city on Tuesday.\n\nOfficials said the fighting was over, and residents returned.\n"


def test_boilerplate_aleppo_tail_is_marked(example_article: Path) -> None:
    text = example_article.read_bytes().decode("utf-8")
    spans = find_trailing_boilerplate(text)
    assert [text[s.start : s.end] for s in spans] == ["Related Articles", "Back to top button"]
    assert all(s.label == BOILERPLATE for s in spans)
    before = text[: spans[0].start]
    assert before.rstrip().endswith("Saudi Arabia, Qatar or Turkey.")


@pytest.mark.parametrize(
    "tail",
    [
        "Related Articles\n\nBack to top button",
        "Share this:\nFacebook\nTwitter\nClick to share on WhatsApp (Opens in new window)\nLike this:\nLoading...",
        "Subscribe to our newsletter\n\nTags: Syria, Aleppo, war\n",
        "Advertisement\r\nRead more\r\nLeave a comment\r\n",
        "© 2016 The Daily Example. All rights reserved.",
        "Copyright 2024 Example Media Group",
        "Facebook | Twitter | Email\n\nYou may also like\n   \nComments (3)\n",
        "Follow us on Telegram\nFiled under: World, Middle East",
    ],
)
def test_boilerplate_common_residue_is_marked(tail: str) -> None:
    text = ARTICLE + "\n" + tail
    spans = find_trailing_boilerplate(text)
    assert spans[0].start == len(ARTICLE) + 1
    assert text[spans[-1].end :].strip() == ""
    marked = [text[s.start : s.end] for s in spans]
    assert marked == [line.strip() for line in tail.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "text",
    [
        ARTICLE,
        "Read more\n" + ARTICLE,
        "Share this:\nFacebook\n" + ARTICLE,
        ARTICLE + "Related: the minister said that tags are a form of advertisement, and he wants more of them in every single paper.",
        "",
        "\n\n \n",
    ],
)
def test_boilerplate_article_text_is_not_marked(text: str) -> None:
    assert find_trailing_boilerplate(text) == []


@pytest.mark.parametrize("text", ["Read more", "  Back to top  ", "Advertisement\n"])
def test_boilerplate_text_of_only_residue_is_all_marked(text: str) -> None:
    spans = find_trailing_boilerplate(text)
    assert [text[s.start : s.end] for s in spans] == [text.strip()]


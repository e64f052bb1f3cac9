"""Regex tokens and sentences: offsets must slice the exact input, whatever its line endings."""

from __future__ import annotations

from spinscope.nlp.segment import sentences, tokens


def _texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_tokens_words_and_punctuation() -> None:
    text = "Mr. Smith's \"plan\" failed, didn't it?"
    assert _texts(text, tokens(text)) == ["Mr", ".", "Smith's", '"', "plan", '"', "failed", ",", "didn't", "it", "?"]


def test_tokens_respect_start_and_end() -> None:
    text = "one two three four"
    spans = tokens(text, 4, 13)
    assert _texts(text, spans) == ["two", "three"]
    assert all(4 <= s < e <= 13 for s, e in spans)
    assert tokens(text, 10, 5) == []


def test_sentences_split_lines_and_punctuation() -> None:
    text = "Title here\n\nFirst one. Second one! Third?\nThe U.S. Army and Mr. Jones met J. Doe at 3.5 km.\n"
    assert _texts(text, sentences(text)) == [
        "Title here",
        "First one.",
        "Second one!",
        "Third?",
        "The U.S. Army and Mr. Jones met J. Doe at 3.5 km.",
    ]


def test_sentences_keep_closing_quotes() -> None:
    text = 'He said "it is over." Then he left.'
    assert _texts(text, sentences(text)) == ['He said "it is over."', "Then he left."]


def test_crlf_and_cr_offsets_slice_the_exact_text() -> None:
    text = "  Line one.\r\nLine two is here.\r\rLine three\r\n"
    got = sentences(text)
    assert _texts(text, got) == ["Line one.", "Line two is here.", "Line three"]
    for s, e in got:
        assert "\r" not in text[s:e] and "\n" not in text[s:e]
    assert all("\r" not in text[s:e] for s, e in tokens(text))


def test_unicode_offsets() -> None:
    text = "Café “liberated” — naïve 😀 İstanbul’s mayor.\nЭто тест. Ещё один."
    toks = tokens(text)
    words = _texts(text, toks)
    assert "Café" in words and "“" in words and "😀" in words and "İstanbul’s" in words and "Ещё" in words
    assert _texts(text, sentences(text)) == ["Café “liberated” — naïve 😀 İstanbul’s mayor.", "Это тест.", "Ещё один."]


def test_sentences_within_a_window_and_trimmed() -> None:
    text = "Keep this.   Drop that part."
    assert _texts(text, sentences(text, 0, 12)) == ["Keep this."]
    assert sentences("   \n\t\n") == []
    assert sentences("") == [] and tokens("") == []

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.nlp.language import MIN_ENGLISH_SHARE, english_share, language_warning
from tests.paths import DEMO

FRENCH = (
    "Le gouvernement a annoncé mardi une nouvelle réforme des retraites, malgré la colère des syndicats qui dénoncent "
    "une trahison. Selon le ministre, cette mesure est indispensable pour sauver notre système, mais les opposants "
    "affirment que les plus pauvres paieront encore une fois le prix de ces décisions prises sans aucun débat."
)
GERMAN = (
    "Die Regierung hat am Dienstag eine neue Rentenreform angekündigt, obwohl die Gewerkschaften von einem Verrat "
    "sprechen. Nach Angaben des Ministers ist diese Maßnahme unverzichtbar, um unser System zu retten, doch die Gegner "
    "sagen, dass wieder einmal die Ärmsten den Preis für Entscheidungen zahlen werden, die ohne jede Debatte fielen."
)
SPANISH = (
    "El gobierno anunció el martes una nueva reforma de las pensiones, a pesar de la ira de los sindicatos, que la "
    "califican de traición. Según el ministro, esta medida es indispensable para salvar nuestro sistema, pero los "
    "opositores afirman que los más pobres pagarán una vez más el precio de decisiones tomadas sin ningún debate."
)


@pytest.mark.parametrize("text", [FRENCH, GERMAN, SPANISH])
def test_language_warning_flags_french_german_and_spanish_news(text: str) -> None:
    assert english_share(text) < MIN_ENGLISH_SHARE / 2, "well clear of the threshold"
    warning = language_warning(text)
    assert warning is not None and "does not look like English" in warning


def test_language_warning_spares_english_and_short_texts() -> None:
    assert language_warning(DEMO.read_text(encoding="utf-8")) is None
    assert language_warning("Make America great again!") is None
    assert language_warning("Liberté, égalité, fraternité !") is None, "too few words to judge"
    assert english_share("") == 0.0 and language_warning("") is None


def test_language_warning_spares_every_ptc_article(ptc: Path) -> None:
    """No English article of the corpus the models were trained on may be flagged, and none comes
    near the threshold (the lowest share is about 0.15)."""
    texts = {p: p.read_text(encoding="utf-8") for folder in ("train", "unlabeled") for p in sorted((ptc / folder / "articles").glob("article*.txt"))}
    assert len(texts) > 300
    assert [p.name for p, text in texts.items() if language_warning(text) is not None] == []
    assert min(english_share(text) for text in texts.values() if len(text.split()) >= 20) > MIN_ENGLISH_SHARE * 1.5

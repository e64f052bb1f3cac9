"""Light text processing (tokens, sentences) shared by detectors, regex only, so it is fast and
has no model to load; and spaCy's parse (spacy_doc.py), loaded on first use by the stages that
need it (quotes)."""

"""Light text processing (tokens, sentences) shared by detectors; regex only, so it is fast and
has no model to load."""

"""Who says what: direct, mixed and indirect quotes with their speaker and cue, as ``spans["quote"]``.

    marks.py     where double-quoted runs start and end (straight, curly, and a closing mark used
                 as an opening one), on the characters alone
    cues.py      which words introduce speech ("said", "told", "according to") and their subject
    direct.py    quoted runs tied to a cue and speaker, split runs ("X," he said, "Y.") joined
    indirect.py  reported speech: "X said that ...", "..., X said", "according to X, ..."
    speakers.py  a speaker mention's extent, title, and resolved name (pronouns, "the spokesman")
    stage.py     the quote stage: runs the above on spaCy's parse and writes the spans

Rules over spaCy's dependency parse, measured on PolNeAR dev (benchmarks/quotes_polnear.py).
"""

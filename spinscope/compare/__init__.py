"""Two articles side by side (issue 12, point 7): the same event told by two outlets.

    names.py       do two written names name one actor (same name, acronym, surname, short form)
    actors.py      actors (and named sources) of the two articles aligned, one row per referent
    claims.py      claims both make and claims only one makes (``spinscope.repeats`` matching)
    techniques.py  each article's techniques as its report counts them, per 1,000 words, by voice
    model.py       the comparison as typed frozen data, to JSON and back
    build.py       ``compare(a, b)`` over two serialised analyses
    text.py, html.py  the terminal view and the standalone page

Everything reads serialised analyses (``Analysis.to_dict()``); nothing here re-runs a stage.
"""

from spinscope.compare.build import compare
from spinscope.compare.model import Comparison

__all__ = ["Comparison", "compare"]

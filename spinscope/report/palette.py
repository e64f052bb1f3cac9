"""One colour per technique, for the underlines, the chart and the legend.

The colours come from Okabe-Ito's and Paul Tol's colour-blind-safe sets, chosen (tests/test_report_palette.py
says what is checked) so that every underline stays visible on every highlight, also to deuteranopic
and protanopic eyes, and the five techniques that make up about four in five annotated spans of PTC
(Loaded language to Exaggeration) stay apart from one another. Fourteen colours cannot all be told
apart by every reader: the report also writes each technique's legend number after its spans.
"""

from __future__ import annotations

# Most frequent technique first (gold spans on the PTC validation split): the most distinct colours go to the most seen techniques.
COLOURS: dict[str, str] = {
    "Loaded_Language": "#D55E00",
    "Name_Calling,Labeling": "#332288",
    "Repetition": "#009E73",
    "Doubt": "#785EF0",
    "Exaggeration,Minimisation": "#4477AA",
    "Appeal_to_fear-prejudice": "#000000",
    "Flag-Waving": "#663333",
    "Slogans": "#666633",
    "Causal_Oversimplification": "#AA3377",
    "Appeal_to_Authority": "#CC79A7",
    "Black-and-White_Fallacy": "#999933",
    "Thought-terminating_Cliches": "#994F00",
    "Bandwagon,Reductio_ad_hitlerum": "#994455",
    "Whataboutism,Straw_Men,Red_Herring": "#004488",
}
FALLBACK = "#777777"


def colour(label: str) -> str:
    return COLOURS.get(label, FALLBACK)

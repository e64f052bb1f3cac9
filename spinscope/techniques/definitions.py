"""What each technique means, in the reader's words, for reports and the technique guide.

Definitions paraphrase the PTC annotation guidelines (Da San Martino et al., 2019).
"""

from __future__ import annotations

DEFINITIONS: dict[str, str] = {
    "Appeal_to_Authority": "Claims something is true because an authority or expert says so, without other evidence.",
    "Appeal_to_fear-prejudice": "Builds support for an idea by stirring fear or anxiety about the alternative, or by playing on prejudice.",
    "Bandwagon,Reductio_ad_hitlerum": "Urges the reader to join because 'everyone' does, or rejects an idea because a hated group holds it.",
    "Black-and-White_Fallacy": "Presents two options as the only ones when more exist; a false dilemma.",
    "Causal_Oversimplification": "Gives one cause for an outcome that has several.",
    "Doubt": "Questions the credibility of someone or something without evidence.",
    "Exaggeration,Minimisation": "Makes something larger, better or worse than it is, or plays it down.",
    "Flag-Waving": "Appeals to patriotism or group identity to justify an idea or action.",
    "Loaded_Language": "Uses words with strong emotional weight to sway the reader.",
    "Name_Calling,Labeling": "Labels a person or group with a term the audience fears, hates or admires.",
    "Repetition": "Repeats the same message over and over so that the audience accepts it.",
    "Slogans": "A brief, striking phrase that works as a rallying cry.",
    "Thought-terminating_Cliches": "A short phrase that discourages thinking and ends a discussion.",
    "Whataboutism,Straw_Men,Red_Herring": "Deflects criticism by pointing at the opponent, distorts the opponent's position, or changes the subject.",
}

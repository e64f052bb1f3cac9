"""What each technique is called and means, in the reader's words, for reports and the technique guide.

Definitions paraphrase the PTC annotation guidelines (Da San Martino et al., 2019). The PTC labels
("Name_Calling,Labeling") stay the identifiers in JSON, TSV and the store, so that results compare
with the corpus and its scorers; NAMES is only what a reader sees.
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

# What a reader should look for before accepting or dismissing a flagged passage: the model
# finds the pattern, the reader judges whether it is fair (issue 10: reasons a reader can check).
CHECKS: dict[str, str] = {
    "Appeal_to_Authority": "Who is the authority, are they expert on this, and is there other evidence?",
    "Appeal_to_fear-prejudice": "What is the reader asked to fear or resent, and is the threat shown to be real and this large?",
    "Bandwagon,Reductio_ad_hitlerum": "Who are 'everyone' or the hated group, and does their support or opposition say anything about the idea itself?",
    "Black-and-White_Fallacy": "Are these really the only options, or does the text leave others out?",
    "Causal_Oversimplification": "Is this the only cause, and does the text show that it caused the outcome?",
    "Doubt": "Who or what is doubted, and does the text give evidence for the doubt?",
    "Exaggeration,Minimisation": "What are the actual figures or facts, and do they match the size the words give them?",
    "Flag-Waving": "Which group identity is invoked, and does the argument stand without it?",
    "Loaded_Language": "Which words carry the emotion, and what does the sentence claim once they are replaced by neutral ones?",
    "Name_Calling,Labeling": "Who is labelled, and does the text show that the label fits?",
    "Repetition": "Is the repeated claim supported anywhere, or only said again?",
    "Slogans": "What does the slogan claim, and is that claim argued anywhere in the text?",
    "Thought-terminating_Cliches": "Which question does the phrase close, and is it answered anywhere?",
    "Whataboutism,Straw_Men,Red_Herring": "What was the original point or criticism, and does the text answer it or move to another?",
}

NAMES: dict[str, str] = {
    "Appeal_to_Authority": "Appeal to authority",
    "Appeal_to_fear-prejudice": "Appeal to fear or prejudice",
    "Bandwagon,Reductio_ad_hitlerum": "Bandwagon or reductio ad Hitlerum",
    "Black-and-White_Fallacy": "Black-and-white fallacy",
    "Causal_Oversimplification": "Causal oversimplification",
    "Doubt": "Doubt",
    "Exaggeration,Minimisation": "Exaggeration or minimisation",
    "Flag-Waving": "Flag-waving",
    "Loaded_Language": "Loaded language",
    "Name_Calling,Labeling": "Name calling or labelling",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Thought-terminating_Cliches": "Thought-terminating cliché",
    "Whataboutism,Straw_Men,Red_Herring": "Whataboutism, straw man or red herring",
}


def display_name(label: str) -> str:
    """The reader's name for a PTC label; a label outside the corpus's 14 (an older or foreign
    analysis) shows as itself rather than failing the whole report."""
    return NAMES.get(label, label)

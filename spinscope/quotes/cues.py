"""Which words introduce speech, and who their subject is.

The verbs are the reporting verbs that PolNeAR train annotates as cues most often (said, told,
added, wrote, asked, noted, tweeted, argued, ...), by lemma; verbs of belief (think, believe,
find) count only for reported speech with a clause.
"""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

CUE_LEMMAS = frozenset(
    """
    say tell add write ask note tweet argue explain acknowledge declare announce report suggest
    continue recall conclude claim respond reply state insist warn promise predict admit deny
    confirm reveal indicate assert contend maintain concede stress emphasize emphasise caution
    urge vow pledge complain boast quip joke remark comment observe testify allege charge
    counter retort reiterate mention describe post tout lament exclaim shout yell whisper
    muse wonder speculate estimate propose recount assure inform disclose proclaim bark
    retaliate cite snap scoff chide blast slam mock lash plead demand answer interject
    reason reckon tell write warn rule order advise announce
    """.split()
)

# Verbs that name or describe, which make a mixed quote of a quoted phrase they take ("called
# the plan “a disaster”"); without a quote they are not speech.
NAMING_LEMMAS = frozenset("call describe label dub brand term refer characterize characterise find".split())


# Verbs of belief and finding that report what someone holds ("Pew found that ...", "he believes
# the vote was rigged"): PolNeAR counts them as attributions; they make reported speech only with
# a clause ("that ..."), never cue a direct quote. On PolNeAR train[:150] they lift the F1 over
# all attributions from 0.603 to 0.617 at 0.3 overlap and leave direct quotes as they were.
BELIEF_LEMMAS = frozenset("think believe find show know hope fear expect worry argue acknowledge reveal insist feel predict conclude suggest".split())


def is_cue(token: "Token") -> bool:
    """A reporting verb, by lemma ("said", "adds", "tweeted"), used as a verb."""
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in CUE_LEMMAS


def subject(cue: "Token", quoted: Container[int] = ()) -> "Token | None":
    """The cue's speaker: its subject, the agent of a passive ("was told by X"), or the subject
    of the verb it is coordinated with or subordinated to ("He paused and added ..."); never a
    token whose index is in ``quoted`` (the parser may take a quoted word for a second subject:
    "“Safety,” said Grimm")."""
    for dep in ("nsubj", "csubj"):
        for child in cue.children:
            if child.dep_ == dep and child.i not in quoted:
                return child
    for child in cue.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    if cue.dep_ in ("conj", "xcomp", "advcl") and cue.head is not cue:
        for child in cue.head.children:
            if child.dep_ == "nsubj":
                return child
    return None

"""The words that tell what kind of source a mention is: every list the source stage uses, here.

Each kind has three lists: NAMES (proper names, matched anywhere in a source's name or in the
title the text gives it: "the Associated Press", "UN spokesman"), ACRONYMS (matched as written,
dots removed, so "U.N." is "UN" and "the WHO" is the health body while "who" is not) and NOUNS
(common nouns and titles: "newspaper", "spokesman", "analyst"; matched in a title or mention, and
only as the last word of a name, so that "General Motors" is no army). kinds.py tries the names
first, then the nouns, each in KIND_ORDER: "UN spokesman Rupert Colville" is an ``ngo`` source
named by the person, "White House press secretary Josh Earnest" an ``official`` one.

The lists are short on purpose: they name the sources that news leans on most (wires, the big
outlets, UN bodies and the monitors quoted on wars, offices of state, pollsters) and the nouns
that make the rest recognisable. A name on no list keeps its entity label's kind (``person``,
``organisation``; a country or city that speaks is its government, ``official``).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(p.strip() for p in text.split("|") if p.strip())


# The contract's kinds (docs/who-says-what.md), and the order names and nouns are tried in.
KINDS = ("agency", "media", "ngo", "official", "document", "expert", "person", "organisation", "unnamed")
KIND_ORDER = ("agency", "media", "ngo", "official", "expert")

NAMES: dict[str, frozenset[str]] = {
    "agency": _words(
        "reuters|associated press|agence france-presse|agence france presse|bloomberg|xinhua|tass|itar-tass|ria novosti|"
        "interfax|anadolu|kyodo|yonhap|united press international|press trust of india|fars|tasnim|news agency|press agency"
    ),
    "media": _words(
        "new york times|washington post|wall street journal|usa today|los angeles times|financial times|the guardian|"
        "daily telegraph|the independent|fox news|msnbc|politico|huffington post|huffpost|breitbart|al jazeera|sputnik|axios|"
        "vox|newsweek|time magazine|the economist|der spiegel|le monde|haaretz|times of israel|western journalism|the hill|"
        "buzzfeed|daily beast|daily mail|sky news|france 24|euronews|al arabiya|press tv|new york post|new york daily news"
    ),
    "ngo": _words(
        "united nations|security council|general assembly|high commissioner|unicef|unhcr|ohchr|world health organization|"
        "world food programme|world food program|red cross|red crescent|doctors without borders|medecins sans frontieres|"
        "médecins sans frontières|amnesty|amnesty international|human rights watch|oxfam|save the children|"
        "syrian observatory for human rights|white helmets|syria civil defence|greenpeace|transparency international|"
        "reporters without borders|committee to protect journalists|international crisis group|world bank|"
        "international monetary fund|american civil liberties union|southern poverty law center|planned parenthood"
    ),
    "official": _words(
        "white house|pentagon|kremlin|state department|foreign ministry|defense ministry|defence ministry|downing street|"
        "elysee|élysée|justice department|department of justice|homeland security|federal bureau of investigation|"
        "central intelligence agency|national security council|european commission|european union|nato"
    ),
    "expert": _words(
        "brookings|rand corporation|heritage foundation|cato institute|pew research center|pew|gallup|ipsos|yougov|"
        "quinnipiac|marist|monmouth|rasmussen|morning consult|american enterprise institute|council on foreign relations"
    ),
}

ACRONYMS: dict[str, frozenset[str]] = {
    "agency": frozenset("AP AFP UPI DPA EFE ANSA PTI SANA IRNA WAFA MENA".split()),
    "media": frozenset("CNN BBC NBC ABC CBS NPR PBS MSNBC RT WSJ NYT".split()),
    "ngo": frozenset("UN UNICEF UNHCR OHCHR WHO WFP ICRC MSF HRW SOHR IAEA OPCW OSCE IMF ACLU SPLC NGO".split()),
    "official": frozenset("FBI CIA NSA DOJ DHS EPA CDC FDA IRS NATO EU MoD".split()),
    "expert": frozenset(),
}

NOUNS: dict[str, frozenset[str]] = {
    "agency": _words("wire|wire service"),
    "media": _words(
        "newspaper|broadcaster|magazine|tabloid|channel|outlet|website|television|tv|radio|times|post|journal|tribune|"
        "herald|gazette|chronicle|news|reporter|correspondent|columnist|editor|journalist|anchor"
    ),
    "ngo": _words("observatory|monitor|monitoring group|watchdog|rights group|aid group|charity|ngo|foundation|relief agency"),
    "official": _words(
        "president|vice president|prime minister|minister|ministry|secretary|spokesman|spokeswoman|spokesperson|"
        "official|officials|government|administration|department|army|military|armed forces|police|senator|sen|"
        "rep|representative|congressman|congresswoman|lawmaker|legislator|governor|gov|mayor|councillor|councilman|"
        "councilwoman|council|ambassador|envoy|diplomat|general|gen|commander|colonel|chancellor|attorney general|"
        "prosecutor|sheriff|authorities|cabinet|parliament|press secretary|chief of staff|embassy|consulate|court|judge|"
        "speaker|senate|congress|command|forces"
    ),
    "expert": _words(
        "expert|analyst|professor|prof|researcher|scientist|economist|scholar|historian|dr|doctor|engineer|pollster|"
        "strategist|consultant|specialist|university|institute|think tank|lecturer|fellow|epidemiologist|lawyer|attorney"
    ),
}

# The head noun of "a report", "the statement", "data from ...": a document the article leans on.
DOCUMENT_NOUNS = frozenset(
    """
    report reports study studies statement statements survey surveys poll polls data figures analysis analyses
    document documents memo memorandum letter review investigation census audit findings research release communique
    communiqué filing filings complaint lawsuit indictment transcript email emails records estimate estimates
    statistics assessment tally dossier cable cables briefing decree ruling
    """.split()
)

# Prepositions that name a document's author: "a report by", "data from", "a statement of".
AUTHOR_PREPOSITIONS = frozenset(("by", "from", "of"))

# Nouns that name an institution: "the council said" is a source a reader can identify, though it
# holds no proper name; "the official said" is not (an unnamed person).
INSTITUTION_NOUNS = frozenset(
    """
    government ministry department administration council army military police agency office commission committee
    board court parliament congress senate campaign party company embassy authority organisation organization
    newspaper channel station institute university observatory
    """.split()
)

# Words in front of an anonymous mention that say nothing of who it is ("a", "some", "two").
QUANTIFIERS = frozenset("a an the some several one two three four many few other others various multiple these those".split())

# One source under two names, as normalised (lower case, no dots, no leading "the").
ALIASES: dict[str, str] = {
    "united nations": "un",
    "associated press": "ap",
    "agence france-presse": "afp",
    "agence france presse": "afp",
    "human rights watch": "hrw",
    "syrian observatory for human rights": "sohr",
    "world health organization": "who",
    "international committee of the red cross": "icrc",
    "doctors without borders": "msf",
    "medecins sans frontieres": "msf",
    "médecins sans frontières": "msf",
    "american civil liberties union": "aclu",
    "international monetary fund": "imf",
    "federal bureau of investigation": "fbi",
    "new york times": "nyt",
    "wall street journal": "wsj",
}

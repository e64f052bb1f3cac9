"""The baseline's features, shared by its trainer (spinscope.training.baseline) and its run-time detector.

Feature names become columns in `spinscope.techniques.hashing`.

Three views of an article share one pass of tokenisation (`ArticleView`):

* token rows (span identification as token tagging): the token and its neighbours, bigrams,
  shape, position in the sentence, sentence-level cues and whether its words recur;
* sentence rows: a bag of the sentence's words and bigrams plus cues, for a sentence-level model
  whose probability also feeds the token rows;
* span rows (technique classification): the span's words, edges, length, how much of its
  sentence it covers, and whether its text recurs elsewhere in the article (77% of Repetition
  spans do, against 10% of other spans).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


from spinscope.nlp.align import char_span
from spinscope.nlp.segment import sentences, tokens
from spinscope.techniques.base import CONTEXT_REACH

# Emotive / loaded words of news propaganda (a hand list, general rather than mined from the
# training labels); the model learns individual words anyway, this groups rare ones.
LOADED: frozenset[str] = frozenset(
    """
    absurd abhorrent agenda alarming appalling atrocious atrocity attack audacity barbaric
    betray betrayal betrayed bigot bigoted bizarre blasted bloodthirsty bogus brainwashed brutal
    brutally catastrophe catastrophic chaos chaotic collapse conspiracy corrupt corruption coward
    cowardly crazy crime criminal criminals crisis crooked cruel crushing cult dangerous deadly
    deceit deceitful deceptive degenerate deluded demonic demonize demonizing deranged desperate
    despicable destroy destroyed destruction devastating devil devils dictator dirty disaster
    disastrous disgrace disgraceful disgusting dishonest disturbing doomed draconian evil
    extremist extremists failed fake fanatic fanatics farce fascist fiasco filth filthy fraud
    fraudulent frightening fury globalist globalists greedy grotesque hate hateful hatred heinous
    hell heroic hideous horrendous horrible horrific horror hypocrisy hypocrite hypocrites
    hypocritical hysteria hysterical idiot idiotic illegal immoral incompetent infamous insane
    invasion invaders jihadi jihadis jihadist jihadists liar liars lie lies lunatic mafia
    malicious massacre menace monster monstrous murder murderous nasty nazi nazis nefarious
    nightmare notorious obscene outrage outrageous pathetic pervert plague poison predator
    predators propaganda puppet radical radicals rampant regime reckless ridiculous rigged
    ruthless sacred savage scandal scam shameful shameless sham shocking sick sinister slaughter
    slave slavery smear sordid stupid terror terrorist terrorists thug thugs traitor traitors
    treason tragic tyranny tyrant tyrants ugly unprecedented vicious vile villain violent
    war wicked witch worst
    """.split()
)

QUOTES = frozenset("\"“”„«»‘’'")
_ALPHA = re.compile(r"[^\W\d_]")
_MAX_REC = 4


def lower_same_length(text: str) -> str:
    """``text.lower()`` that never changes the length ("İ".lower() is two characters), so
    offsets into the lowered copy stay offsets into the original."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _bucket(n: float, edges: Sequence[float]) -> int:
    for i, edge in enumerate(edges):
        if n <= edge:
            return i
    return len(edges)


def _shape(tok: str) -> str:
    if tok.isdigit():
        return "d"
    if not _ALPHA.search(tok):
        return "p"
    if tok.isupper():
        return "X" if len(tok) > 1 else "C"
    if tok[0].isupper():
        return "Xx"
    return "x"


@dataclass(slots=True)
class ArticleView:
    """One article cut into tokens and sentences, with the counts recurrence features need."""

    text: str
    end: int
    toks: list[tuple[int, int]]
    low: list[str]
    shapes: list[str]
    sents: list[tuple[int, int]]
    tok_sent: list[int]  # sentence index of each token (-1 if none, which cannot happen here)
    sent_toks: list[tuple[int, int]]  # token index range [a, b) of each sentence
    unigram_count: Counter[str]
    bigram_count: Counter[tuple[str, str]]
    lowered: str  # text[:end].lower(), for substring recurrence
    starts: list[int]  # token start offsets, for aligning character spans
    ends: list[int]  # token end offsets, likewise

    @classmethod
    def build(cls, text: str, end: int | None = None, sents: list[tuple[int, int]] | None = None) -> "ArticleView":
        """Tokens and sentences of ``text[:end]``; ``sents`` are its sentences when the caller has
        them already (``nlp.segment.sentence_spans``: a document is segmented once)."""
        end = len(text) if end is None else min(end, len(text))
        sents = sentences(text, 0, end) if sents is None else sents
        toks: list[tuple[int, int]] = []
        tok_sent: list[int] = []
        sent_toks: list[tuple[int, int]] = []
        for j, (s, e) in enumerate(sents):
            a = len(toks)
            found = tokens(text, s, e)
            toks.extend(found)
            tok_sent.extend([j] * len(found))
            sent_toks.append((a, len(toks)))
        low = [text[s:e].lower() for s, e in toks]
        shapes = [_shape(text[s:e]) for s, e in toks]
        bigrams: Counter[tuple[str, str]] = Counter()
        for a, b in sent_toks:
            bigrams.update(zip(low[a : b - 1], low[a + 1 : b]))
        return cls(
            text=text,
            end=end,
            toks=toks,
            low=low,
            shapes=shapes,
            sents=sents,
            tok_sent=tok_sent,
            sent_toks=sent_toks,
            unigram_count=Counter(low),
            bigram_count=bigrams,
            lowered=lower_same_length(text[:end]),
            starts=[s for s, _ in toks],
            ends=[e for _, e in toks],
        )

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices [a, b) of the tokens overlapping the character range [start, end); empty
        where none does, at the index where the span sits."""
        return char_span(self.starts, self.ends, start, end, "expand")


# ---------------------------------------------------------------------------------------------
# Sentence-level cues, shared by token, sentence and span rows.


def _sentence_cues(view: ArticleView, j: int) -> list[str]:
    s, e = view.sents[j]
    a, b = view.sent_toks[j]
    n = b - a
    seg = view.text[s:e]
    out = [f"slen={_bucket(n, (3, 6, 10, 16, 25, 40))}", f"spos={_bucket(j, (0, 1, 3, 8, 20))}"]
    if "!" in seg:
        out.append("s!")
    if "?" in seg:
        out.append("s?")
    if any(c in QUOTES for c in seg):
        out.append("sq")
    lex = sum(1 for w in view.low[a:b] if w in LOADED)
    out.append(f"slex={min(lex, 3)}")
    caps = sum(1 for sh in view.shapes[a:b] if sh == "X")
    if caps:
        out.append(f"scaps={min(caps, 3)}")
    return out


def _recurrence(view: ArticleView, i: int) -> list[str]:
    out = []
    w = view.low[i]
    if len(w) > 3 and view.shapes[i] != "p":
        out.append(f"rec1={min(view.unigram_count[w] - 1, _MAX_REC)}")
    j = view.tok_sent[i]
    a, b = view.sent_toks[j]
    if i + 1 < b:
        out.append(f"rec2={min(view.bigram_count[(w, view.low[i + 1])] - 1, _MAX_REC)}")
    if i > a:
        out.append(f"rec2p={min(view.bigram_count[(view.low[i - 1], w)] - 1, _MAX_REC)}")
    return out


def token_features(view: ArticleView, i: int, cues: list[list[str]], quoted: list[bool]) -> list[str]:
    """Names of the features of token ``i`` for span identification (tagging)."""
    j = view.tok_sent[i]
    a, b = view.sent_toks[j]
    low = view.low

    def w(k: int) -> str:
        return low[k] if a <= k < b else ("<s>" if k < a else "</s>")

    w0, wm1, wp1, wm2, wp2 = w(i), w(i - 1), w(i + 1), w(i - 2), w(i + 2)
    sh = view.shapes[i]
    shm1 = view.shapes[i - 1] if i > a else "<s>"
    shp1 = view.shapes[i + 1] if i + 1 < b else "</s>"
    n = b - a
    rel = (i - a) / max(n - 1, 1)
    out = [
        "bias",
        f"w0={w0}",
        f"w-1={wm1}",
        f"w+1={wp1}",
        f"w-2={wm2}",
        f"w+2={wp2}",
        f"b-={wm1}|{w0}",
        f"b+={w0}|{wp1}",
        f"t={wm1}|{w0}|{wp1}",
        f"sh={sh}",
        f"shw={shm1}|{sh}|{shp1}",
        f"rel={int(rel * 4.999)}",
    ]
    if i == a:
        out.append("first")
    if i == b - 1:
        out.append("last")
    if w0 in LOADED:
        out.append("lex")
    if any(low[k] in LOADED for k in range(max(a, i - 3), min(b, i + 4))):
        out.append("lexwin")
    if quoted[i]:
        out.append("inq")
    out.extend(_recurrence(view, i))
    out.extend(cues[j])
    return out


def quoted_tokens(view: ArticleView) -> list[bool]:
    """Whether each token lies between an opening and a closing quotation mark of its sentence."""
    out = [False] * len(view.toks)
    for a, b in view.sent_toks:
        inside = False
        for k in range(a, b):
            t = view.low[k]
            if t in ("“", "«"):
                inside = True
            elif t in ("”", "»"):
                inside = False
            elif t == '"':
                inside = not inside
            else:
                out[k] = inside
    return out


def all_token_features(view: ArticleView) -> list[list[str]]:
    cues = [_sentence_cues(view, j) for j in range(len(view.sents))]
    quoted = quoted_tokens(view)
    return [token_features(view, i, cues, quoted) for i in range(len(view.toks))]


def recurrences(view: ArticleView, seg: str, start: int) -> int:
    """Occurrences of ``seg`` (lowered) within CONTEXT_REACH characters of ``start``: the whole
    article for any article of ordinary length."""
    return view.lowered.count(seg, max(0, start - CONTEXT_REACH), start + len(seg) + CONTEXT_REACH)


def sentence_features(view: ArticleView, j: int) -> list[str]:
    """Names of the features of sentence ``j``: words, bigrams and sentence cues."""
    a, b = view.sent_toks[j]
    words = view.low[a:b]
    out = ["bias"]
    out.extend(f"u={w}" for w in words)
    out.extend(f"bi={x}|{y}" for x, y in zip(words, words[1:]))
    if words:
        out.append(f"f={words[0]}")
        out.append(f"l={words[-1]}")
    out.extend(_sentence_cues(view, j))
    s, e = view.sents[j]
    seg = view.lowered[s:e]
    if len(seg) > 15 and recurrences(view, seg, s) > 1:
        out.append("srec")
    return out


def span_feature_names(view: ArticleView, start: int, end: int) -> list[str]:
    """Names of the features of the span ``text[start:end]`` for technique classification."""
    a, b = view.token_range(start, end)
    words = view.low[a:b] or [view.text[start:end].lower()]
    n = len(words)
    out = ["bias"]
    out.extend(f"u={w}" for w in words)
    out.extend(f"bi={x}|{y}" for x, y in zip(words, words[1:]))
    out.append(f"f={words[0]}")
    out.append(f"l={words[-1]}")
    # the two words either side (the whole sentence as a bag was measured to hurt: too noisy)
    before = [view.low[k] if k >= 0 else "<d>" for k in (a - 2, a - 1)]
    after = [view.low[k] if k < len(view.low) else "</d>" for k in (b, b + 1)]
    out += [f"pb={before[1]}", f"pb2={before[0]}", f"pbb={before[0]}|{before[1]}", f"pa={after[0]}", f"pa2={after[1]}"]
    # character 4-grams of longer words: morphology ("-ist", "anti-", "terror-") for rare words
    for w in words:
        if len(w) > 4:
            padded = f"<{w}>"
            out.extend(f"cg={padded[k : k + 4]}" for k in range(len(padded) - 3))
    out.append(f"ntok={_bucket(n, (1, 2, 3, 5, 8, 13, 20, 30))}")
    out.append(f"nchr={_bucket(end - start, (8, 15, 30, 60, 120, 200))}")
    # recurrence of the span's own text elsewhere in the article (Repetition)
    seg = lower_same_length(view.text[start:end]).strip()
    rec = recurrences(view, seg, start) - 1 if seg else 0
    out.append(f"rep={min(max(rec, 0), _MAX_REC)}")
    content = [w for w in words if len(w) > 3 and _ALPHA.search(w)]
    if content:
        top = max(view.unigram_count[w] for w in content) - 1
        out.append(f"wrec={min(top, _MAX_REC)}")
    # the sentence(s) it sits in (none when the text has no tokens at all)
    if view.sents:
        j0 = view.tok_sent[a] if a < len(view.tok_sent) else len(view.sents) - 1
        j1 = view.tok_sent[b - 1] if 0 < b <= len(view.tok_sent) else j0
        if j1 > j0:
            out.append("multisent")
        sa, sb = view.sent_toks[j0]
        cov = n / max(sb - sa, 1)
        out.append(f"cov={_bucket(cov, (0.1, 0.25, 0.5, 0.8, 0.95))}")
        if j0 == 0:
            out.append("title")
        out.extend(f"s{c}" for c in _sentence_cues(view, j0))
    span_text = view.text[start:end]
    if "!" in span_text:
        out.append("!")
    if "?" in span_text:
        out.append("?")
    if any(c in QUOTES for c in span_text):
        out.append("q")
    if (start > 0 and view.text[start - 1] in QUOTES) or (end < len(view.text) and view.text[end] in QUOTES):
        out.append("qedge")
    lex = sum(1 for w in words if w in LOADED)
    out.append(f"lex={min(lex, 3)}")
    shapes = view.shapes[a:b]
    if any(s == "X" for s in shapes):
        out.append("caps")
    if shapes and all(s in ("Xx", "X", "C") for s in shapes if s != "p"):
        out.append("allcapitalised")
    return out

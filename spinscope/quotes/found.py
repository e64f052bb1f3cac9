"""One quote as the extractors find it, before it becomes a span."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinscope.document import QUOTE, Span
from spinscope.quotes.speakers import Speaker


@dataclass(frozen=True, slots=True)
class Found:
    """A quote's content (one fragment, or several around the cue), kind, cue and speaker."""

    fragments: tuple[tuple[int, int], ...]
    kind: str  # direct | mixed | indirect
    cue: tuple[int, int] | None
    speaker: Speaker | None

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]

    def span(self, text: str, ident: str) -> Span:
        """The span in group ``quote``: from the first fragment's start to the last one's end,
        with every fact a reader needs in its attributes (no join with another group)."""
        attributes: dict[str, Any] = {"kind": self.kind}
        if len(self.fragments) > 1:
            attributes["fragments"] = [{"start": s, "end": e, "text": text[s:e]} for s, e in self.fragments]
        attributes["cue"] = None if self.cue is None else {"start": self.cue[0], "end": self.cue[1], "text": text[self.cue[0] : self.cue[1]]}
        if self.speaker is None:
            attributes.update({"speaker": None, "speaker_name": None, "speaker_resolution": None})
        else:
            attributes.update(self.speaker.attributes(text))
        return Span(self.start, self.end, self.kind, attributes=attributes, id=ident)

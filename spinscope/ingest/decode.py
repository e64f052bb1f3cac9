"""Bytes to text, with limits, and nothing else.

The decoded `str` is kept exactly as decoded: no newline translation, no Unicode normalisation,
no stripping. Span offsets (ours and SemEval's) index into this exact string, so any change here
would silently shift every annotation.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

import charset_normalizer

from spinscope.document import Span
from spinscope.errors import BinaryInputError, EmptyInputError, EncodingError, InputTooLargeError
from spinscope.settings import flag

# Byte-order marks that make NUL bytes legitimate, longest first (UTF-32-LE starts with UTF-16-LE's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Formats that reach us mislabelled (a PDF served as text/html, a zip saved as .txt) and that a
# charset detector would otherwise happily "decode" into garbage text.
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (or an Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)

REPLACED_BYTE = "replaced_byte"
REPLACED_SURROGATE = "replaced_surrogate"
REPLACEMENT = "\ufffd"
# surrogateescape decodes each invalid byte to one of these; valid UTF-8 never decodes to them.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_ASCII_BYTES = bytes(range(0x80))
_FEW_STRAYS = 10
_SURROGATE = re.compile("[\ud800-\udfff]")

_SNIFF_BYTES = 8192
# Text has almost no C0 control characters besides tab, newlines and form feed; binary data has
# many. 10% of the sniffed prefix separates the two with a wide margin on both sides.
_MAX_CONTROL_SHARE = 0.10
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")


def too_large(name: str, limit: int, size: int | None = None) -> InputTooLargeError:
    """The one message for every byte-limit hit, so the fix is always named, for both doors: the
    CLI and the web app (whose server takes the same flag) share the setting."""
    got = f"is {size:,} bytes, over" if size is not None else "is over"
    option = flag("max_bytes")
    fix = f"max_bytes: {option} on the command line, spinscope serve {option} for the web app"
    return InputTooLargeError(f"{name} {got} the limit of {limit:,} bytes ({fix})")

def read_limited(stream: BinaryIO, limit: int, name: str) -> bytes:
    """Read at most `limit` bytes; reading one more tells us the input is too large without
    ever holding more than limit + 1 bytes of it (stdin and /dev/zero have no size to check)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(name, limit)
    return data


def decode_bytes(data: bytes, name: str, declared: str | None = None) -> tuple[str, list[Span]]:
    """Decode text, trusting in order: a byte-order mark, the declared charset, UTF-8, UTF-8 with
    a few stray bytes, detection. Returns the text and the spans of the bytes replaced by U+FFFD.

    `declared` comes from an HTTP header or an HTML meta tag; it is often wrong, so a charset that
    fails to decode falls through to the next step instead of failing the input.
    """
    if not data.strip():
        raise EmptyInputError(f"{name} is empty")
    decoded = _decode(data, name, declared)
    if decoded is None:
        raise EncodingError(f"{name} could not be decoded: no text encoding explains its bytes; convert it to UTF-8")
    text, replaced = decoded
    if not text.strip():
        raise EmptyInputError(f"{name} contains only whitespace")
    return text, replaced


def _decode(data: bytes, name: str, declared: str | None) -> tuple[str, list[Span]] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _unmarked(_strict(data, encoding))
    _reject_binary(data, name)
    for candidate in (declared, "utf-8"):
        if candidate and (text := _strict(data, candidate)) is not None:
            return text, []
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    detected = _detect(data)
    return None if detected is None else _unmarked(_strict(data, detected))


def _unmarked(text: str | None) -> tuple[str, list[Span]] | None:
    return None if text is None else (text, [])


def _mostly_utf8(data: bytes) -> tuple[str, list[Span]] | None:
    """UTF-8 with each invalid byte replaced by U+FFFD, when the invalid bytes are a few strays:
    fewer than the valid multi-byte characters, and at most 1 in 1,000 bytes (or _FEW_STRAYS in a
    short text), so a hostile input cannot make a span of every other byte.

    Legacy Western text almost never holds a valid UTF-8 sequence (its accented letters are single
    bytes, invalid as UTF-8), so its valid multi-byte characters are near 0; UTF-8 text with a
    stray byte has nearly all of them valid. Detection would otherwise turn all of its accents into
    mojibake ("Café" as Mac Roman "Caf√©") to explain the one byte, without a word.
    """
    escaped = data.decode("utf-8", "surrogateescape")
    text, invalid = _ESCAPED_BYTE.subn(REPLACEMENT, escaped)
    high_bytes = len(data.translate(None, _ASCII_BYTES))
    multibyte = len(escaped) - (len(data) - high_bytes) - invalid
    if invalid >= multibyte or invalid > max(_FEW_STRAYS, len(data) // 1000):
        return None
    replaced = [Span(m.start(), m.end(), REPLACED_BYTE, attributes={"byte": f"0x{ord(m.group()) - 0xDC00:02x}"}) for m in _ESCAPED_BYTE.finditer(escaped)]
    return text, replaced


def replace_surrogates(text: str) -> tuple[str, list[Span]]:
    """`text` with each lone surrogate (JSON's "\\ud800" decodes to one) replaced by U+FFFD, and
    a span for each: no UTF-8 output could hold one, so it would fail the whole batch when written."""
    replaced = [Span(m.start(), m.end(), REPLACED_SURROGATE, attributes={"code_point": f"U+{ord(m.group()):04X}"}) for m in _SURROGATE.finditer(text)]
    return (_SURROGATE.sub(REPLACEMENT, text) if replaced else text), replaced


def replaced_in_extraction(text: str, replaced: list[Span]) -> list[Span]:
    """Where replaced bytes of a page ended up in its extracted text: the extraction's offsets are
    not the page's, so each U+FFFD in it is marked, without its byte, when the page had any."""
    if not replaced:
        return []
    return [Span(m.start(), m.end(), REPLACED_BYTE) for m in re.finditer(REPLACEMENT, text)]


def _detect(data: bytes) -> str | None:
    """charset-normalizer's pick, except that windows-1252 wins a tie.

    On Western European text the detector cannot tell windows-1252 from cp1250 or cp1257 (the
    bytes differ in a few letters, and both score the same) and may pick either; an undeclared
    legacy page is almost always windows-1252, so it wins unless another encoding scores better.
    Turkish, Polish or Cyrillic text still gets its own encoding, which does score better.
    """
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    western = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and western.chaos <= best.chaos and western.coherence >= best.coherence:
        return "cp1252"
    return best.encoding


def _reject_binary(data: bytes, name: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise BinaryInputError(f"{name} looks like {what}, not text")
    if b"\x00" in data:
        raise BinaryInputError(f"{name} contains NUL bytes; it looks like binary data, not text")
    _check_controls(data[:_SNIFF_BYTES], name)


def reject_binary_text(text: str, name: str) -> None:
    """The same rules for text that arrives already decoded (Python, the API, JSONL), so no
    door lets in what a file would be refused for."""
    if "\x00" in text:
        raise BinaryInputError(f"{name} contains NUL characters; it looks like binary data, not text")
    _check_controls([ord(c) for c in text[:_SNIFF_BYTES]], name)


def _check_controls(head: bytes | list[int], name: str) -> None:
    controls = sum(1 for b in head if b < 0x20 and b not in _TEXT_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(head):
        raise BinaryInputError(f"{name} is {controls / len(head):.0%} control characters; it looks like binary data, not text")


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


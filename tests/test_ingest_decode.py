"""decode.py: bytes to the exact text, or a typed error that says why not."""

from __future__ import annotations

import codecs
import io
import random

import pytest

from spinscope.errors import BinaryInputError, EmptyInputError, EncodingError, InputError, InputTooLargeError
from spinscope.document import Span
from spinscope.ingest.decode import REPLACED_BYTE, REPLACED_SURROGATE, decode_bytes, read_limited, replace_surrogates

FRENCH = "Le gouvernement syrien a déclaré que l'armée avait libéré les quartiers est d'Alep. « Nous sommes rentrés », disent les habitants — enfin. Où est la vérité ? Le ministère n'a pas répondu."
GERMAN = "Die syrische Regierung erklärte, die Armee habe die östlichen Viertel von Aleppo befreit. Die Bewohner kehrten zurück, heißt es. Übergriffe würden nicht geduldet, sagte ein Sprecher."
SPANISH = "El gobierno sirio declaró que el ejército liberó los barrios del este de Alepo. ¿Quién pagará? Los niños y las señoras volvieron a sus casas, según fuentes “oficiales”."
RUSSIAN = "Правительство Сирии заявило, что армия освободила восточные районы Алеппо от боевиков. Жители города вернулись домой."


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("line one\r\nline two\r\n«Aleppo» — 100%\n".encode(), "line one\r\nline two\r\n«Aleppo» — 100%\n"),
        ("mixed\rendings\n\u2028kept".encode(), "mixed\rendings\n\u2028kept"),
        (codecs.BOM_UTF8 + "with a BOM\r\n".encode(), "with a BOM\r\n"),
        (codecs.BOM_UTF16_LE + "UTF-16 text".encode("utf-16-le"), "UTF-16 text"),
    ],
)
def test_decode_keeps_text_exactly(data: bytes, text: str) -> None:
    assert decode_bytes(data, "input") == (text, [])


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(FRENCH, "cp1252"), (GERMAN, "latin-1"), (SPANISH, "cp1252"), (RUSSIAN, "cp1251")],
)
def test_decode_detects_legacy_encodings(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding), "input") == (text, [])


@pytest.mark.parametrize(
    ("data", "text", "replaced"),
    [
        (b"Caf\xc3\xa9 na\xc3\xafve \xff end.", "Café naïve \ufffd end.", [(11, "0xff")]),
        (FRENCH.encode() + b"\x80", FRENCH + "\ufffd", [(len(FRENCH), "0x80")]),
        (b"\xe2\x80 cut \xe2\x80\x9cquote\xe2\x80\x9d \xc3\xa9t\xc3\xa9", "\ufffd\ufffd cut “quote” été", [(0, "0xe2"), (1, "0x80")]),
    ],
    ids=["stray-ff", "trailing-continuation", "cut-sequence"],
)
def test_decode_mostly_utf8_replaces_each_stray_byte_and_marks_it(data: bytes, text: str, replaced: list[tuple[int, str]]) -> None:
    assert decode_bytes(data, "input") == (text, [Span(i, i + 1, REPLACED_BYTE, attributes={"byte": byte}) for i, byte in replaced])


@pytest.mark.parametrize(("strays", "marked"), [(10, True), (11, False)])
def test_decode_more_than_a_few_stray_bytes_are_left_to_detection(strays: int, marked: bool) -> None:
    data = (FRENCH.encode() + b" \xff") * strays  # about 200 bytes each: far over 1 in 1,000
    assert bool(decode_bytes(data, "input")[1]) is marked


@pytest.mark.parametrize("text", [FRENCH, GERMAN, SPANISH, "Un café, déjà vu à Noël: ça coûte 5 €."])
def test_decode_legacy_text_with_a_valid_utf8_pair_is_still_legacy(text: str) -> None:
    # "Ã©" in cp1252 is a valid UTF-8 "é": one valid sequence among many invalid bytes, so
    # detection still decides (its pick for the two letters varies; the text before them must not).
    decoded, replaced = decode_bytes((text + " Ã©").encode("cp1252"), "input")
    assert decoded.startswith(text) and replaced == []


def test_decode_replace_surrogates_marks_each_one() -> None:
    assert replace_surrogates("a\ud800b\udfffc\U0001f600") == (
        "a\ufffdb\ufffdc\U0001f600",
        [Span(1, 2, REPLACED_SURROGATE, attributes={"code_point": "U+D800"}), Span(3, 4, REPLACED_SURROGATE, attributes={"code_point": "U+DFFF"})],
    )


@pytest.mark.parametrize(
    ("declared", "expected"),
    [("windows-1252", "caf\u00e9 \u201cok\u201d"), ("no-such-charset", "caf\u00e9 \u201cok\u201d"), ("utf-8", "caf\u00e9 \u201cok\u201d")],
)
def test_decode_declared_charset_used_or_skipped(declared: str, expected: str) -> None:
    # cp1252 bytes: a right declaration is used; an unknown or wrong one falls through to detection.
    assert decode_bytes("caf\u00e9 \u201cok\u201d".encode("cp1252"), "page", declared) == (expected, [])


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", EmptyInputError, "empty"),
        (b"  \r\n\t\n ", EmptyInputError, "empty"),
        (codecs.BOM_UTF8, EmptyInputError, "whitespace"),
        ("\u3000\u00a0 ".encode(), EmptyInputError, "whitespace"),
        (b"text\x00with NUL", BinaryInputError, "NUL"),
        (bytes(range(1, 32)) * 20, BinaryInputError, "control characters"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", BinaryInputError, "PDF"),
        (b"\x1f\x8b\x08\x00" + b"a" * 50, BinaryInputError, "gzip"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", EncodingError, "could not be decoded"),
    ],
)
def test_decode_rejects_bad_input(data: bytes, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        decode_bytes(data, "input.txt")


@pytest.mark.parametrize("size", [0, 10, 100])
def test_decode_read_limited_reads_up_to_the_limit(size: int) -> None:
    assert read_limited(io.BytesIO(b"x" * size), 100, "stdin") == b"x" * size


@pytest.mark.parametrize("size", [101, 10_000])
def test_decode_read_limited_refuses_more(size: int) -> None:
    stream = io.BytesIO(b"x" * size)
    with pytest.raises(InputTooLargeError, match=r"stdin is over the limit of 100 bytes \(max_bytes: --max-bytes on the command line, spinscope serve --max-bytes for the web app\)"):
        read_limited(stream, 100, "stdin")
    assert stream.tell() == 101  # stopped reading one byte past the limit


@pytest.mark.parametrize("seed", range(20))
def test_decode_random_bytes_give_text_or_a_typed_error(seed: int) -> None:
    data = random.Random(seed).randbytes(2000)
    try:
        assert isinstance(decode_bytes(data, "noise")[0], str)
    except InputError:
        pass

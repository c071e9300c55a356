"""LaTeX in BibTeX fields to plain text: ``{\\"u}`` → ü, ``\\&`` → &, ``--`` → –, no braces."""

import re
import unicodedata

from pylatexenc.latex2text import LatexNodes2Text

_DECODER = LatexNodes2Text()
_SPACES = re.compile(r"\s+")

#: The accents BibTeX exports use, as Unicode combining marks.
_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
#: ``{\"u}``, ``\"{u}``, ``\"u``, ``{\'\i}``, ``\c{c}``, ``\v s`` …
_ACCENTED = re.compile(
    r"""\{?\\(?:(["'`^~=.])\s*|([uvHckr])(?:\s+|(?=\{)))"""
    r"""(?:\{\s*(\\[ij]\b|[A-Za-z])\s*\}|(\\[ij]\b|[A-Za-z]))\}?"""
)
_ESCAPED = re.compile(r"\\([&%$#_{}])")


def _accent(match):
    mark = _ACCENTS[match.group(1) or match.group(2)]
    letter = match.group(3) or match.group(4)
    letter = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", letter + mark)


def _plain(text):
    text = text.replace("{", "").replace("}", "").replace("---", "—").replace("--", "–")
    return text.replace("~", " ")


def latex_to_text(value):
    """Plain text of a BibTeX field value, on one line.

    Accents and escaped characters, nearly all the LaTeX real exports hold, are
    replaced here directly; anything else (math, other commands) goes through
    pylatexenc, which is exact but slow: tens of milliseconds for an abstract,
    minutes for a 10,000-entry file.
    """
    if not value:
        return ""
    text = _ACCENTED.sub(_accent, value)
    escaped = _ESCAPED.sub(lambda match: f"\x00{ord(match.group(1))}\x00", text)
    if "\\" in escaped or "$" in escaped:
        text = _DECODER.latex_to_text(value)
    else:
        text = re.sub("\x00(\\d+)\x00", lambda match: chr(int(match.group(1))), _plain(escaped))
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()

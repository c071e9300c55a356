"""Text normalisation shared by the models' stored search keys and the API's search."""

import re
import unicodedata

#: Letters that Unicode does not decompose into a base letter plus an accent.
#: Applied after lower-casing, so ``Æther`` folds like ``æther``.
_FOLDED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalize_for_search(text):
    """Lower-case, strip accents and turn punctuation into spaces.

    Both search backends (SQLite FTS5 and PostgreSQL's ``simple`` text search)
    then see the same plain words, so they find the same rows: ``Martínez``
    and ``martinez`` match, and ``Cloud-Compatible`` is two words everywhere.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLDED))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", stripped.lower()).strip()

"""A publication as a BibTeX entry and as a plain-text citation, for a frontend's "Cite"."""

import re

from cms.text import normalize_for_search

#: Characters LaTeX reads as commands; escaped so the entry reads back as the same text.
_SPECIAL = re.compile(r"([&%$#_{}])")


def _escape(text):
    return _SPECIAL.sub(r"\\\1", text)


def _family_name(name):
    """``Ada B. Lovelace`` → (``Ada B.``, ``Lovelace``, ``""``); ``Jr.`` after a comma kept."""
    main, _, suffix = name.partition(", ")
    given, _, family = main.rpartition(" ")
    return given, family, suffix


def _bibtex_name(name):
    """``Ada Lovelace`` → ``Lovelace, Ada``; ``John Hackett, Jr.`` → ``Hackett, Jr., John``."""
    given, family, suffix = (_escape(part) for part in _family_name(name))
    return ", ".join(part for part in (family, suffix, given) if part)


def citation_key(publication, author_names):
    """``behm2022photon``: first author's family name, the year, the title's first word."""
    family = normalize_for_search(_family_name(author_names[0])[1]) if author_names else ""
    words = [w for w in normalize_for_search(publication.title).split() if len(w) > 3]
    key = f"{family.replace(' ', '')}{publication.year}{words[0] if words else ''}"
    return key or f"publication{publication.pk}"


def bibtex_entry(publication, author_names):
    """A ``@misc`` entry: the CMS does not record entry types; ``howpublished`` is the venue."""
    fields = [
        ("title", f"{{{_escape(publication.title)}}}"),
        ("author", " and ".join(_bibtex_name(name) for name in author_names)),
        ("howpublished", _escape(publication.venue)),
        ("year", str(publication.year)),
        ("doi", publication.doi),
        ("url", publication.url),
    ]
    if publication.arxiv_id:
        fields += [("eprint", publication.arxiv_id), ("archivePrefix", "arXiv")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{citation_key(publication, author_names)},\n{body}\n}}"


def _sentence(text):
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def plain_citation(publication, author_names):
    """``A. Author, B. Author. Title. Venue, 2023. https://doi.org/…``"""
    parts = [_sentence(", ".join(author_names))] if author_names else []
    parts.append(_sentence(publication.title))
    parts.append(
        _sentence(
            f"{publication.venue}, {publication.year}"
            if publication.venue
            else str(publication.year)
        )
    )
    if publication.doi:
        parts.append(f"https://doi.org/{publication.doi}")
    elif publication.url:
        parts.append(publication.url)
    return " ".join(parts)

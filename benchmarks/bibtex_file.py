"""A large, realistic ``.bib`` file for timing ``manage.py import_publications``.

Every entry is a distinct paper (unique title, DOI on two thirds, arXiv id on
a third) with accents, braces and ``and``-separated authors, so the import runs
the same code paths as a real export from Google Scholar, DBLP or Zotero.

    python -m benchmarks.bibtex_file 10000 > /tmp/10k.bib
    time python manage.py import_publications /tmp/10k.bib --publish
"""

import sys

FIRST = ["Jörg", "Zoë", "Ana", "Wei", "Priya", "Ole", "Chloé", "Łukasz", "Kwame", "Inès"]
LAST = [r"M{\"u}ller", r"Garc{\'\i}a", "Chen", "Nguyen", r"Sch{\"o}n", "Okafor", "Kim"]
TOPICS = ["Query Engines", "Vector Search", "{GPU} Kernels", "Stream Joins", "Lakehouses"]
VENUES = [("article", "journal", "Proc. {VLDB} Endow."), ("inproceedings", "booktitle", "SIGMOD")]


def bibtex_entry(number):
    kind, venue_field, venue = VENUES[number % len(VENUES)]
    authors = " and ".join(
        f"{LAST[(number + i) % len(LAST)]}, {FIRST[(number * 7 + i) % len(FIRST)]}"
        for i in range(1 + number % 4)
    )
    topic = TOPICS[number % len(TOPICS)]
    lines = [
        f"@{kind}{{paper{number},",
        f"  title = {{Scalable {topic} \\& Caf{{\\'e}} Workloads, Part {number}}},",
        f"  author = {{{authors}}},",
        f"  {venue_field} = {{{venue}}},",
        f"  year = {{{2000 + number % 25}}},",
        f"  abstract = {{We study {topic.lower()} at scale -- experiment {number}.}},",
    ]
    if number % 3:
        lines.append(f"  doi = {{10.5555/bench.{number}}},")
    else:
        lines.append(f"  eprint = {{{2000 + number % 25 - 2000:02d}01.{number:05d}}},")
        lines.append("  archivePrefix = {arXiv},")
    lines.append("}")
    return "\n".join(lines)


def bibtex_file(count, start=0):
    """``count`` distinct entries; ``start`` moves the numbers, to import fresh papers again."""
    return "\n\n".join(bibtex_entry(n) for n in range(start, start + count)) + "\n"


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:3]]
    sys.stdout.write(bibtex_file(*(arguments or [10_000])))

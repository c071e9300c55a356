"""BibTeX in and out: read ``.bib`` files into publications, and cite publications as BibTeX.

``parse`` turns BibTeX text into plain records, ``plan`` decides per entry what an
import would do, ``importer`` carries a plan out the way the admin saves, and
``export`` writes a publication back as a BibTeX entry and a plain citation.
"""

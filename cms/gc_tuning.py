"""The garbage collector of a process that serves requests.

CPython collects reference cycles by generations: the youngest after every 700 net
allocations of container objects, the middle one every 10 collections of the youngest,
and the oldest, every tracked object, every 10 of the middle one once enough has been
promoted into it. A serving process starts with about 194,000 such objects that live as
long as it does (modules, models, the URLconf, the GraphQL schema), and a 100-row page
holds tens of thousands until it is answered, which the young collections promote. With
the defaults, one such request in thirty paid for a full collection walking the whole
heap: up to 240 ms on this project's 2-core machine, the slowest requests there were.

So, once start-up is done (``cms.wsgi``, which gunicorn's ``preload_app`` imports
before forking its workers):

* ``gc.freeze()`` moves everything start-up built into a permanent generation that no
  collection walks, nor writes to, so a forked worker also keeps sharing those pages
  with the master (CPython's documentation advises it for pre-forking servers);
* the oldest generation is collected after 100 collections of the middle one instead of
  10. The young ones keep CPython's thresholds: what they walk stays small, so no single
  pause grows (collecting the youngest every 50,000 allocations instead of 700 was
  tried: fewer collections, but one of them could take 130 ms).

Measured on 100-row pages, one process, alternating blocks of 100 requests (300 of
each): with the defaults, 9 full collections (up to 237 ms), 7.5 ms of collection per
request on average, p95 1.40× the median; frozen and with these thresholds, no full
collection, 1.7 ms per request, p95 1.35×, the longest pause 4.1 ms.
"""

import gc

#: (youngest, middle, oldest) collection thresholds while serving; CPython's are
#: (700, 10, 10).
SERVING_THRESHOLDS = (700, 10, 100)


def tune_for_serving():
    """Call once the application is loaded, before serving (module docstring)."""
    gc.collect()  # what start-up left as garbage is freed, not frozen with the rest
    gc.freeze()
    gc.set_threshold(*SERVING_THRESHOLDS)

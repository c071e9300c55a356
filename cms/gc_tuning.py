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

And while a request is being answered, no automatic collection runs at all
(``CollectBetweenRequests``, the outermost middleware): what a 100-row page holds is
alive until it is answered, so every young collection on the way walks it and promotes
it, only for it to die a moment later. Collection resumes as the request ends, when the
page's objects are already freed by reference counting and what is left to walk is the
few that outlive it and the cycles it made (2,814 objects, counted with
``DEBUG_SAVEALL``: authors and their publications refer to each other). Timed with
``gc.callbacks`` over blocks of 100 requests of 100 rows in one process: 5.5
collections and 1.4 ms of collection per request (3.5 ms in a block that met a full
collection) became 0.9 and 0.8 ms, and full collections, which follow from the young
ones, six times rarer.

With two threads a worker (gunicorn's ``gthread``) requests overlap, so collection stays
off until the last one in flight ends; should so many objects outlive their requests
meanwhile that ``MAX_DEFERRED`` allocations are waiting, the collections then due run as
a request ends (``collect_overdue``), so memory stays bounded under constant load.
"""

import gc
import threading

#: (youngest, middle, oldest) collection thresholds while serving; CPython's are
#: (700, 10, 10).
SERVING_THRESHOLDS = (700, 10, 100)


def tune_for_serving():
    """Call once the application is loaded, before serving (module docstring)."""
    gc.collect()  # what start-up left as garbage is freed, not frozen with the rest
    gc.freeze()
    gc.set_threshold(*SERVING_THRESHOLDS)


#: Net allocations of container objects (``gc.get_count()[0]``) past which a young
#: collection runs even while requests are in flight: a 100-row page keeps about
#: 30,000 alive until it is answered, so this is a few pages' worth that outlived them.
MAX_DEFERRED = 100_000

_lock = threading.Lock()
_in_flight = 0
_resume = False  # whether collection was on when the first request in flight began


class CollectBetweenRequests:
    """Middleware, the outermost: no automatic collection while any request is being
    answered, and what is due once none is (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request_started()
        try:
            return self.get_response(request)
        finally:
            _request_ended()


def _request_started():
    global _in_flight, _resume
    with _lock:
        if _in_flight == 0:
            _resume = gc.isenabled()
            gc.disable()
        _in_flight += 1


def _request_ended():
    global _in_flight
    with _lock:
        _in_flight -= 1
        if not _resume:
            return  # collection was off before: whoever turned it off turns it on
        if _in_flight == 0:
            gc.enable()  # CPython collects at the next allocation if one is due
        elif gc.get_count()[0] > MAX_DEFERRED:
            collect_overdue()


def collect_overdue():
    """What CPython's automatic collection would run now: the oldest generation whose
    count passed its threshold, with the younger ones (a young collection counts
    towards the middle generation's, as it does when automatic)."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    gc.collect(next((g for g in (2, 1) if counts[g] > thresholds[g]), 0))

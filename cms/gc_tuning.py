"""The garbage collector of a process that serves requests.

CPython collects reference cycles by generations: the youngest after every 700 net
allocations of container objects, the middle one every 10 collections of the youngest,
and the oldest, every tracked object, once enough has been promoted into it. A serving
process starts with about 230,000 such objects that live as long as it does (modules,
models, the URLconf, the GraphQL schema), and a 100-row page allocates tens of
thousands that live as long as the request. With the defaults, the youngest generation
was collected about six times per such request, promoting what the request still held,
and every thirty requests or so a full collection walked the whole heap: 230 to 470 ms
each on this project's 2-core machine, which is what the slowest requests were.

So, once start-up is done (``cms.wsgi``, which gunicorn's ``preload_app`` imports
before forking its workers):

* ``gc.freeze()`` moves everything start-up built into a permanent generation that no
  collection walks, nor writes to, so a forked worker also keeps sharing those pages
  with the master (CPython's documentation advises it for pre-forking servers);
* the youngest generation is collected every 50,000 allocations: most of a request's
  objects are then freed by reference counting before a collection sees them. A cycle
  (a queryset and its clone, an exception and its traceback) waits a little longer for
  its collection: at most about 50,000 objects of cyclic garbage, a few MB.

Measured on 100-row pages, one process, alternating blocks of 100 requests: 2,416
collections in 400 requests, 12 of them full (234–471 ms), with the defaults; 20 and
none full with both; median 48.6 → 41.0 ms.
"""

import gc

#: (youngest, middle, oldest) collection thresholds while serving; CPython's are
#: (700, 10, 10).
SERVING_THRESHOLDS = (50_000, 20, 10)


def tune_for_serving():
    """Call once the application is loaded, before serving (module docstring)."""
    gc.collect()  # what start-up left as garbage is freed, not frozen with the rest
    gc.freeze()
    gc.set_threshold(*SERVING_THRESHOLDS)

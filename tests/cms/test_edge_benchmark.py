"""The figures ``make bench-edge`` reports for a publish storm (``benchmarks.edge``).

The benchmark's claims, "0 stale answers after the purge" and the time to a fresh
answer, are only as good as this counting: an old answer polled after the publish
(and with it the purge) returned is stale; one polled while the publish was still
running is not; freshness is timed from the commit.
"""

from benchmarks.edge import hit_ratio, storm_figures

# (number, begun, committed, returned) per publish; (started, ended, status, version) per poll.
PUBLISHES = [(1, 10.0, 10.2, 10.3), (2, 11.0, 11.2, 11.3)]


def test_an_old_answer_after_the_purge_is_stale_and_one_before_it_is_not():
    polls = [
        (10.25, 10.26, 200, 0),  # publish 1 committed, purge not yet returned: not stale
        (10.31, 10.32, 200, 0),  # after publish 1 returned, still the old venue: stale
        (10.40, 10.45, 200, 1),  # fresh
        (11.35, 11.36, 200, 2),  # fresh for publish 2
        (11.40, 11.41, 200, 1),  # publish 2's purge returned, publish 1's venue: stale
        (11.50, 11.51, 503, 0),  # an error is not an answer
    ]
    rounds = storm_figures(PUBLISHES, polls)
    assert [r["stale"] for r in rounds] == [1, 1]
    assert [r["fresh_after_ms"] for r in rounds] == [250.0, 160.0]
    assert [r["publish_ms"] for r in rounds] == [300.0, 300.0]


def test_a_publish_never_seen_at_the_edge_has_no_time_to_fresh():
    rounds = storm_figures(PUBLISHES[:1], [(10.5, 10.6, 200, 0)])
    assert rounds == [{"publish_ms": 300.0, "fresh_after_ms": None, "stale": 1}]


def test_the_hit_ratio_counts_misses_and_passes_against_hits():
    before = {"MAIN.cache_hit": 100, "MAIN.cache_miss": 10, "MAIN.cache_hitmiss": 0}
    before["MAIN.s_pass"] = 0
    after = {"MAIN.cache_hit": 290, "MAIN.cache_miss": 15, "MAIN.cache_hitmiss": 2}
    after["MAIN.s_pass"] = 3
    ratio, delta = hit_ratio(before, after)
    assert ratio == 190 / 200
    assert delta["MAIN.cache_miss"] == 5

"""The reference frontend's Publications page in a real browser, on the demo content."""

import re
from collections import Counter

from playwright.sync_api import expect

from .conftest import LIVE_DB

pytestmark = LIVE_DB

STATUS = ".results__status"


def open_seed_page(browser):
    """Open the Publications page and wait for the seed's first page of results."""
    browser.goto("/publications/")
    expect(browser.page.locator(STATUS)).to_have_text("Showing 1 - 12 of 46 results")


def titles(page):
    return page.locator(".publication-list .publication__title").all_inner_texts()


def settled(page):
    """Wait until the results for the current URL are shown (no request in flight).

    The URL changes in the same task that starts the request and marks the results
    busy, so after an URL check this waits for that request's results."""
    expect(page.locator(".results")).not_to_have_attribute("aria-busy", "true")


def facet_counts(page):
    """{"AI and ML": 15, ...} as the filter shows them."""
    return page.eval_on_selector_all(
        ".facet",
        """items => Object.fromEntries(items.map(item => [
            item.querySelector('.facet__name').textContent,
            Number(item.querySelector('.facet__count').textContent.replace(/[()]/g, '')),
        ]))""",
    )


def domain_names(page):
    return page.locator(".publication-list .publication__meta .tag").all_inner_texts()


def matching(publications, word):
    """Demo publications with a word starting with ``word`` in title, authors or venue
    (the demo content has no abstracts), as the API's search finds them."""
    pattern = re.compile(rf"\b{re.escape(word)}", re.IGNORECASE)
    return [
        item
        for item in publications
        if pattern.search(" ".join([item["title"], item["venue"], *item["authors"]]))
    ]


def counts_by_name(publications, domains):
    counts = Counter(item["domain"] for item in publications)
    return {name: counts.get(slug, 0) for slug, name in domains.items()}


def test_first_page_is_the_seed_page(browser, publications_json, domains):
    page = browser.page
    browser.goto("/publications/")

    expect(page.locator(STATUS)).to_have_text("Showing 1 - 12 of 46 results")
    assert titles(page) == [item["title"] for item in publications_json[:12]]
    first, seed = page.locator(".publication").first, publications_json[0]
    expect(first.locator(".publication__authors")).to_have_text(", ".join(seed["authors"]))
    expect(first.locator(".publication__meta")).to_contain_text(domains[seed["domain"]])
    expect(first.locator(".publication__meta")).to_contain_text(f"{seed['venue']} {seed['year']}")
    assert facet_counts(page) == counts_by_name(publications_json, domains)
    expect(page.get_by_label("Sort by")).to_have_value("title")
    expect(page.get_by_role("heading", level=1)).to_have_text("Publications")
    browser.screenshots()


def test_typing_narrows_the_list_and_updates_the_counts(browser, publications_json, domains):
    page = browser.page
    open_seed_page(browser)

    page.get_by_label("Search publications").press_sequentially("lake", delay=60)
    expect(page).to_have_url(re.compile(r"/publications/\?q=lake$"))
    settled(page)

    found = matching(publications_json, "lake")
    expect(page.locator(STATUS)).to_have_text(f"Showing 1 - {len(found)} of {len(found)} results")
    assert sorted(titles(page)) == sorted(item["title"] for item in found)
    assert facet_counts(page) == counts_by_name(found, domains)
    # Searching sorts by relevance unless a sort was chosen.
    expect(page.get_by_label("Sort by")).to_have_value("relevance")
    browser.screenshots()


def test_ticking_a_domain_filters_the_list_and_changes_the_url(
    browser, publications_json, domains
):
    page = browser.page
    open_seed_page(browser)
    in_domain = [item for item in publications_json if item["domain"] == "ai-and-ml"]

    page.get_by_label("AI and ML").check()

    expect(page).to_have_url(re.compile(r"/publications/\?domain=ai-and-ml$"))
    expect(page.locator(STATUS)).to_have_text(f"Showing 1 - 12 of {len(in_domain)} results")
    assert set(domain_names(page)) == {"AI and ML"}
    # Facets keep counting the other domains: ticking one more adds its count.
    assert facet_counts(page) == counts_by_name(publications_json, domains)

    # The URL holds the state: a reload (or a shared link) shows the same page.
    page.reload()
    expect(page.locator(STATUS)).to_have_text(f"Showing 1 - 12 of {len(in_domain)} results")
    expect(page.get_by_label("AI and ML")).to_be_checked()
    expect(page.get_by_label("Applications")).not_to_be_checked()
    browser.screenshots()


def test_next_then_previous_returns_to_the_same_items(browser):
    page = browser.page
    open_seed_page(browser)
    first_page = titles(page)
    expect(page.locator(".pager [aria-disabled]")).to_have_text("Previous")

    page.get_by_role("link", name="Next").click()
    expect(page.locator(STATUS)).to_have_text("Showing 13 - 24 of 46 results")
    expect(page).to_have_url(re.compile(r"/publications/\?after=[\w%:.-]+$"))
    second_page = titles(page)
    assert len(second_page) == 12
    assert not set(second_page) & set(first_page)

    page.get_by_role("link", name="Previous").click()
    expect(page.locator(STATUS)).to_have_text("Showing 1 - 12 of 46 results")
    expect(page).to_have_url(browser.url("/publications/"))
    assert titles(page) == first_page

    # To the end and one page back, by cursors both ways.
    for shown in ("13 - 24", "25 - 36", "37 - 46"):
        page.get_by_role("link", name="Next").click()
        expect(page.locator(STATUS)).to_have_text(f"Showing {shown} of 46 results")
    expect(page.locator(".pager [aria-disabled]")).to_have_text("Next")
    last_page = titles(page)
    assert len(last_page) == 10
    page.get_by_role("link", name="Previous").click()
    expect(page.locator(STATUS)).to_have_text("Showing 25 - 36 of 46 results")
    expect(page).to_have_url(re.compile(r"/publications/\?before=[\w%:.-]+$"))
    browser.screenshots()


def test_back_restores_the_previous_state(browser, publications_json):
    page = browser.page
    distributed = sum(item["domain"] == "distributed-systems" for item in publications_json)
    open_seed_page(browser)
    first_page = titles(page)

    page.get_by_label("Distributed Systems").check()
    expect(page.locator(STATUS)).to_have_text(f"Showing 1 - 12 of {distributed} results")
    filtered = titles(page)
    page.get_by_role("link", name="Next").click()
    expect(page.locator(STATUS)).to_have_text(f"Showing 13 - 24 of {distributed} results")

    page.go_back()
    expect(page.locator(STATUS)).to_have_text(f"Showing 1 - 12 of {distributed} results")
    expect(page).to_have_url(re.compile(r"/publications/\?domain=distributed-systems$"))
    expect(page.get_by_label("Distributed Systems")).to_be_checked()
    assert titles(page) == filtered

    page.go_back()
    expect(page.locator(STATUS)).to_have_text("Showing 1 - 12 of 46 results")
    expect(page.get_by_label("Distributed Systems")).not_to_be_checked()
    assert titles(page) == first_page

    page.go_forward()
    expect(page.locator(STATUS)).to_have_text(f"Showing 1 - 12 of {distributed} results")
    expect(page.get_by_label("Distributed Systems")).to_be_checked()

    # A search is one history entry however many letters are typed.
    search = page.get_by_label("Search publications")
    search.press_sequentially("spark", delay=60)
    expect(page).to_have_url(re.compile(r"q=spark"))
    expect(page.locator(STATUS)).not_to_contain_text(f"of {distributed} results")
    page.go_back()
    expect(page.locator(STATUS)).to_have_text(f"Showing 1 - 12 of {distributed} results")
    expect(search).to_have_value("")
    browser.screenshots()


def tab_to(page, predicate_js, limit=40):
    """Press Tab until ``predicate_js(document.activeElement)`` holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached the element where {predicate_js}")


def focus_is_visible(page):
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return document.activeElement.matches(':focus-visible')
                && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        }"""
    )


def test_keyboard_only_search_filters_and_sort(browser, publications_json):
    page = browser.page
    open_seed_page(browser)

    # The first Tab reaches the skip link.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    assert focus_is_visible(page)

    tab_to(page, "el.id === 'publication-search'")
    assert focus_is_visible(page)
    page.keyboard.type("spark", delay=60)
    expect(page).to_have_url(re.compile(r"\?q=spark$"))
    settled(page)
    found = matching(publications_json, "spark")
    expect(page.locator(STATUS)).to_have_text(f"Showing 1 - {len(found)} of {len(found)} results")

    tab_to(page, "el.id === 'domain-distributed-systems'")
    assert focus_is_visible(page)
    page.keyboard.press("Space")
    in_domain = [item for item in found if item["domain"] == "distributed-systems"]
    expect(page.locator(STATUS)).to_have_text(
        f"Showing 1 - {len(in_domain)} of {len(in_domain)} results"
    )
    expect(page).to_have_url(re.compile(r"q=spark&domain=distributed-systems$"))
    # Focus stays where the reader is.
    expect(page.locator("#domain-distributed-systems")).to_be_focused()
    expect(page.locator("#domain-distributed-systems")).to_be_checked()

    tab_to(page, "el.id === 'publication-sort'")
    assert focus_is_visible(page)
    page.keyboard.press("Home")  # relevance → A-Z without opening the list
    expect(page).to_have_url(re.compile(r"sort=title$"))
    settled(page)
    expect(page.get_by_label("Sort by")).to_have_value("title")
    shown = titles(page)
    assert shown == sorted(shown, key=str.casefold)
    expect(page.locator("#publication-sort")).to_be_focused()
    browser.screenshots()


def test_paging_by_keyboard_moves_focus_to_the_results(browser):
    page = browser.page
    open_seed_page(browser)
    page.get_by_role("link", name="Next").focus()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator(STATUS)).to_have_text("Showing 13 - 24 of 46 results")
    expect(page.locator(STATUS)).to_be_focused()
    browser.screenshots()


def test_empty_results_and_api_errors_are_readable(browser):
    page = browser.page
    browser.goto("/publications/?q=qqqzzzxxx")
    expect(page.locator(STATUS)).to_have_text("No results")
    expect(page.locator(".results__list")).to_contain_text("No publications match.")
    browser.screenshots("empty")

    # A cursor the API refuses (tampered, or from another search): a message and a way out.
    browser.goto("/publications/?after=not-a-real-cursor")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This page of results is no longer available.")
    expect(page.locator(STATUS)).to_have_text("Results could not be loaded")
    page.get_by_role("link", name="Go to the first page").click()
    expect(page.locator(STATUS)).to_have_text("Showing 1 - 12 of 46 results")

    # The API cannot be reached: a message and "Try again".
    browser.console.expect(r"Failed to load resource: net::ERR_FAILED")
    page.route("**/graphql/**", lambda route: route.abort())
    browser.goto("/publications/")
    expect(page.get_by_role("alert")).to_contain_text("The API could not be reached.")
    browser.screenshots("api-down")
    page.unroute("**/graphql/**")
    page.get_by_role("button", name="Try again").click()
    expect(page.locator(STATUS)).to_have_text("Showing 1 - 12 of 46 results")


def test_layout_has_a_filter_sidebar_on_desktop_and_stacks_on_a_phone(browser):
    page = browser.page
    open_seed_page(browser)
    filters = page.locator(".filters").bounding_box()
    results = page.locator(".results").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"]  # side by side
    assert abs(filters["y"] - results["y"]) < 5

    page.set_viewport_size({"width": 390, "height": 844})
    filters = page.locator(".filters").bounding_box()
    results = page.locator(".results").bounding_box()
    assert filters["y"] + filters["height"] <= results["y"]  # stacked
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    browser.screenshots()

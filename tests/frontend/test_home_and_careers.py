"""The reference frontend's home, careers and story pages in a real browser."""

import re

from playwright.sync_api import expect

from .conftest import LIVE_DB

pytestmark = LIVE_DB

STORY_SLUG = "life-as-a-software-engineer-after-a-computer-systems-phd-at-stanford"


def wait_for_image(page, selector):
    """Wait until the image has decoded: it loads after the text it sits beside renders."""
    page.wait_for_function(
        "selector => { const img = document.querySelector(selector);"
        " return img !== null && img.complete && img.naturalWidth > 0; }",
        arg=selector,
        timeout=10_000,
    )


def test_home_shows_the_hero_the_intro_and_open_roles(browser, site_json):
    page = browser.page
    home = site_json["home"]
    browser.goto("/")

    expect(page.get_by_role("heading", level=1)).to_have_text(home["title"])
    expect(page.get_by_text(home["tagline"])).to_be_visible()
    expect(page.get_by_role("heading", name=home["intro_heading"])).to_be_visible()
    expect(page.locator(".intro__text")).to_have_text(home["intro"])
    expect(page).to_have_title("Research at Databricks and MosaicML")
    browser.screenshots()

    page.get_by_role("link", name="See open roles").click()
    expect(page).to_have_url(browser.url("/careers/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(site_json["careers"]["title"])
    # A new page moves focus to its heading (announced by screen readers).
    expect(page.get_by_role("heading", level=1)).to_be_focused()


def test_careers_lists_both_organizations_teams_and_the_stories(browser, site_json):
    page = browser.page
    browser.goto("/careers/")

    for organization in site_json["organizations"]:
        heading = page.get_by_role("heading", level=2, name=organization["heading"])
        expect(heading).to_be_visible()
        section = page.locator("section", has=heading)
        teams = [
            team for team in site_json["teams"] if team["organization"] == organization["slug"]
        ]
        expect(section.locator(".team-card__name")).to_have_text([t["name"] for t in teams])
        expect(section.locator(".team-card__description")).to_have_text(
            [t["description"] for t in teams]
        )
    careers = site_json["careers"]
    expect(page.get_by_text(careers["heading"])).to_be_visible()
    expect(page.get_by_role("link", name=careers["call_to_action"]["label"])).to_be_visible()

    stories = page.locator(".story-list .story-card")
    expect(stories).to_have_count(len(site_json["stories"]))
    expect(
        page.get_by_role("heading", name=site_json["stories_section"]["heading"])
    ).to_be_visible()
    story = site_json["stories"][0]
    expect(stories.first).to_contain_text(story["employee"])
    expect(stories.first).to_contain_text(story["summary"])
    portrait = stories.first.locator("img")
    expect(portrait).to_have_attribute("alt", re.compile(r"\S"))
    browser.screenshots()


def test_a_story_page_renders_its_portrait_body_and_related_publications(browser, site_json):
    page = browser.page
    story = site_json["stories"][0]
    browser.goto("/careers/stories/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        site_json["stories_section"]["heading"]
    )

    page.get_by_role("link", name=story["title"]).click()

    expect(page).to_have_url(browser.url(f"/careers/stories/{STORY_SLUG}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(story["title"])
    expect(page).to_have_title(re.compile(re.escape(story["title"])))
    portrait = page.locator(".story__portrait")
    expect(portrait).to_have_attribute("srcset", re.compile(r"\S+ 320w, \S+ 640w"))
    expect(portrait).to_have_attribute("sizes", re.compile(r"\S"))
    expect(portrait).to_have_attribute("alt", re.compile(story["employee"]))
    wait_for_image(page, ".story__portrait")

    body = page.locator(".story__body")
    expect(body.locator(".rich-text p").first).to_have_text(story["summary"])
    figure = body.locator("figure.story__figure")
    expect(figure.locator("figcaption")).to_have_text(story["employee"])
    expect(figure.locator("img")).to_have_attribute("alt", re.compile(r"\S"))
    figure.locator("img").scroll_into_view_if_needed()
    wait_for_image(page, ".story__figure img")

    related = page.locator(".story__related .publication__title")
    expect(related).to_have_text(story["related_publications"])
    browser.screenshots()

    # Reloading the story's URL renders it again (every route is a real URL).
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(story["title"])
    wait_for_image(page, ".story__portrait")


def test_a_missing_story_says_so(browser):
    page = browser.page
    browser.goto("/careers/stories/no-such-story/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Story not found")
    expect(page.get_by_role("link", name="See all employee stories")).to_be_visible()
    browser.screenshots()


def test_every_route_is_labelled_has_alt_text_and_fits_a_phone(browser):
    page = browser.page
    routes = ["/", "/publications/", "/careers/", "/careers/stories/"]
    routes.append(f"/careers/stories/{STORY_SLUG}/")
    for path in routes:
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            browser.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            expect(page.locator(".page-status")).to_have_count(0)  # loaded
            problems = page.evaluate(
                """() => {
                    const problems = [];
                    for (const control of document.querySelectorAll('input, select, textarea')) {
                        if (!control.labels.length && !control.getAttribute('aria-label')) {
                            problems.push(`unlabelled ${control.outerHTML}`);
                        }
                    }
                    for (const img of document.querySelectorAll('img')) {
                        if (!img.hasAttribute('alt')) problems.push(`no alt: ${img.src}`);
                    }
                    if (document.querySelectorAll('h1').length !== 1) problems.push('one h1');
                    if (document.documentElement.scrollWidth > window.innerWidth) {
                        problems.push(`too wide: ${document.documentElement.scrollWidth}px`);
                    }
                    return problems;
                }"""
            )
            assert problems == [], f"{path} at {width}px: {problems}"
    page.set_viewport_size({"width": 1280, "height": 900})
    browser.screenshots()

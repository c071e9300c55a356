// The router: one HTML shell (frontend/index.html) for every route; each route's
// content is read from the GraphQL API. Links between routes use the History
// API, so Back and Forward work and every state has a URL that can be shared.

import { PublicationsView } from "./views/publications.js";
import { renderHome } from "./views/home.js";
import { renderCareers, renderStories } from "./views/careers.js";
import { renderStory } from "./views/story.js";
import { renderPreview } from "./views/preview.js";

const main = document.getElementById("main");

// The routes mirror the CMS's page tree, so a page's `url` from the API is a route here.
const ROUTES = [
  { name: "home", pattern: /^\/$/, render: () => renderHome(main) },
  { name: "publications", pattern: /^\/publications\/$/, view: PublicationsView },
  { name: "careers", pattern: /^\/careers\/$/, render: () => renderCareers(main) },
  { name: "stories", pattern: /^\/careers\/stories\/$/, render: () => renderStories(main) },
  {
    name: "story",
    pattern: /^\/careers\/stories\/([^/]+)\/$/,
    render: (url, match) => renderStory(main, decodeURIComponent(match[1])),
  },
  { name: "preview", pattern: /^\/preview$/, render: (url) => renderPreview(main, url) },
];

let current = { route: null, view: null };

function match(pathname) {
  for (const route of ROUTES) {
    const found = route.pattern.exec(pathname);
    if (found) return { route, found };
  }
  return null;
}

function markCurrentNav(pathname) {
  for (const link of document.querySelectorAll(".site-nav a")) {
    const path = new URL(link.href).pathname;
    const active = path === "/" ? pathname === "/" : pathname.startsWith(path);
    if (active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function show(url, { source = null, trigger = null, pop = false, initial = false } = {}) {
  const matched = match(url.pathname);
  if (!matched) {
    window.location.assign(url.href);
    return;
  }
  const { route, found } = matched;
  // Same view (e.g. a filter, a search or Next): update it in place, keeping focus.
  if (current.route === route && current.view) {
    await current.view.update(url, { source, focusResults: Boolean(trigger?.dataset.pager) });
    return;
  }
  current.view?.destroy?.();
  markCurrentNav(url.pathname);
  if (!pop && !initial) window.scrollTo(0, 0);
  if (route.view) {
    const view = new route.view(main, { navigate });
    current = { route, view };
    await view.mount(url);
  } else {
    current = { route, view: null };
    await route.render(url, found);
  }
  // A new page: move focus to its heading so keyboard and screen reader users start there.
  if (!initial && current.route === route) {
    (main.querySelector("h1[tabindex]") || main).focus({ preventScroll: true });
  }
}

/** Go to `href` inside the app: push (or replace) a history entry, then render it. */
export function navigate(href, { replace = false, state = {}, trigger = null } = {}) {
  const url = new URL(href, window.location.href);
  if (replace) history.replaceState(state, "", url);
  else history.pushState(state, "", url);
  return show(url, { source: state.source || null, trigger });
}

document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest("a[href]");
  if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
  const url = new URL(link.href);
  if (url.origin !== window.location.origin || !match(url.pathname)) return;
  const here = new URL(window.location.href);
  if (url.hash && url.pathname === here.pathname && url.search === here.search) return;
  event.preventDefault();
  if (url.href === here.href) return;
  navigate(url, { trigger: link });
});

window.addEventListener("popstate", () => {
  show(new URL(window.location.href), { pop: true });
});

show(new URL(window.location.href), { initial: true });

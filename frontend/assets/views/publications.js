// Publications: search as you type, Research Domain filter with counts (facets),
// sort, "Showing 1 - 12 of 46 results" and Next / Previous by cursors.
//
// The URL holds the whole state, so a page can be shared, reloaded and reached
// with Back:  /publications/?q=lake&domain=ai-and-ml&sort=newest&after=<cursor>
// (`before=<cursor>` for pages reached with Previous). Cursors are bound to the
// search, filters and sort, so changing any of them starts again at page one.

import { query } from "../graphql.js";
import { PUBLICATIONS, RESEARCH_PAGE } from "../queries.js";
import { h, replace, setMeta } from "../dom.js";
import { errorBox, loading, notice, publicationItem } from "./common.js";

export const PATH = "/publications/";
const SEARCH_DELAY_MS = 250;

/** URL value → label and API enum. RELEVANCE is only valid with a search. */
const SORTS = {
  title: { label: "A-Z", value: "TITLE" },
  title_desc: { label: "Z-A", value: "TITLE_DESC" },
  newest: { label: "Newest", value: "NEWEST" },
  oldest: { label: "Oldest", value: "OLDEST" },
  relevance: { label: "Relevance", value: "RELEVANCE" },
};

const DEFAULT_COPY = { title: "Publications", intro: "", pageSize: 12, defaultSort: "title" };
let copyRequest = null; // the Publications page's copy, asked once per visit of the site

function loadCopy() {
  copyRequest ??= query(RESEARCH_PAGE)
    .then(({ page }) => ({ ...DEFAULT_COPY, ...(page && page.title ? page : {}) }))
    .catch((error) => {
      copyRequest = null;
      throw error;
    });
  return copyRequest;
}

export function readState(url) {
  const params = url.searchParams;
  const q = params.get("q") || "";
  const domains = [...new Set(params.getAll("domain").filter(Boolean))];
  let sort = params.get("sort") || "";
  if (!(sort in SORTS) || (sort === "relevance" && !q.trim())) sort = "";
  const after = params.get("after") || null;
  const before = after ? null : params.get("before") || null;
  return { q, domains, sort, after, before };
}

export function stateUrl(state) {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set("q", state.q.trim());
  for (const domain of state.domains) params.append("domain", domain);
  if (state.sort) params.set("sort", state.sort);
  if (state.after) params.set("after", state.after);
  else if (state.before) params.set("before", state.before);
  const search = params.toString();
  return search ? `${PATH}?${search}` : PATH;
}

export class PublicationsView {
  constructor(main, { navigate }) {
    this.main = main;
    this.navigate = navigate;
    this.copy = DEFAULT_COPY;
    this.state = null;
    this.sequence = 0;
    this.controller = null;
    this.timer = null;
    this.checkboxes = new Map();
  }

  async mount(url) {
    replace(this.main, h("div", { class: "container" }, loading()));
    try {
      this.copy = await loadCopy();
    } catch (error) {
      replace(this.main, h("div", { class: "container page" },
        h("h1", { class: "page-title", tabindex: "-1" }, "Publications"),
        errorBox(error, {
          title: "Publications could not be loaded.",
          onRetry: () => this.mount(new URL(location.href)),
        })));
      return;
    }
    this.build();
    this.update(url);
  }

  destroy() {
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  defaultSort(state) {
    if (state.q.trim()) return "relevance";
    return this.copy.defaultSort in SORTS ? this.copy.defaultSort : "title";
  }

  effectiveSort(state) {
    return state.sort || this.defaultSort(state);
  }

  // --- the page skeleton: built once, then updated in place (keeps focus) ---

  build() {
    this.searchInput = h("input", {
      id: "publication-search",
      type: "search",
      name: "q",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: "Search by title, author, venue…",
      "aria-describedby": "publication-search-hint",
      oninput: () => this.searchChanged(),
    });
    const searchForm = h("form", {
      class: "search",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        this.searchChanged({ now: true });
      },
    },
      h("label", { for: "publication-search", class: "search__label" }, "Search publications"),
      h("div", { class: "search__row" },
        this.searchInput,
        h("button", { type: "submit", class: "button search__button" }, "Search"),
      ),
      h("p", { id: "publication-search-hint", class: "hint" }, "Results update as you type."),
    );

    this.domainList = h("ul", { class: "facets" });
    this.clearFilters = h("button", {
      type: "button",
      class: "link-button",
      hidden: true,
      onclick: () => this.go({ ...this.state, domains: [], after: null, before: null }),
    }, "Clear filters");
    const filters = h("aside", { class: "filters", "aria-label": "Filters" },
      h("fieldset", { class: "filters__group" },
        h("legend", { class: "filters__legend" }, "Research Domain"),
        this.domainList,
      ),
      this.clearFilters,
    );

    this.sortSelect = h("select", {
      id: "publication-sort",
      name: "sort",
      onchange: () => {
        const sort = this.sortSelect.value === this.defaultSort(this.state) ? "" : this.sortSelect.value;
        this.go({ ...this.state, sort, after: null, before: null });
      },
    });
    this.status = h("p", { class: "results__status", role: "status", tabindex: "-1" });
    this.list = h("div", { class: "results__list" });
    this.pager = h("nav", { class: "pager", "aria-label": "Pagination" });
    this.results = h("section", { class: "results", "aria-labelledby": "results-heading" },
      h("h2", { id: "results-heading", class: "visually-hidden" }, "Results"),
      h("div", { class: "results__toolbar" },
        this.status,
        h("div", { class: "sort" },
          h("label", { for: "publication-sort" }, "Sort by"),
          this.sortSelect,
        ),
      ),
      this.list,
      this.pager,
    );

    replace(this.main,
      h("div", { class: "container page publications" },
        h("header", { class: "page-header" },
          h("h1", { class: "page-title", tabindex: "-1" }, this.copy.title),
          this.copy.intro ? h("p", { class: "lead" }, this.copy.intro) : null,
        ),
        searchForm,
        h("div", { class: "publications__layout" }, filters, this.results),
      ),
    );
  }

  // --- state changes -------------------------------------------------------

  /** New state from a control: record it in the URL (pushed, or replaced while typing). */
  go(state, { replaceEntry = false, source = "control" } = {}) {
    this.navigate(stateUrl(state), { replace: replaceEntry, state: { source } });
  }

  searchChanged({ now = false } = {}) {
    clearTimeout(this.timer);
    const run = () => {
      const q = this.searchInput.value;
      if (q.trim() === this.state.q.trim()) return;
      // One history entry per search: typing more replaces it, Back leaves the search.
      const typing = history.state?.source === "search";
      let sort = this.state.sort;
      if (sort === "relevance" && !q.trim()) sort = "";
      this.go({ ...this.state, q, sort, after: null, before: null }, { replaceEntry: typing, source: "search" });
    };
    if (now) run();
    else this.timer = setTimeout(run, SEARCH_DELAY_MS);
  }

  /** Show the state in `url`: from the view's own controls, a link, Back or Forward. */
  update(url, { source = null, focusResults = false } = {}) {
    if (!this.results) return this.mount(url); // the first load failed: start again
    const state = readState(url);
    this.state = state;
    // The search box is the source of its own changes (the reader may have typed on).
    if (source !== "search") {
      clearTimeout(this.timer);
      this.searchInput.value = state.q;
    }
    this.syncSort(state);
    for (const [slug, checkbox] of this.checkboxes) checkbox.checked = state.domains.includes(slug);
    this.clearFilters.hidden = state.domains.length === 0;
    setMeta({
      title: state.q.trim() ? `Publications matching “${state.q.trim()}”` : this.copy.seoTitle || this.copy.title,
      description: this.copy.searchDescription || this.copy.intro,
    });
    return this.load(state, { focusResults });
  }

  syncSort(state) {
    const searching = Boolean(state.q.trim());
    const wanted = Object.keys(SORTS).filter((key) => key !== "relevance" || searching);
    const current = [...this.sortSelect.options].map((option) => option.value);
    if (current.join() !== wanted.join()) {
      replace(this.sortSelect, wanted.map((key) => h("option", { value: key }, SORTS[key].label)));
    }
    this.sortSelect.value = this.effectiveSort(state);
  }

  async load(state, { focusResults }) {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const sequence = ++this.sequence;
    const size = this.copy.pageSize || 12;
    const variables = {
      search: state.q.trim() || null,
      domains: state.domains,
      sort: SORTS[this.effectiveSort(state)].value,
      ...(state.before ? { last: size, before: state.before } : { first: size, after: state.after }),
    };
    this.results.setAttribute("aria-busy", "true");
    try {
      const { publications } = await query(PUBLICATIONS, variables, { signal: controller.signal });
      if (sequence !== this.sequence) return;
      this.render(publications, state);
      if (focusResults) {
        this.status.focus({ preventScroll: true });
        this.results.scrollIntoView({ block: "start" });
      }
    } catch (error) {
      if (error.name === "AbortError" || sequence !== this.sequence) return;
      this.renderError(error, state);
    } finally {
      if (sequence === this.sequence) this.results.removeAttribute("aria-busy");
    }
  }

  // --- rendering -----------------------------------------------------------

  render(connection, state) {
    this.renderFacets(connection.domainFacets, state);
    const { totalCount, startPosition, endPosition } = connection;
    this.status.textContent = totalCount
      ? `Showing ${startPosition} - ${endPosition} of ${totalCount} results`
      : "No results";

    if (!connection.edges.length) {
      const filtered = state.q.trim() || state.domains.length;
      replace(this.list, notice(
        state.after || state.before ? "This page of results is empty." : "No publications match.",
        h("p", {}, filtered
          ? "Try other words, fewer filters, or "
          : "Nothing has been published yet. ",
        filtered ? h("a", { href: PATH }, "see all publications") : null,
        filtered ? "." : null),
      ));
    } else {
      replace(this.list, h("ol", { class: "publication-list", start: startPosition },
        connection.edges.map(({ node }) => publicationItem(node))));
    }
    this.renderPager(connection, state);
  }

  renderFacets(facets, state) {
    const seen = new Set();
    for (const facet of facets) {
      seen.add(facet.slug);
      let checkbox = this.checkboxes.get(facet.slug);
      if (!checkbox) {
        checkbox = h("input", {
          type: "checkbox",
          id: `domain-${facet.slug}`,
          name: "domain",
          value: facet.slug,
          onchange: () => {
            const domains = checkbox.checked
              ? [...this.state.domains, facet.slug]
              : this.state.domains.filter((slug) => slug !== facet.slug);
            this.go({ ...this.state, domains, after: null, before: null });
          },
        });
        this.checkboxes.set(facet.slug, checkbox);
        this.domainList.append(h("li", { class: "facet" },
          checkbox,
          h("label", { for: checkbox.id },
            h("span", { class: "facet__name" }, facet.name),
            " ",
            h("span", { class: "facet__count" }),
          ),
        ));
      }
      checkbox.checked = state.domains.includes(facet.slug);
      const item = checkbox.closest("li");
      item.querySelector(".facet__name").textContent = facet.name;
      item.querySelector(".facet__count").textContent = `(${facet.count})`;
      item.classList.toggle("facet--empty", facet.count === 0 && !checkbox.checked);
    }
    for (const [slug, checkbox] of this.checkboxes) {
      if (!seen.has(slug)) {
        checkbox.closest("li").remove();
        this.checkboxes.delete(slug);
      }
    }
    this.clearFilters.hidden = state.domains.length === 0;
  }

  renderPager(connection, state) {
    const size = this.copy.pageSize || 12;
    const { startPosition, endPosition, totalCount, pageInfo } = connection;
    const hasPrevious = startPosition > 1;
    const hasNext = endPosition > 0 && endPosition < totalCount;
    // Back to page one by its plain URL; otherwise page backwards from the first item.
    const previous = hasPrevious
      ? stateUrl({ ...state, after: null, before: startPosition - size <= 1 ? null : pageInfo.startCursor })
      : null;
    const next = hasNext ? stateUrl({ ...state, before: null, after: pageInfo.endCursor }) : null;
    const link = (href, rel, label) => href
      ? h("a", { href, rel, class: "pager__link", dataset: { pager: rel } }, label)
      : h("span", { class: "pager__link pager__link--disabled", "aria-disabled": "true" }, label);
    replace(this.pager, hasPrevious || hasNext
      ? [link(previous, "prev", "Previous"), link(next, "next", "Next")]
      : []);
  }

  renderError(error, state) {
    this.status.textContent = "Results could not be loaded";
    const cursorProblem = (state.after || state.before) && error.code === "BAD_USER_INPUT";
    replace(this.list, errorBox(error, {
      title: cursorProblem ? "This page of results is no longer available." : "Publications could not be loaded.",
      onRetry: () => this.load(state, { focusResults: false }),
    }));
    if (cursorProblem) {
      this.list.append(h("p", {}, h("a", { href: stateUrl({ ...state, after: null, before: null }) }, "Go to the first page")));
    }
    replace(this.pager);
  }
}

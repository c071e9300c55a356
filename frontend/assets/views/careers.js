// Careers: the pitch, "Explore Databricks teams" / "Explore MosaicML teams" with each
// team's description, and the employee stories; /careers/stories/ lists every story.

import { query } from "../graphql.js";
import { CAREERS, STORIES } from "../queries.js";
import { h, replace, setMeta } from "../dom.js";
import { errorBox, loading, notice, storyCard } from "./common.js";

export function careersHero(page) {
  return h("section", { class: "hero hero--careers" },
    h("div", { class: "container hero__inner" },
      h("p", { class: "eyebrow" }, "Careers"),
      h("h1", { class: "hero__title", tabindex: "-1" }, page.title),
      page.heading ? h("p", { class: "hero__heading" }, page.heading) : null,
      page.intro ? h("p", { class: "hero__text" }, page.intro) : null,
      page.ctaLabel && page.ctaUrl
        ? h("p", { class: "hero__actions" }, h("a", { class: "button", href: page.ctaUrl }, page.ctaLabel))
        : null,
    ),
  );
}

function organizationSection(organization) {
  const headingId = `teams-${organization.slug}`;
  return h("section", { class: "organization container", "aria-labelledby": headingId },
    h("h2", { id: headingId, class: "section-title" }, organization.heading || organization.name),
    organization.teams.length
      ? h("ul", { class: "team-grid" },
        organization.teams.map((team) => h("li", { class: "team-card" },
          h("h3", { class: "team-card__name" }, team.name),
          h("p", { class: "team-card__description" }, team.description),
        )))
      : h("p", {}, "No teams are listed yet."),
  );
}

function storiesSection(storyIndex, stories) {
  const title = storyIndex?.title || "Employee stories";
  return h("section", { class: "stories container", "aria-labelledby": "stories-heading" },
    h("h2", { id: "stories-heading", class: "section-title" }, title),
    storyIndex?.intro ? h("p", { class: "lead" }, storyIndex.intro) : null,
    stories.edges.length
      ? h("ul", { class: "story-list" }, stories.edges.map(({ node }) => storyCard(node)))
      : h("p", {}, "No stories have been published yet."),
    storyIndex?.url && stories.totalCount > stories.edges.length
      ? h("p", {}, h("a", { class: "arrow-link", href: storyIndex.url }, `All ${stories.totalCount} stories`))
      : null,
  );
}

export function renderCareers(main) {
  const load = async () => {
    replace(main, h("div", { class: "container" }, loading()));
    try {
      const data = await query(CAREERS);
      const page = data.page && data.page.title ? data.page : null;
      setMeta({ title: page ? page.seoTitle || page.title : "Careers", description: page?.searchDescription });
      replace(main,
        page ? careersHero(page) : null,
        data.organizations.edges.map((edge) => organizationSection(edge.node)),
        storiesSection(data.storyIndex && data.storyIndex.title ? data.storyIndex : null, data.stories),
      );
    } catch (error) {
      replace(main, h("div", { class: "container page" }, errorBox(error, { onRetry: load })));
    }
  };
  return load();
}

export function renderStories(main) {
  let after = null;
  let list = null;
  let more = null;
  const load = async () => {
    if (!list) replace(main, h("div", { class: "container" }, loading()));
    try {
      const data = await query(STORIES, { after });
      const index = data.storyIndex && data.storyIndex.title ? data.storyIndex : null;
      if (!list) {
        setMeta({ title: index ? index.seoTitle || index.title : "Employee stories", description: index?.searchDescription });
        list = h("ul", { class: "story-list" });
        more = h("p", { class: "more" });
        replace(main, h("div", { class: "container page" },
          h("header", { class: "page-header" },
            h("h1", { class: "page-title", tabindex: "-1" }, index ? index.title : "Employee stories"),
            index?.intro ? h("p", { class: "lead" }, index.intro) : null,
          ),
          data.stories.totalCount ? list : notice("No stories have been published yet."),
          more,
        ));
      }
      const firstNew = list.children.length;
      list.append(...data.stories.edges.map(({ node }) => storyCard(node, { headingLevel: "h2" })));
      after = data.stories.pageInfo.endCursor;
      replace(more, data.stories.pageInfo.hasNextPage
        ? h("button", { type: "button", class: "button button--secondary", onclick: load }, "Show more stories")
        : null);
      if (firstNew > 0) list.children[firstNew]?.querySelector("a")?.focus();
    } catch (error) {
      const box = errorBox(error, { onRetry: load });
      if (list) replace(more, box);
      else replace(main, h("div", { class: "container page" }, box));
    }
  };
  return load();
}

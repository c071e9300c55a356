// ---------------------------------------------------------------------------
// PREVIEW HOOK (/preview?token=…)
//
// The admin's preview opens the frontend at /preview?token=<signed token>. This
// route asks the API for `preview(token: String!)` — by POST, uncached, so the
// token stays out of cacheable URLs — and renders the draft with the same pieces
// as the live pages, under a banner that says how the draft stands against what
// readers see (`previewStatus`). While the API has no `preview` field yet, it
// answers GRAPHQL_VALIDATION_FAILED and this route says "Preview is not available".
// ---------------------------------------------------------------------------

import { ApiError, queryUncached } from "../graphql.js";
import { PREVIEW } from "../queries.js";
import { h, replace, setMeta } from "../dom.js";
import { careersHero } from "./careers.js";
import { errorBox, loading, notice, publicationItem, storyArticle } from "./common.js";
import { homeContent } from "./home.js";

// `previewStatus` → the banner's words after "Preview —".
const STATUS_TEXT = {
  DRAFT: (typeName) =>
    `a draft ${typeName}, not yet published. Readers see nothing of it until it is published.`,
  UNPUBLISHED_CHANGES: (typeName) =>
    `unpublished changes to a live ${typeName}. Readers see the published version until ` +
    "these changes are published.",
  PUBLISHED: (typeName) =>
    `a published ${typeName}. Only edits not saved yet differ from what readers see.`,
};

function banner(typeName, status) {
  const text = (STATUS_TEXT[status] || STATUS_TEXT.DRAFT)(typeName);
  return h("div", { class: "preview-banner", role: "note" },
    h("div", { class: "container" }, h("strong", {}, "Preview"), ` — ${text}`),
  );
}

function pageIntro(page) {
  return h("div", { class: "container page" },
    h("header", { class: "page-header" },
      h("h1", { class: "page-title", tabindex: "-1" }, page.title),
      page.intro ? h("p", { class: "lead" }, page.intro) : null,
    ),
  );
}

const RENDERERS = {
  HomePage: (item) => ["home page", homeContent(item)],
  CareersPage: (item) => ["careers page", careersHero(item)],
  ResearchPage: (item) => ["publications page", pageIntro(item)],
  StoryIndexPage: (item) => ["stories page", pageIntro(item)],
  StoryPage: (item) => ["employee story", storyArticle(item)],
  Publication: (item) => ["publication", h("div", { class: "container page" },
    h("h1", { class: "page-title", tabindex: "-1" }, "Publication preview"),
    h("ul", { class: "publication-list" }, publicationItem(item, { headingLevel: "h2" })),
  )],
};

function unavailable(main, detail) {
  setMeta({ title: "Preview is not available" });
  replace(main, h("div", { class: "container page" },
    h("h1", { class: "page-title", tabindex: "-1" }, "Preview is not available"),
    notice("This API does not offer previews yet.",
      h("p", {}, "Drafts can still be checked in the admin. Published content is on the ",
        h("a", { href: "/" }, "home page"), "."),
      detail ? h("details", {}, h("summary", {}, "Technical details"), h("p", {}, detail)) : null),
  ));
}

export function renderPreview(main, url) {
  const token = url.searchParams.get("token");
  const load = async () => {
    if (!token) {
      setMeta({ title: "Preview" });
      replace(main, h("div", { class: "container page" },
        h("h1", { class: "page-title", tabindex: "-1" }, "Preview"),
        notice("This preview link has no token.", h("p", {}, "Open the preview again from the admin."))));
      return;
    }
    replace(main, h("div", { class: "container" }, loading("Loading the preview…")));
    try {
      const { preview, previewStatus } = await queryUncached(PREVIEW, { token });
      const render = preview && RENDERERS[preview.__typename];
      if (!render) {
        unavailable(main, `This frontend cannot show a ${preview?.__typename || "missing"} preview.`);
        return;
      }
      const [typeName, content] = render(preview);
      setMeta({ title: `Preview: ${preview.title}` });
      replace(main, banner(typeName, previewStatus), content);
    } catch (error) {
      if (error instanceof ApiError && error.code === "GRAPHQL_VALIDATION_FAILED") {
        unavailable(main, error.message);
      } else {
        setMeta({ title: "Preview" });
        // FORBIDDEN: the token is invalid or expired; trying again cannot help.
        const refused = error instanceof ApiError && error.code === "FORBIDDEN";
        replace(main, h("div", { class: "container page" },
          h("h1", { class: "page-title", tabindex: "-1" }, "Preview"),
          errorBox(error, { title: "The preview could not be shown.", onRetry: refused ? null : load })));
      }
    }
  };
  return load();
}

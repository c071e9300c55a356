// Pieces shared by several routes.

import { describeError } from "../graphql.js";
import { formatDate, h, sanitizeHtml, visuallyHidden } from "../dom.js";

/** A readable error with a "Try again" button (role=alert: announced at once). */
export function errorBox(error, { title = "This content could not be loaded.", onRetry } = {}) {
  return h(
    "div",
    { class: "notice notice--error", role: "alert" },
    h("p", { class: "notice__title" }, title),
    h("p", {}, describeError(error)),
    onRetry ? h("button", { type: "button", class: "button button--secondary", onclick: onRetry }, "Try again") : null,
  );
}

export function notice(title, ...body) {
  return h("div", { class: "notice" }, h("p", { class: "notice__title" }, title), ...body);
}

export function loading(text = "Loading…") {
  return h("p", { class: "page-status", role: "status" }, text);
}

/** One publication in a list: title (linking to the paper), authors, domain, venue, year. */
export function publicationItem(publication, { headingLevel = "h3" } = {}) {
  const link = publication.url || publication.pdfUrl;
  const title = link
    ? h("a", { href: link, class: "publication__link" }, publication.title)
    : publication.title;
  const authors = (publication.authors || []).map((author) => author.name).join(", ");
  return h(
    "li",
    { class: "publication" },
    h("article", {},
      h(headingLevel, { class: "publication__title" }, title),
      authors ? h("p", { class: "publication__authors" }, authors) : null,
      h("p", { class: "publication__meta" },
        publication.domain ? h("span", { class: "tag" }, publication.domain.name) : null,
        h("span", {}, [publication.venue, publication.year].filter(Boolean).join(" ")),
      ),
    ),
  );
}

export function portraitImage(portrait, { sizes, className = "portrait", loadingMode = "lazy" } = {}) {
  if (!portrait) return null;
  return h("img", {
    class: className,
    src: portrait.url,
    srcset: portrait.srcset || null,
    sizes: portrait.srcset ? sizes : null,
    width: portrait.width,
    height: portrait.height,
    alt: portrait.alt || "",
    loading: loadingMode,
    decoding: "async",
  });
}

function teamLine(story) {
  const team = story.team;
  const parts = [story.role, team ? team.name : null, team?.organization?.name];
  return parts.filter(Boolean).join(" · ");
}

/** An employee story in a list: portrait, name, role, summary, "Read article". */
export function storyCard(story, { headingLevel = "h3" } = {}) {
  return h(
    "li",
    { class: "story-card" },
    h("article", {},
      portraitImage(story.portrait, { sizes: "(min-width: 900px) 200px, 40vw", className: "story-card__portrait" }),
      h("div", { class: "story-card__body" },
        h(headingLevel, { class: "story-card__title" }, h("a", { href: story.url }, story.title)),
        h("p", { class: "story-card__person" }, story.personName),
        h("p", { class: "story-card__role" }, teamLine(story)),
        story.summary ? h("p", { class: "story-card__summary" }, story.summary) : null,
        h("a", { href: story.url, class: "arrow-link", "aria-hidden": "true", tabindex: "-1" }, "Read article"),
      ),
    ),
  );
}

function bodyBlock(block) {
  switch (block.blockType) {
    case "RichTextBlock":
      return h("div", { class: "rich-text" }, sanitizeHtml(block.value || ""));
    case "CharBlock":
      return h("h2", { class: "story__heading" }, block.value);
    case "QuoteBlock":
      return h("figure", { class: "quote" },
        h("blockquote", {}, h("p", {}, block.quote)),
        block.attribution ? h("figcaption", {}, "— ", block.attribution) : null,
      );
    case "ImageWithCaptionBlock": {
      if (!block.image) return null;
      return h("figure", { class: "story__figure" },
        h("img", {
          src: block.image.url,
          width: block.image.width,
          height: block.image.height,
          alt: block.altText || block.image.title || "",
          loading: "lazy",
          decoding: "async",
        }),
        block.caption ? h("figcaption", {}, block.caption) : null,
      );
    }
    case "EmbedBlock":
      return h("p", { class: "story__embed" }, h("a", { href: block.url }, block.url));
    default:
      return null;
  }
}

/** A full employee story: heading, byline, portrait, body blocks, related publications. */
export function storyArticle(story) {
  return h(
    "article",
    { class: "story container" },
    h("header", { class: "story__header" },
      h("div", { class: "story__intro" },
        h("p", { class: "eyebrow" }, "Employee story"),
        h("h1", { class: "story__title", tabindex: "-1" }, story.title),
        h("p", { class: "story__byline" },
          h("span", { class: "story__person" }, story.personName),
          h("span", {}, teamLine(story)),
          story.date ? h("time", { datetime: story.date }, formatDate(story.date)) : null,
        ),
        story.summary ? h("p", { class: "lead" }, story.summary) : null,
      ),
      portraitImage(story.portrait, {
        sizes: "(min-width: 900px) 360px, 90vw",
        className: "story__portrait",
        loadingMode: "eager",
      }),
    ),
    h("div", { class: "story__body" }, (story.body || []).map(bodyBlock)),
    story.relatedPublications && story.relatedPublications.length
      ? h("section", { class: "story__related", "aria-labelledby": "related-heading" },
        h("h2", { id: "related-heading" }, "Related publications"),
        h("ul", { class: "publication-list" },
          story.relatedPublications.map((publication) => publicationItem(publication))),
      )
      : null,
  );
}

export { visuallyHidden };

// One employee story: portrait (with srcset), body blocks, related publications.

import { query } from "../graphql.js";
import { STORY } from "../queries.js";
import { h, replace, setMeta } from "../dom.js";
import { errorBox, loading, notice, storyArticle } from "./common.js";

export function renderStory(main, slug) {
  const load = async () => {
    replace(main, h("div", { class: "container" }, loading()));
    try {
      const { story } = await query(STORY, { slug });
      if (!story) {
        setMeta({ title: "Story not found" });
        replace(main, h("div", { class: "container page" },
          h("h1", { class: "page-title", tabindex: "-1" }, "Story not found"),
          notice("This story does not exist or is no longer published.",
            h("p", {}, h("a", { href: "/careers/stories/" }, "See all employee stories"))),
        ));
        return;
      }
      setMeta({ title: story.seoTitle || story.title, description: story.searchDescription || story.summary });
      replace(main,
        h("nav", { class: "container breadcrumbs", "aria-label": "Breadcrumb" },
          h("ol", {},
            h("li", {}, h("a", { href: "/careers/" }, "Careers")),
            h("li", {}, h("a", { href: "/careers/stories/" }, "Stories")),
            h("li", { "aria-current": "page" }, story.personName || story.title),
          )),
        storyArticle(story),
      );
    } catch (error) {
      replace(main, h("div", { class: "container page" }, errorBox(error, { onRetry: load })));
    }
  };
  return load();
}

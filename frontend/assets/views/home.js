// Home: the hero ("Research at Databricks and MosaicML"), the intro and "See open roles".

import { query } from "../graphql.js";
import { HOME } from "../queries.js";
import { h, replace, setMeta } from "../dom.js";
import { errorBox, loading, notice } from "./common.js";

export function homeContent(home) {
  return [
    h("section", { class: "hero" },
      h("div", { class: "container hero__inner" },
        h("h1", { class: "hero__title", tabindex: "-1" }, home.title),
        home.tagline ? h("p", { class: "hero__tagline" }, home.tagline) : null,
        h("p", { class: "hero__actions" },
          home.ctaLabel && home.ctaPage
            ? h("a", { class: "button", href: home.ctaPage.url }, home.ctaLabel)
            : null,
          h("a", { class: "button button--secondary", href: "/publications/" }, "Browse publications"),
        ),
      ),
    ),
    home.introHeading || home.intro
      ? h("section", { class: "intro container", "aria-labelledby": "intro-heading" },
        h("h2", { id: "intro-heading", class: "intro__heading" }, home.introHeading),
        h("p", { class: "intro__text" }, home.intro),
      )
      : null,
  ];
}

export function renderHome(main) {
  const load = async () => {
    replace(main, h("div", { class: "container" }, loading()));
    try {
      const { page } = await query(HOME);
      if (!page || !page.title) {
        replace(main, h("div", { class: "container" }, notice("This page is not published.")));
        return;
      }
      setMeta({ title: page.seoTitle || page.title, description: page.searchDescription });
      replace(main, homeContent(page));
    } catch (error) {
      replace(main, h("div", { class: "container page" }, errorBox(error, { onRetry: load })));
    }
  };
  return load();
}

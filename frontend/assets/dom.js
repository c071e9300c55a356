// Small DOM helpers. Content from the API is always inserted as text (never as
// HTML), except rich text, which goes through sanitizeHtml first.

/**
 * Create an element: h("a", { href: "/x", class: "link" }, "text", child, [more]).
 * Attributes that are null, undefined or false are left out; `true` sets an empty
 * attribute; keys starting with "on" add event listeners.
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** Replace the children of `element`. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Text only for screen readers (e.g. to make "Read article" links unique). */
export function visuallyHidden(text) {
  return h("span", { class: "visually-hidden" }, text);
}

const ALLOWED_TAGS = new Set([
  "A", "B", "BLOCKQUOTE", "BR", "CODE", "EM", "H2", "H3", "H4", "I", "LI", "OL", "P",
  "STRONG", "SUB", "SUP", "UL",
]);
const ALLOWED_ATTRIBUTES = { A: new Set(["href", "title"]) };

/**
 * Rich text from the CMS as a fragment. Wagtail already restricts rich text to
 * the editor's features; this keeps only those elements and safe links anyway.
 */
export function sanitizeHtml(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const walk = (parent) => {
    for (const node of [...parent.childNodes]) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (!ALLOWED_TAGS.has(node.tagName)) {
          if (["SCRIPT", "STYLE", "IFRAME", "OBJECT", "TEMPLATE"].includes(node.tagName)) {
            node.remove();
            continue;
          }
          walk(node);
          node.replaceWith(...node.childNodes);
          continue;
        }
        const allowed = ALLOWED_ATTRIBUTES[node.tagName] || new Set();
        for (const attribute of [...node.attributes]) {
          if (!allowed.has(attribute.name)) node.removeAttribute(attribute.name);
        }
        if (node.tagName === "A") {
          const href = node.getAttribute("href") || "";
          if (!/^(https?:|mailto:|\/|#)/i.test(href.trim())) node.removeAttribute("href");
        }
        walk(node);
      } else if (node.nodeType !== Node.TEXT_NODE) {
        node.remove();
      }
    }
  };
  walk(template.content);
  return template.content;
}

/** "2026-11-26" → "November 26, 2026" (dates from the API are calendar dates). */
export function formatDate(isoDate) {
  const [year, month, day] = String(isoDate).split("-").map(Number);
  if (!year || !month || !day) return String(isoDate);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });
}

/** Set the document title and description for the current route. */
export function setMeta({ title, description }) {
  const site = "Research at Databricks and MosaicML";
  document.title = title && title !== site ? `${title} | ${site}` : site;
  const meta = document.querySelector('meta[name="description"]');
  if (meta && description) meta.setAttribute("content", description);
}

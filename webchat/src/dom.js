// Small DOM helpers. Message text only ever goes in through text nodes
// (textContent / createTextNode); no innerHTML anywhere in the widget.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
  }
  return node;
}

const DEVANAGARI = /[\u0900-\u097F]/g;
const LATIN = /[A-Za-z]/g;

// "hi" for a paragraph written mostly in Devanagari, else null.
export function scriptLang(text) {
  const devanagari = (text.match(DEVANAGARI) || []).length;
  return devanagari > 0 && devanagari >= (text.match(LATIN) || []).length ? "hi" : null;
}

// [title](https://...) and bare https://... addresses become links.
const LINK =
  /\[([^\]\n]{1,200})\]\(((?:https?:\/\/|mailto:|tel:)[^\s)]+)\)|(https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]])/g;
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tel:"]);

function safeHref(href) {
  try {
    const url = new URL(href);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch (error) {
    return null;
  }
}

function linkify(text, t) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const [whole, title, markdownHref, bareHref] = match;
    const href = safeHref(markdownHref || bareHref);
    if (!href) continue;
    if (match.index > last) nodes.push(text.slice(last, match.index));
    const external = /^https?:/.test(href);
    nodes.push(
      el(
        "a",
        external ? { href, target: "_blank", rel: "noopener noreferrer" } : { href },
        title || bareHref,
        external ? el("span", { class: "sc-visually-hidden", text: ` ${t("newTab")}` }) : null,
      ),
    );
    last = match.index + whole.length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

// A message's text as paragraphs (split on blank lines; single line breaks kept by CSS).
export function textBlock(text, t) {
  const block = el("div", { class: "sc-msg__text" });
  for (const paragraph of String(text).trim().split(/\n\s*\n/)) {
    if (!paragraph.trim()) continue;
    block.append(el("p", { lang: scriptLang(paragraph) }, linkify(paragraph, t)));
  }
  return block;
}

/*! timkiem search widget. <script src="https://SEARCH-HOST/widget.js" defer></script>
 * <timkiem-search></timkiem-search>; options and theming: https://SEARCH-HOST/widget */
(() => {
"use strict";
if (!window.customElements || !window.fetch || customElements.get("timkiem-search")) return;

// The search host is where this script came from, so one snippet works on any site.
const me = document.currentScript ||
  [...document.querySelectorAll("script[src]")].find((s) => /\/widget\.js([?#]|$)/.test(s.src));
const HOST = me ? me.src.replace(/(static\/widget\/)?widget\.js([?#].*)?$/, "") : location.origin + "/";

const STRINGS = {
  vi: {
    label: "Tìm kiếm", placeholder: "Tìm kiếm bài viết…", list: "Kết quả tìm kiếm", loading: "Đang tìm…",
    count: (n) => n.toLocaleString("vi") + " kết quả", for: "cho", none: "Không tìm thấy kết quả cho",
    all: "Xem tất cả kết quả", offline: "Không kết nối được máy chủ tìm kiếm",
    failed: "Máy chủ tìm kiếm gặp lỗi", busy: "Máy chủ đang bận, xin thử lại sau ít giây",
    retry: "Thử lại", completions: "Gợi ý",
  },
  en: {
    label: "Search", placeholder: "Search articles…", list: "Search results", loading: "Searching…",
    count: (n) => n.toLocaleString("en") + (n === 1 ? " result" : " results"), for: "for", none: "No results for",
    all: "See all results", offline: "Cannot reach the search server",
    failed: "The search server had a problem", busy: "The search server is busy, try again shortly",
    retry: "Try again", completions: "Suggestions",
  },
};

// Theming: each --timkiem-NAME overrides a colour; [light, dark] defaults, dark by the OS or theme="dark".
const PALETTE = {
  accent: ["#0b5cad", "#8ab8ff"], bg: ["#fff", "#181c22"], fg: ["#1b2129", "#e7eaef"],
  muted: ["#5b6573", "#a5aebb"], border: ["#d7dde5", "#3a424e"], mark: ["#ffeb99", "#5e4b00"],
  active: ["#eef4fb", "#232a34"], error: ["#a4262c", "#ffb3b0"],
};
const colors = (i) => Object.keys(PALETTE).map((k) => `--_${k}: var(--timkiem-${k}, ${PALETTE[k][i]});`).join(" ") +
  (i ? " --_scheme: dark; --_shadow: 0 16px 40px -12px #000b;"
    : " --_scheme: light; --_shadow: 0 16px 40px -12px #1018284d, 0 2px 6px #1018280f;");
// `all: initial` cuts every property the host page would pass down (color, font-size…);
// custom properties still inherit, so --timkiem-* theming gets through.
const CSS = `:host { display: block; position: relative; ${colors(0)} --_radius: var(--timkiem-radius, 10px); }
:host([theme=dark]) { ${colors(1)} }
@media (prefers-color-scheme: dark) { :host(:not([theme=light])) { ${colors(1)} } }
.tk { all: initial; display: block; position: relative; color: var(--_fg); color-scheme: var(--_scheme);
  font: var(--timkiem-font-size, 16px)/1.5 var(--timkiem-font, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif); }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
form { position: relative; margin: 0; }
input { appearance: none; display: block; width: 100%; min-height: 48px; margin: 0; padding: 0 12px 0 44px;
  font: inherit; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border);
  border-radius: var(--_radius); outline: none; box-shadow: 0 1px 2px rgba(16,24,40,.06); }
input::placeholder { color: var(--_muted); opacity: 1; }
input:focus { border-color: var(--_accent); box-shadow: 0 0 0 3px color-mix(in srgb, var(--_accent) 25%, transparent); }
.icon { position: absolute; left: 16px; top: 50%; width: 15px; height: 15px; margin-top: -9px;
  border: 2px solid var(--_muted); border-radius: 50%; pointer-events: none; }
.icon::after { content: ""; position: absolute; left: 10px; top: 11px; width: 2px; height: 6px;
  background: var(--_muted); transform: rotate(-45deg); }
.loading .icon { border-color: var(--_border); border-top-color: var(--_accent); animation: spin .7s linear infinite; }
.loading .icon::after { display: none; }
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .loading .icon { animation-duration: 3s; } }
button { min-width: 44px; min-height: 44px; padding: 0 16px; font: inherit; color: var(--_fg); cursor: pointer;
  border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg); }
button:focus-visible { outline: 2px solid var(--_accent); outline-offset: -3px; }
.panel { position: absolute; z-index: 2147483000; left: 0; right: 0; top: calc(100% + 6px);
  max-height: var(--timkiem-panel-height, min(70vh, 560px)); overflow: hidden auto;
  background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius);
  box-shadow: var(--timkiem-shadow, var(--_shadow)); }
.completions { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 10px 16px 2px; font-size: 14px; }
.completions button { min-height: 36px; padding: 0 12px; border-radius: 18px; font-size: 14px; }
.summary { margin: 0; padding: 10px 16px 4px; font-size: 13px; color: var(--_muted); }
ul { list-style: none; margin: 0; padding: 4px 0; }
ul:empty { display: none; }
li a { display: block; min-height: 44px; padding: 10px 16px 10px 13px; color: inherit; text-decoration: none;
  border-left: 3px solid transparent; }
li a:hover, [aria-selected=true] a { background: var(--_active); }
[aria-selected=true] a { border-left-color: var(--_accent); }
.title, .snippet { display: -webkit-box; overflow: hidden; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
.title { font-weight: 600; line-height: 1.35; color: var(--_accent); }
a:hover .title { text-decoration: underline; }
.date { display: block; margin-top: 2px; font-size: 13px; color: var(--_muted); }
.snippet { margin-top: 3px; font-size: 14px; -webkit-line-clamp: 3; }
mark { padding: 0 2px; border-radius: 3px; color: inherit; background: var(--_mark); }
.all a { display: flex; justify-content: space-between; margin-top: 4px; border-top: 1px solid var(--_border);
  font-weight: 600; color: var(--_accent); }
.msg { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 12px 16px;
  font-size: 14px; color: var(--_muted); }
.msg p { margin: 0; flex: 1 1 12em; }
.error .msg { color: var(--_error); }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@media (forced-colors: active) { [aria-selected=true] a { outline: 2px solid Highlight; } }`;

let sheet;
function adoptStyles(root) {
  try { // a constructed sheet, not an inline <style>: works under a strict style-src CSP
    if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (_) {
    root.append(h("style", null, CSS));
  }
}

/** h("a", {href}, "text", child…): strings become text nodes, never markup. */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const k in attrs) if (attrs[k] != null) el.setAttribute(k, attrs[k]);
  el.append(...kids.filter((k) => k != null));
  return el;
}

/** An http(s) URL or null: a javascript: URL from article data never becomes a link. */
function safeURL(value, base) {
  try {
    const u = new URL(value, base);
    return /^https?:$/.test(u.protocol) ? u : null;
  } catch (_) {
    return null;
  }
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
const unescapeHTML = (s) => s.replace(/&(#x?)?(\w+);/gi, (m, num, e) => {
  if (!num) return ENTITIES[e.toLowerCase()] || m;
  const c = parseInt(e, num.length > 1 ? 16 : 10);
  return c > 0 && c < 0x110000 ? String.fromCodePoint(c) : m;
});

/** "công <mark>dân vận</mark> &amp; …" → text nodes and <mark> elements. The API escapes the
 * snippet and adds only <mark>: that is the only markup honoured, and nothing is parsed as HTML. */
function marked(html) {
  let inMark = false;
  const out = [];
  for (const part of String(html || "").split(/(<\/?mark>)/i)) {
    if (/^<mark>$/i.test(part)) inMark = true;
    else if (/^<\/mark>$/i.test(part)) inMark = false;
    else if (part) out.push(inMark ? h("mark", null, unescapeHTML(part)) : unescapeHTML(part));
  }
  return out;
}

/** "2018-08-01" → "01/08/2018" */
const formatDate = (iso) => (/^(\d{4})-(\d\d)-(\d\d)/.exec(iso || "") || []).slice(1).reverse().join("/");

class TimkiemSearch extends HTMLElement {
  static get observedAttributes() { return ["placeholder", "lang"]; }

  constructor() {
    super();
    this.seq = 0; // bumped by every search: an answer to an older one is dropped
    this.want = false; // the visitor wants the panel open (typing, focus); Esc and blur clear it
    this.shown = null; // the query whose answer the panel holds
    this.active = -1;
    this.cache = new Map();
    const root = this.attachShadow({ mode: "open" });
    adoptStyles(root);
    this.input = h("input", {
      type: "search", name: "q", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      "aria-controls": "tk-list", autocomplete: "off", autocapitalize: "off", spellcheck: "false",
      enterkeyhint: "search",
    });
    this.form = h("form", { role: "search" }, h("span", { class: "icon" }), this.input);
    this.summary = h("p", { class: "summary", hidden: "" });
    this.list = h("ul", { id: "tk-list", role: "listbox" });
    this.msg = h("div", { class: "msg", hidden: "" });
    this.completions = h("div", { class: "completions", role: "group", hidden: "" });
    this.panel = h("div", { class: "panel", hidden: "" }, this.completions, this.summary, this.list, this.msg);
    this.live = h("div", { class: "sr", role: "status", "aria-live": "polite" });
    this.box = h("div", { class: "tk" }, this.form, this.panel, this.live);
    root.append(this.box);
    this.listen();
  }

  get t() { return STRINGS[(this.getAttribute("lang") || "").slice(0, 2).toLowerCase()] || STRINGS.vi; }

  /** The timkiem server: the `api` attribute, else where widget.js came from. */
  host() {
    const api = (this.getAttribute("api") || "").trim().replace(/api\/search\/?$/, "").replace(/\/?$/, "/");
    return new URL((api !== "/" && safeURL(api, document.baseURI)) || HOST);
  }

  link(url, ...kids) {
    const target = this.getAttribute("target");
    return h("a", { href: url.href, tabindex: "-1", target, rel: target && "noopener" }, ...kids);
  }

  connectedCallback() { this.attributeChangedCallback(); }

  attributeChangedCallback() {
    const t = this.t;
    this.input.setAttribute("placeholder", this.getAttribute("placeholder") || t.placeholder);
    this.input.setAttribute("aria-label", t.label);
    this.list.setAttribute("aria-label", t.list);
    this.completions.setAttribute("aria-label", t.completions);
  }

  disconnectedCallback() {
    clearTimeout(this.timer);
    if (this.ctl) this.ctl.abort();
  }

  later() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.search(), 200);
  }

  listen() {
    const input = this.input;
    const on = (el, type, fn) => el.addEventListener(type, fn);
    on(input, "focus", () => {
      this.want = true;
      if (this.shown && this.shown === input.value.trim()) this.open();
    });
    on(input, "input", (e) => {
      this.want = true;
      // An input method (Telex/VNI on a phone) is still composing "dâ…": wait for the word.
      if (!this.composing && !e.isComposing) this.later();
    });
    on(input, "compositionstart", () => {
      this.composing = true;
      clearTimeout(this.timer);
    });
    on(input, "compositionend", () => {
      this.composing = false;
      this.later();
    });
    on(input, "keydown", (e) => this.onKey(e));
    on(this.form, "submit", (e) => { // Enter with no active option
      e.preventDefault();
      this.want = true;
      this.search(true);
    });
    // Keep the focus in the input on a click in the panel; links still get the click.
    on(this.panel, "mousedown", (e) => e.preventDefault());
    on(this.box, "focusout", (e) => this.shadowRoot.contains(e.relatedTarget) || this.close(true));
    on(this.box, "keydown", (e) => {
      if (e.key === "Escape" && e.target !== input) {
        this.close(true);
        input.focus();
      }
    });
  }

  onKey(e) {
    if (e.isComposing || e.keyCode === 229) return;
    const n = this.list.children.length, open = !this.panel.hidden;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      this.want = true;
      if (!open) return this.search(true);
      const i = this.active + (e.key === "ArrowDown" ? 1 : -1);
      this.move(i >= n ? -1 : i < -1 ? n - 1 : i); // past either end: back to the input
    } else if (e.key === "Enter" && open && this.active >= 0) {
      e.preventDefault();
      this.list.children[this.active].querySelector("a").click(); // a real link: honours target
    } else if (e.key === "Escape") {
      if (open) e.preventDefault(); // (closing only, not also clearing the text)
      this.close(true);
    }
  }

  move(i) {
    [...this.list.children].forEach((o, j) => o.setAttribute("aria-selected", j === i));
    this.active = i;
    const option = this.list.children[i];
    if (!option) return this.input.removeAttribute("aria-activedescendant");
    this.input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  open() {
    if (!this.want) return;
    this.panel.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close(byVisitor) {
    if (byVisitor) this.want = false;
    this.move(-1);
    this.panel.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
  }

  /** Search for what is typed; `now` (Enter, ↓) just reopens an answer already shown. */
  async search(now) {
    clearTimeout(this.timer);
    const q = this.input.value.trim();
    const url = new URL("api/search", this.host());
    url.searchParams.set("q", q);
    url.searchParams.set("per_page", Math.min(20, Math.max(1, parseInt(this.getAttribute("results")) || 5)));
    if (q && now && this.shown === q && !this.box.classList.contains("error")) return this.open();
    if (this.ctl) this.ctl.abort();
    const seq = ++this.seq;
    this.box.className = "tk";
    this.complete(q, seq);
    if (!q) {
      this.shown = null;
      this.live.textContent = "";
      return this.close();
    }
    let data = this.cache.get(url.href);
    if (!data) {
      const ctl = (this.ctl = new AbortController());
      const timeout = setTimeout(() => ctl.abort(), 10000);
      this.box.className = "tk loading";
      if (!this.list.children.length) this.show(q, this.t.loading);
      try {
        const res = await fetch(url, { signal: ctl.signal, credentials: "omit" });
        if (res.status === 429) throw new Error("busy"); // rate-limited: Retry-After says when
        data = await res.json();
        if (!res.ok || !Array.isArray(data && data.results)) throw new Error("HTTP " + res.status);
        this.cache.set(url.href, data);
        if (this.cache.size > 50) this.cache.delete(this.cache.keys().next().value);
      } catch (err) {
        if (seq !== this.seq) return; // superseded by a newer search
        this.box.className = "tk error";
        // fetch fails with a TypeError when the server is unreachable or refuses our origin.
        const t = this.t;
        const why = err.message === "busy" ? t.busy : t.failed;
        return this.show(q, /TypeError|AbortError/.test(err.name) ? t.offline : why, true);
      } finally {
        clearTimeout(timeout);
      }
      if (seq !== this.seq) return;
      this.box.className = "tk";
    }
    const t = this.t, host = this.host(), results = data.results, said = data.interpreted || q;
    const total = Number(data.total) || results.length;
    this.show(q, results.length ? "" : t.none + " “" + said + "”", false, results.map((r, i) => {
      const date = formatDate(r.date);
      const url = (r.url && safeURL(r.url, host)) || new URL("article/" + encodeURIComponent(r.id), host);
      // The article view on the search host marks the query's words when given ?q=.
      if (url.origin === host.origin && url.pathname.includes("/article/")) url.searchParams.set("q", q);
      return this.option(i, this.link(url,
        h("span", { class: "title" }, String(r.title || r.id)),
        date ? h("time", { class: "date", datetime: r.date }, date) : null,
        r.snippet ? h("span", { class: "snippet" }, ...marked(r.snippet)) : null));
    }));
    if (results.length) {
      const page = safeURL(this.getAttribute("results-page") || host, document.baseURI) || host;
      page.searchParams.set("q", q);
      this.list.append(this.option("all", this.link(page, t.all, h("span", { "aria-hidden": "true" }, "→"))));
      this.summary.textContent = t.count(total) + " " + t.for + " “" + said + "”";
      this.summary.hidden = false;
      this.live.textContent = t.count(total);
    }
  }

  /** Completions of a query still being typed (up to 3 words), as buttons above the results;
   * a click searches the completion. Without them (an error, an old server) nothing changes. */
  async complete(q, seq) {
    const completions = this.completions, url = new URL("api/suggest", this.host());
    url.searchParams.set("q", q);
    let list = this.cache.get(url.href);
    if (!list && q && q.split(/\s+/).length <= 3) {
      try {
        const res = await fetch(url, { credentials: "omit" });
        list = res.ok ? (await res.json()).suggestions : null;
        if (Array.isArray(list)) this.cache.set(url.href, list);
      } catch (_) { /* no completions */ }
    }
    if (seq !== this.seq) return;
    const lower = q.toLowerCase();
    completions.replaceChildren(...(Array.isArray(list) ? list : []).filter((s) => s !== lower).slice(0, 4).map((s) => {
      const b = h("button", { type: "button" }, String(s));
      b.addEventListener("click", () => {
        this.input.value = s;
        this.input.focus();
        this.search();
      });
      return b;
    }));
    completions.hidden = !completions.children.length;
  }

  option(id, a) {
    return h("li", { id: "tk-opt-" + id, role: "option", "aria-selected": "false", class: id === "all" ? "all" : null }, a);
  }

  /** Fill the panel: a message (with a retry button after an error) and/or result options. */
  show(q, text, retry, options = []) {
    this.shown = q;
    this.move(-1);
    this.list.replaceChildren(...options);
    this.summary.hidden = true;
    const kids = [h("p", null, text)];
    if (retry) {
      kids.push(h("button", { type: "button" }, this.t.retry));
      kids[1].addEventListener("click", () => this.search());
    }
    this.msg.replaceChildren(...kids);
    this.msg.hidden = !text;
    if (text) this.live.textContent = text;
    this.open();
  }
}

try {
  customElements.define("timkiem-search", TimkiemSearch);
} catch (_) { /* the script was included twice: the first definition stays */ }
})();

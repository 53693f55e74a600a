// The feed and the triage inbox: one list of mentions, filters, and keyboard shortcuts.
import { api, download } from "./api.js";
import {
  ago, ask, errorBox, h, isTyping, loadWatches, marked, mount, number, select, termRanges, toast, when,
} from "./ui.js";

const STATUSES = [["new", "New"], ["needs_reply", "Needs reply"], ["handled", "Handled"], ["ignored", "Ignored"]];
const STATUS_LABEL = Object.fromEntries(STATUSES);
const SENTIMENTS = ["positive", "neutral", "negative", "unscored"];
const SHORTCUTS = { r: "needs_reply", h: "handled", i: "ignored" };
const TEXT_LIMIT = 600;

export async function feedView(root, { inbox }) {
  const state = {
    filters: { watch: "", source: "", sentiment: "", lang: "", status: inbox ? "new" : "", author: "", q: "", since: "", until: "" },
    items: [],
    next: null,
    selected: 0,
    notice: "",
  };
  const list = h("div", { class: "mentions", id: "mentions" });
  const more = h("button", { class: "ghost more", type: "button", hidden: true, onclick: () => load(true) }, "Load more");
  const notice = h("p", { class: "notice", hidden: true });
  let watches = [];
  try {
    watches = await loadWatches(api);
  } catch (error) {
    mount(root, errorBox(error));
    return null;
  }

  const field = (name, label, attrs = {}) =>
    h("label", {}, label, h("input", { name, value: state.filters[name], ...attrs }));
  const form = h(
    "form",
    { class: "filters", onsubmit: (e) => { e.preventDefault(); readFilters(); load(false); } },
    h("label", {}, "Watch", select("watch", [["", "All watches"], ...watches.map((w) => [w.id, w.name || w.id])], state.filters.watch, () => form.requestSubmit())),
    h("label", {}, "Status", select("status", [["", "Any"], ...STATUSES], state.filters.status, () => form.requestSubmit())),
    h("label", {}, "Sentiment", select("sentiment", [["", "Any"], ...SENTIMENTS.map((s) => [s, s])], state.filters.sentiment, () => form.requestSubmit())),
    field("q", "Text", { type: "search", placeholder: "words in the text" }),
    h("button", { type: "submit" }, "Apply"),
    h("details", { class: "more-filters" },
      h("summary", {}, "More filters"),
      field("source", "Source", { placeholder: "rss, reddit…" }),
      field("lang", "Language", { placeholder: "en", size: 4 }),
      field("author", "Author", { placeholder: "name or @handle" }),
      field("since", "Since", { type: "date" }),
      field("until", "Until", { type: "date" })),
  );

  function readFilters() {
    const data = new FormData(form);
    for (const name of Object.keys(state.filters)) state.filters[name] = String(data.get(name) ?? "").trim();
  }

  function feedParams() {
    const f = state.filters;
    return {
      source: f.source, sentiment: f.sentiment, lang: f.lang, status: f.status, author: f.author, q: f.q,
      since: f.since ? `${f.since}T00:00:00Z` : "", until: f.until ? `${f.until}T23:59:59Z` : "",
    };
  }

  async function exportCsv() {
    readFilters();
    try {
      await download("export", { ...feedParams(), watch: state.filters.watch, format: "csv" }, "tidings-mentions.csv");
    } catch (error) {
      toast(error.notAvailable ? "Export is not available on this API yet." : error.message, "error");
    }
  }

  async function load(append) {
    const f = state.filters;
    const params = {
      source: f.source, sentiment: f.sentiment, lang: f.lang, status: f.status, author: f.author, q: f.q,
      since: f.since ? `${f.since}T00:00:00Z` : "", until: f.until ? `${f.until}T23:59:59Z` : "",
      limit: 25, cursor: append ? state.next : "",
    };
    let path = f.watch ? `watches/${encodeURIComponent(f.watch)}/mentions` : "mentions";
    let page;
    try {
      page = await api(path, { params });
      state.notice = "";
    } catch (error) {
      if (!f.watch && error.notAvailable && watches.length) {
        // An API without the cross-watch feed: show the first watch's instead.
        path = `watches/${encodeURIComponent(watches[0].id)}/mentions`;
        state.notice = `The feed across watches is not available on this API yet: showing ${watches[0].name || watches[0].id}.`;
        page = await api(path, { params }).catch((e) => ({ error: e }));
        if (page.error) return mount(list, errorBox(page.error));
      } else {
        return mount(list, errorBox(error));
      }
    }
    state.items = append ? [...state.items, ...page.items] : page.items;
    state.next = page.next;
    if (!append) state.selected = 0;
    render();
  }

  function render() {
    notice.hidden = !state.notice;
    notice.textContent = state.notice;
    more.hidden = !state.next;
    if (!state.items.length) {
      mount(list, h("p", { class: "empty" }, inbox ? "Inbox zero: nothing waits for an answer." : "No mentions match these filters yet."));
      return;
    }
    mount(list, state.items.map((item, i) => card(item, i)));
    highlight(false);
  }

  function card(item, index) {
    const author = item.author || {};
    const text = (item.text || "").slice(0, TEXT_LIMIT) + ((item.text || "").length > TEXT_LIMIT ? "…" : "");
    const title = item.title || "";
    const reach = author.reach ?? null;
    return h(
      "article",
      {
        class: `mention${index === state.selected ? " selected" : ""}`,
        "data-id": item.id, "data-status": item.status || "new", tabindex: -1,
        onclick: (e) => { if (!e.target.closest("a,button")) { state.selected = index; highlight(false); } },
      },
      h("header", {},
        h("span", { class: `badge source` }, item.source),
        h("span", { class: `badge sentiment s-${item.sentiment || "unscored"}`, title: scoreTitle(item) }, item.sentiment || "unscored"),
        h("span", { class: `status st-${item.status || "new"}` }, STATUS_LABEL[item.status || "new"] || item.status),
        state.filters.watch ? null : h("span", { class: "watch" }, item.watch_id),
        h("time", { datetime: item.published_at, title: when(item.published_at) }, ago(item.published_at))),
      title ? h("h3", {}, item.url ? h("a", { href: item.url, target: "_blank", rel: "noopener noreferrer" }, marked(title, termRanges(title, item.matched_terms))) : marked(title, termRanges(title, item.matched_terms))) : null,
      h("p", { class: "text" }, marked(text, termRanges(text, item.matched_terms))),
      h("footer", {},
        h("span", { class: "author" },
          author.url ? h("a", { href: author.url, target: "_blank", rel: "noopener noreferrer" }, author.name || author.handle || "unknown") : (author.name || author.handle || "unknown"),
          author.handle && author.name ? h("span", { class: "handle" }, ` ${author.handle}`) : null),
        reach !== null ? h("span", { class: "reach", title: `reach score ${item.reach_score ?? "–"}` }, `${number(reach)} followers`) : null,
        item.influencer ? h("span", { class: "badge influencer", title: "An opinion leader: high reach" }, "★ influencer") : null,
        item.language ? h("span", { class: "lang" }, item.language) : null,
        item.matched_terms?.length ? h("span", { class: "terms" }, `matched: ${item.matched_terms.join(", ")}`) : null),
      item.assignee || item.note
        ? h("p", { class: "triage" },
          item.assignee ? h("span", { class: "assignee" }, `→ ${item.assignee}`) : null,
          item.note ? h("span", { class: "note" }, `“${item.note}”`) : null,
          item.status_by ? h("span", { class: "by" }, `${item.status_by}, ${ago(item.status_at)}`) : null)
        : null,
      h("div", { class: "actions" },
        h("button", { type: "button", onclick: () => triage(index, { status: "needs_reply" }), title: "r" }, "Needs reply"),
        h("button", { type: "button", onclick: () => triage(index, { status: "handled" }), title: "h" }, "Handled"),
        h("button", { type: "button", onclick: () => triage(index, { status: "ignored" }), title: "i" }, "Ignore"),
        h("button", { type: "button", class: "ghost", onclick: () => assign(index), title: "a" }, "Assign"),
        h("button", { type: "button", class: "ghost", onclick: () => note(index), title: "n" }, "Note")),
    );
  }

  function highlight(scroll) {
    list.querySelectorAll("article.mention").forEach((el, i) => el.classList.toggle("selected", i === state.selected));
    const el = list.querySelectorAll("article.mention")[state.selected];
    if (el && scroll) el.scrollIntoView({ block: "nearest" });
  }

  async function triage(index, change) {
    const item = state.items[index];
    if (!item) return;
    try {
      const updated = await api(`watches/${encodeURIComponent(item.watch_id)}/mentions/${encodeURIComponent(item.id)}`, { method: "PATCH", body: change });
      state.items[index] = { ...item, ...updated };
      const old = list.querySelectorAll("article.mention")[index];
      old?.replaceWith(card(state.items[index], index));
      toast(change.status ? `Marked ${STATUS_LABEL[change.status].toLowerCase()}` : "Saved", "ok");
      if (change.status && index === state.selected && index < state.items.length - 1) state.selected += 1;
      highlight(true);
    } catch (error) {
      toast(error.notAvailable ? "Triage is not available on this API yet." : error.message, "error");
    }
  }

  async function assign(index) {
    const item = state.items[index];
    const who = item && (await ask("Assign to (a name or e-mail; empty to unassign)", item.assignee || ""));
    if (who !== null && who !== undefined) triage(index, { assignee: who || null });
  }

  async function note(index) {
    const item = state.items[index];
    const text = item && (await ask("Internal note (only your team sees it)", item.note || ""));
    if (text !== null && text !== undefined) triage(index, { note: text });
  }

  function onKey(event) {
    if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const k = event.key;
    if (k === "j" || k === "k") {
      state.selected = Math.max(0, Math.min(state.items.length - 1, state.selected + (k === "j" ? 1 : -1)));
      highlight(true);
    } else if (SHORTCUTS[k]) triage(state.selected, { status: SHORTCUTS[k] });
    else if (k === "a") assign(state.selected);
    else if (k === "n") note(state.selected);
    else if (k === "o" && state.items[state.selected]?.url) window.open(state.items[state.selected].url, "_blank", "noopener");
    else return;
    event.preventDefault();
  }

  mount(root,
    h("div", { class: "view-head" },
      h("h2", {}, inbox ? "Inbox" : "Feed"),
      h("p", { class: "hint" }, inbox ? "Answer what needs answering: j/k to move, r h i to triage, ? for help." : "Every mention, newest first."),
      h("button", { type: "button", class: "ghost export", onclick: exportCsv, title: "These filters' mentions as a CSV file" }, "Export CSV")),
    form, notice, list, more);
  document.addEventListener("keydown", onKey);
  await load(false);
  return () => document.removeEventListener("keydown", onKey);
}

function scoreTitle(item) {
  return item.sentiment_score === null || item.sentiment_score === undefined ? "not scored" : `score ${Number(item.sentiment_score).toFixed(2)}`;
}

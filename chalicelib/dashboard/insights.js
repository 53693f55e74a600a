// Charts and the campaign comparison, all read from the API's analytics (its counters).
import { api } from "./api.js";
import { barList, indexChart, legend, volumeChart } from "./charts.js";
import { errorBox, h, loadWatches, mount, number, select, unavailable } from "./ui.js";

const day = 86400000;
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

/** A titled card that loads its data, then draws it at the card's own width in pixels. */
function panel(title, load, render, id) {
  const body = h("div", { class: "panel-body" }, h("p", { class: "hint" }, "Loading…"));
  const box = h("section", { class: "card panel", id }, h("h3", {}, title), body);
  box.ready = (async () => {
    try {
      const data = await load();
      mount(body, render(data, Math.round(body.clientWidth) || 640));
    } catch (error) {
      mount(body, error.notAvailable ? unavailable(title) : errorBox(error));
    }
  })();
  return box;
}

export async function chartsView(root) {
  let watches;
  try {
    watches = await loadWatches(api);
  } catch (error) {
    mount(root, errorBox(error));
    return null;
  }
  const state = { watch: watches[0]?.id || "", interval: "day", days: 14 };
  const grid = h("div", { class: "grid" });
  const controls = h("form", { class: "filters", onchange: () => { read(); draw(); }, onsubmit: (e) => e.preventDefault() },
    h("label", {}, "Watch", select("watch", watches.map((w) => [w.id, w.name || w.id]), state.watch)),
    h("label", {}, "Interval", select("interval", [["hour", "Hourly"], ["day", "Daily"], ["week", "Weekly"]], state.interval)),
    h("label", {}, "Period", select("days", [["1", "Last 24 h"], ["7", "Last 7 days"], ["14", "Last 14 days"], ["30", "Last 30 days"], ["90", "Last 90 days"]], String(state.days))));
  const read = () => {
    const data = new FormData(controls);
    state.watch = String(data.get("watch") || "");
    state.interval = String(data.get("interval"));
    state.days = Number(data.get("days"));
  };
  mount(root, h("div", { class: "view-head" }, h("h2", {}, "Charts")), controls, grid);
  if (!watches.length) return mount(grid, h("p", { class: "empty" }, "Create a watch first: charts count its mentions."));

  async function draw() {
    const since = new Date(Date.now() - state.days * day).toISOString();
    const w = state.watch;
    const names = Object.fromEntries(watches.map((x) => [x.id, x.name || x.id]));
    const plural = (n, word) => `${number(n)} ${word}${n === 1 ? "" : "s"}`;
    const panels = [
      panel("Volume and sentiment", () => api("analytics/volume", { params: { watch: w, interval: state.interval, since } }),
        (data, width) => (data.series?.length ? [volumeChart(data.series, state.interval, width), legend()] : h("p", { class: "empty" }, "No mentions in this period.")), "volume"),
      panel("Reputation index", () => api("analytics/reputation", { params: { watch: w, interval: state.interval, since } }),
        (data, width) => (data.series?.length ? [indexChart(data.series, state.interval, width), h("p", { class: "formula hint" }, data.formula)] : h("p", { class: "empty" }, "No scored mentions in this period.")), "reputation"),
      panel("Share of voice", () => api("analytics/share-of-voice", { params: { watches: watches.map((x) => x.id).join(","), since } }),
        (data, width) => barList(data.items || [], { label: (i) => names[i.watch_id] || i.watch_id, value: (i) => i.count, text: (i) => `${Math.round((i.share ?? 0) * 100)}% · ${number(i.count)}`, width }), "share"),
      panel("Top authors by reach", () => api("analytics/top-authors", { params: { watch: w, since } }),
        (data, width) => (data.items?.length ? barList(data.items.slice(0, 10), { label: (i) => `${i.author} · ${i.source}`, value: (i) => i.reach_score ?? 0, text: (i) => `${number(Math.round(i.reach_score ?? 0))} · ${plural(i.count, "post")}`, width }) : h("p", { class: "empty" }, "No authors yet.")), "authors"),
      panel("Top sources", () => api("analytics/top-sources", { params: { watch: w, since } }),
        (data, width) => (data.items?.length ? barList(data.items.slice(0, 10), { label: (i) => i.source, value: (i) => i.count, text: (i) => number(i.count), width }) : h("p", { class: "empty" }, "No sources yet.")), "sources"),
      panel("Time to first response", () => api("analytics/response-times", { params: { watch: w } }), responseTable, "responses"),
    ];
    mount(grid, panels);
    await Promise.all(panels.map((p) => p.ready));
  }
  await draw();
  let timer;
  let lastWidth = window.innerWidth;
  const onResize = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { if (window.innerWidth !== lastWidth) { lastWidth = window.innerWidth; draw(); } }, 250);
  };
  window.addEventListener("resize", onResize);
  return () => window.removeEventListener("resize", onResize);
}

function responseTable(data) {
  const rows = [
    ...(data.watches || []).map((r) => [`watch ${r.watch_id}`, r]),
    ...(data.assignees || []).map((r) => [r.assignee || "unassigned", r]),
  ];
  if (!rows.length) return h("p", { class: "empty" }, "Nothing answered yet.");
  return h("div", { class: "scroll" }, h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}, "who"), h("th", {}, "answered"), h("th", {}, "mean time to first response"))),
    h("tbody", {}, rows.map(([who, r]) => h("tr", {}, h("td", {}, who), h("td", {}, number(r.count)), h("td", {}, duration(r.mean_s)))))));
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

const formatCell = (v) => (typeof v === "number" ? number(Math.round(v * 10) / 10) : v ?? "–");

export async function campaignView(root) {
  let watches;
  try {
    watches = await loadWatches(api);
  } catch (error) {
    mount(root, errorBox(error));
    return null;
  }
  const result = h("div", { class: "campaign-result", id: "campaign-result" });
  const form = h("form", { class: "filters", onsubmit: (e) => { e.preventDefault(); compare(); } },
    h("label", {}, "Watch", select("watch", watches.map((w) => [w.id, w.name || w.id]), watches[0]?.id)),
    h("label", {}, "From", h("input", { type: "date", name: "since", value: isoDate(Date.now() - 7 * day), required: true })),
    h("label", {}, "To", h("input", { type: "date", name: "until", value: isoDate(Date.now()), required: true })),
    h("button", { type: "submit" }, "Compare"));
  mount(root,
    h("div", { class: "view-head" }, h("h2", {}, "Campaign"),
      h("p", { class: "hint" }, "A period against the one of the same length just before it.")),
    form, result);

  async function compare() {
    const data = new FormData(form);
    const params = { watch: data.get("watch"), since: `${data.get("since")}T00:00:00Z`, until: `${data.get("until")}T23:59:59Z` };
    try {
      const body = await api("analytics/campaign", { params });
      mount(result, comparison(body));
    } catch (error) {
      mount(result, error.notAvailable ? unavailable("The campaign comparison") : errorBox(error));
    }
  }
  if (watches.length) await compare();
  else mount(result, h("p", { class: "empty" }, "Create a watch first."));
  return null;
}

function comparison({ current, previous, change }) {
  const flat = (v) => (v && typeof v === "object" ? v : { mentions: v });
  const cur = flat(current);
  const prev = flat(previous);
  const delta = change && typeof change === "object" ? change : { mentions: change };
  const keys = Object.keys(cur).filter((k) => typeof cur[k] === "number" || typeof prev[k] === "number");
  return h("div", { class: "tiles" }, keys.map((k) => {
    const d = delta[k];
    const pct = typeof d === "number" ? d : d && typeof d === "object" ? d.ratio ?? null : prev[k] ? (cur[k] - prev[k]) / prev[k] : null;
    return h("div", { class: "tile card" },
      h("span", { class: "tile-label" }, k === "total" ? "mentions" : k.replaceAll("_", " ")),
      h("strong", {}, formatCell(cur[k])),
      h("span", { class: "tile-prev" }, `before: ${formatCell(prev[k])}`),
      pct === null
        ? (cur[k] ? h("span", { class: "change up" }, "new") : null)
        : h("span", { class: `change ${pct >= 0 ? "up" : "down"}` }, `${pct >= 0 ? "▲" : "▼"} ${Math.abs(Math.round(pct * 100))}%`));
  }));
}

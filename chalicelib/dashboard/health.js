// "Is Tidings still listening?": each source's last success and error, the queues and budgets.
import { api } from "./api.js";
import { ago, errorBox, h, mount, number, when } from "./ui.js";

const STALE_MS = 6 * 3600 * 1000;

export async function healthView(root) {
  const body = h("div", {}, h("p", { class: "hint" }, "Loading…"));
  mount(root, h("div", { class: "view-head" }, h("h2", {}, "Health"),
    h("button", { type: "button", class: "ghost", onclick: refresh }, "Refresh")), body);

  async function refresh() {
    try {
      mount(body, render(await api("health")));
    } catch (error) {
      mount(body, errorBox(error));
    }
  }
  await refresh();
  const timer = setInterval(refresh, 30000);
  return () => clearInterval(timer);
}

function render(health) {
  const sources = health.sources || [];
  const failing = sources.filter((s) => !s.ok);
  const stale = sources.filter((s) => s.ok && (!s.last_success_at || Date.now() - Date.parse(s.last_success_at) > STALE_MS));
  const queues = queueRows(health);
  const dlq = queues.filter((q) => q.dead > 0);
  const listening = failing.length === 0 && dlq.length === 0;
  const verdict = !sources.length
    ? ["idle", "Tidings is up, but no source has been polled yet."]
    : listening
      ? ["ok", `Tidings is listening: ${sources.length} source${sources.length === 1 ? "" : "s"} answered.`]
      : ["bad", [failing.length ? `${failing.length} of ${sources.length} sources failing` : "", dlq.length ? `${dlq.length} dead-letter queue${dlq.length === 1 ? "" : "s"} not empty` : ""].filter(Boolean).join("; ") + "."];
  return [
    h("p", { class: `verdict ${verdict[0]}`, id: "verdict" }, verdict[1]),
    h("p", { class: "hint" }, `Stage ${health.stage || "?"} · ${health.watches ?? 0} watches${stale.length ? ` · ${stale.length} quiet for 6 h or more` : ""}`),
    h("section", { class: "card" }, h("h3", {}, "Sources"),
      sources.length ? h("div", { class: "scroll" }, h("table", { class: "sources" },
        h("thead", {}, h("tr", {}, ["", "watch", "source", "last success", "last error", "fetched"].map((c) => h("th", {}, c)))),
        h("tbody", {}, sources.map((s) => h("tr", { class: s.ok ? "ok" : "bad" },
          h("td", {}, h("span", { class: `dot ${s.ok ? "ok" : "bad"}`, title: s.ok ? "ok" : "failing" })),
          h("td", {}, s.watch_id),
          h("td", {}, s.source),
          h("td", { title: when(s.last_success_at) }, ago(s.last_success_at)),
          h("td", { class: "err" }, s.last_error ? `${s.error_kind ? `${s.error_kind}: ` : ""}${s.last_error}` : "–"),
          h("td", {}, number(s.items_fetched)))))))
        : h("p", { class: "empty" }, "No source polled yet.")),
    h("section", { class: "card" }, h("h3", {}, "Queues"),
      queues.length ? h("table", { class: "queues", id: "queues" },
        h("thead", {}, h("tr", {}, h("th", {}, "queue"), h("th", {}, "jobs waiting"), h("th", {}, "failed 5 times (DLQ)"))),
        h("tbody", {}, queues.map((q) => h("tr", { class: q.dead > 0 ? "bad" : "" },
          h("td", {}, q.name), h("td", {}, depth(q.depth)), h("td", {}, depth(q.dead)))))) :
        h("p", { class: "unavailable" }, "Queue and dead-letter depths are not available on this API yet.")),
    (health.budgets || []).length ? h("section", { class: "card" }, h("h3", {}, "Budgets"),
      h("ul", { class: "budgets" }, health.budgets.map((b) => h("li", {}, budgetText(b))))) : null,
  ];
}

/** Queue depths: `{poll: {messages, dlq_messages}, ...}`; a depth of null could not be read. */
function queueRows(health) {
  return Object.entries(health.queues || {}).map(([name, q]) => ({
    name,
    depth: q?.messages ?? null,
    dead: q?.dlq_messages ?? null,
  }));
}

const depth = (n) => (n === null || n === undefined ? "unknown" : number(n));

function budgetText(b) {
  const parts = Object.entries(b).map(([k, v]) => `${k.replaceAll("_", " ")}: ${typeof v === "number" ? number(v) : v}`);
  return parts.join(" · ");
}

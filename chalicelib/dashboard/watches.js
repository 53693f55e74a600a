// The watch editor: a watch's query and sources, with a live preview of what the query finds.
import { api } from "./api.js";
import { errorBox, h, loadWatches, marked, mount, toast } from "./ui.js";

const PREVIEW_LAST = 50;

export async function watchesView(root) {
  let watches = [];
  try {
    watches = await loadWatches(api);
  } catch (error) {
    mount(root, errorBox(error));
    return null;
  }
  const listBox = h("ul", { class: "watch-list" });
  const editorBox = h("section", { class: "editor card" });
  mount(root,
    h("div", { class: "view-head" }, h("h2", {}, "Watches"),
      h("button", { type: "button", id: "new-watch", onclick: () => edit(null) }, "New watch")),
    h("div", { class: "split" }, listBox, editorBox));

  function renderList(current) {
    mount(listBox, watches.length ? watches.map((w) => h("li", {},
      h("button", { type: "button", class: `watch-item${current === w.id ? " current" : ""}`, onclick: () => edit(w) },
        h("strong", {}, w.name || w.id), h("code", {}, w.query)))) : h("li", { class: "empty" }, "No watches yet: create the first."));
  }

  function edit(watch) {
    renderList(watch?.id);
    const isNew = !watch;
    const sourcesText = (watch?.sources || []).map((s) => (s.target ? `${s.kind} ${s.target}` : s.kind)).join("\n");
    const id = h("input", { name: "id", required: true, pattern: "[a-z0-9][a-z0-9-]*", value: watch?.id || "", readOnly: !isNew, placeholder: "acme" });
    const name = h("input", { name: "name", value: watch?.name || "", placeholder: "Acme" });
    const query = h("textarea", { name: "query", rows: 3, required: true, spellcheck: false, placeholder: 'Acme OR "Acme Cloud" -jobs' }, watch?.query || "");
    const sources = h("textarea", { name: "sources", rows: 3, spellcheck: false, placeholder: "hackernews\nrss https://blog.example.com/feed.xml" }, sourcesText);
    const previewOn = h("select", { name: "preview-on" },
      watches.map((w) => h("option", { value: w.id, selected: w.id === (watch?.id || watches[0]?.id) }, `last ${PREVIEW_LAST} of ${w.name || w.id}`)));
    const sample = h("textarea", { name: "sample", rows: 2, placeholder: "…or paste a text to try the query on" });
    const preview = h("div", { class: "preview", id: "preview", "aria-live": "polite" });
    const message = h("p", { class: "error", role: "alert" });
    const form = h("form", { class: "watch-form", onsubmit: save },
      h("h3", {}, isNew ? "New watch" : `Edit ${watch.name || watch.id}`),
      h("label", {}, "Id", id),
      h("label", {}, "Name", name),
      h("label", {}, "Query", query),
      h("label", {}, "Sources (one per line: kind, then its target if it needs one)", sources),
      message,
      h("div", { class: "row" },
        h("button", { type: "submit" }, isNew ? "Create watch" : "Save"),
        isNew ? null : h("button", { type: "button", class: "danger ghost", onclick: remove }, "Delete")),
      h("h3", {}, "Preview"),
      h("label", {}, "Try it on", watches.length ? previewOn : null), sample, preview);
    mount(editorBox, form);
    let timer;
    const schedule = () => { clearTimeout(timer); timer = setTimeout(runPreview, 300); };
    for (const el of [query, previewOn, sample]) el.addEventListener("input", schedule);
    previewOn.addEventListener("change", schedule);
    if (watch) runPreview();
    (isNew ? id : query).focus();

    async function runPreview() {
      const q = query.value.trim();
      if (!q) return mount(preview, h("p", { class: "hint" }, "Write a query to see what it finds."));
      const body = sample.value.trim()
        ? { query: q, texts: [{ text: sample.value }] }
        : watches.length ? { query: q, watch_id: previewOn.value, last: PREVIEW_LAST } : null;
      if (!body) return mount(preview, h("p", { class: "hint" }, "Paste a text to try the query on."));
      try {
        const result = await api("query/test", { method: "POST", body });
        const items = result.items || [];
        mount(preview,
          h("p", { class: "count" }, `Matches ${result.matched} of ${items.length}`, h("code", {}, result.query)),
          h("ul", { class: "preview-items" }, items.filter((i) => i.match).slice(0, 10).map((i) => h("li", {},
            i.title ? h("strong", {}, marked(i.title, spans(i, "title")), " ") : null,
            marked((i.text || "").slice(0, 300), spans(i, "text").filter(([, e]) => e <= 300)),
            h("small", { class: "why" }, i.why)))));
      } catch (error) {
        mount(preview, h("p", { class: "error" }, error.message));
      }
    }

    async function save(event) {
      event.preventDefault();
      const body = {
        ...(watch || {}),
        id: id.value.trim(),
        name: name.value.trim() || id.value.trim(),
        query: query.value.trim(),
        sources: sources.value.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
          const [kind, ...rest] = line.split(/\s+/);
          return rest.length ? { kind, target: rest.join(" ") } : kind;
        }),
      };
      try {
        const saved = isNew
          ? await api("watches", { method: "POST", body })
          : await api(`watches/${encodeURIComponent(watch.id)}`, { method: "PUT", body });
        watches = isNew ? [...watches, saved] : watches.map((w) => (w.id === saved.id ? saved : w));
        toast(isNew ? `Watch ${saved.id} created` : "Saved", "ok");
        edit(saved);
      } catch (error) {
        message.textContent = error.message;
      }
    }

    async function remove() {
      if (!confirm(`Delete the watch ${watch.id}? It stops listening at once.`)) return;
      try {
        await api(`watches/${encodeURIComponent(watch.id)}`, { method: "DELETE" });
        watches = watches.filter((w) => w.id !== watch.id);
        toast(`Watch ${watch.id} deleted`, "ok");
        edit(null);
      } catch (error) {
        message.textContent = error.message;
      }
    }
  }

  edit(watches[0] || null);
  return null;
}

function spans(item, field) {
  return (item.spans || []).filter((s) => s.field === field).map((s) => [s.start, s.end]);
}

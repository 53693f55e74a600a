// Small DOM helpers: build elements without innerHTML, so mention text can never inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function mount(target, ...children) {
  target.replaceChildren();
  append(target, children);
}

export function toast(message, kind = "info") {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = `show ${kind}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.className = ""), 3500);
}

export function unavailable(what) {
  return h("p", { class: "unavailable" }, `${what} is not available on this API yet.`);
}

export function errorBox(error) {
  return h("p", { class: "error", role: "alert" }, error.message || String(error));
}

export const number = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en"));

export function ago(iso) {
  if (!iso) return "never";
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.max(seconds, 0)}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** Text with the given [start, end) ranges wrapped in <mark>. */
export function marked(text, ranges) {
  const parts = [];
  let at = 0;
  for (const [start, end] of mergeRanges(ranges)) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(h("mark", {}, text.slice(start, end)));
    at = end;
  }
  parts.push(text.slice(at));
  return parts;
}

function mergeRanges(ranges) {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [s, e] of sorted) {
    if (out.length && s <= out[out.length - 1][1]) out[out.length - 1][1] = Math.max(e, out[out.length - 1][1]);
    else out.push([s, e]);
  }
  return out;
}

const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

/** Where the matched terms occur in a text: whole words, ignoring case and accents. */
export function termRanges(text, terms) {
  const folded = fold(text);
  if (folded.length !== text.length) return [];
  const ranges = [];
  for (const raw of terms || []) {
    const term = fold(String(raw).replace(/^[a-z]+:/i, "").replace(/[*"]/g, "").trim());
    if (term.length < 2) continue;
    const words = term.split(/[\s-]+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])(${words.join("[\\s-]*")}\\p{L}*)`, "gu");
    for (const m of folded.matchAll(pattern)) {
      const start = m.index + m[1].length;
      ranges.push([start, start + m[2].length]);
    }
  }
  return ranges;
}

export function select(name, options, value, onchange) {
  return h(
    "select",
    { name, onchange },
    options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  );
}

/** Ask for a line of text in a dialog; resolves to the text, or null when cancelled. */
export function ask(label, initial = "") {
  const dialog = document.getElementById("ask");
  const input = document.getElementById("ask-input");
  document.getElementById("ask-label").textContent = label;
  input.value = initial;
  dialog.returnValue = "";
  dialog.showModal();
  input.focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => resolve(dialog.returnValue === "ok" ? input.value.trim() : null),
      { once: true },
    );
  });
}

/** Whether a key press is typing into a field (or a dialog is open), not a shortcut. */
export function isTyping(event) {
  if (document.querySelector("dialog[open]")) return true;
  const el = event.target;
  return el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

export async function loadWatches(api) {
  const body = await api("watches");
  return body.items || [];
}

// Charts as inline SVG: no library, nothing to download, readable by a screen reader.
const NS = "http://www.w3.org/2000/svg";
export const SENTIMENTS = ["positive", "neutral", "negative", "unscored"];

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

const shortTime = (iso, interval) => {
  const d = new Date(iso);
  if (interval === "hour") return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
};

/** Volume over time, each bar stacked by sentiment. */
export function volumeChart(series, interval, width = 640) {
  const height = width < 500 ? 180 : 220;
  const pad = { left: 36, right: 8, top: 24, bottom: 28 };
  const max = Math.max(1, ...series.map((p) => p.total || 0));
  const total = series.reduce((n, p) => n + (p.total || 0), 0);
  const slot = (width - pad.left - pad.right) / Math.max(series.length, 1);
  const bar = Math.max(2, Math.min(40, slot * 0.7));
  const y = (v) => ((height - pad.top - pad.bottom) * v) / max;
  const svg = s("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "chart volume",
    role: "img",
    "aria-label": `${total} mentions over time, by sentiment`,
    "data-total": total,
  });
  svg.append(s("text", { x: pad.left, y: 14, class: "caption" }, `${total} mention${total === 1 ? "" : "s"}`));
  for (const tick of max >= 4 ? [0, Math.round(max / 2), max] : [0, max]) {
    const ty = height - pad.bottom - y(tick);
    svg.append(s("line", { x1: pad.left, x2: width - pad.right, y1: ty, y2: ty, class: "grid" }));
    svg.append(s("text", { x: pad.left - 4, y: ty + 4, class: "axis", "text-anchor": "end" }, Math.round(tick)));
  }
  const every = Math.ceil(series.length / Math.max(2, Math.floor(width / 80)));
  series.forEach((point, i) => {
    const x = pad.left + i * slot + (slot - bar) / 2;
    let base = height - pad.bottom;
    const g = s("g", { class: "bar", "data-total": point.total || 0 });
    g.append(s("title", {}, `${shortTime(point.t, interval)}: ${point.total || 0} (` +
      SENTIMENTS.map((k) => `${point[k] || 0} ${k}`).join(", ") + ")"));
    for (const k of SENTIMENTS) {
      const hgt = y(point[k] || 0);
      if (hgt <= 0) continue;
      base -= hgt;
      g.append(s("rect", { x, y: base, width: bar, height: hgt, class: `s-${k}` }));
    }
    if (point.total && bar >= 14) {
      g.append(s("text", { x: x + bar / 2, y: base - 3, class: "value", "text-anchor": "middle" }, point.total));
    }
    svg.append(g);
    if (i % every === 0) {
      svg.append(s("text", { x: x + bar / 2, y: height - 8, class: "axis", "text-anchor": "middle" },
        shortTime(point.t, interval)));
    }
  });
  return svg;
}

/** Horizontal bars: one row per item, its label, a bar and its value. */
export function barList(rows, { label, value, text = (item) => String(value(item)), className = "", width = 640 }) {
  const row = 26;
  const labelWidth = Math.min(200, Math.round(width * 0.36));
  const textWidth = 110;
  const max = Math.max(1, ...rows.map(value));
  const svg = s("svg", {
    viewBox: `0 0 ${width} ${Math.max(row, rows.length * row)}`,
    class: `chart bars ${className}`,
    role: "img",
  });
  rows.forEach((item, i) => {
    const v = value(item);
    const w = ((width - labelWidth - textWidth) * v) / max;
    const g = s("g", { class: "row", "data-value": v }, s("title", {}, `${label(item)}: ${text(item)}`));
    g.append(s("text", { x: 0, y: i * row + 17, class: "label" }, truncate(label(item), Math.floor(labelWidth / 8))));
    g.append(s("rect", { x: labelWidth, y: i * row + 5, width: Math.max(w, 1), height: row - 10, rx: 3 }));
    g.append(s("text", { x: labelWidth + w + 6, y: i * row + 17, class: "value" }, text(item)));
    svg.append(g);
  });
  return svg;
}

const truncate = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

export function legend() {
  const wrap = document.createElement("p");
  wrap.className = "legend";
  for (const k of SENTIMENTS) {
    const item = document.createElement("span");
    item.className = `key s-${k}`;
    item.textContent = k;
    wrap.append(item);
  }
  return wrap;
}

/** A 0–100 index over time as a line, with the neutral 50 marked. */
export function indexChart(series, interval, width = 640) {
  const height = 160;
  const pad = { left: 36, right: 24, top: 12, bottom: 28 };
  const x = (i) => pad.left + ((width - pad.left - pad.right) * i) / Math.max(series.length - 1, 1);
  const y = (v) => pad.top + ((height - pad.top - pad.bottom) * (100 - v)) / 100;
  const last = series.length ? series[series.length - 1].index : null;
  const svg = s("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "chart index",
    role: "img",
    "aria-label": `reputation index, now ${last ?? "unknown"}`,
    "data-last": last ?? "",
  });
  for (const tick of [0, 50, 100]) {
    svg.append(s("line", { x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick), class: tick === 50 ? "grid mid" : "grid" }));
    svg.append(s("text", { x: pad.left - 4, y: y(tick) + 4, class: "axis", "text-anchor": "end" }, tick));
  }
  const points = series.map((p, i) => `${x(i).toFixed(1)},${y(p.index).toFixed(1)}`).join(" ");
  svg.append(s("polyline", { points, class: "line" }));
  const every = Math.ceil(series.length / Math.max(2, Math.floor(width / 80)));
  series.forEach((p, i) => {
    const dot = s("circle", { cx: x(i), cy: y(p.index), r: p.scored ? 3 : 0, class: "point" });
    dot.append(s("title", {}, `${shortTime(p.t, interval)}: ${p.index} (${p.scored} scored)`));
    svg.append(dot);
    if (i % every === 0) {
      svg.append(s("text", { x: x(i), y: height - 8, class: "axis", "text-anchor": "middle" }, shortTime(p.t, interval)));
    }
  });
  return svg;
}

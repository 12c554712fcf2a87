/* seizurewatch dashboard: polls the worker's JSON API and draws tables and charts by hand.
 *
 * Plain browser JavaScript, no library and no build step, so that the page works offline
 * and is served as is from streams/web_static/. The `normalise*` functions are the only
 * place that knows the shapes of /api/*; everything else works on their output.
 */
"use strict";

const REFRESH_MS = 3000;
const KINDS = ["incident", "aggregate"];
const PREFERRED = ["cases", "suspects", "operations", "events", "heroin_kg", "meth_crystal_kg", "meth_pills_pills",
  "synthetic_pills_pills", "heroin_bricks", "opium_kg", "cannabis_kg", "ketamine_kg", "cocaine_kg",
  "ecstasy_pills", "synthetic_kg", "unspecified_kg"];
const MAIN_COLUMNS = new Set(["cases", "suspects", "operations", "events", "heroin_kg", "meth_crystal_kg",
  "opium_kg", "cannabis_kg", "synthetic_pills_pills", "meth_pills_pills", "heroin_bricks", "kg", "pills", "bricks"]);
/* the table shows these unless "every metric" is ticked; bare unit names are cross-drug totals */
const COUNT_METRICS = new Set(["cases", "suspects", "operations", "events"]);
const IGNORED_KEYS = new Set(["province", "name", "kind", "event_ids", "events_count", "updated_at", "code",
  "province_code", "window_start", "window_end", "start", "end"]);

const state = {
  rows: [],          // [{province, kind, metrics: {name: number}}]
  metrics: [],       // metric names seen, in display order
  sort: { key: "heroin_kg", dir: -1 },
  kind: "all",
  allMetrics: false,
  province: null,    // chosen for the time series
  seriesMetric: "heroin_kg",
  eventId: null,
};

/* ---------- small helpers ---------- */

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
};
const SVG_NS = "http://www.w3.org/2000/svg";
const svgEl = (tag, attrs = {}, text) => {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};

function fmt(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value.toLocaleString("en-US", { maximumFractionDigits: 3 });
}

/** "heroin_kg" -> "heroin (kg)", "synthetic_pills_pills" -> "synthetic pills (pills)". */
function label(metric) {
  const m = /^(.*)_(kg|g|pills?|bricks?|packages?|doses?)$/.exec(metric);
  if (!m) return metric.replace(/_/g, " ");
  return `${m[1].replace(/_/g, " ")} (${m[2]})`;
}

/** Table headers: the bare unit names are totals over every drug. */
function columnLabel(metric) {
  return { kg: "all drugs (kg)", pills: "all pills", bricks: "all bricks", packages: "all packages", doses: "all doses" }[metric]
    ?? label(metric);
}

function unitOf(metric) {
  const m = /_(kg|g|pills?|bricks?|packages?|doses?)$/.exec(metric);
  return m ? m[1] : null;
}

async function getJSON(url) {
  const res = await fetch(url, { cache: "no-store", headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** Flatten {heroin: {kg: 3}} or {heroin_kg: 3} or [{metric, value}] into {heroin_kg: 3}. */
function flattenMetrics(obj, prefix = "") {
  const out = {};
  if (Array.isArray(obj)) {
    for (const m of obj) {
      if (m && typeof m === "object" && "metric" in m && typeof m.value === "number") out[m.metric] = m.value;
    }
    return out;
  }
  if (!obj || typeof obj !== "object") return out;
  for (const [k, v] of Object.entries(obj)) {
    if (IGNORED_KEYS.has(k)) continue;
    const key = prefix ? `${prefix}_${k}` : k;
    if (typeof v === "number" && Number.isFinite(v)) out[key] = v;
    else if (v && typeof v === "object" && !Array.isArray(v) && !KINDS.includes(k)) Object.assign(out, flattenMetrics(v, key));
  }
  return out;
}

/* ---------- API shapes ---------- */

/** Totals of one province -> {incident: {...}, aggregate: {...}}. */
function splitByKind(entry) {
  const holder = entry.totals || entry.all_time || entry.all || entry;
  const out = {};
  for (const kind of KINDS) {
    const part = holder[kind] ?? entry[kind];
    if (part && typeof part === "object") out[kind] = flattenMetrics(part.metrics || part.totals || part);
  }
  if (!Object.keys(out).length && holder.metrics) {
    // a flat list of {kind, metric, value}
    for (const m of holder.metrics) {
      if (m && m.kind && m.metric) ((out[m.kind] ||= {})[m.metric] = m.value);
    }
  }
  return out;
}

function normaliseProvinces(data) {
  let list = data;
  if (data && !Array.isArray(data)) {
    list = data.provinces ?? data.items ?? data.data ?? data;
    if (!Array.isArray(list)) list = Object.entries(list).map(([name, v]) => ({ province: name, ...v }));
  }
  const rows = [];
  for (const entry of list || []) {
    if (!entry || typeof entry !== "object") continue;
    const name = entry.province ?? entry.name ?? entry.province_2025;
    if (!name) continue;
    const kinds = splitByKind(entry);
    for (const kind of KINDS) {
      if (kinds[kind] && Object.keys(kinds[kind]).length) rows.push({ province: name, kind, metrics: kinds[kind] });
    }
  }
  return rows;
}

function normaliseAlerts(data) {
  const list = Array.isArray(data) ? data : (data?.alerts ?? data?.items ?? []);
  return list.filter((a) => a && typeof a === "object");
}

/**
 * One window family (e.g. "30d") of one kind -> [{start, end, metrics}], oldest first.
 * Accepts the current window {start, end, incident: {...}, aggregate: {...}}, a list of
 * windows, or an object keyed by start date.
 */
function normaliseWindows(detail, family, kind) {
  const windows = detail?.windows ?? detail?.window ?? {};
  let raw = windows[family] ?? [];
  if (raw && !Array.isArray(raw) && typeof raw === "object") {
    if ("start" in raw || "end" in raw || raw[kind]) raw = [raw];
    else raw = Object.entries(raw).map(([start, v]) => ({ start, ...v }));
  }
  const out = [];
  for (const w of raw || []) {
    if (!w || typeof w !== "object") continue;
    if (w.kind && w.kind !== kind) continue;
    const start = w.start ?? w.window_start ?? w.date ?? w.day;
    const end = w.end ?? w.window_end ?? start;
    let metrics = w.metrics ?? w.totals ?? w.values ?? w;
    if (metrics[kind] && typeof metrics[kind] === "object") metrics = metrics[kind];
    else if (KINDS.some((k) => metrics[k])) metrics = {};
    out.push({ start, end, metrics: flattenMetrics(metrics) });
  }
  out.sort((a, b) => String(a.end).localeCompare(String(b.end)));
  return out;
}

const isoDay = (d) => d.toISOString().slice(0, 10);
const addDays = (iso, n) => { const d = new Date(`${iso}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return isoDay(d); };

/** Daily buckets {iso: {metric: v}} of one kind, if the API exposes them (else null). */
function dailyBuckets(detail, kind) {
  for (const holder of [detail?.daily, detail?.state?.daily, detail?.days, detail?.series?.daily]) {
    if (holder && typeof holder === "object" && holder[kind] && typeof holder[kind] === "object") return holder[kind];
  }
  return null;
}

/**
 * The 30 days of the 30-day window ending on the province's latest event date: each day's
 * own value (bars) and the trailing 30-day total as of that day (line). Falls back to the
 * window summaries when the API gives no daily buckets.
 */
function seriesPoints(detail, kind, metric) {
  const daily = dailyBuckets(detail, kind);
  if (daily) {
    const days = Object.keys(daily).sort();
    if (!days.length) return [];
    const end = String(detail.watermark ?? detail.state?.watermark ?? days.at(-1)).slice(0, 10);
    const value = (iso) => flattenMetrics(daily[iso] || {})[metric] || 0;
    const points = [];
    for (let i = -29; i <= 0; i++) {
      const x = addDays(end, i);
      let trailing = 0;
      for (let j = -29; j <= 0; j++) trailing += value(addDays(x, j));
      points.push({ x, bar: value(x), line: trailing });
    }
    return points;
  }
  const windows = normaliseWindows(detail, "30d", kind);
  return windows.map((w) => ({ x: String(w.end ?? w.start).slice(0, 10), bar: null, line: w.metrics[metric] ?? 0 }));
}

function normaliseEvent(data) {
  const event = data?.event ?? data;
  const item = data?.item ?? data?.source_item ?? {};
  const text = data?.text ?? data?.source_text ?? item?.text ?? event?.text ?? "";
  const title = item?.title ?? data?.title ?? null;
  return { event, item, text, title };
}

/* ---------- province table ---------- */

function orderMetrics(rows) {
  const seen = new Set();
  for (const r of rows) for (const k of Object.keys(r.metrics)) seen.add(k);
  const ordered = PREFERRED.filter((m) => seen.has(m));
  const rest = [...seen].filter((m) => !PREFERRED.includes(m)).sort();
  return [...ordered, ...rest];
}

function visibleRows() {
  const rows = state.rows.filter((r) => state.kind === "all" || r.kind === state.kind);
  const { key, dir } = state.sort;
  const val = (r) => (key === "province" ? r.province : key === "kind" ? r.kind : (r.metrics[key] ?? 0));
  return rows.sort((a, b) => {
    const x = val(a), y = val(b);
    const c = typeof x === "string" ? x.localeCompare(y, "vi") : x - y;
    return c * dir || a.province.localeCompare(b.province, "vi") || a.kind.localeCompare(b.kind);
  });
}

function renderTable() {
  const head = $("#province-table thead tr");
  const body = $("#province-table tbody");
  const shownMetrics = state.allMetrics ? state.metrics : state.metrics.filter((m) => MAIN_COLUMNS.has(m));
  const cols = [["province", "province"], ["kind", "kind"], ...shownMetrics.map((m) => [m, columnLabel(m)])];
  head.replaceChildren(...cols.map(([key, text]) => {
    const th = el("th", { "data-key": key, scope: "col", text, class: key === "province" || key === "kind" ? "text" : "" });
    if (state.sort.key === key) th.setAttribute("aria-sort", state.sort.dir > 0 ? "ascending" : "descending");
    th.addEventListener("click", () => {
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : (key === "province" || key === "kind" ? 1 : -1) };
      renderTable();
    });
    return th;
  }));
  const rows = visibleRows();
  body.replaceChildren(...rows.map((r) => {
    const tr = el("tr", { "data-province": r.province, "data-kind": r.kind });
    if (r.province === state.province) tr.classList.add("selected");
    tr.append(el("td", { class: "text province", text: r.province }));
    tr.append(el("td", { class: "text" }, el("span", { class: `kind ${r.kind}`, text: r.kind })));
    for (const m of shownMetrics) {
      const v = r.metrics[m];
      const td = el("td", { "data-metric": m, "data-value": v ?? 0, text: v ? fmt(v) : "0" });
      if (!v) td.classList.add("zero");
      tr.append(td);
    }
    tr.addEventListener("click", () => selectProvince(r.province));
    return tr;
  }));
  $("#province-empty").hidden = rows.length > 0;
}

/* ---------- bar chart by drug ---------- */

/** Sum of every drug metric over all provinces, per kind: {kind: [[metric, value]...]}. */
function drugSums() {
  const out = {};
  for (const kind of KINDS) {
    const sums = {};
    for (const r of state.rows) {
      if (r.kind !== kind) continue;
      for (const [m, v] of Object.entries(r.metrics)) if (!COUNT_METRICS.has(m) && unitOf(m)) sums[m] = (sums[m] || 0) + v;
    }
    out[kind] = Object.entries(sums).filter(([, v]) => v > 0).sort((a, b) => {
      const ua = unitOf(a[0]) === "kg" ? 0 : 1, ub = unitOf(b[0]) === "kg" ? 0 : 1;
      return ua - ub || b[1] - a[1];
    });
  }
  return out;
}

function renderDrugChart() {
  const kinds = state.kind === "all" ? KINDS : [state.kind];
  const sums = drugSums();
  $("#by-drug-kind").textContent = `${kinds.map((k) => `${k}s`).join(" and ")}, all provinces`;
  const sections = kinds.filter((k) => sums[k].length);
  const host = $("#drug-chart");
  if (!sections.length) { host.replaceChildren(el("p", { class: "empty", text: "No seizure figure yet." })); return; }
  const W = 520, rowH = 22, head = 20, left = 170, right = 90;
  const height = sections.reduce((h, k) => h + head + sums[k].length * rowH, 4);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${height}`, role: "img", "aria-label": "seizures by drug" });
  let y = 4;
  for (const kind of sections) {
    svg.append(svgEl("text", { x: 4, y: y + 14, class: "label kind-head" }, `${kind}s`));
    y += head;
    // bars of different units are not comparable: each unit is scaled to its own maximum
    const maxByUnit = {};
    for (const [m, v] of sums[kind]) maxByUnit[unitOf(m)] = Math.max(maxByUnit[unitOf(m)] || 0, v);
    for (const [m, v] of sums[kind]) {
      const w = Math.max(2, ((W - left - right) * v) / maxByUnit[unitOf(m)]);
      svg.append(svgEl("text", { x: left - 6, y: y + 14, "text-anchor": "end", class: "label" }, label(m)));
      const bar = svgEl("rect", { x: left, y: y + 3, width: w, height: rowH - 8, rx: 2,
        class: `${unitOf(m) === "kg" ? "bar" : "bar count"} ${kind}`, "data-metric": m, "data-kind": kind });
      bar.append(svgEl("title", {}, `${label(m)}, ${kind}s: ${fmt(v)}`));
      svg.append(bar);
      svg.append(svgEl("text", { x: left + w + 6, y: y + 14, class: "label" }, fmt(v)));
      y += rowH;
    }
  }
  host.replaceChildren(svg);
}

/* ---------- 30-day time series ---------- */

function selectProvince(name) {
  state.province = name;
  $("#province-select").value = name;
  renderTable();
  refreshSeries();
}

function renderSelectors() {
  const names = [...new Set(state.rows.map((r) => r.province))].sort((a, b) => a.localeCompare(b, "vi"));
  if (!state.province && names.length) {
    // default: the named province with the most heroin (not "unknown"), else the first
    const named = state.rows.filter((r) => r.province !== "unknown");
    const top = [...(named.length ? named : state.rows)].sort((a, b) => (b.metrics.heroin_kg || 0) - (a.metrics.heroin_kg || 0))[0];
    state.province = top ? top.province : names[0];
  }
  const ps = $("#province-select");
  if (ps.options.length !== names.length || [...ps.options].some((o, i) => o.value !== names[i])) {
    ps.replaceChildren(...names.map((n) => el("option", { value: n, text: n })));
  }
  if (state.province) ps.value = state.province;
  const ms = $("#metric-select");
  if (ms.options.length !== state.metrics.length) {
    ms.replaceChildren(...state.metrics.map((m) => el("option", { value: m, text: label(m) })));
  }
  if (!state.metrics.includes(state.seriesMetric) && state.metrics.length) state.seriesMetric = state.metrics[0];
  ms.value = state.seriesMetric;
}

async function refreshSeries() {
  if (!state.province) return;
  const name = state.province;
  let detail;
  try {
    detail = await getJSON(`/api/provinces/${encodeURIComponent(name)}`);
  } catch (err) {
    $("#series-chart").replaceChildren(el("p", { class: "empty", text: `No window data for ${name}.` }));
    return;
  }
  if (name !== state.province) return;
  // "both kinds": incidents, unless the province only has aggregates for this metric
  let kind = state.kind === "all" ? "incident" : state.kind;
  let points = seriesPoints(detail, kind, state.seriesMetric);
  if (state.kind === "all" && !points.some((p) => p.line || p.bar)) {
    const other = seriesPoints(detail, "aggregate", state.seriesMetric);
    if (other.some((p) => p.line || p.bar)) { kind = "aggregate"; points = other; }
  }
  renderSeries(points, kind);
  renderWindowSummary(detail, kind);
}

function renderSeries(data, kind) {
  const host = $("#series-chart");
  const metric = state.seriesMetric;
  if (!data.length) {
    host.replaceChildren(el("p", { class: "empty", text: `No ${kind} window for ${state.province} yet.` }));
    return;
  }
  const W = 520, H = 220, L = 50, R = 12, T = 12, B = 40;
  const maxY = Math.max(...data.map((d) => Math.max(d.line ?? 0, d.bar ?? 0)), 1e-9);
  const slot = (W - L - R) / data.length;
  const xs = (i) => L + slot * (i + 0.5);
  const ys = (v) => T + (H - T - B) * (1 - v / maxY);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": `${label(metric)} in ${state.province}, 30-day window` });
  for (let k = 0; k <= 4; k++) {
    const v = (maxY * k) / 4, y = ys(v);
    svg.append(svgEl("line", { x1: L, x2: W - R, y1: y, y2: y, class: "gridline" }));
    svg.append(svgEl("text", { x: L - 6, y: y + 4, "text-anchor": "end", class: "axis" }, fmt(+v.toPrecision(3))));
  }
  const step = Math.max(1, Math.ceil(data.length / 5));
  data.forEach((d, i) => {
    const last = i === data.length - 1;
    if ((i % step === 0 && data.length - 1 - i >= step) || last) {
      svg.append(svgEl("text", { x: last ? W - R : xs(i), y: H - B + 16, "text-anchor": last ? "end" : "middle", class: "axis" }, d.x));
    }
    if (d.bar) {
      const bar = svgEl("rect", { x: xs(i) - slot * 0.35, width: slot * 0.7, y: ys(d.bar), height: ys(0) - ys(d.bar),
        class: "bar day", "data-day": d.x });
      bar.append(svgEl("title", {}, `${d.x}: ${fmt(d.bar)} that day`));
      svg.append(bar);
    }
  });
  svg.append(svgEl("path", { class: "line", d: data.map((d, i) => `${i ? "L" : "M"}${xs(i)},${ys(d.line)}`).join("") }));
  data.forEach((d, i) => {
    const dot = svgEl("circle", { cx: xs(i), cy: ys(d.line), r: data.length > 40 ? 1.5 : 2.5, class: "dot" });
    dot.append(svgEl("title", {}, `${d.x}: ${fmt(d.line)} over the 30 days ending that day`));
    svg.append(dot);
  });
  const hasBars = data.some((d) => d.bar !== null);
  svg.append(svgEl("text", { x: L, y: H - 6, class: "axis" },
    `${label(metric)}, ${kind}s, event time — line: trailing 30-day total${hasBars ? "; bars: that day" : ""}`));
  host.replaceChildren(svg);
}

function renderWindowSummary(detail, kind) {
  const host = $("#window-summary");
  const metric = state.seriesMetric;
  const parts = [];
  for (const family of ["1d", "30d", "month"]) {
    const last = normaliseWindows(detail, family, kind).at(-1);
    if (last) parts.push(el("span", {}, `${family} ${String(last.start).slice(0, 10)}…${String(last.end).slice(0, 10)}: `,
      el("b", { text: fmt(last.metrics[metric] ?? 0) })));
  }
  host.replaceChildren(...parts);
}

/* ---------- alerts ---------- */

function renderAlerts(alerts) {
  const list = $("#alert-list");
  const sorted = [...alerts].sort((a, b) => String(b.fired_at).localeCompare(String(a.fired_at)));
  list.replaceChildren(...sorted.map((a) => {
    const li = el("li", { class: a.severity || "info", "data-alert-id": a.alert_id || "" });
    const where = a.window === "all" ? "all-time" : a.window === "event" ? "single event"
      : `${a.window} ${a.window_start ?? ""}${a.window_end && a.window_end !== a.window_start ? "…" + a.window_end : ""}`;
    li.append(el("div", {}, el("b", { text: a.province ?? "?" }), ` — ${label(a.metric ?? "")} ${a.kind ?? ""}: `,
      el("b", { text: fmt(a.value) }), ` ≥ ${fmt(a.threshold)}`));
    li.append(el("div", { class: "meta", text: `${a.severity ?? ""} · ${a.rule ?? ""} · ${where} · ${String(a.fired_at ?? "").replace("T", " ").slice(0, 19)}` }));
    const links = el("div", { class: "events" });
    for (const id of (a.event_ids || []).slice(0, 8)) {
      links.append(el("a", { href: `#event=${encodeURIComponent(id)}`, class: "event-link", "data-event-id": id, text: id }));
    }
    if ((a.event_ids || []).length > 8) links.append(`+${a.event_ids.length - 8} more`);
    li.append(links);
    return li;
  }));
  $("#alerts-empty").hidden = alerts.length > 0;
}

/* ---------- event view with evidence highlighted ---------- */

/** Collect every evidence span of an event (its fields and each seizure) as {start, end, field, text}. */
function collectSpans(event) {
  const spans = [];
  for (const [field, s] of Object.entries(event?.evidence || {})) if (s) spans.push({ ...s, field, seizure: false });
  (event?.seizures || []).forEach((z, i) => {
    if (z.evidence) spans.push({ ...z.evidence, field: `seizures[${i}] ${z.drug} ${fmt(z.quantity)} ${z.unit}`, seizure: true });
  });
  return spans;
}

/**
 * Offsets are Python string indices (code points): convert to JS (UTF-16) indices, and if
 * the text at the offsets is not the span's text, fall back to searching for it.
 */
function locate(text, cps, span) {
  const toUnits = (cp) => cps.slice(0, cp).join("").length;
  let start = toUnits(span.start), end = toUnits(span.end);
  if (span.text && text.slice(start, end) !== span.text) {
    const found = text.indexOf(span.text);
    if (found < 0) return null;
    start = found; end = found + span.text.length;
  }
  return end > start ? { start, end } : null;
}

function highlight(text, spans) {
  const cps = Array.from(text);
  const located = spans.map((s) => ({ ...s, ...locate(text, cps, s) })).filter((s) => s.end > s.start);
  const cuts = new Set([0, text.length]);
  for (const s of located) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i], b = points[i + 1];
    const cover = located.filter((s) => s.start <= a && s.end >= b);
    const piece = text.slice(a, b);
    if (!cover.length) { nodes.push(document.createTextNode(piece)); continue; }
    const mark = el("mark", { class: cover.some((s) => s.seizure) ? "evidence seizure" : "evidence",
      "data-fields": cover.map((s) => s.field).join(", "), title: cover.map((s) => s.field).join(", "), text: piece });
    nodes.push(mark);
  }
  return nodes;
}

async function showEvent(id) {
  state.eventId = id;
  const view = $("#event-view");
  view.hidden = false;
  $("#event-id").textContent = id;
  let data;
  try {
    data = normaliseEvent(await getJSON(`/api/events/${encodeURIComponent(id)}`));
  } catch (err) {
    $("#event-facts").replaceChildren(el("p", { class: "empty", text: `Event not found: ${err.message}` }));
    $("#event-text").replaceChildren();
    return;
  }
  const e = data.event || {};
  const facts = [
    ["kind", e.kind], ["province", e.province], ["province (2025)", e.province_2025], ["date", e.date],
    ["period", e.period_start ? `${e.period_start} … ${e.period_end ?? ""}` : null], ["published", e.published],
    ["cases", e.cases], ["suspects", e.suspects], ["operations", e.operations],
    ...(e.seizures || []).map((z) => [z.drug, `${z.qualifier && z.qualifier !== "exact" ? z.qualifier.replace("_", " ") + " " : ""}${fmt(z.quantity)} ${z.unit}`]),
    ["item", e.item_id], ["source", e.source],
  ].filter(([, v]) => v !== null && v !== undefined && v !== "");
  $("#event-facts").replaceChildren(...facts.map(([k, v]) => el("div", {}, el("span", { text: `${k}: ` }), String(v))));
  const textHost = $("#event-text");
  const nodes = [];
  if (data.title) nodes.push(el("strong", { text: data.title }), "\n\n");
  nodes.push(...highlight(data.text || "", collectSpans(e)));
  textHost.replaceChildren(...nodes);
  // long reports: bring the first drug figure's evidence into view inside the text box
  const first = textHost.querySelector("mark.evidence.seizure") || textHost.querySelector("mark.evidence");
  if (first) textHost.scrollTop = Math.max(0, first.offsetTop - 60);
  view.scrollIntoView({ behavior: "smooth", block: "start" });
}

function route() {
  const m = /^#event=(.+)$/.exec(location.hash);
  if (m) showEvent(decodeURIComponent(m[1]));
  else { state.eventId = null; $("#event-view").hidden = true; }
}

/* ---------- refresh loop ---------- */

async function refresh() {
  const status = $("#status");
  try {
    const [provinces, alerts] = await Promise.all([getJSON("/api/provinces"), getJSON("/api/alerts").catch(() => [])]);
    state.rows = normaliseProvinces(provinces);
    state.metrics = orderMetrics(state.rows);
    if (!state.metrics.includes(state.sort.key) && !["province", "kind"].includes(state.sort.key)) {
      state.sort = { key: state.metrics[0] ?? "province", dir: -1 };
    }
    renderTable();
    renderDrugChart();
    renderSelectors();
    renderAlerts(normaliseAlerts(alerts));
    await refreshSeries();
    const n = new Set(state.rows.map((r) => r.province)).size;
    status.textContent = `${n} provinces · updated ${new Date().toLocaleTimeString()}`;
    status.className = "status ok";
  } catch (err) {
    status.textContent = `cannot reach the worker (${err.message})`;
    status.className = "status err";
  }
}

function init() {
  $("#refresh-seconds").textContent = String(REFRESH_MS / 1000);
  $("#all-metrics").addEventListener("change", (ev) => { state.allMetrics = ev.target.checked; renderTable(); });
  $("#kind-filter").addEventListener("change", (ev) => { state.kind = ev.target.value; renderTable(); renderDrugChart(); refreshSeries(); });
  $("#province-select").addEventListener("change", (ev) => selectProvince(ev.target.value));
  $("#metric-select").addEventListener("change", (ev) => { state.seriesMetric = ev.target.value; refreshSeries(); });
  $("#event-close").addEventListener("click", () => { history.pushState(null, "", location.pathname); route(); });
  window.addEventListener("hashchange", route);
  refresh();
  route();
  setInterval(refresh, REFRESH_MS);
}

document.addEventListener("DOMContentLoaded", init);

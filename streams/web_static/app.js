/* seizurewatch dashboard: polls the worker's JSON API and draws the map, tables and charts by hand.
 *
 * Plain browser JavaScript, no library, no tiles and no build step, so that the page works
 * offline and is served as is from streams/web_static/. The `normalise*` functions are the
 * only place that knows the shapes of /api/*; everything else works on their output.
 * Numbers follow streams/terminal_table.py: counts as integers, masses in kg (3 decimals).
 */
"use strict";

const REFRESH_MS = 3000;
const KINDS = ["incident", "aggregate"];
const UNITS = ["kg", "pills", "bricks", "packages", "doses"];
const UNIT_TITLE = { kg: "kilograms (measured)", pills: "pills", bricks: "bricks", packages: "packages", doses: "doses" };
const COUNT_METRICS = ["events", "cases", "suspects", "operations"];
const OVERVIEW = ["events", "cases", "suspects", "heroin_kg", "meth_crystal_kg", "kg", "pills", "bricks", "est_kg"];
const PREFERRED = ["events", "cases", "suspects", "operations", "heroin_kg", "meth_crystal_kg", "opium_kg", "cannabis_kg",
  "ketamine_kg", "kg", "est_kg", "meth_pills", "synthetic_pills", "ecstasy_pills", "pills", "heroin_bricks", "bricks"];
const IGNORED_KEYS = new Set(["province", "name", "kind", "event_ids", "events_count", "updated_at", "code",
  "province_code", "window_start", "window_end", "start", "end"]);

const state = {
  rows: [],          // all-time: [{province, kind, metrics: {name: number}}]
  places: new Map(), // name -> {lat, lon, current}
  areas: new Map(),  // name -> {key, type, busts, reports}: provinces and the areas that are not provinces
  series: {},        // province -> YYYY-MM -> {metric: value} (incidents)
  metrics: [],       // metric names seen, in display order
  range: { from: "", to: "" },
  sort: { key: "cases", dir: -1 },
  kind: "all",
  columns: "overview",
  mapMetric: "events",
  province: null,    // the selection: table row, map mark, series, by-drug
  seriesMetric: "cases",
  seriesMode: "month",
  nationalMetric: "cases",
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

const isMass = (metric) => metric === "kg" || metric.endsWith("_kg");

/** Counts as integers ("56,000,000"), masses with up to 3 decimals ("1.905"). */
function fmt(value, metric = "") {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (!isMass(metric)) return Math.round(value).toLocaleString("en-US");
  return value.toLocaleString("en-US", { maximumFractionDigits: 3 });
}

/** "heroin_kg" -> "heroin (kg)", "meth_pills" -> "meth pills", "est_kg" -> "est. kg". */
function label(metric) {
  if (metric === "events" && state.bustsApi) return "busts";
  const names = { kg: "all drugs (kg)", pills: "all pills", bricks: "all bricks", packages: "all packages",
    doses: "all doses", est_kg: "est. kg", events: "events" };
  if (names[metric]) return names[metric];
  const m = /^(.*)_(kg|bricks|packages|doses)$/.exec(metric);
  if (m) return `${m[1].replace(/_/g, " ")} (${m[2]})`;
  return metric.replace(/_/g, " ");
}

/** The unit of a drug metric ("meth_pills" -> "pills"), null for counts of cases or people. */
function unitOf(metric) {
  if (COUNT_METRICS.includes(metric) || metric === "est_kg") return null;
  const m = /_(kg|pills|bricks|packages|doses)$/.exec(metric);
  return m ? m[1] : null;
}

/** The drug of a per-drug metric ("heroin_bricks" -> "heroin", "meth_pills" -> "meth_pills"). */
const DRUGS_NAMED_BY_UNIT = ["meth_pills", "synthetic_pills"];
function drugOf(metric) {
  if (DRUGS_NAMED_BY_UNIT.includes(metric)) return metric;
  return metric.replace(/_(kg|pills|bricks|packages|doses)$/, "");
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

const sumInto = (target, metrics) => {
  for (const [k, v] of Object.entries(metrics || {})) if (typeof v === "number") target[k] = (target[k] || 0) + v;
  return target;
};

/* ---------- API shapes ---------- */

function splitByKind(entry) {
  const holder = entry.totals || entry.all_time || entry.all || entry;
  const out = {};
  for (const kind of KINDS) {
    const part = holder[kind] ?? entry[kind];
    if (part && typeof part === "object") out[kind] = flattenMetrics(part.metrics || part.totals || part);
  }
  return out;
}

/** Rows {province, kind, metrics} of /api/provinces (and /api/areas), est_kg added from estimated_kg. */
function normaliseProvinces(data) {
  let list = data;
  if (data && !Array.isArray(data)) {
    list = data.provinces ?? data.areas ?? data.items ?? data;
    if (!Array.isArray(list)) list = Object.entries(list).map(([name, v]) => ({ province: name, ...v }));
  }
  const rows = [];
  for (const entry of list || []) {
    if (!entry || typeof entry !== "object") continue;
    const name = entry.name ?? entry.province ?? entry.area;
    if (!name) continue;
    const area = { key: entry.area ?? name, type: entry.area_type ?? "province", busts: entry.busts,
      reports: entry.reports };
    const kinds = splitByKind(entry);
    for (const kind of KINDS) {
      if (!kinds[kind] || !Object.keys(kinds[kind]).length) continue;
      const est = Object.values(entry.estimated_kg?.[kind] || {}).reduce((a, b) => a + b, 0);
      const metrics = { ...kinds[kind] };
      if (est) metrics.est_kg = est;
      rows.push({ province: name, kind, metrics, estimates: entry.estimated_kg?.[kind] || {}, area });
    }
  }
  return rows;
}

function normaliseAlerts(data) {
  const list = Array.isArray(data) ? data : (data?.alerts ?? data?.items ?? []);
  return list.filter((a) => a && typeof a === "object");
}

function normaliseWindows(detail, family, kind) {
  const windows = detail?.windows ?? {};
  let raw = windows[family] ?? [];
  if (raw && !Array.isArray(raw) && typeof raw === "object") raw = [raw];
  return (raw || []).filter((w) => w && typeof w === "object").map((w) => ({
    start: w.start, end: w.end ?? w.start, metrics: flattenMetrics(w[kind] ?? {}),
  }));
}

const isoDay = (d) => d.toISOString().slice(0, 10);
const addDays = (iso, n) => { const d = new Date(`${iso}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return isoDay(d); };
const nextMonth = (ym) => { const [y, m] = ym.split("-").map(Number); return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`; };

function dailyBuckets(detail, kind) {
  const holder = detail?.daily;
  return holder && typeof holder === "object" && holder[kind] && typeof holder[kind] === "object" ? holder[kind] : null;
}

/** 30 days ending on the province's latest event: each day's value (bars) and the trailing 30-day total (line). */
function thirtyDayPoints(detail, kind, metric) {
  const daily = dailyBuckets(detail, kind);
  if (!daily) return [];
  const days = Object.keys(daily).sort();
  if (!days.length) return [];
  const end = String(detail.watermark ?? days.at(-1)).slice(0, 10);
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

function normaliseEvent(data) {
  const event = data?.event ?? data;
  const item = data?.item ?? {};
  return { event, item, text: item?.text ?? data?.text ?? "", title: item?.title ?? null };
}

/* ---------- the date range ---------- */

const rangeActive = () => Boolean(state.range.from || state.range.to);
const inRange = (ym) => (!state.range.from || ym >= state.range.from) && (!state.range.to || ym <= state.range.to);

/** Rows the table, map and by-drug chart show: all-time rows, or incident sums over the months in range. */
function effectiveRows() {
  if (!rangeActive()) return state.rows.filter((r) => state.kind === "all" || r.kind === state.kind);
  return rangeRows();
}

/** Vietnamese provinces (the table, the map's circles, the charts); other areas are listed apart. */
const isProvince = (r) => (r.area?.type ?? "province") === "province";
const provinceRows = () => effectiveRows().filter(isProvince);

function rangeRows() {
  if (state.kind === "aggregate") return [];
  const rows = [];
  for (const [province, months] of Object.entries(state.series)) {
    const metrics = {};
    for (const [ym, values] of Object.entries(months)) if (inRange(ym)) sumInto(metrics, values);
    if (Object.keys(metrics).length) rows.push({ province, kind: "incident", metrics, estimates: {}, area: state.areas.get(province) });
  }
  return rows;
}

function rangeCaption() {
  if (!rangeActive()) return "all-time";
  return `incidents ${state.range.from || "…"} to ${state.range.to || "…"}`;
}

/* ---------- province table ---------- */

function orderMetrics(rows) {
  const seen = new Set();
  for (const r of rows) for (const k of Object.keys(r.metrics)) seen.add(k);
  const ordered = PREFERRED.filter((m) => seen.has(m));
  const rest = [...seen].filter((m) => !PREFERRED.includes(m)).sort();
  return [...ordered, ...rest];
}

/** The columns of the chosen group: a table that fits 1400 px instead of 30 columns. */
function tableColumns(metrics) {
  const has = new Set(metrics);
  switch (state.columns) {
    case "overview": return OVERVIEW.filter((m) => has.has(m));
    case "counts": return COUNT_METRICS.filter((m) => has.has(m));
    case "mass": return metrics.filter((m) => isMass(m));
    case "units": return metrics.filter((m) => ["pills", "bricks", "packages", "doses"].includes(unitOf(m)));
    default: return metrics;
  }
}

function sortedRows(rows) {
  const { key, dir } = state.sort;
  const val = (r) => (key === "province" ? r.province : key === "kind" ? r.kind : (r.metrics[key] ?? 0));
  return [...rows].sort((a, b) => {
    const x = val(a), y = val(b);
    const c = typeof x === "string" ? x.localeCompare(y, "vi") : x - y;
    return c * dir || a.province.localeCompare(b.province, "vi") || a.kind.localeCompare(b.kind);
  });
}

function renderTable() {
  const head = $("#province-table thead tr");
  const body = $("#province-table tbody");
  const rows = provinceRows();
  const shown = tableColumns(orderMetrics(rows));
  if (!shown.includes(state.sort.key) && !["province", "kind"].includes(state.sort.key)) {
    state.sort = { key: shown[0] ?? "province", dir: shown.length ? -1 : 1 };
  }
  const cols = [["province", "province"], ["kind", "kind"], ...shown.map((m) => [m, label(m)])];
  head.replaceChildren(...cols.map(([key, text]) => {
    const th = el("th", { "data-key": key, scope: "col", text, class: key === "province" || key === "kind" ? "text" : "" });
    if (key === "est_kg") th.title = "estimated from counted units with stated factors; not measured";
    if (state.sort.key === key) th.setAttribute("aria-sort", state.sort.dir > 0 ? "ascending" : "descending");
    th.addEventListener("click", () => {
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : (key === "province" || key === "kind" ? 1 : -1) };
      renderTable();
    });
    return th;
  }));
  body.replaceChildren(...sortedRows(rows).map((r) => {
    const tr = el("tr", { "data-province": r.province, "data-kind": r.kind });
    if (r.province === state.province) tr.classList.add("selected");
    tr.append(el("td", { class: "text province", text: r.province }));
    tr.append(el("td", { class: "text" }, el("span", { class: `kind ${r.kind}`, text: r.kind })));
    for (const m of shown) {
      const v = r.metrics[m];
      const td = el("td", { "data-metric": m, "data-value": v ?? 0, text: v ? fmt(v, m) : "0" });
      if (!v) td.classList.add("zero");
      if (m === "est_kg") td.classList.add("estimate");
      tr.append(td);
    }
    tr.addEventListener("click", () => selectProvince(r.province));
    return tr;
  }));
  $("#province-empty").hidden = rows.length > 0;
  $("#totals-caption").textContent = rangeCaption();
}

/* ---------- the map ---------- */

const MAP = { lonMin: 101.9, lonMax: 110.2, latMin: 8.2, latMax: 23.6, k: 42 };
const COS_LAT = Math.cos((16 * Math.PI) / 180);
const project = (lat, lon) => [(lon - MAP.lonMin) * MAP.k * COS_LAT + 10, (MAP.latMax - lat) * MAP.k + 10];

/** Value of the size metric per province, in the filtered kind (incidents first when both are shown). */
function mapValues(rows) {
  const out = new Map();
  for (const kind of state.kind === "all" ? KINDS : [state.kind]) {
    for (const r of rows) {
      if (r.kind !== kind || out.has(r.province)) continue;
      out.set(r.province, { value: r.metrics[state.mapMetric] || 0, kind });
    }
  }
  return out;
}

function renderMap() {
  const host = $("#map");
  const rows = effectiveRows();
  const values = mapValues(rows);
  const onMap = (name) => state.places.has(name) && (state.areas.get(name)?.type ?? "province") === "province";
  const W = (MAP.lonMax - MAP.lonMin) * MAP.k * COS_LAT + 20, H = (MAP.latMax - MAP.latMin) * MAP.k + 20;
  const svg = svgEl("svg", { viewBox: `0 0 ${W.toFixed(0)} ${H.toFixed(0)}`, class: "map-svg" });
  for (let lat = 10; lat <= 22; lat += 4) {
    const [, y] = project(lat, MAP.lonMin);
    svg.append(svgEl("line", { x1: 0, x2: W, y1: y, y2: y, class: "graticule" }));
    svg.append(svgEl("text", { x: 2, y: y - 2, class: "axis" }, `${lat}°N`));
  }
  for (const p of state.places.values()) {  // every province as a dot: the country's shape, without tiles
    const [x, y] = project(p.lat, p.lon);
    svg.append(svgEl("circle", { cx: x, cy: y, r: p.current ? 2 : 1.3, class: "place" }));
  }
  const max = Math.max(1e-9, ...[...values.values()].map((v) => v.value));
  const marks = [...values.entries()].filter(([name]) => onMap(name))
    .sort((a, b) => b[1].value - a[1].value);  // small circles on top of large ones
  for (const [name, { value, kind }] of marks) {
    const p = state.places.get(name);
    const [x, y] = project(p.lat, p.lon);
    const r = value > 0 ? 4 + 22 * Math.sqrt(value / max) : 3;
    const mark = svgEl("circle", { cx: x, cy: y, r: r.toFixed(1), class: `mark ${kind}${value > 0 ? "" : " zero"}`,
      "data-province": name, "data-value": value, tabindex: 0 });
    if (name === state.province) mark.classList.add("selected");
    mark.append(svgEl("title", {}, `${name}: ${fmt(value, state.mapMetric)} ${label(state.mapMetric)} (${kind}s)`));
    mark.addEventListener("click", () => selectProvince(name));
    mark.addEventListener("keydown", (ev) => { if (ev.key === "Enter") selectProvince(name); });
    svg.append(mark);
    if (value > 0 || name === state.province) {
      svg.append(svgEl("text", { x: x + r + 2, y: y + 4, class: `map-label${name === state.province ? " selected" : ""}` }, name));
    }
  }
  host.replaceChildren(svg);
  const apart = [...values.entries()].filter(([name]) => !onMap(name))
    .sort((a, b) => b[1].value - a[1].value);
  const TYPE = { foreign_province: "abroad", region: "region", country: "country", unknown: "no place", province: "province" };
  $("#apart-list").replaceChildren(...apart.map(([name, { value, kind }]) => {
    const type = state.areas.get(name)?.type ?? "province";
    const li = el("li", { "data-province": name, "data-area-type": type, class: name === state.province ? "selected" : "" },
      el("span", { text: name }), el("small", { class: "area-type", text: TYPE[type] ?? type }),
      el("b", { text: fmt(value, state.mapMetric) }));
    li.addEventListener("click", () => selectProvince(name));
    return li;
  }));
  $("#apart-empty").hidden = apart.length > 0;
  $("#map-caption").textContent = `${label(state.mapMetric)}, ${rangeCaption()}`;
}

/* ---------- by drug, grouped by unit ---------- */

function renderDrugChart() {
  const rows = (state.province ? effectiveRows() : provinceRows()).filter((r) => !state.province || r.province === state.province);
  const kinds = [...new Set(rows.map((r) => r.kind))].sort();
  const where = state.province ?? "all provinces";
  $("#by-drug-caption").textContent = `${kinds.map((k) => `${k}s`).join(" and ") || "no figures"}, ${where}, ${rangeCaption()}`;
  const W = 560, rowH = 20, left = 130, right = 150, groupHead = 34;
  const sections = [];
  for (const kind of kinds) {
    const sums = {}, est = {};
    for (const r of rows.filter((x) => x.kind === kind)) {
      for (const [m, v] of Object.entries(r.metrics)) if (unitOf(m)) sums[m] = (sums[m] || 0) + v;  // per drug only
      sumInto(est, r.estimates);
    }
    for (const unit of UNITS) {
      const bars = Object.entries(sums).filter(([m, v]) => unitOf(m) === unit && v > 0).sort((a, b) => b[1] - a[1]);
      if (bars.length) sections.push({ kind, unit, bars, est });
    }
  }
  const host = $("#drug-chart");
  if (!sections.length) { host.replaceChildren(el("p", { class: "empty", text: "No seizure figure here." })); return; }
  const height = sections.reduce((h, s) => h + groupHead + s.bars.length * rowH + 8, 4);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${height}`, role: "img", "aria-label": "seizures by drug, grouped by unit" });
  let y = 4;
  for (const s of sections) {
    const g = svgEl("g", { class: "unit-group", "data-unit": s.unit, "data-kind": s.kind });
    const max = Math.max(...s.bars.map(([, v]) => v));
    const scale = (v) => ((W - left - right) * v) / max;
    g.append(svgEl("text", { x: 4, y: y + 13, class: "label kind-head" }, `${UNIT_TITLE[s.unit]} · ${s.kind}s`));
    // the group's own axis: 0, half and the maximum, in its unit
    for (const t of [0, max / 2, max]) {
      const x = left + scale(t);
      g.append(svgEl("line", { x1: x, x2: x, y1: y + 18, y2: y + groupHead + s.bars.length * rowH - 4, class: "gridline" }));
      g.append(svgEl("text", { x, y: y + 28, "text-anchor": "middle", class: "axis" }, fmt(t, s.unit === "kg" ? "kg" : "count")));
    }
    y += groupHead;
    for (const [m, v] of s.bars) {
      const drug = drugOf(m);
      const w = Math.max(2, scale(v));
      g.append(svgEl("text", { x: left - 6, y: y + 13, "text-anchor": "end", class: "label" }, drug.replace(/_/g, " ")));
      const bar = svgEl("rect", { x: left, y: y + 3, width: w, height: rowH - 7, rx: 2,
        class: `bar ${s.unit === "kg" ? "mass" : "count"} ${s.kind}`, "data-metric": m, "data-value": v, "data-kind": s.kind });
      bar.append(svgEl("title", {}, `${label(m)}, ${s.kind}s: ${fmt(v, m)}`));
      g.append(bar);
      const estimate = s.unit !== "kg" && s.est[drug] ? ` (≈${fmt(s.est[drug], "kg")} kg est.)` : "";
      g.append(svgEl("text", { x: left + w + 5, y: y + 13, class: "label value" }, `${fmt(v, m)}${estimate}`));
      y += rowH;
    }
    y += 8;
    svg.append(g);
  }
  host.replaceChildren(svg);
}

/* ---------- monthly bar charts (national and province) ---------- */

function monthsBetween(first, last) {
  const out = [];
  for (let ym = first; ym <= last && out.length < 600; ym = nextMonth(ym)) out.push(ym);
  return out;
}

/** [{x: YYYY-MM, bar: value}] for the months in range (missing months are zero). */
function monthlyPoints(byMonth, metric) {
  const months = Object.keys(byMonth).filter(inRange).sort();
  if (!months.length) return [];
  const first = state.range.from && state.range.from < months[0] ? state.range.from : months[0];
  const last = state.range.to && state.range.to > months.at(-1) ? state.range.to : months.at(-1);
  return monthsBetween(first, last).map((ym) => ({ x: ym, bar: byMonth[ym]?.[metric] || 0, line: null }));
}

function nationalByMonth() {
  const out = {};
  for (const [name, months] of Object.entries(state.series)) {
    if ((state.areas.get(name)?.type ?? "province") !== "province") continue;
    for (const [ym, v] of Object.entries(months)) sumInto(out[ym] ||= {}, v);
  }
  return out;
}

function renderNational() {
  const metric = state.nationalMetric;
  renderBars($("#national-chart"), monthlyPoints(nationalByMonth(), metric), metric,
    `${label(metric)} in incidents, every province, by month`);
}

/** 0 and about four round steps up to (at least) ``max``; whole steps for counts. */
function niceTicks(max, fractional) {
  if (!(max > 0)) return [0, 1];
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw);
  if (!fractional) step = Math.max(1, Math.ceil(step));
  const ticks = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(+v.toPrecision(12));
  return ticks;
}

function renderBars(host, data, metric, caption) {
  if (!data.length || !data.some((d) => d.bar || d.line)) {
    host.replaceChildren(el("p", { class: "empty", text: "No figure in this period." }));
    return;
  }
  const W = 520, H = 220, L = 52, R = 12, T = 12, B = 40;
  const ticks = niceTicks(Math.max(...data.map((d) => Math.max(d.line ?? 0, d.bar ?? 0))), isMass(metric));
  const maxY = ticks.at(-1);
  const slot = (W - L - R) / data.length;
  const xs = (i) => L + slot * (i + 0.5);
  const ys = (v) => T + (H - T - B) * (1 - v / maxY);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": caption });
  for (const v of ticks) {
    const y = ys(v);
    svg.append(svgEl("line", { x1: L, x2: W - R, y1: y, y2: y, class: "gridline" }));
    svg.append(svgEl("text", { x: L - 6, y: y + 4, "text-anchor": "end", class: "axis" }, fmt(v, metric)));
  }
  const step = Math.max(1, Math.ceil(data.length / 6));
  data.forEach((d, i) => {
    const last = i === data.length - 1;
    if ((i % step === 0 && data.length - 1 - i >= step) || last) {
      svg.append(svgEl("text", { x: last ? W - R : xs(i), y: H - B + 16, "text-anchor": last ? "end" : "middle", class: "axis" }, d.x));
    }
    if (d.bar) {
      const bar = svgEl("rect", { x: xs(i) - slot * 0.38, width: Math.max(1, slot * 0.76), y: ys(d.bar), height: ys(0) - ys(d.bar),
        class: "bar period", "data-x": d.x, "data-value": d.bar });
      bar.append(svgEl("title", {}, `${d.x}: ${fmt(d.bar, metric)}`));
      svg.append(bar);
    }
  });
  if (data.some((d) => d.line !== null)) {
    svg.append(svgEl("path", { class: "line", d: data.map((d, i) => `${i ? "L" : "M"}${xs(i)},${ys(d.line)}`).join("") }));
  }
  svg.append(svgEl("text", { x: L, y: H - 6, class: "axis" }, caption));
  host.replaceChildren(svg);
}

/* ---------- the selection and the province series ---------- */

function selectProvince(name) {
  state.province = name;
  $("#selection").hidden = !name;
  $("#selection-name").textContent = name ?? "";
  if (name) $("#province-select").value = name;
  renderAll();
  refreshSeries();
}

function renderSelectors() {
  const names = [...new Set([...state.rows.map((r) => r.province), ...Object.keys(state.series)])]
    .sort((a, b) => a.localeCompare(b, "vi"));
  const ps = $("#province-select");
  if (ps.options.length !== names.length || [...ps.options].some((o, i) => o.value !== names[i])) {
    ps.replaceChildren(...names.map((n) => el("option", { value: n, text: n })));
  }
  const seriesProvince = state.province ?? names.find((n) => state.places.has(n)) ?? names[0];
  if (seriesProvince) ps.value = seriesProvince;
  const fill = (select, value, metrics) => {
    if (select.options.length !== metrics.length || [...select.options].some((o, i) => o.value !== metrics[i])) {
      select.replaceChildren(...metrics.map((m) => el("option", { value: m, text: label(m) })));
    }
    select.value = metrics.includes(value) ? value : metrics[0] ?? "";
    return select.value;
  };
  const all = state.metrics.filter((m) => m !== "est_kg");
  state.mapMetric = fill($("#map-metric"), state.mapMetric, all);
  state.seriesMetric = fill($("#metric-select"), state.seriesMetric, all);
  const national = orderMetrics(Object.values(state.series).flatMap((ms) => Object.values(ms).map((metrics) => ({ metrics }))));
  state.nationalMetric = fill($("#national-metric"), state.nationalMetric, national);
}

/** The selected area's detail: its latest busts (reports, sources) and reported period figures. */
async function refreshBusts(name) {
  const host = $("#bust-list"), periods = $("#period-list");
  $("#busts-name").textContent = name ?? "";
  if (!name) { host.replaceChildren(); periods.replaceChildren(); return; }
  const area = state.areas.get(name);
  const path = (area?.type ?? "province") === "province" ? `/api/provinces/${encodeURIComponent(name)}`
    : `/api/areas/${encodeURIComponent(area.key)}`;
  let detail;
  try { detail = await getJSON(path); } catch (err) { host.replaceChildren(el("li", { class: "empty", text: `No detail for ${name}.` })); return; }
  if (name !== (state.province ?? $("#province-select").value)) return;
  const figures = (b) => [
    b.cases ? `${fmt(b.cases, "cases")} cases` : null, b.suspects ? `${fmt(b.suspects, "suspects")} suspects` : null,
    ...(b.seizures || []).map((z) => `${fmt(z.quantity, z.unit === "kg" ? "kg" : "count")} ${z.unit} ${z.drug.replace(/_/g, " ")}`),
  ].filter(Boolean).join(", ");
  host.replaceChildren(...(detail.bust_list || []).map((b) => {
    const sources = b.sources || [];
    const li = el("li", { "data-cluster-id": b.cluster_id, "data-reports": b.reports, "data-sources": sources.length });
    li.append(el("b", { text: b.date ?? "undated" }), ` ${figures(b) || "figures withdrawn"} `);
    li.append(el("span", { class: "provenance", text: `${b.reports} report${b.reports === 1 ? "" : "s"} · ${sources.length} source${sources.length === 1 ? "" : "s"}${sources.length ? ": " + sources.join(", ") : ""}` }));
    for (const id of (b.event_ids || []).slice(0, 3)) li.append(" ", el("a", { href: `#event=${encodeURIComponent(id)}`, class: "event-link", text: "evidence" }));
    return li;
  }));
  if (!(detail.bust_list || []).length) host.replaceChildren(el("li", { class: "empty", text: "No bust." }));
  const heads = Object.entries(detail.headline || {});
  periods.replaceChildren(...heads.map(([metric, h]) => el("li", { "data-metric": metric },
    el("b", { text: fmt(h.value, metric) }), ` ${label(metric)}, ${h.start ?? "…"} to ${h.end ?? "…"}`,
    el("small", { text: ` (${(h.periods || []).length || 1} reported period${(h.periods || []).length > 1 ? "s" : ""}, not added when they overlap)` }))));
}

async function refreshSeries() {
  const name = $("#province-select").value;
  refreshBusts(state.province ?? name);
  if (!name) return;
  const metric = state.seriesMetric;
  if (state.seriesMode === "month") {
    const points = monthlyPoints(state.series[name] || {}, metric);
    renderBars($("#series-chart"), points, metric, `${label(metric)} in incidents, ${name}, by month`);
    if (!points.some((p) => p.bar)) {
      $("#series-chart .empty").textContent = `No ${label(metric)} in the incidents of ${name}${rangeActive() ? " in this period" : ""}.`;
    }
    $("#window-summary").replaceChildren();
    return;
  }
  let detail;
  try {
    detail = await getJSON(`/api/provinces/${encodeURIComponent(name)}`);
  } catch (err) {
    $("#series-chart").replaceChildren(el("p", { class: "empty", text: `No window data for ${name}.` }));
    return;
  }
  if (name !== $("#province-select").value || state.seriesMode !== "30d") return;
  renderBars($("#series-chart"), thirtyDayPoints(detail, "incident", metric), metric,
    `${label(metric)}, ${name}, incidents — line: trailing 30-day total; bars: that day`);
  const parts = [];
  for (const family of ["1d", "30d", "month"]) {
    const last = normaliseWindows(detail, family, "incident").at(-1);
    if (last) parts.push(el("span", {}, `${family} ${String(last.start).slice(0, 10)}…${String(last.end).slice(0, 10)}: `,
      el("b", { text: fmt(last.metrics[metric] ?? 0, metric) })));
  }
  $("#window-summary").replaceChildren(...parts);
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
      el("b", { text: fmt(a.value, a.metric ?? "") }), ` ≥ ${fmt(a.threshold, a.metric ?? "")}`));
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

function collectSpans(event) {
  const spans = [];
  for (const [field, s] of Object.entries(event?.evidence || {})) if (s) spans.push({ ...s, field, seizure: false });
  (event?.seizures || []).forEach((z, i) => {
    if (z.evidence) spans.push({ ...z.evidence, field: `seizures[${i}] ${z.drug} ${z.quantity} ${z.unit}`, seizure: true });
  });
  return spans;
}

/** Offsets are Python string indices (code points): convert to JS (UTF-16) indices, else search the text. */
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
    nodes.push(el("mark", { class: cover.some((s) => s.seizure) ? "evidence seizure" : "evidence",
      "data-fields": cover.map((s) => s.field).join(", "), title: cover.map((s) => s.field).join(", "), text: piece }));
  }
  return nodes;
}

async function showEvent(id) {
  if (id.startsWith("bu-")) {  // an alert names a bust: show the first report that told it
    try {
      const bust = await getJSON(`/api/busts/${encodeURIComponent(id)}`);
      if (bust.event_ids?.length) id = bust.event_ids[0];
    } catch (err) { /* shown as not found below */ }
  }
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
    ...(e.seizures || []).map((z) => [z.drug.replace(/_/g, " "), `${z.qualifier && z.qualifier !== "exact" ? z.qualifier.replace("_", " ") + " " : ""}${fmt(z.quantity, z.unit === "kg" || z.unit === "g" ? "kg" : "count")} ${z.unit}`]),
    ["item", e.item_id], ["source", e.source],
  ].filter(([, v]) => v !== null && v !== undefined && v !== "");
  $("#event-facts").replaceChildren(...facts.map(([k, v]) => el("div", {}, el("span", { text: `${k}: ` }), String(v))));
  const textHost = $("#event-text");
  const nodes = [];
  if (data.title) nodes.push(el("strong", { text: data.title }), "\n\n");
  nodes.push(...highlight(data.text || "", collectSpans(e)));
  textHost.replaceChildren(...nodes);
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

function renderAll() {
  renderTable();
  renderMap();
  renderDrugChart();
  renderNational();
  $("#range-note").hidden = !rangeActive();
  $("#range-note").textContent = rangeActive() ? "a date range shows incidents: period reports are not split by month" : "";
}

async function refresh() {
  const status = $("#status");
  try {
    const [provinces, areas, series, alerts] = await Promise.all([
      getJSON("/api/provinces"), getJSON("/api/areas").catch(() => null),
      getJSON("/api/series").catch(() => ({ areas: {} })), getJSON("/api/alerts").catch(() => [])]);
    if (!state.places.size) {
      const places = await getJSON("/api/places").catch(() => ({ places: [] }));
      state.places = new Map(places.places.map((p) => [p.name, p]));
    }
    state.rows = [...normaliseProvinces(provinces), ...(areas ? normaliseProvinces(areas) : [])];
    state.areas = new Map(state.rows.map((r) => [r.province, r.area]));
    state.bustsApi = (provinces?.provinces ?? []).some((p) => "busts" in p);
    state.series = series.areas || {};
    state.metrics = orderMetrics(state.rows);
    renderSelectors();
    renderAll();
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
  const onRange = () => { state.range = { from: $("#range-from").value, to: $("#range-to").value }; renderAll(); refreshSeries(); };
  $("#range-from").addEventListener("change", onRange);
  $("#range-to").addEventListener("change", onRange);
  $("#range-clear").addEventListener("click", () => { $("#range-from").value = ""; $("#range-to").value = ""; onRange(); });
  $("#kind-filter").addEventListener("change", (ev) => { state.kind = ev.target.value; renderAll(); });
  $("#column-group").addEventListener("change", (ev) => { state.columns = ev.target.value; renderTable(); });
  $("#map-metric").addEventListener("change", (ev) => { state.mapMetric = ev.target.value; renderMap(); });
  $("#national-metric").addEventListener("change", (ev) => { state.nationalMetric = ev.target.value; renderNational(); });
  $("#province-select").addEventListener("change", (ev) => selectProvince(ev.target.value));
  $("#metric-select").addEventListener("change", (ev) => { state.seriesMetric = ev.target.value; refreshSeries(); });
  $("#series-mode").addEventListener("change", (ev) => { state.seriesMode = ev.target.value; refreshSeries(); });
  $("#selection-clear").addEventListener("click", () => selectProvince(null));
  $("#event-close").addEventListener("click", () => { history.pushState(null, "", location.pathname); route(); });
  window.addEventListener("hashchange", route);
  refresh();
  route();
  setInterval(refresh, REFRESH_MS);
}

document.addEventListener("DOMContentLoaded", init);

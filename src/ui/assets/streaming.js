// centella's Streaming page: polls /streaming/data every second and draws, like Spark's
// Streaming tab, timelines and histograms of the input rate and the delays, the batch
// tables and the DStream graph. No libraries: plain DOM and SVG.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const W = 560, H = 130, HW = 260, PAD = 34;

function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function ms(v) {
  if (v === undefined || v === null) return "-";
  if (Math.abs(v) < 1000) return v + " ms";
  return (v / 1000).toFixed(1).replace(/\.0$/, "") + " s";
}

function clockTime(t) {
  const d = new Date(t);
  return d.toTimeString().slice(0, 8);
}

function duration(msTotal) {
  const s = Math.max(0, Math.round(msTotal / 1000));
  const parts = [];
  if (s >= 3600) parts.push(Math.floor(s / 3600) + " hours");
  if (s >= 60) parts.push(Math.floor((s % 3600) / 60) + " minutes");
  parts.push((s % 60) + " seconds");
  return parts.join(" ");
}

// A timeline: x = batch time, y = value; optional dashed line (the batch interval).
function timeline(points, unit, line) {
  const svg = el("svg:svg", { width: W, height: H, class: "timeline-chart" });
  if (!points.length) return svg;
  const xs = points.map(p => p[0]), ys = points.map(p => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  const top = Math.max(1, ...ys, line || 0) * 1.1;
  const X = x => PAD + (x1 === x0 ? (W - PAD - 8) / 2 : (x - x0) / (x1 - x0) * (W - PAD - 8));
  const Y = y => H - 18 - y / top * (H - 26);
  svg.append(el("svg:line", { class: "axis", x1: PAD, y1: H - 18, x2: W - 8, y2: H - 18 }));
  svg.append(el("svg:line", { class: "axis", x1: PAD, y1: 6, x2: PAD, y2: H - 18 }));
  svg.append(el("svg:text", { x: 2, y: 14 }, unit === "ms" ? ms(Math.round(top)) : top.toFixed(1)));
  svg.append(el("svg:text", { x: 2, y: H - 20 }, "0"));
  svg.append(el("svg:text", { x: PAD, y: H - 4 }, clockTime(x0)));
  svg.append(el("svg:text", { x: W - 58, y: H - 4 }, clockTime(x1)));
  if (line) {
    svg.append(el("svg:line", { class: "interval", x1: PAD, y1: Y(line), x2: W - 8, y2: Y(line) }));
    svg.append(el("svg:text", { x: W - 80, y: Y(line) - 3 }, "interval " + ms(line)));
  }
  svg.append(el("svg:polyline", { class: "line", points: points.map(p => X(p[0]) + "," + Y(p[1])).join(" ") }));
  if (points.length <= 120) {
    for (const p of points) svg.append(el("svg:circle", { class: "dot", cx: X(p[0]), cy: Y(p[1]), r: 2 }));
  }
  return svg;
}

// A histogram of the values, horizontal bars as Spark draws them.
function histogram(values, unit, line) {
  const svg = el("svg:svg", { width: HW, height: H, class: "histogram-chart" });
  if (!values.length) return svg;
  const top = Math.max(1, ...values, line || 0) * 1.1;
  const bins = 10, counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v / top * bins))]++;
  const most = Math.max(...counts);
  const bh = (H - 26) / bins;
  for (let i = 0; i < bins; i++) {
    const y = H - 18 - (i + 1) * bh;
    const w = counts[i] / most * (HW - PAD - 30);
    if (counts[i]) {
      svg.append(el("svg:rect", { class: "bar", x: PAD, y: y + 1, width: Math.max(1, w), height: bh - 2 }));
      svg.append(el("svg:text", { x: PAD + w + 3, y: y + bh - 3 }, String(counts[i])));
    }
  }
  svg.append(el("svg:line", { class: "axis", x1: PAD, y1: 6, x2: PAD, y2: H - 18 }));
  svg.append(el("svg:text", { x: 2, y: 14 }, unit === "ms" ? ms(Math.round(top)) : top.toFixed(1)));
  svg.append(el("svg:text", { x: PAD, y: H - 4 }, "#batches"));
  if (line) {
    const y = H - 18 - line / top * (H - 26);
    svg.append(el("svg:line", { class: "interval", x1: PAD, y1: y, x2: HW - 4, y2: y }));
  }
  return svg;
}

// The DStream graph: inputs on the left, each stream one column right of its deepest parent,
// output operations last.
function graph(g) {
  const box = document.getElementById("graph");
  const nodes = g.nodes.map(n => Object.assign({}, n, { kind: n.input ? "input" : "stream" }));
  const outs = g.outputs.map((o, i) => ({ id: "o" + i, op: o.op, location: o.location, parents: [o.stream], kind: "output" }));
  const all = nodes.concat(outs);
  const byId = new Map(all.map(n => [String(n.id), n]));
  const used = new Set();
  const stack = outs.slice();
  while (stack.length) {
    const n = stack.pop();
    if (used.has(String(n.id))) continue;
    used.add(String(n.id));
    for (const p of n.parents) { const q = byId.get(String(p)); if (q) stack.push(q); }
  }
  const shown = all.filter(n => used.has(String(n.id)));
  const depth = new Map();
  const d = n => {
    const k = String(n.id);
    if (depth.has(k)) return depth.get(k);
    depth.set(k, 0);
    const v = n.parents.length ? 1 + Math.max(...n.parents.map(p => byId.get(String(p))).filter(Boolean).map(d)) : 0;
    depth.set(k, v);
    return v;
  };
  shown.forEach(d);
  const cols = new Map();
  for (const n of shown) {
    const c = depth.get(String(n.id));
    if (!cols.has(c)) cols.set(c, []);
    cols.get(c).push(n);
  }
  const BW = 150, BH = 38, GX = 40, GY = 14;
  const maxRows = Math.max(1, ...[...cols.values()].map(c => c.length));
  const width = cols.size * (BW + GX) + 10, height = maxRows * (BH + GY) + 10;
  const svg = el("svg:svg", { width, height, id: "graph-svg" });
  const defs = el("svg:defs");
  const marker = el("svg:marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" });
  marker.append(el("svg:path", { d: "M0,0 L10,5 L0,10 z", fill: "#777" }));
  defs.append(marker);
  svg.append(defs);
  const pos = new Map();
  for (const [c, list] of cols) list.forEach((n, r) => pos.set(String(n.id), [5 + c * (BW + GX), 5 + r * (BH + GY)]));
  for (const n of shown) {
    const [x, y] = pos.get(String(n.id));
    for (const p of n.parents) {
      const q = pos.get(String(p));
      if (q) svg.append(el("svg:path", { class: "edge", d: `M${q[0] + BW},${q[1] + BH / 2} C${q[0] + BW + GX / 2},${q[1] + BH / 2} ${x - GX / 2},${y + BH / 2} ${x},${y + BH / 2}` }));
    }
  }
  for (const n of shown) {
    const [x, y] = pos.get(String(n.id));
    const grp = el("svg:g", { class: "node " + n.kind });
    grp.append(el("svg:title", {}, n.op + (n.location ? " at " + n.location : "")));
    grp.append(el("svg:rect", { x, y, width: BW, height: BH }));
    grp.append(el("svg:text", { x: x + 6, y: y + 15 }, n.op));
    grp.append(el("svg:text", { x: x + 6, y: y + 30 }, (n.location || "").split("/").pop().slice(-24)));
    svg.append(grp);
  }
  box.replaceChildren(svg);
}

function row(cells, cls) {
  const tr = el("tr");
  for (const c of cells) {
    const td = el("td");
    if (c instanceof Node) td.append(c); else td.textContent = c;
    tr.append(td);
  }
  if (cls) tr.className = cls;
  return tr;
}

let graphKey = "";

function render(d) {
  const st = d.statistics;
  document.getElementById("app").textContent = d.appName + " · " + d.appId;
  document.getElementById("api").href = "/api/v1/applications/" + d.appId + "/streaming/statistics";
  document.getElementById("api").textContent = "/api/v1/applications/" + d.appId + "/streaming/statistics";
  const b = d.batches;
  const interval = st.batchDuration;
  const secs = interval % 1000 === 0 ? (interval / 1000) + (interval === 1000 ? " second" : " seconds") : (interval + " ms");
  const head = document.getElementById("header");
  if (b.length) {
    const end = d.clock === "real" ? d.now : b[b.length - 1][0];
    head.textContent = `${d.state === "ACTIVE" ? "Running" : "Ran"} batches of ${secs} for ${duration(end - d.startTime)} since ${d.startText} ` +
      `(${st.numTotalCompletedBatches} completed batches, ${st.numProcessedRecords} records) · ${d.clock} clock · ${d.state}`;
  } else {
    head.textContent = `Batches of ${secs} · ${d.clock} clock · ${d.state} · no batch has completed yet`;
  }
  const v = document.getElementById("verdict");
  v.textContent = d.verdict;
  v.className = "verdict " + (/^falling|^would/.test(d.verdict) ? "bad" : /close|recovering/.test(d.verdict) ? "warn" : "ok");
  document.getElementById("window").textContent = b.length + " batches";
  const series = {
    rate: [b.map(x => [x[0], x[1] * 1000 / interval]), "rate", null, st.avgInputRate !== undefined ? "avg: " + st.avgInputRate.toFixed(2) + " records/sec" : ""],
    sched: [b.map(x => [x[0], x[2]]), "ms", null, "avg: " + ms(st.avgSchedulingDelay)],
    proc: [b.map(x => [x[0], x[3]]), "ms", interval, "avg: " + ms(st.avgProcessingTime)],
    total: [b.map(x => [x[0], x[4]]), "ms", null, "avg: " + ms(st.avgTotalDelay)],
  };
  for (const tr of document.querySelectorAll("#stats tbody tr")) {
    const [pts, unit, line, avg] = series[tr.dataset.key];
    tr.querySelector(".avg").textContent = avg;
    tr.querySelector(".timeline").replaceChildren(timeline(pts, unit, line));
    tr.querySelector(".histogram").replaceChildren(histogram(pts.map(p => p[1]), unit, line));
  }
  const key = JSON.stringify(d.graph);
  if (key !== graphKey) { graphKey = key; graph(d.graph); }
  const rt = document.querySelector("#receivers tbody");
  // The fault lab's executors (a local cluster only): alive or lost, with their tasks.
  const execs = d.executors || [];
  document.getElementById("executors").hidden = execs.length === 0;
  document.getElementById("executors-title").hidden = execs.length === 0;
  document.querySelector("#executors tbody").replaceChildren(...execs.map(e => {
    const tr = row([e.id, e.alive ? "ALIVE" : "LOST", e.cores, e.tasks, e.failedTasks,
      blocks(e.rddBlocks, e.rddBlockIds), blocks(e.receiverBlocks, e.receiverBlockIds), e.lostReason || ""], e.alive ? "" : "failed");
    return tr;
  }));
  const hasReceivers = d.receivers.length > 0;
  document.getElementById("receivers").hidden = !hasReceivers;
  document.getElementById("receivers-title").hidden = !hasReceivers;
  rt.replaceChildren(...d.receivers.map(r => row([r.streamName, r.isActive ? "ACTIVE" : "INACTIVE", r.executorId,
    r.avgEventRate !== undefined ? r.avgEventRate.toFixed(2) : "-", r.lastErrorMessage || ""], r.lastErrorMessage ? "failed" : "")));
  const at = document.querySelector("#active tbody");
  document.getElementById("active-count").textContent = d.active.length;
  at.replaceChildren(...d.active.map(a => row([a.time, "-", "-", "-", "0/" + a.ops, a.status])));
  const ct = document.querySelector("#completed tbody");
  document.getElementById("completed-count").textContent =
    d.completed.length < st.numTotalCompletedBatches ? `last ${d.completed.length} out of ${st.numTotalCompletedBatches}` : String(d.completed.length);
  ct.replaceChildren(...d.completed.map(c => {
    const ops = el("span");
    for (const o of c.ops) {
      const s = el("span", o.failureReason ? { class: "failed" } : {}, `${o.name} (${ms(o.duration)})` + (o.failureReason ? ": " + o.failureReason : ""));
      ops.append(s, el("br"));
      // Spark's jobs and stages: a shuffle's map stage, skipped when an earlier job wrote it.
      for (const j of o.jobs || []) {
        const stages = j.stages.map(g => `stage ${g.stageId} ${g.name}: ` +
          (g.skipped ? "skipped" : `${g.numTasks} task${g.numTasks === 1 ? "" : "s"}`) +
          (g.failedTasks ? `, ${g.failedTasks} failed` : "")).join("; ");
        ops.append(el("span", { class: "job" + (j.status === "FAILED" ? " failed" : "") }, `job ${j.jobId} (${j.name}): ${stages}`), el("br"));
      }
    }
    const link = el("a", { href: "#batch=" + c.batchId }, c.time);
    // The attempts that failed, and how many tasks recomputed lost partitions.
    const recomputed = (c.recomputed || []).length;
    const failedTasks = el("span", c.numFailedTasks ? { class: "failed" } : {},
      String(c.numFailedTasks || 0) + (recomputed ? ` (${recomputed} recomputed)` : ""));
    return row([link, c.inputSize, ms(c.schedulingDelay), ms(c.processingTime), ms(c.totalDelay),
      `${c.numCompletedOutputOps}/${c.numTotalOutputOps}`, failedTasks, ops], c.numFailedOutputOps ? "failed" : "");
  }));
  detail(d);
  document.body.dataset.batches = String(b.length);
}

// A block count whose hover lists the block ids (Spark's rdd_3_1, input-0-...).
function blocks(n, ids) {
  const s = el("span", { class: "blocks", title: (ids || []).join("\n") }, String(n || 0));
  return s;
}

// The batch named by the address's #batch=<id> (the batch time's link): its output
// operations with their jobs, the task attempts that failed and the lineage recomputed,
// as Spark's batch page shows them.
let lastData = null;
function detail(d) {
  lastData = d;
  const box = document.getElementById("batch-detail");
  const m = /^#batch=(\d+)$/.exec(location.hash);
  const c = m && d.completed.find(x => String(x.batchId) === m[1]);
  box.hidden = !c;
  if (!c) return;
  document.getElementById("detail-time").textContent = c.time;
  document.getElementById("detail-summary").textContent =
    `Batch Duration: ${ms(c.batchDuration)} · Input data size: ${c.inputSize} records · Scheduling delay: ${ms(c.schedulingDelay)} · ` +
    `Processing time: ${ms(c.processingTime)} · Total delay: ${ms(c.totalDelay)}`;
  const ops = el("div");
  for (const o of c.ops) {
    ops.append(el("div", o.failureReason ? { class: "failed" } : {}, `${o.name} at ${o.description} (${ms(o.duration)})` +
      (o.failureReason ? ": " + o.failureReason : "")));
    for (const j of o.jobs || []) {
      for (const g of j.stages) {
        ops.append(el("div", { class: "job" + (g.failureReason ? " failed" : "") }, `job ${j.jobId} stage ${g.stageId} ${g.name}: ` +
          (g.skipped ? "skipped" : `${g.numTasks} task${g.numTasks === 1 ? "" : "s"}`) +
          (g.failedTasks ? `, ${g.failedTasks} failed` : "")));
      }
    }
  }
  document.getElementById("detail-ops").replaceChildren(ops);
  const failed = c.failedTasks || [];
  document.getElementById("detail-failed-count").textContent = failed.length;
  document.querySelector("#detail-failed tbody").replaceChildren(...failed.map(f => row([
    `${f.index}.${f.attempt}`, `${f.stageId}.0`, f.taskId, f.executorId, f.errorMessage, f.outcome], f.retried ? "" : "failed")));
  const rec = c.recomputed || [];
  document.getElementById("detail-recomputed-count").textContent = rec.length;
  document.getElementById("detail-recomputed").replaceChildren(...rec.map(r => {
    const li = el("li", {}, `${r.task} on executor ${r.executorId}: `);
    r.steps.forEach((s, i) => {
      if (i) li.append(" → ");
      const cls = "step " + s.status.toLowerCase();
      const text = `${s.rdd} partition ${s.partition}` + (s.status === "RECOMPUTED" ? " (RECOMPUTED)" : s.status === "CACHED" ? " (cached)" : "");
      li.append(el("span", s.lostWithExecutor !== undefined ? { class: cls, title: "its block was lost with executor " + s.lostWithExecutor } : { class: cls }, text));
    });
    return li;
  }));
}

window.addEventListener("hashchange", () => { if (lastData) detail(lastData); });

async function poll() {
  try {
    const r = await fetch("/streaming/data", { cache: "no-store" });
    if (r.ok) render(await r.json());
  } catch (e) {
    document.getElementById("header").textContent = "centella is not running any more (" + e + ")";
  }
  setTimeout(poll, 1000);
}

poll();

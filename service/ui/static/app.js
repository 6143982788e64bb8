// provgraph's lineage explorer: plain JavaScript over the service's own API.
// Cytoscape.js draws, cytoscape-dagre lays out, svgcanvas records Cytoscape's drawing as SVG.
import { Context as SvgContext } from "./vendor/svgcanvas.esm.js";

cytoscape.use(cytoscapeDagre);

const $ = (selector) => document.querySelector(selector);
const TOKEN_KEY = "provgraph.token";
const BIG_GRAPH = 300; // above this many nodes, edge labels are hidden to keep panning smooth
// The least zoom a big graph opens at: a node is 55 × 20 pixels there, big enough to click.
const CLICKABLE_ZOOM = 0.5;

const state = {
  root: null, // the node the lineage is about
  lineage: null, // the last /lineage answer
  pathFrom: null,
  pathTo: null,
  timing: null, // {startedAt, requestMs, layoutMs, totalMs} of the last drawing
  shown: null, // {id, at}: the node whose details were last shown, and when
};

// ------------------------------------------------------------------ talking to the API

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function detailText(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => d.msg || JSON.stringify(d)).join("; ");
  return JSON.stringify(detail);
}

// Answers come as parsed JSON, or as a Blob of the media type `download` (a PROV file).
async function api(path, params = {}, download = null) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, value);
  }
  const headers = { Accept: download || "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { headers });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = detailText((await response.json()).detail);
    } catch {
      /* not JSON: keep the status text */
    }
    throw new ApiError(response.status, detail);
  }
  return download ? response.blob() : response.json();
}

function showMessage(text, kind = "error") {
  const box = $("#message");
  box.textContent = text;
  box.className = kind;
  box.hidden = false;
}

function clearMessage() {
  $("#message").hidden = true;
}

// Every failure ends up here: the person always reads what happened and what to do.
function explain(error, what) {
  if (!(error instanceof ApiError)) {
    showMessage(`${what} failed: ${error.message}. Is the provgraph server running?`);
    return;
  }
  if (error.status === 401) {
    const hasToken = Boolean(sessionStorage.getItem(TOKEN_KEY));
    showMessage(
      `${what} needs a valid token (401). ` +
        (hasToken
          ? "The token you entered was refused: check it and enter it again with the Token button."
          : "This provgraph has tokens configured: enter yours with the Token button.") +
        ` The server said: ${error.message}`
    );
    openTokenDialog();
  } else if (error.status === 403) {
    showMessage(
      `${what} is not allowed for your token (403): the token is valid, but its role is not ` +
        `enough for this. Ask an administrator for a token with that role; everything else ` +
        `your token allows still works here. The server said: ${error.message}`
    );
  } else if (error.status === 404) {
    showMessage(`${what}: not found (404). ${error.message}`);
  } else if (error.status === 503) {
    showMessage(`${what}: the database is unreachable right now (503). Try again shortly.`);
  } else if (error.status === 504) {
    showMessage(`${what} took too long (504). Ask for less: a smaller depth or node limit.`);
  } else {
    showMessage(`${what} failed (${error.status}): ${error.message}`);
  }
}

// ------------------------------------------------------------------ token

function openTokenDialog() {
  const dialog = $("#token-dialog");
  if (!dialog.open) dialog.showModal();
  $("#token").focus();
}

function showAuthState(mode) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  $("#auth-state").textContent =
    mode === "open" ? "open server (no token needed)" : token ? "token entered" : "no token entered";
}

async function setUpAuth() {
  let mode = "tokens";
  try {
    mode = (await api("/health")).auth || "tokens";
  } catch (error) {
    if (error instanceof ApiError && error.status === 503) mode = "tokens";
    else throw error;
  }
  state.authMode = mode;
  showAuthState(mode);
  $("#token-button").addEventListener("click", openTokenDialog);
  $("#token-dialog").addEventListener("close", () => {
    const choice = $("#token-dialog").returnValue;
    if (choice === "save" && $("#token").value.trim()) {
      sessionStorage.setItem(TOKEN_KEY, $("#token").value.trim());
    } else if (choice === "forget") {
      sessionStorage.removeItem(TOKEN_KEY);
    }
    $("#token").value = "";
    showAuthState(state.authMode);
    if (choice === "save" || choice === "forget") {
      clearMessage();
      route();
    }
  });
  if (mode === "tokens" && !sessionStorage.getItem(TOKEN_KEY)) {
    showMessage("This provgraph needs a token to show data: enter yours with the Token button.", "info");
    openTokenDialog();
    return false;
  }
  return true;
}

// ------------------------------------------------------------------ search

async function search(event) {
  event.preventDefault();
  const q = $("#q").value.trim();
  if (!q) return;
  clearMessage();
  try {
    const answer = await api("/nodes", { q, kind: $("#kind").value, limit: 30 });
    const list = $("#result-list");
    list.replaceChildren();
    for (const node of answer.nodes) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = node.label || node.id;
      button.addEventListener("click", () => openNode(node.id));
      const about = document.createElement("small");
      about.textContent = ` ${node.kind || node.prov_classes.join("/")} · ${node.id}`;
      item.append(button, about);
      list.append(item);
    }
    if (!answer.nodes.length) list.innerHTML = "<li>Nothing matches. Try fewer or shorter words.</li>";
    $("#results").hidden = false;
    $("#results-title").textContent = `Search results for “${q}” (${answer.nodes.length})`;
  } catch (error) {
    explain(error, "Searching");
  }
}

// ------------------------------------------------------------------ recent runs

function formTimes(form, name) {
  const value = form.elements[name].value;
  return value ? new Date(value).toISOString() : "";
}

async function showRuns(event) {
  if (event) event.preventDefault();
  const form = $("#runs-form");
  $("#runs").hidden = false;
  $("#explorer").hidden = true;
  try {
    const answer = await api("/runs", {
      since: formTimes(form, "since"),
      until: formTimes(form, "until"),
      agent: form.elements.agent.value.trim(),
      dataset: form.elements.dataset.value.trim(),
      limit: 50,
    });
    const body = $("#run-table tbody");
    body.replaceChildren();
    for (const run of answer.runs) {
      const row = body.insertRow();
      const open = document.createElement("button");
      open.type = "button";
      open.className = "link";
      open.textContent = run.label || run.id;
      open.addEventListener("click", () => openNode(run.id));
      row.insertCell().append(open);
      row.insertCell().textContent = run.kind;
      row.insertCell().textContent = run.start_time ? new Date(run.start_time).toLocaleString() : "–";
      const id = row.insertCell();
      id.className = "id";
      id.textContent = run.id;
    }
    $("#runs-empty").hidden = answer.runs.length > 0;
    document.body.dataset.state = "ready";
  } catch (error) {
    explain(error, "Listing runs");
    document.body.dataset.state = "error";
  }
}

// ------------------------------------------------------------------ the graph

const STYLE = [
  {
    selector: "node",
    style: {
      label: "data(display)",
      "text-wrap": "wrap",
      "text-max-width": 104,
      "text-valign": "center",
      "font-size": 11,
      color: "#1a1a1a",
      width: 110,
      height: 40,
      "border-width": 1,
      "border-color": "#6b6b6b",
    },
  },
  { selector: "node.entity", style: { shape: "ellipse", "background-color": "#fffc87" } },
  { selector: "node.activity", style: { shape: "rectangle", "background-color": "#9fb1fc" } },
  {
    selector: "node.agent",
    style: {
      shape: "polygon",
      "shape-polygon-points": "-1 -0.3 0 -1 1 -0.3 1 1 -1 1",
      "background-color": "#fed37f",
      "text-margin-y": 6,
    },
  },
  { selector: "node.root", style: { "border-width": 4, "border-color": "#1a1a1a" } },
  { selector: "node:selected", style: { "border-width": 4, "border-color": "#c25e00" } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "line-color": "#7a7a7a",
      "target-arrow-color": "#7a7a7a",
      "target-arrow-shape": "triangle",
      "curve-style": "bezier",
      label: "data(type)",
      "font-size": 10,
      color: "#333",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
      "text-rotation": "autorotate",
    },
  },
  { selector: "edge.agent-edge", style: { "line-style": "dashed" } },
  { selector: ".quiet", style: { label: "" } },
  { selector: "node.quiet", style: { label: "data(short)" } },
  {
    selector: ".on-path",
    style: { "line-color": "#b00020", "target-arrow-color": "#b00020", "border-color": "#b00020", "border-width": 4, width: 3 },
  },
];

const cy = cytoscape({
  container: $("#graph"),
  style: STYLE,
  minZoom: 0.02,
  maxZoom: 3,
});

function provClass(node) {
  if (node.prov_classes.includes("Activity")) return "activity";
  if (node.prov_classes.includes("Agent")) return "agent";
  return "entity";
}

function shortName(text) {
  return text.length > 32 ? `${text.slice(0, 15)}…${text.slice(-15)}` : text;
}

// What a node is called in the picture: its label, else the last part of its id (the whole
// id is in the details panel and the node list).
function pictureName(node) {
  return shortName(node.label || node.id.replace(/\/+$/, "").split("/").pop() || node.id);
}

function nodeElement(node, extra = {}) {
  const distance = node.distance === null || node.distance === undefined ? "" : ` · ${node.distance}`;
  return {
    group: "nodes",
    data: {
      id: node.id,
      short: pictureName(node),
      display: `${pictureName(node)}\n${node.kind || provClass(node)}${distance}`,
      full: `${node.label || node.id} — ${node.kind || provClass(node)}${distance ? `, distance ${node.distance}` : ""}`,
      kind: node.kind,
      distance: node.distance,
      ...extra,
    },
    classes: provClass(node),
  };
}

const AGENT_RELATIONS = new Set(["wasAssociatedWith", "wasAttributedTo", "actedOnBehalfOf"]);

function edgeElement(edge) {
  return {
    group: "edges",
    data: {
      // Two relations of one type between the same nodes differ by their attributes
      // (a delegation for each run), so those are part of the key.
      id: [edge.source, edge.type, edge.target, JSON.stringify(edge.attributes)].join("\u0000"),
      source: edge.source,
      target: edge.target,
      type: edge.type,
    },
    classes: AGENT_RELATIONS.has(edge.type) ? "agent-edge" : "",
  };
}

// Adds what is not drawn yet; returns how many nodes were new.
function addToGraph(nodes, edges) {
  const fresh = nodes.filter((node) => cy.getElementById(node.id).empty()).map((n) => nodeElement(n));
  const freshIds = new Set(fresh.map((n) => n.data.id));
  const present = (id) => freshIds.has(id) || !cy.getElementById(id).empty();
  const links = edges
    .map(edgeElement)
    .filter((e) => cy.getElementById(e.data.id).empty() && present(e.data.source) && present(e.data.target));
  cy.add([...fresh, ...links]);
  return fresh.length;
}

// Small graphs are shown whole. A big one fitted whole is drawn at a zoom where a node is a
// pixel or two high and a click lands on a neighbour (benchmarks/UI.md), so it opens on the
// focus and its nearest relations, at a zoom where nodes can be clicked; scrolling zooms out.
function frame(focusId) {
  const focus = cy.getElementById(focusId);
  if (cy.nodes().length <= BIG_GRAPH || focus.empty()) {
    cy.fit(undefined, 20);
    return;
  }
  const nearRoot = (node) => focusId === state.root && (node.data("distance") ?? Infinity) <= 2;
  cy.fit(focus.closedNeighborhood().nodes().union(cy.nodes().filter(nearRoot)), 20);
  if (cy.zoom() < CLICKABLE_ZOOM || cy.zoom() > 1) {
    cy.zoom(Math.min(Math.max(cy.zoom(), CLICKABLE_ZOOM), 1));
    cy.center(focus);
  }
}

function layOut(focusId) {
  const big = cy.nodes().length > BIG_GRAPH;
  cy.elements().toggleClass("quiet", big);
  // Big graphs get a quicker ranking: about a third less time than network simplex on 1,000.
  return new Promise((resolve) => {
    const layout = cy.layout({
      name: "dagre",
      rankDir: "RL", // PROV's arrows point back in time, so inputs land left, outputs right
      ranker: big ? "tight-tree" : "network-simplex",
      nodeSep: 14,
      rankSep: 36,
      edgeSep: 8,
      animate: false,
      fit: false,
    });
    layout.one("layoutstop", () => {
      frame(focusId);
      resolve();
    });
    layout.run();
  });
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

// The controls as /lineage parameters. Kinds, when given, replace the class check boxes.
function lineageParams() {
  const form = $("#lineage-form");
  const boxes = [...form.querySelectorAll("input[name=types]")];
  const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
  const kinds = form.elements.kinds.value.split(",").map((k) => k.trim()).filter(Boolean);
  return {
    direction: form.elements.direction.value,
    depth: form.elements.depth.value,
    limit: form.elements.limit.value,
    types: kinds.length ? kinds.join(",") : chosen.length === boxes.length ? "" : chosen.join(","),
  };
}

function setLineageControls(params) {
  const form = $("#lineage-form");
  for (const name of ["direction", "depth", "limit"]) if (params[name]) form.elements[name].value = params[name];
  const types = (params.types || "").split(",").filter(Boolean);
  const boxes = [...form.querySelectorAll("input[name=types]")];
  const classesOnly = types.every((type) => boxes.some((box) => box.value === type));
  for (const box of boxes) box.checked = !types.length || !classesOnly || types.includes(box.value);
  form.elements.kinds.value = classesOnly ? "" : types.join(",");
}

function updateSummary() {
  const lineage = state.lineage;
  const nodes = cy.nodes().length;
  const edges = cy.edges().length;
  const timing = state.timing ? ` Drawn in ${Math.round(state.timing.totalMs)} ms.` : "";
  const big =
    nodes > BIG_GRAPH
      ? ` The view starts at the opened node's nearest relations: scroll to zoom out to all of them (names shortened).`
      : "";
  $("#summary").textContent = `${nodes} nodes and ${edges} relations shown.${timing}${big}`;
  const cut = $("#truncated");
  cut.hidden = !lineage.truncated;
  if (lineage.truncated) {
    cut.textContent =
      `Truncated: the node limit (${lineage.limit}) cut this lineage, so only the nearest ` +
      `nodes are shown. Raise the node limit or lower the depth to see the rest.`;
  }
  // The lines above the graph may have grown or shrunk: Cytoscape keeps the container's place
  // on the page from before, and would map a click to a point that far off (benchmarks/UI.md).
  cy.resize();
  const list = $("#node-list");
  list.replaceChildren();
  for (const node of cy.nodes().sort((a, b) => (a.data("distance") ?? 1e9) - (b.data("distance") ?? 1e9))) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = node.data("full");
    button.addEventListener("click", () => selectNode(node.id()));
    item.append(button);
    list.append(item);
  }
}

// Opens a node's lineage with the current controls; this is also "re-centre".
function openNode(id) {
  const hash = `#${new URLSearchParams({ node: id, ...lineageParams() })}`;
  document.body.dataset.state = "loading"; // until drawLineage has drawn it
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

async function drawLineage(id, params) {
  clearMessage();
  document.body.dataset.state = "loading";
  $("#runs").hidden = true;
  $("#explorer").hidden = false;
  cy.resize(); // the graph's box was not laid out while the explorer was hidden
  setLineageControls(params);
  const started = performance.now();
  let lineage;
  try {
    lineage = await api("/lineage", { id, ...lineageParams() });
  } catch (error) {
    explain(error, `Opening ${id}`);
    document.body.dataset.state = "error";
    return;
  }
  const received = performance.now();
  lineage.limit = $("#lineage-form").elements.limit.value;
  state.root = id;
  state.lineage = lineage;
  state.pathFrom = state.pathTo = null;
  showPathState();
  cy.elements().remove();
  addToGraph(lineage.nodes, lineage.edges);
  cy.getElementById(id).addClass("root");
  $("#root-name").textContent = cy.getElementById(id).data("short") || id;
  await layOut(id);
  const laidOut = performance.now();
  await nextFrame();
  state.timing = {
    startedAt: started,
    requestMs: received - started,
    layoutMs: laidOut - received,
    totalMs: performance.now() - started,
    nodes: cy.nodes().length,
    edges: cy.edges().length,
  };
  updateSummary();
  await selectNode(id);
  document.body.dataset.state = "ready";
}

// ------------------------------------------------------------------ details, expand, path

function definitionList(pairs) {
  const list = document.createElement("dl");
  for (const [term, value] of pairs) {
    if (value === null || value === undefined || value === "") continue;
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = typeof value === "string" ? value : JSON.stringify(value);
    list.append(dt, dd);
  }
  return list;
}

function actionButton(text, handler) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = text;
  button.addEventListener("click", handler);
  return button;
}

async function selectNode(id) {
  cy.nodes().unselect();
  const element = cy.getElementById(id);
  element.select();
  const panel = $("#details");
  try {
    const node = await api("/nodes/detail", { id });
    const heading = document.createElement("h2");
    heading.id = "details-title";
    heading.textContent = node.label || node.id;
    const distance = element.data("distance");
    const facts = definitionList([
      ["Id", node.id],
      ["PROV class", node.prov_classes.join(", ")],
      ["Kind", node.kind],
      ["Distance", distance === null || distance === undefined ? "not on the walk (an agent or added by expanding)" : `${distance} relations from ${state.root}`],
      ["Started", node.start_time],
      ["Ended", node.end_time],
      ["Relations shown", `${element.outgoers("edge").length} out, ${element.incomers("edge").length} in`],
    ]);
    const actions = document.createElement("div");
    actions.className = "actions";
    actions.append(
      actionButton("Expand neighbours", () => expand(id)),
      actionButton("Re-centre here", () => openNode(id)),
      actionButton("Path from here", () => choosePathEnd("from", id)),
      actionButton("Path to here", () => choosePathEnd("to", id))
    );
    const attributesTitle = document.createElement("h3");
    attributesTitle.textContent = "Attributes";
    const attributes = definitionList(Object.entries(node.attributes));
    const recordsTitle = document.createElement("h3");
    recordsTitle.textContent = "Asserted by";
    const records = document.createElement("ul");
    for (const record of node.records) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = record.url;
      link.textContent = record.id;
      // Followed as a plain link the request would go without the token (401 when tokens
      // are configured): read it with the token and show it here instead.
      link.addEventListener("click", (event) => {
        event.preventDefault();
        showRecord(record, panel);
      });
      const when = record.created_at ? new Date(record.created_at).toLocaleString() : "unknown time";
      item.append(link, ` — ${record.kind}, registered by ${record.created_by ?? "unknown"} at ${when}`);
      if (record.updated_at) item.append(`, updated by ${record.updated_by} at ${new Date(record.updated_at).toLocaleString()}`);
      records.append(item);
    }
    if (!node.records.length) records.innerHTML = "<li>no record (left by a removed one)</li>";
    panel.replaceChildren(heading, facts, actions, attributesTitle, attributes, recordsTitle, records);
    state.shown = { id, at: performance.now() }; // when the benchmark's click was answered
  } catch (error) {
    explain(error, `Reading ${id}`);
  }
}

// A record as the API answers it, below the node's details.
async function showRecord(record, panel) {
  try {
    const answer = await api(record.url);
    let shown = panel.querySelector("pre.record");
    if (!shown) {
      shown = document.createElement("pre");
      shown.className = "record";
      shown.tabIndex = 0;
      panel.append(shown);
    }
    shown.setAttribute("aria-label", `Record ${record.id}`);
    shown.textContent = JSON.stringify(answer, null, 2);
    shown.focus();
  } catch (error) {
    explain(error, `Reading record ${record.id}`);
  }
}

async function expand(id) {
  document.body.dataset.state = "loading";
  try {
    const around = await api("/lineage", { id, direction: "both", depth: 1, types: lineageParams().types });
    const added = addToGraph(around.nodes.map((n) => ({ ...n, distance: null })), around.edges);
    if (added) await layOut(id);
    updateSummary();
    showMessage(`Expanded ${id}: ${added} new node${added === 1 ? "" : "s"}.`, "info");
    await selectNode(id);
  } catch (error) {
    explain(error, `Expanding ${id}`);
  }
  document.body.dataset.state = "ready";
}

function showPathState() {
  const parts = [];
  if (state.pathFrom) parts.push(`path from ${shortName(state.pathFrom)}`);
  if (state.pathTo) parts.push(`to ${shortName(state.pathTo)}`);
  $("#path-state").textContent = parts.length ? `Chosen: ${parts.join(" ")}` : "";
  $("#path-clear").hidden = !parts.length;
}

function clearPath() {
  cy.elements().removeClass("on-path");
  state.pathFrom = state.pathTo = null;
  showPathState();
}

async function choosePathEnd(end, id) {
  if (end === "from") state.pathFrom = id;
  else state.pathTo = id;
  showPathState();
  if (state.pathFrom && state.pathTo) await showPath();
}

async function showPath() {
  document.body.dataset.state = "loading";
  cy.elements().removeClass("on-path");
  try {
    const answer = await api("/lineage/path", { from: state.pathFrom, to: state.pathTo });
    const missing = [...new Set(answer.paths.flatMap((p) => p.nodes))].filter((n) => cy.getElementById(n).empty());
    const details = await Promise.all(missing.map((n) => api("/nodes/detail", { id: n })));
    const added = addToGraph(details.map((d) => ({ ...d, distance: null })), answer.paths.flatMap((p) => p.edges));
    if (added) await layOut(state.pathFrom);
    for (const path of answer.paths) {
      for (const node of path.nodes) cy.getElementById(node).addClass("on-path");
      for (const edge of path.edges) cy.getElementById(edgeElement(edge).data.id).addClass("on-path");
    }
    updateSummary();
    const length = answer.paths[0].length;
    showMessage(
      `${answer.paths.length} shortest path${answer.paths.length === 1 ? "" : "s"} of ${length} relation${length === 1 ? "" : "s"} (${answer.direction}) from ${state.pathFrom} to ${state.pathTo}, drawn in red.`,
      "info"
    );
  } catch (error) {
    explain(error, "Finding a path");
  }
  document.body.dataset.state = "ready";
}

// ------------------------------------------------------------------ downloads

function fileStem() {
  return `lineage-${state.root.replace(/[^A-Za-z0-9._-]+/g, "_")}-${lineageParams().direction}`;
}

function saveBlob(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// Cytoscape's own renderer draws every element into an SVG-recording 2D context.
function graphSvg() {
  const box = cy.elements().boundingBox();
  const width = Math.ceil(box.w) + 40;
  const height = Math.ceil(box.h) + 40;
  const context = new SvgContext({ width, height });
  const renderer = cy.renderer();
  const usePaths = renderer.usePaths;
  renderer.usePaths = () => false; // the SVG context cannot replay cached Path2D objects
  cy.elements().forEach((element) => {
    element._private.rscratch.pathCacheKey = null;
    element._private.rscratch.pathCache = null;
  });
  try {
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, width, height);
    context.translate(20 - box.x1, 20 - box.y1);
    renderer.drawElements(context, renderer.getCachedZSortedEles());
  } finally {
    renderer.usePaths = usePaths;
  }
  return context.getSerializedSvg();
}

async function download(format) {
  try {
    if (format === "png") {
      saveBlob(cy.png({ output: "blob", full: true, bg: "#ffffff", scale: 2, maxWidth: 8000, maxHeight: 8000 }), `${fileStem()}.png`);
    } else if (format === "svg") {
      saveBlob(new Blob([graphSvg()], { type: "image/svg+xml" }), `${fileStem()}.svg`);
    } else {
      const params = lineageParams();
      const media = format === "provn" ? "text/provenance-notation" : "application/json";
      const blob = await api("/prov", { id: state.root, scope: params.direction, depth: params.depth, format }, media);
      saveBlob(blob, `${fileStem()}.${format === "provn" ? "provn" : "json"}`);
    }
  } catch (error) {
    explain(error, `Downloading ${format}`);
  }
}

// The whole graph is the admin's (service/auth.py): with a read or write token the server
// answers 403, which `explain` turns into a message; the page stays as it was.
async function downloadWholeGraph(format) {
  const media = format === "provn" ? "text/provenance-notation" : "application/json";
  const button = $("#download-all");
  button.disabled = true;
  try {
    const blob = await api("/prov", { scope: "all", format }, media);
    saveBlob(blob, `provgraph-whole-graph.${format === "provn" ? "provn" : "json"}`);
  } catch (error) {
    explain(error, "Downloading the whole graph");
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ wiring

// The address says what is shown (#node=…&direction=…), so views can be shared and reloaded.
function route() {
  const params = Object.fromEntries(new URLSearchParams(window.location.hash.slice(1)));
  if (params.node) drawLineage(params.node, params);
  else showRuns();
}

cy.on("tap", "node", (event) => selectNode(event.target.id()));
$("#search-form").addEventListener("submit", search);
$("#runs-form").addEventListener("submit", showRuns);
$("#lineage-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (state.root) openNode(state.root);
});
$("#path-clear").addEventListener("click", clearPath);
for (const button of document.querySelectorAll("[data-download]")) {
  button.addEventListener("click", () => download(button.dataset.download));
}
$("#download-all").addEventListener("click", (event) => downloadWholeGraph(event.target.dataset.downloadAll));
$("#home").addEventListener("click", (event) => {
  event.preventDefault();
  history.pushState(null, "", window.location.pathname);
  showRuns();
});
window.addEventListener("hashchange", route);

// For tests and the layout benchmark: the graph and the last drawing's timing.
window.provgraph = { cy, state };

setUpAuth()
  .then((ready) => {
    if (ready) route();
    else document.body.dataset.state = "ready";
  })
  .catch((error) => explain(error, "Starting"));

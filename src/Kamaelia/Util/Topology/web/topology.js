// The live topology page: a running Kamaelia system as a force-directed graph.
//
// The server (Kamaelia.Util.Topology.server) sends JSON over the WebSocket
// at WEBSOCKET_PATH: first {"type": "graph", ...} (everything), then
// {"type": "changes", ...} whenever the system changed. `model` holds what
// they say; `bodies` are the things drawn (components, and the boxes that are
// linked or have messages waiting), moved by a small physics simulation that
// runs only while something is still moving: a settled page uses no CPU.
// window.topology exposes the model and a few helpers (for tests and for the
// browser's console).
"use strict";

(function () {
  const WEBSOCKET_PATH = "/ws";
  const RECONNECT_FIRST = 1000, RECONNECT_MOST = 10000;   // ms

  // Physics, in world units (about a CSS pixel at zoom 1).
  const REPULSION = 5000, BOX_REPULSION = 400, GRAVITY = 0.012;
  const NAMES_FROM_SCALE = 0.9;   // box names only when zoomed in this far (or selected)
  const LINK_LENGTH = 110, LINK_STRENGTH = 0.04;
  const BOX_DISTANCE = 26, BOX_STRENGTH = 0.25;
  const DAMPING = 0.6, MAX_SPEED = 40;
  // The simulation cools ("alpha", as in d3-force): forces are scaled by alpha,
  // which decays at every step, so a layout always comes to rest (in about a
  // second) instead of jiggling for ever; a change warms it up again.
  const ALPHA_DECAY = 0.012, ALPHA_MIN = 0.005, STEPS_PER_FRAME = 6;
  const REHEAT_CHANGED = 0.6, REHEAT_DRAG = 0.3;
  const COMPONENT_RADIUS = 13, BOX_RADIUS = 5;
  const BACKGROUND = "#f6f6f3";

  const canvas = document.getElementById("graph");
  const context = canvas.getContext("2d");
  const statusLine = document.getElementById("status");
  const counts = document.getElementById("counts");

  // ------------------------------------------------------------ the model
  const model = {
    nodes: new Map(),     // id -> {id, name, class, parent, inboxes, outboxes}
    links: new Map(),     // key -> {from: [id, kind, box], to: [...], passthrough}
    queues: new Map(),    // boxKey -> messages waiting (absent: none)
    classes: new Map(),   // class name -> {doc, inboxes, outboxes}
    measured: false,      // whether the rates below are measured
    runs: new Map(),      // id -> runs a second (absent: 0)
    rates: new Map(),     // boxKey of an inbox -> messages taken a second (absent: 0)
  };

  function boxKey(id, kind, box) { return JSON.stringify([String(id), kind, box]); }
  function linkKey(link) { return JSON.stringify([link.from, link.to]); }

  function forgetNode(id) {
    model.nodes.delete(id);
    model.runs.delete(id);
    for (const boxes of [model.queues, model.rates]) {
      for (const key of [...boxes.keys()]) if (JSON.parse(key)[0] === id) boxes.delete(key);
    }
    for (const [key, link] of [...model.links]) {
      if (link.from[0] === id || link.to[0] === id) model.links.delete(key);
    }
  }

  // Queue lengths and rates: a number per key, absent when 0.
  function setNumber(map, key, value) {
    if (value > 0) map.set(key, value); else map.delete(key);
  }

  function addAll(message) {
    for (const node of message.nodes || []) model.nodes.set(String(node.id), node);
    for (const link of message.links || []) model.links.set(linkKey(link), link);
    for (const [id, kind, box, length] of message.queues || []) {
      setNumber(model.queues, boxKey(id, kind, box), length);
    }
    for (const [id, kind, box, rate] of message.rates || []) {
      setNumber(model.rates, boxKey(id, kind, box), rate);
    }
    for (const [id, rate] of message.runs || []) setNumber(model.runs, String(id), rate);
    for (const [name, info] of Object.entries(message.classes || {})) model.classes.set(name, info);
    if ("measured" in message) model.measured = Boolean(message.measured);
  }

  function applyGraph(message) {
    for (const map of [model.nodes, model.links, model.queues, model.classes, model.runs,
                       model.rates]) map.clear();
    addAll(message);
  }

  function applyChanges(message) {
    for (const id of message.gone || []) forgetNode(String(id));
    for (const link of message.unlinked || []) model.links.delete(linkKey(link));
    addAll(message);
  }

  function apply(message) {
    if (message.type === "graph") applyGraph(message);
    else if (message.type === "changes") applyChanges(message);
    else { console.warn("topology: unknown message", message); return; }
    topology.messages += 1;
    const moved = syncBodies() || message.type === "graph" ||
      ["links", "unlinked"].some((key) => (message[key] || []).length);
    showCounts();
    showDetails();
    if (moved) reheat(REHEAT_CHANGED); else requestFrame();   // (numbers only: redraw)
  }

  // ----------------------------------------------------------- the bodies
  // key -> {key, x, y, vx, vy, kind: "component" | "inbox" | "outbox", id, box, held}
  const bodies = new Map();
  let seed = 12345;
  function random() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; }

  function componentKey(id) { return "c" + id; }

  function wantedBoxes() {
    const wanted = new Set();
    for (const link of model.links.values()) {
      wanted.add(boxKey(...link.from)); wanted.add(boxKey(...link.to));
    }
    for (const key of model.queues.keys()) wanted.add(key);
    return wanted;
  }

  function placeNear(anchor, spread) {
    const angle = random() * 2 * Math.PI, distance = spread * (0.5 + random());
    const x = anchor ? anchor.x : 0, y = anchor ? anchor.y : 0;
    return {x: x + distance * Math.cos(angle), y: y + distance * Math.sin(angle)};
  }

  function addBody(key, fields, anchor, spread) {
    const place = placeNear(anchor, spread);
    bodies.set(key, {key, x: place.x, y: place.y, vx: 0, vy: 0, held: false, ...fields});
  }

  // Bodies for what the model holds; true if any came or went.
  function syncBodies() {
    const before = bodies.size;
    let changed = false;
    const wanted = new Map();
    for (const node of model.nodes.values()) wanted.set(componentKey(node.id), null);
    for (const key of wantedBoxes()) {
      const [id] = JSON.parse(key);
      if (model.nodes.has(id)) wanted.set(key, id);
    }
    for (const key of [...bodies.keys()]) {
      if (!wanted.has(key)) { bodies.delete(key); changed = true; }
    }
    // Components first (a child near its parent), then their boxes around them.
    for (const node of model.nodes.values()) {
      const key = componentKey(node.id);
      if (!bodies.has(key)) {
        const parent = node.parent == null ? null : bodies.get(componentKey(node.parent));
        addBody(key, {kind: "component", id: node.id}, parent, parent ? 60 : 150);
      }
    }
    for (const [key, owner] of wanted) {
      if (owner === null || bodies.has(key)) continue;
      const [id, kind, box] = JSON.parse(key);
      addBody(key, {kind: kind === "i" ? "inbox" : "outbox", id, box},
              bodies.get(componentKey(owner)), BOX_DISTANCE);
    }
    return changed || bodies.size !== before;
  }

  // -------------------------------------------------------------- physics
  function pull(a, b, length, strength) {
    const dx = b.x - a.x, dy = b.y - a.y;
    const distance = Math.hypot(dx, dy) || 0.01;
    const force = (distance - length) * strength * alpha / distance;
    a.vx += dx * force; a.vy += dy * force;
    b.vx -= dx * force; b.vy -= dy * force;
  }

  function repel(all) {
    for (let i = 0; i < all.length; i++) {
      const a = all[i];
      for (let j = i + 1; j < all.length; j++) {
        const b = all[j];
        const dx = b.x - a.x, dy = b.y - a.y;
        const squared = Math.max(dx * dx + dy * dy, 1);
        const both = a.kind === "component" && b.kind === "component";
        const force = (both ? REPULSION : BOX_REPULSION) * alpha / squared / Math.sqrt(squared);
        a.vx -= dx * force; a.vy -= dy * force;
        b.vx += dx * force; b.vy += dy * force;
      }
    }
  }

  function step() {
    const all = [...bodies.values()];
    repel(all);
    for (const body of all) {
      if (body.kind === "component") {
        body.vx -= body.x * GRAVITY * alpha; body.vy -= body.y * GRAVITY * alpha;
      } else {
        const owner = bodies.get(componentKey(body.id));
        if (owner) pull(owner, body, BOX_DISTANCE, BOX_STRENGTH);
      }
    }
    for (const link of model.links.values()) {
      const a = bodies.get(boxKey(...link.from)), b = bodies.get(boxKey(...link.to));
      if (a && b) pull(a, b, link.passthrough ? LINK_LENGTH / 2 : LINK_LENGTH, LINK_STRENGTH);
    }
    for (const body of all) {
      if (body.held) { body.vx = body.vy = 0; continue; }
      body.vx *= DAMPING; body.vy *= DAMPING;
      const speed = Math.hypot(body.vx, body.vy);
      if (speed > MAX_SPEED) { body.vx *= MAX_SPEED / speed; body.vy *= MAX_SPEED / speed; }
      body.x += body.vx; body.y += body.vy;
    }
  }

  // ------------------------------------------------------- the animation
  let alpha = 1, frameRequested = false;

  function requestFrame() {
    topology.settled = false;
    if (!frameRequested) { frameRequested = true; requestAnimationFrame(frame); }
  }

  function reheat(level) {
    alpha = Math.max(alpha, level);
    requestFrame();
  }

  function frame() {
    frameRequested = false;
    if (dragging) alpha = Math.max(alpha, REHEAT_DRAG);
    for (let i = 0; i < STEPS_PER_FRAME && alpha >= ALPHA_MIN; i++) {
      step();
      alpha *= 1 - ALPHA_DECAY;
    }
    draw();
    topology.frames += 1;
    if (alpha >= ALPHA_MIN || dragging) requestFrame();
    else topology.settled = true;           // at rest: no more frames until something changes
  }

  // --------------------------------------------------------------- the view
  // World -> canvas: fitted to the bodies each frame, except while dragging
  // (the view must not slide under the pointer).
  let view = {scale: 1, x: 0, y: 0};

  function fitView() {
    const width = canvas.clientWidth, height = canvas.clientHeight;
    if (!bodies.size) { view = {scale: 1, x: width / 2, y: height / 2}; return; }
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    for (const body of bodies.values()) {
      left = Math.min(left, body.x); right = Math.max(right, body.x);
      top = Math.min(top, body.y); bottom = Math.max(bottom, body.y);
    }
    const margin = 70;
    const scale = Math.min(1.6, (width - 2 * margin) / Math.max(right - left, 1),
                           (height - 2 * margin) / Math.max(bottom - top, 1));
    view = {scale: Math.max(scale, 0.15),
            x: width / 2 - (left + right) / 2 * Math.max(scale, 0.15),
            y: height / 2 - (top + bottom) / 2 * Math.max(scale, 0.15)};
  }

  function toScreen(body) { return {x: body.x * view.scale + view.x, y: body.y * view.scale + view.y}; }
  function toWorld(x, y) { return {x: (x - view.x) / view.scale, y: (y - view.y) / view.scale}; }

  function resize() {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(canvas.clientWidth * ratio);
    canvas.height = Math.round(canvas.clientHeight * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    requestFrame();
  }

  // ---------------------------------------------------------------- drawing
  function hue(text) {
    let hash = 0;
    for (const character of text) hash = (hash * 31 + character.codePointAt(0)) % 360;
    return hash;
  }

  function shortName(node) {
    const last = node.name.split(".").pop();
    return last || node.name;
  }

  function drawArrow(from, to, dashed) {
    const dx = to.x - from.x, dy = to.y - from.y, length = Math.hypot(dx, dy) || 1;
    const ux = dx / length, uy = dy / length;
    const tip = {x: to.x - ux * BOX_RADIUS, y: to.y - uy * BOX_RADIUS};
    context.setLineDash(dashed ? [4, 4] : []);
    context.beginPath(); context.moveTo(from.x, from.y); context.lineTo(tip.x, tip.y); context.stroke();
    context.setLineDash([]);
    context.beginPath();
    context.moveTo(tip.x, tip.y);
    context.lineTo(tip.x - ux * 8 - uy * 4, tip.y - uy * 8 + ux * 4);
    context.lineTo(tip.x - ux * 8 + uy * 4, tip.y - uy * 8 - ux * 4);
    context.closePath(); context.fill();
  }

  function drawLinks() {
    context.lineWidth = 1.4;
    for (const link of model.links.values()) {
      const a = bodies.get(boxKey(...link.from)), b = bodies.get(boxKey(...link.to));
      if (!a || !b) continue;
      context.strokeStyle = context.fillStyle = link.passthrough ? "#9a9a9a" : "#3b5068";
      drawArrow(toScreen(a), toScreen(b), link.passthrough !== 0);
    }
  }

  function drawBox(body) {
    const owner = bodies.get(componentKey(body.id));
    const at = toScreen(body);
    if (owner) {
      const centre = toScreen(owner);
      context.strokeStyle = "#bbb"; context.lineWidth = 1;
      context.beginPath(); context.moveTo(centre.x, centre.y); context.lineTo(at.x, at.y); context.stroke();
    }
    context.fillStyle = body.kind === "inbox" ? "#3d85c6" : "#e69138";
    context.beginPath(); context.arc(at.x, at.y, BOX_RADIUS, 0, 2 * Math.PI); context.fill();
    const key = boxKey(body.id, body.kind === "inbox" ? "i" : "o", body.box);
    const waiting = model.queues.get(key), rate = model.rates.get(key);
    // Box names crowd a large graph: shown when zoomed in, or for the selected component.
    const named = view.scale >= NAMES_FROM_SCALE || body.id === topology.selected;
    const label = (named ? body.box : "") + (rate ? ` ${rate}/s` : "");
    context.font = "10px system-ui, sans-serif";
    context.fillStyle = "#555";
    if (label) context.fillText(label.trim(), at.x + 7, at.y - 4);
    if (waiting) {
      context.fillStyle = "#c0392b"; context.font = "bold 11px system-ui, sans-serif";
      context.fillText(String(waiting), at.x + 7, at.y + 9);
    }
  }

  function drawComponent(body) {
    const node = model.nodes.get(body.id);
    if (!node) return;
    const at = toScreen(body);
    context.fillStyle = `hsl(${hue(node.class)}, 55%, 62%)`;
    context.strokeStyle = body.id === topology.selected ? "#111" : "#ffffff";
    context.lineWidth = body.id === topology.selected ? 3 : 1.5;
    context.beginPath(); context.arc(at.x, at.y, COMPONENT_RADIUS, 0, 2 * Math.PI);
    context.fill(); context.stroke();
    context.font = "12px system-ui, sans-serif";
    context.fillStyle = "#222";
    context.textAlign = "center";
    context.fillText(shortName(node), at.x, at.y + COMPONENT_RADIUS + 13);
    const runs = model.runs.get(body.id);
    if (runs) {
      context.font = "10px system-ui, sans-serif";
      context.fillStyle = "#777";
      context.fillText(`${runs} runs/s`, at.x, at.y + COMPONENT_RADIUS + 25);
    }
    context.textAlign = "start";
  }

  function draw() {
    if (!dragging) fitView();
    const width = canvas.clientWidth, height = canvas.clientHeight;
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, width, height);
    drawLinks();
    for (const body of bodies.values()) if (body.kind !== "component") drawBox(body);
    for (const body of bodies.values()) if (body.kind === "component") drawComponent(body);
  }

  // ------------------------------------------------------ pointer and panel
  let dragging = null, pressedAt = null;

  function bodyAt(x, y) {
    let best = null, bestDistance = Infinity;
    for (const body of bodies.values()) {
      const at = toScreen(body);
      const reach = body.kind === "component" ? COMPONENT_RADIUS + 3 : BOX_RADIUS + 3;
      const distance = Math.hypot(at.x - x, at.y - y);
      if (distance <= reach && distance < bestDistance) { best = body; bestDistance = distance; }
    }
    return best;
  }

  function pointerPosition(event) {
    const rect = canvas.getBoundingClientRect();
    return {x: event.clientX - rect.left, y: event.clientY - rect.top};
  }

  canvas.addEventListener("pointerdown", (event) => {
    const at = pointerPosition(event);
    const body = bodyAt(at.x, at.y);
    pressedAt = at;
    if (!body) return;
    dragging = body.kind === "component" ? body : bodies.get(componentKey(body.id)) || body;
    dragging.held = true;
    canvas.setPointerCapture(event.pointerId);
    canvas.classList.add("dragging");
    reheat(REHEAT_DRAG);
  });

  canvas.addEventListener("pointermove", (event) => {
    if (!dragging) return;
    const at = pointerPosition(event), world = toWorld(at.x, at.y);
    dragging.x = world.x; dragging.y = world.y;
    requestFrame();
  });

  canvas.addEventListener("pointerup", (event) => {
    const at = pointerPosition(event);
    const moved = pressedAt ? Math.hypot(at.x - pressedAt.x, at.y - pressedAt.y) : 0;
    if (moved < 4) {
      const body = bodyAt(at.x, at.y);
      select(body ? body.id : null);
    }
    if (dragging) { dragging.held = false; dragging = null; }
    canvas.classList.remove("dragging");
    pressedAt = null;
    requestFrame();
  });

  function select(id) {
    topology.selected = id == null ? null : String(id);
    showDetails();
    requestFrame();
  }

  function boxItem(id, kind, box, description) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "box"; name.textContent = box;
    item.appendChild(name);
    const waiting = model.queues.get(boxKey(id, kind, box)) || 0;
    const queue = document.createElement("span");
    queue.className = waiting ? "queue" : "";
    queue.textContent = ` — ${waiting} waiting`;
    item.appendChild(queue);
    if (model.measured && kind === "i") {
      const rate = document.createElement("span");
      rate.textContent = `, ${model.rates.get(boxKey(id, kind, box)) || 0} taken/s`;
      item.appendChild(rate);
    }
    if (description) {
      const text = document.createElement("span");
      text.className = "describe"; text.textContent = `: ${description}`;
      item.appendChild(text);
    }
    return item;
  }

  function fillBoxes(list, node, kind) {
    const info = model.classes.get(node.class) || {inboxes: {}, outboxes: {}};
    const descriptions = kind === "i" ? info.inboxes : info.outboxes;
    list.replaceChildren(...(kind === "i" ? node.inboxes : node.outboxes).map(
      (box) => boxItem(node.id, kind, box, descriptions[box])));
  }

  let shownNode = null;     // the selected node as last shown (kept once it has ended)

  function showDetails() {
    const panel = document.getElementById("details");
    if (topology.selected == null) { panel.hidden = true; shownNode = null; return; }
    const node = model.nodes.get(topology.selected) || (shownNode && shownNode.id === topology.selected ? shownNode : null);
    if (!node) { panel.hidden = true; return; }
    shownNode = node;
    panel.hidden = false;
    const parent = node.parent == null ? null : model.nodes.get(String(node.parent));
    document.getElementById("details-name").textContent = node.name;
    document.getElementById("details-class").textContent = `class ${node.class}`;
    document.getElementById("details-runs").textContent = model.measured
      ? `runs ${model.runs.get(node.id) || 0} times a second` : "(rates are not measured)";
    document.getElementById("details-parent").textContent =
      parent ? `inside ${parent.name}` : "at the top (no parent)";
    document.getElementById("details-ended").hidden = model.nodes.has(node.id);
    fillBoxes(document.getElementById("details-inboxes"), node, "i");
    fillBoxes(document.getElementById("details-outboxes"), node, "o");
    const info = model.classes.get(node.class);
    document.getElementById("details-doc").textContent = (info && info.doc) || "(no docstring)";
  }

  document.getElementById("details-close").addEventListener("click", () => select(null));

  function showCounts() {
    let waiting = 0;
    for (const length of model.queues.values()) waiting += length;
    counts.textContent = `${model.nodes.size} components, ${model.links.size} links, ` +
      `${waiting} messages waiting` + (model.measured ? "" : " (rates off: queue lengths only)");
  }

  // ----------------------------------------------------------- the socket
  let delay = RECONNECT_FIRST;

  function showStatus(text, state) {
    statusLine.textContent = text;
    statusLine.className = state;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + WEBSOCKET_PATH);
    socket.onopen = () => {
      delay = RECONNECT_FIRST;
      topology.connected = true;
      showStatus("Connected", "connected");
    };
    socket.onmessage = (event) => {
      let message;
      try { message = JSON.parse(event.data); }
      catch (error) { console.warn("topology: not JSON", error); return; }
      apply(message);
    };
    socket.onclose = () => {
      topology.connected = false;
      showStatus(`Disconnected — reconnecting in ${delay / 1000} s`, "disconnected");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, RECONNECT_MOST);
    };
  }

  // -------------------------------------------------------------- helpers
  const topology = {
    model, connected: false, messages: 0, frames: 0, settled: false, selected: null,
    /** The names of the components shown, sorted. */
    names() { return [...model.nodes.values()].map((node) => node.name).sort(); },
    /** The links shown, each "id:kind:box->id:kind:box", sorted. */
    linkList() {
      return [...model.links.values()].map(
        (link) => `${link.from.join(":")}->${link.to.join(":")}`).sort();
    },
    /** Where a component is drawn, in the page's CSS pixels (or null). */
    pagePosition(id) {
      const body = bodies.get(componentKey(String(id)));
      if (!body) return null;
      const rect = canvas.getBoundingClientRect(), at = toScreen(body);
      return {x: rect.left + at.x, y: rect.top + at.y};
    },
    /** The id of the component called `name` (or null). */
    idOf(name) {
      for (const node of model.nodes.values()) if (node.name === name) return node.id;
      return null;
    },
    select,
  };
  window.topology = topology;

  // (The canvas changes size with the window and when the details panel opens.)
  new ResizeObserver(resize).observe(canvas);
  resize();
  connect();
})();

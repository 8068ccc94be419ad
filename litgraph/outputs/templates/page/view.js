/* The graph view: vis-network draws the nodes and handles pan, zoom and drag; this class keeps
   the picture (which nodes, where), draws edges and labels on vis's canvas, answers the mouse
   and wires the panel, the legend, the search and the buttons.

   For scripts and host pages: root.litgraph is this view; .network is the vis.Network, .nodes
   its DataSet of the nodes in the picture (ids are node indices), .model.nodes[i] each node
   (.key its id in the graph, .attrs its attributes), .model.edges[i] each edge, .shown the
   picture (.inView[i]), and grow(), addNext(), showAll(), firstPicture(), openNode(i) act. */

const ADD_STEP = 50; // nodes added by "Add 50"
const TRIAL_PIXELS = 18; // the least radius a trial is drawn with on screen
const FIT_ZOOM = { min: 0.05, max: 1.6 };

window.litgraphMount = function (root) {
  // the first picture's data, drawn while the browser still reads the whole graph's
  const first = JSON.parse(root.querySelector(".lg-first").textContent);
  root.litgraph = new GraphView(root, first); // a handle for host pages and tests
  return root.litgraph;
};

window.litgraphComplete = function (root) {
  root.litgraph.complete(JSON.parse(root.querySelector(".lg-data").textContent));
};

class GraphView {
  constructor(root, first) {
    this.root = root;
    this.meta = first.meta;
    this.registry = this.meta.registry;
    this.spacing = this.meta.spacing;
    this.model = buildModel(this.meta, first);
    this.anchorCount = this.model.anchors.length;
    this.ui = this.findParts();
    this.looks = new Looks(this.registry, this.model, this.meta.communities);
    this.shown = new Shown(this.model, this.meta, first.indices);
    this.labels = new Labels(this);
    this.panel = new Panel(this);
    this.controls = new Controls(this);
    this.search = new Search(this);
    this.hiddenTypes = new Set();
    this.onlyNew = false; // "only what is new": the papers a rebuild marked new_since
    this.hiddenKinds = new Set();
    this.yearRange = [-Infinity, Infinity];
    this.layoutMode = "force";
    this.sizeBy = "graph";
    this.yearAxis = null;
    this.focus = null; // {nodes: Set, edges: Set} drawn above a veil
    this.current = null; // what the panel shows: {node: i} or {edge: i}
    this.history = [];
    this.tipTarget = null;
    this.readyAt = null; // when the first picture was drawn
    this.completeAt = null; // when the whole graph had come
    this.moving = false;
    this.drawn = new Uint8Array(this.model.nodes.length);
    this.drawnList = [];
    this.edgeBatches = edgeGroups(this);
    this.nodes = new vis.DataSet();
    this.network = new vis.Network(this.ui.canvas, { nodes: this.nodes, edges: new vis.DataSet() }, this.options());
    this.drawDotsWhenLarge();
    this.sync();
    this.wireCanvas();
    this.wireButtons();
    this.controls.wire();
    this.search.wire();
    this.waitForTheWhole(true);
    this.fit();
    this.markReady();
  }

  complete(data) {
    // the whole graph has come: every node and edge, the ranking and the whole layout
    this.keepDragged();
    const model = buildModel(this.meta, data);
    this.model = model;
    this.looks.model = model;
    this.looks.groups = null;
    this.shown.model = model;
    this.shown.order = data.order;
    this.shown.full = data.positions;
    this.search.keys = null;
    this.byKey = null;
    this.anchorCount = model.anchors.length;
    this.edgeBatches = edgeGroups(this);
    this.controls.drawHistogram();
    this.refresh();
    if (this.sizeBy !== "graph") this.controls.setSize(this.sizeBy);
    if (this.current && this.current.node !== undefined) this.panel.node(model.nodes[this.current.node]);
    this.completeAt = performance.now();
    this.waitForTheWhole(false);
    this.markState();
  }

  waitForTheWhole(waiting) {
    // growing, searching and showing all need the whole graph
    for (const control of [this.ui.more, this.ui.all, this.ui.authors, this.ui.search]) {
      if (control) control.disabled = waiting;
    }
  }

  markState() {
    // "drawn" once the first picture is; "ready" once the whole graph has come too
    if (this.readyAt !== null) this.root.dataset.state = this.completeAt !== null ? "ready" : "drawn";
  }

  findParts() {
    const q = (selector) => this.root.querySelector(selector);
    return {
      app: q(".lg-app"), canvas: q(".lg-canvas"), stage: q(".lg-stage"), tip: q(".lg-tip"), panel: q(".lg-panel"),
      panelBody: q(".lg-panel-body"), back: q(".lg-back"), search: q(".lg-search"), results: q(".lg-results"),
      showing: q(".lg-showing"), histogram: q(".lg-histogram"), yearFrom: q(".lg-year-from"), yearTo: q(".lg-year-to"),
      gradient: q(".lg-gradient"), communities: q(".lg-communities"), sideToggle: q(".lg-side-toggle"),
      all: q('[data-action="all"]'), more: q('[data-action="more"]'), authors: q('[data-action="authors"]'),
    };
  }

  options() {
    return {
      autoResize: true,
      layout: { improvedLayout: false },
      physics: { enabled: false }, // positions come from Python (and from growing the picture here)
      nodes: { borderWidthSelected: 4, font: { size: 0 } },
      edges: { smooth: false },
      interaction: { hover: false, keyboard: false, multiselect: false, selectConnectedEdges: false, zoomSpeed: 0.8 },
    };
  }

  /* ----- the picture ----- */

  refresh() {
    this.sync();
    this.network.redraw();
  }

  sync() {
    // Which nodes are drawn (in the picture and through the filters), then vis, counts and labels.
    const adds = [];
    const updates = [];
    const removes = [];
    const list = [];
    for (const node of this.model.nodes) {
      const i = node.index;
      const inView = this.shown.inView[i] === 1;
      const drawn = inView && this.controls.passes(node) ? 1 : 0;
      const known = this.nodes.get(i) !== null;
      if (inView && !known) adds.push({ ...this.looks.visNode(node, this.shown.x[i], this.shown.y[i]), hidden: !drawn });
      else if (!inView && known) removes.push(i);
      else if (known && drawn !== this.drawn[i]) updates.push({ id: i, hidden: !drawn });
      this.drawn[i] = drawn;
      if (drawn) list.push(i);
    }
    this.drawnList = list;
    if (removes.length) this.nodes.remove(removes);
    if (adds.length) this.nodes.add(adds);
    if (updates.length) this.nodes.update(updates);
    if (this.current && this.current.node !== undefined && this.drawn[this.current.node]) {
      const { nodes, edges } = this.neighbourhood(this.current.node);
      this.setFocus(nodes, edges);
    } else if (this.current && this.current.node !== undefined) {
      this.clearFocus();
    }
    this.showCounts();
    this.labels.dirty = true;
  }

  placeAll() {
    // move every node in the picture to its place in `shown` (after a layout change)
    const updates = [];
    this.shown.inView.forEach((inView, i) => {
      if (inView && this.nodes.get(i) !== null) updates.push({ id: i, x: this.shown.x[i], y: this.shown.y[i] });
    });
    this.nodes.update(updates);
    this.labels.dirty = true;
  }

  keepDragged() {
    // what vis moved (a dragged node) is where the picture has it
    for (const [id, at] of Object.entries(this.network.getPositions())) {
      this.shown.x[id] = at.x;
      this.shown.y[id] = at.y;
    }
  }

  repaint() {
    this.nodes.update(this.model.nodes.filter((node) => this.shown.inView[node.index])
      .map((node) => ({ id: node.index, color: colourOption(this.looks.nodePaint(node)) })));
    this.labels.dirty = true;
    this.network.redraw();
  }

  showCounts() {
    const counts = this.shown.counts(this.drawn, this.meta.typeCounts);
    const partial = counts.filter((entry) => entry.shown < entry.total);
    this.ui.showing.textContent = partial.length ? "showing " + partial.map((entry) => count(entry.shown) + " of "
      + plural(entry.total, this.typeWord(entry.type, false), this.typeWord(entry.type, true))).join(", ") : "";
    for (const entry of counts) {
      const cell = this.root.querySelector('.lg-num[data-count="' + CSS.escape(entry.type) + '"]');
      if (cell) cell.textContent = entry.shown < entry.total ? count(entry.shown) + " of " + count(entry.total) : count(entry.total);
    }
    const whole = this.shown.isFocusWhole();
    if (this.ui.all) {
      this.ui.all.hidden = whole;
      this.ui.all.textContent = this.shown.all ? "First picture" : "Show all " + count(this.model.nodes.length);
    }
    if (this.ui.more) this.ui.more.hidden = whole || this.shown.all;
    if (this.ui.authors) this.ui.authors.hidden = !this.hiddenAuthorsOfShownPapers().length;
  }

  typeWord(type, many) {
    const style = own(this.registry.nodes, type);
    return (style ? (many ? style.plural : style.label) : type).toLowerCase();
  }

  grow(anchor, indices) {
    // bring `indices` into the picture beside what they link to (the anchor first)
    const byYear = this.layoutMode === "year";
    this.keepDragged();
    if (byYear) this.controls.restoreForceLayout();
    const added = this.shown.reveal(indices, anchor);
    if (byYear) this.controls.arrangeByYear();
    if (byYear) this.placeAll();
    this.refresh();
    if (added.length) this.bringIntoView([anchor, ...added].filter((i) => i !== undefined && i !== null));
    if (this.current && this.current.node !== undefined) this.panel.node(this.model.nodes[this.current.node]);
    return added;
  }

  addNext(amount = ADD_STEP) {
    return this.grow(null, this.shown.nextByRank(amount));
  }

  showAll() {
    this.keepDragged();
    this.controls.restoreForceLayout();
    this.shown.showAll();
    this.afterPictureChange();
  }

  firstPicture() {
    this.controls.restoreForceLayout();
    this.shown.reset();
    this.nodes.clear();
    this.afterPictureChange();
  }

  afterPictureChange() {
    if (this.layoutMode === "year") this.controls.arrangeByYear();
    this.refresh();
    this.placeAll();
    this.fit();
  }

  hiddenAuthorsOfShownPapers() {
    const hidden = new Set();
    for (const edge of this.model.edgeList) {
      if (edge.kind === "authored" && this.shown.inView[edge.to] && !this.shown.inView[edge.from]) hidden.add(edge.from);
    }
    return [...hidden];
  }

  bringIntoView(indices) {
    const sight = this.viewport();
    const outside = indices.some((i) => !within(sight, this.shown.x[i], this.shown.y[i]));
    if (outside) this.network.fit({ nodes: indices, animation: false, minZoomLevel: FIT_ZOOM.min, maxZoomLevel: 1.2 });
    this.labels.dirty = true;
  }

  fit() {
    this.network.fit({ animation: false, minZoomLevel: FIT_ZOOM.min, maxZoomLevel: FIT_ZOOM.max });
    this.keepTrialsLarge();
    this.labels.dirty = true;
  }

  keepTrialsLarge() {
    // the trial stays unmistakable however far the picture is zoomed out
    const scale = this.network.getScale();
    const updates = [];
    for (const node of this.model.nodes) {
      if (node.type !== "trial" || !this.shown.inView[node.index]) continue;
      const size = Math.max(node.radius, TRIAL_PIXELS / scale);
      if (this.nodes.get(node.index) && this.nodes.get(node.index).size !== size) updates.push({ id: node.index, size });
    }
    if (updates.length) this.nodes.update(updates);
  }

  isLarge() {
    return this.drawnList.length > LARGE_PICTURE;
  }

  indexOfKey(key) {
    // the node with this id in the graph, or undefined
    if (!this.byKey) this.byKey = new Map(this.model.nodes.map((node) => [node.key, node.index]));
    return this.byKey.get(key);
  }

  radiusOf(index) {
    // as drawn: a trial may be drawn larger than its size (keepTrialsLarge)
    const drawn = this.network.body.nodes[index];
    return drawn ? drawn.options.size : this.model.nodes[index].radius;
  }

  drawnNodes() {
    return this.drawnList;
  }

  drawnCount() {
    return this.drawnList.length;
  }

  /* ----- what the drawing asks ----- */

  screen() {
    const view = this.network.body.view;
    const scale = view.scale;
    const tx = view.translation.x;
    const ty = view.translation.y;
    const body = this.network.body.nodes;
    const shown = this.shown;
    return {
      scale,
      width: this.ui.canvas.clientWidth,
      height: this.ui.canvas.clientHeight,
      toScreen: (i) => {
        const drawn = body[i];
        const x = drawn ? drawn.x : shown.x[i];
        const y = drawn ? drawn.y : shown.y[i];
        return { x: x * scale + tx, y: y * scale + ty };
      },
    };
  }

  viewport() {
    const canvas = this.ui.canvas;
    const topLeft = this.network.DOMtoCanvas({ x: 0, y: 0 });
    const bottomRight = this.network.DOMtoCanvas({ x: canvas.clientWidth, y: canvas.clientHeight });
    return { left: topLeft.x, top: topLeft.y, right: bottomRight.x, bottom: bottomRight.y };
  }

  webFading(scale, edges) {
    // zoomed out, tens of thousands of links would paint over every node: the more, the fainter
    return scale < OVERVIEW_SCALE ? Math.min(1, Math.sqrt(20000 / edges)) : 1;
  }

  listings(index) {
    // how the trials list a paper: "Background reference of NCT01741857"
    const found = [];
    for (const e of this.model.nodes[index].edges) {
      const edge = this.model.edges[e];
      if (edge.to !== index || !this.registry.referenceKinds.includes(edge.kind)) continue;
      const trial = this.model.nodes[edge.from];
      found.push(this.looks.edgeStyle(edge).incoming + " " + (str(trial.attrs.nct_id) || shortLabel(trial)));
    }
    return found;
  }

  words(index) {
    return own(this.meta.display || {}, String(index)) || {};
  }

  communityLabels() {
    // a caption for each coloured community with members drawn: its type and first two topics,
    // tried at the members' centre, then further out along the line from the picture's centre
    if (this.looks.colourBy !== "community") return [];
    const { toScreen, width, height } = this.screen();
    const middle = { x: width / 2, y: height / 2 };
    const labels = [];
    for (const group of this.looks.communityGroups().list) {
      if (group.colour === this.registry.communityRest) continue;
      let sx = 0;
      let sy = 0;
      let n = 0;
      for (const i of group.members) {
        if (!this.drawn[i]) continue;
        const p = toScreen(i);
        sx += p.x;
        sy += p.y;
        n += 1;
      }
      if (n < 3) continue;
      const centre = { x: sx / n, y: sy / n };
      const away = Math.hypot(centre.x - middle.x, centre.y - middle.y) || 1;
      const places = [0, 1, 2, 3, 4, 5, 6, 8, 10].map((step) => ({
        x: centre.x + ((centre.x - middle.x) / away) * step * 24, y: centre.y + ((centre.y - middle.y) / away) * step * 24 }));
      const topics = group.topics.slice(0, 2).map((topic) => shorten(topic, 26)).join(" · ") || group.name;
      labels.push({ text: group.typeName + ": " + topics, places, colour: group.colour, group });
    }
    return labels;
  }

  /* ----- drawing hooks ----- */

  drawDotsWhenLarge() {
    // Zoomed out, every node of a large picture is a dot of a pixel or two, yet vis draws each with
    // its own save/fill/stroke/restore: 0.3-0.5 s a frame at 20,000 nodes. Below OVERVIEW_SCALE batched
    // dots replace that. This wraps a vis internal (CanvasRenderer._drawNodes of the pinned 9.1.2).
    const renderer = this.network.renderer;
    const drawNodes = renderer._drawNodes.bind(renderer);
    renderer._drawNodes = (ctx, alwaysShow) => {
      if (!this.isLarge() || (this.network.getScale() >= OVERVIEW_SCALE && !this.moving)) return drawNodes(ctx, alwaysShow);
      drawDots(this, ctx);
      return { drawExternalLabels: null };
    };
  }

  onBeforeDrawing(ctx) {
    if (this.looks.colourBy === "community") drawHulls(this, ctx);
    drawYearAxis(this, ctx);
    if (!(this.moving && this.isLarge())) drawEdges(this, ctx, this.edgeBatches, null);
  }

  onAfterDrawing(ctx) {
    if (this.focus) drawVeil(this, ctx);
    this.labels.draw(ctx);
  }

  markReady() {
    this.network.on("beforeDrawing", (ctx) => this.onBeforeDrawing(ctx));
    this.network.on("afterDrawing", (ctx) => this.onAfterDrawing(ctx));
    this.network.once("afterDrawing", () => {
      this.readyAt = performance.now();
      this.markState();
    });
    this.network.redraw();
  }

  /* ----- canvas interaction: tooltips, clicks, highlight ----- */

  pick(point) {
    const node = nodeAt(this, point.x, point.y);
    if (node !== undefined) return { node };
    const edge = edgeAt(this, point.x, point.y);
    return edge !== undefined ? { edge } : {};
  }

  wireCanvas() {
    const network = this.network;
    network.on("click", (params) => {
      const hit = this.pick(params.pointer.DOM);
      if (hit.node !== undefined) this.openNode(hit.node);
      else if (hit.edge !== undefined) this.openEdge(hit.edge);
      else this.closePanel();
    });
    network.on("doubleClick", (params) => {
      const hit = this.pick(params.pointer.DOM);
      if (hit.node !== undefined) this.grow(hit.node, this.shown.hiddenNeighbours(hit.node));
    });
    network.on("dragStart", () => {
      this.moving = true;
      this.hideTip();
    });
    network.on("dragEnd", () => {
      this.moving = false;
      this.keepDragged();
      this.labels.dirty = true;
      network.redraw();
    });
    const settled = debounce(() => {
      this.moving = false;
      this.labels.dirty = true;
      network.redraw();
    }, 120);
    network.on("zoom", () => {
      this.hideTip();
      this.moving = this.isLarge();
      settled();
    });
    network.on("resize", () => { this.labels.dirty = true; });
    network.on("zoom", debounce(() => this.keepTrialsLarge(), 60));
    const stage = this.ui.stage;
    const probe = debounce((x, y) => this.showTipAt(x, y), 60);
    stage.addEventListener("pointermove", (event) => {
      if (event.buttons) return this.hideTip();
      const box = this.ui.canvas.getBoundingClientRect();
      const x = event.clientX - box.left;
      const y = event.clientY - box.top;
      if (this.tipTarget) this.placeTip(x, y);
      probe(x, y);
    });
    stage.addEventListener("pointerleave", () => {
      probe(-1e9, -1e9); // replaces a pending probe with one that finds nothing
      this.hideTip();
    });
  }

  showTipAt(x, y) {
    if (x < 0 || y < 0) return this.hideTip();
    const hit = this.pick({ x, y });
    const target = hit.node !== undefined ? "n" + hit.node : hit.edge !== undefined ? "e" + hit.edge : null;
    if (target === null) return this.hideTip();
    if (target !== this.tipTarget) {
      const content = hit.node !== undefined ? nodeTip(this, this.model.nodes[hit.node]) : edgeTip(this, this.model.edges[hit.edge]);
      this.ui.tip.replaceChildren(...content);
      this.tipTarget = target;
    }
    this.ui.tip.hidden = false;
    this.placeTip(x, y);
  }

  placeTip(x, y) {
    const tip = this.ui.tip;
    const width = this.ui.stage.clientWidth;
    const height = this.ui.stage.clientHeight;
    const left = x + 14 + tip.offsetWidth > width ? x - 14 - tip.offsetWidth : x + 14;
    const top = y + 14 + tip.offsetHeight > height ? y - 14 - tip.offsetHeight : y + 14;
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }

  hideTip() {
    this.ui.tip.hidden = true;
    this.tipTarget = null;
  }

  setFocus(nodes, edges) {
    this.focus = { nodes, edges };
    this.labels.dirty = true;
    this.network.redraw();
  }

  clearFocus() {
    this.focus = null;
    this.network.unselectAll();
    this.labels.dirty = true;
    this.network.redraw();
  }

  neighbourhood(index) {
    const nodes = new Set([index]);
    const edges = new Set();
    for (const e of this.model.nodes[index].edges) {
      const edge = this.model.edges[e];
      if (!this.drawn[edge.from] || !this.drawn[edge.to] || this.hiddenKinds.has(edge.kind)) continue;
      edges.add(e);
      nodes.add(edge.from);
      nodes.add(edge.to);
    }
    return { nodes, edges };
  }

  focusOn(index, scale) {
    // centred in the part of the canvas the panel leaves free
    const panel = this.ui.panel.hidden ? 0 : this.ui.panel.offsetWidth;
    this.network.focus(index, { scale: Math.max(this.network.getScale(), scale || 0.9), offset: { x: -panel / 2, y: 0 },
                                animation: false });
    this.labels.dirty = true;
  }

  keepClearOfPanel(index) {
    const panelLeft = this.ui.stage.clientWidth - this.ui.panel.offsetWidth;
    const at = this.network.canvasToDOM(this.network.getPosition(index));
    if (at.x < panelLeft - 40) return;
    const view = this.network.getViewPosition();
    const shift = (at.x - (panelLeft - 40) / 2) / this.network.getScale();
    this.network.moveTo({ position: { x: view.x + shift, y: view.y }, animation: false });
    this.labels.dirty = true;
  }

  /* ----- details panel ----- */

  remember() {
    if (this.current) this.history.push(this.current);
    this.ui.back.hidden = this.history.length === 0;
  }

  pathGoal() {
    // where a searched node's path leads: a trial, else a seed, else anything in the picture
    const shown = this.shown.inView;
    const nodes = this.model.nodes;
    if (nodes.some((node) => node.type === "trial")) return (i) => nodes[i].type === "trial";
    if (this.model.anchors.length) return (i) => isAnchor(nodes[i]);
    return (i) => shown[i] === 1;
  }

  openNode(index, { focus = false, fromHistory = false } = {}) {
    let path = [];
    if (!this.shown.inView[index]) {
      path = shortestPath(this.model, index, this.pathGoal());
      this.grow(path[path.length - 1], path.slice().reverse());
      focus = true;
    }
    if (this.current && this.current.node === index && !path.length) {
      if (focus) this.focusOn(index);
      return;
    }
    if (!fromHistory) this.remember();
    this.current = { node: index };
    const { nodes, edges } = this.neighbourhood(index);
    for (let k = 0; k + 1 < path.length; k += 1) {
      nodes.add(path[k + 1]);
      for (const e of this.model.nodes[path[k]].edges) {
        if (otherEnd(this.model.edges[e], path[k]) === path[k + 1]) edges.add(e);
      }
    }
    this.network.selectNodes(this.drawn[index] ? [index] : [], false);
    this.setFocus(nodes, edges);
    this.panel.node(this.model.nodes[index]);
    if (path.length > 1) this.bringIntoView(path);
    else if (focus && this.drawn[index]) this.focusOn(index);
    else if (this.drawn[index]) this.keepClearOfPanel(index);
  }

  openEdge(index, { fromHistory = false } = {}) {
    if (!fromHistory) this.remember();
    this.current = { edge: index };
    const edge = this.model.edges[index];
    this.network.unselectAll();
    this.setFocus(new Set([edge.from, edge.to]), new Set([index]));
    this.panel.edge(edge);
  }

  goBack() {
    const previous = this.history.pop();
    this.ui.back.hidden = this.history.length === 0;
    if (!previous) return;
    this.current = null;
    if (previous.edge !== undefined) this.openEdge(previous.edge, { fromHistory: true });
    else this.openNode(previous.node, { fromHistory: true, focus: true });
  }

  closePanel() {
    this.panel.hide();
    this.current = null;
    this.history = [];
    this.ui.back.hidden = true;
    this.clearFocus();
  }

  /* ----- header buttons and keys ----- */

  wireButtons() {
    const actions = {
      fit: () => this.fit(),
      png: () => this.savePng(),
      side: () => this.toggleSide(),
      close: () => this.closePanel(),
      back: () => this.goBack(),
      more: () => this.addNext(),
      all: () => (this.shown.all ? this.firstPicture() : this.showAll()),
      authors: () => this.grow(null, this.hiddenAuthorsOfShownPapers()),
    };
    this.root.querySelectorAll("[data-action]").forEach((control) => control.addEventListener("click", () => {
      actions[control.dataset.action]();
    }));
    const keys = this.root.classList.contains("lg-full") ? document : this.root;
    keys.addEventListener("keydown", (event) => this.onKey(event));
  }

  onKey(event) {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (event.key === "/" && !typing) {
      event.preventDefault();
      this.ui.search.focus();
    } else if (event.key === "Escape" && !typing) {
      this.closePanel();
    }
  }

  toggleSide() {
    const open = this.ui.app.classList.toggle("lg-side-open");
    this.ui.sideToggle.setAttribute("aria-expanded", String(open));
  }

  savePng() {
    const source = this.ui.canvas.querySelector("canvas");
    const image = document.createElement("canvas");
    image.width = source.width;
    image.height = source.height;
    const ctx = image.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, image.width, image.height);
    ctx.drawImage(source, 0, 0);
    image.toBlob((blob) => {
      const anchor = document.createElement("a");
      anchor.href = URL.createObjectURL(blob);
      anchor.download = "litgraph-" + (this.meta.name.replace(/[^a-z0-9-]+/gi, "") || "graph") + ".png";
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(anchor.href), 1000);
    });
  }
}

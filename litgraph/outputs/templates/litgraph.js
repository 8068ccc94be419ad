/* litgraph graph view: draws the graph embedded next to this script with vis-network and wires
   the legend filters, search, tooltips and the details panel.

   Safety rule for this file: text from records is only ever put into the page with textContent
   (or drawn on the canvas); links are built from validated identifiers and set only when the
   resulting URL is https. No innerHTML, no string-built markup. */
(function () {
  "use strict";
  if (window.litgraphMount) return;

  const FONT_FACE = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  const NO_YEAR_COLOUR = "#cbd5e1";
  const LIST_LIMIT = 40; // panel rows shown before a "show all" button
  const FIELD_LIMIT = 12; // tags and names shown in a panel field before a "+N more" button
  const SEARCH_LIMIT = 12;
  const LABEL_SCALE = 0.45; // below this zoom vis would not draw 12px labels anyway
  const LABEL_BATCH = 1500;
  const ARROW_LIMIT = 4000; // batched arrowheads drawn per kind and frame when zoomed in
  const OVERVIEW_SCALE = 0.3; // below this zoom large graphs draw nodes as batched dots
  const RELATIONS = {
    background: ["Background references", "Background reference of"],
    result: ["Result references", "Result reference of"],
    derived: ["Derived references", "Derived reference of"],
    cites: ["Cites", "Cited by"],
    similar: ["Similar articles", "Similar articles"],
    authored: ["Wrote", "Authors"],
    coauthor: ["Co-authors", "Co-authors"],
    cocited: ["Co-cited with", "Co-cited with"],
    coupled: ["Shares references with", "Shares references with"],
    cooccurs: ["Indexed together with", "Indexed together with"],
    investigator: ["Investigators", "Investigator of"],
  };
  // what a link's `weight` counts, per weighted kind
  const WEIGHT_NOTES = {
    coauthor: (w) => plural(w, "paper") + " together",
    cocited: (w) => "cited together by " + plural(w, "paper"),
    coupled: (w) => plural(w, "shared reference"),
    cooccurs: (w) => plural(w, "paper") + " with both",
  };
  const EDGE_ENDS = new Set(["source", "target", "key", "kind", "sources"]); // not shown as extra fields
  const SHOWN_ELSEWHERE = new Set(["type", "label", "title", "name", "authors", "journal", "year", "pmid", "doi",
    "pmcid", "publication_types", "mesh", "retracted", "seed", "depth", "fetched", "citation", "nct_id", "status",
    "phase", "conditions", "interventions", "sponsor", "start_date", "completion_date", "enrollment", "officials",
    "official_title", "orcid", "affiliations", "papers", "variants", "id", "cited_by", "pagerank", "betweenness",
    "community"]);

  // Identifier -> https URL, or null when the value does not look like that identifier.
  const LINKS = {
    pmid: (v) => (/^\d{1,9}$/.test(v) ? "https://pubmed.ncbi.nlm.nih.gov/" + v + "/" : null),
    doi: (v) => (/^10\.\d{3,9}\/\S+$/.test(v) ? "https://doi.org/" + encodeURI(v).replace(/[?#]/g, encodeURIComponent) : null),
    pmcid: (v) => (/^PMC\d{1,12}$/i.test(v) ? "https://pmc.ncbi.nlm.nih.gov/articles/" + v.toUpperCase() + "/" : null),
    nct: (v) => (/^NCT\d{8}$/i.test(v) ? "https://clinicaltrials.gov/study/" + v.toUpperCase() : null),
    orcid: (v) => {
      const match = /(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$/i.exec(v);
      return match ? "https://orcid.org/" + match[1].toUpperCase() : null;
    },
  };

  window.litgraphMount = function (root) {
    const data = JSON.parse(root.querySelector(".lg-data").textContent);
    root.litgraph = new GraphView(root, data); // a handle for host pages and tests
    return root.litgraph;
  };

  /* ---------- small helpers ---------- */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function httpsOnly(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "https:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  function externalLink(url, text) {
    const href = url && httpsOnly(url);
    if (!href) return el("span", null, text);
    const anchor = el("a", "lg-link", text);
    anchor.href = href;
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
    return anchor;
  }

  function own(table, key) {
    // record text as a key must never reach Object.prototype ("constructor", "__proto__")
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  }

  function str(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function list(value) {
    if (Array.isArray(value)) return value.map(str).filter(Boolean);
    return str(value) ? [str(value)] : [];
  }

  function shorten(text, length) {
    return text.length > length ? text.slice(0, length - 1) + "…" : text;
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function isYear(value) {
    return Number.isInteger(value) && value > 1000 && value < 3000;
  }

  function channels(hex) {
    return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  }

  function mix(hex, amount) {
    // lighten a #rrggbb colour towards white by `amount` (0..1), as styles.py's `lighter` does
    return "rgb(" + channels(hex).map((c) => Math.round(c + (255 - c) * amount)).join(",") + ")";
  }

  function paletteColour(palette, t) {
    // `palette`: [r, g, b] stops; t in 0..1 picks a colour between them
    const scaled = Math.min(Math.max(t, 0), 1) * (palette.length - 1);
    const low = Math.floor(scaled);
    const high = Math.min(low + 1, palette.length - 1);
    const f = scaled - low;
    const rgb = palette[low].map((c, i) => Math.round(c + (palette[high][i] - c) * f));
    return "#" + rgb.map((c) => c.toString(16).padStart(2, "0")).join("");
  }

  function jitter(index) {
    // deterministic value in [-0.5, 0.5) so a year row is a band rather than a line
    return (Math.imul(index + 1, 2654435761) >>> 0) / 4294967296 - 0.5;
  }

  function debounce(fn, ms) {
    let timer = 0;
    const delayed = (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
    delayed.cancel = () => clearTimeout(timer);
    return delayed;
  }

  /* ---------- the data ---------- */

  function idKey(id) {
    // node-link ids are any JSON value; text ids stand for themselves, others by their JSON
    return typeof id === "string" ? id : "\u0000" + JSON.stringify(id);
  }

  function buildModel(data) {
    const index = new Map();
    const nodes = data.nodes.map((attrs, i) => {
      const type = str(attrs.type) || "other"; // as the legend (html.py) names it
      const year = type === "paper" && isYear(attrs.year) ? attrs.year : null;
      index.set(idKey(attrs.id), i);
      return { index: i, key: typeof attrs.id === "string" ? attrs.id : JSON.stringify(attrs.id), attrs, type, year,
               layoutYear: year ?? trialYear(attrs, type), edges: [], cited: 0, citing: 0 };
    });
    const edges = data.edges.map((attrs, i) => ({
      index: i, from: index.get(idKey(attrs.source)), to: index.get(idKey(attrs.target)),
      kind: str(attrs.kind || attrs.key) || "link", // as html.py counts them
      sources: list(attrs.sources), attrs,
    }));
    for (const edge of edges) {
      nodes[edge.from].edges.push(edge.index);
      if (edge.to !== edge.from) nodes[edge.to].edges.push(edge.index);
      if (edge.kind === "cites") {
        nodes[edge.to].cited += 1;
        nodes[edge.from].citing += 1;
      }
    }
    for (const node of nodes) node.prominence = node.cited;
    if (!edges.some((edge) => edge.kind === "cites")) {
      // no citations drawn here (co-citation, coupling graphs): size by citations in the whole build,
      // relative to this graph's most cited, or a graph of highly cited papers would be all large
      const citedBy = (node) => (Number.isInteger(node.attrs.cited_by) ? node.attrs.cited_by : 0);
      const most = nodes.reduce((high, node) => Math.max(high, citedBy(node)), 1);
      for (const node of nodes) node.prominence = 100 * (citedBy(node) / most) ** 2;
    }
    let firstYear = Infinity;
    let lastYear = -Infinity;
    for (const node of nodes) {
      if (node.year === null) continue;
      firstYear = Math.min(firstYear, node.year);
      lastYear = Math.max(lastYear, node.year);
    }
    return { nodes, edges, firstYear, lastYear };
  }

  function trialYear(attrs, type) {
    if (type !== "trial") return null;
    const match = /\b(\d{4})\b/.exec(str(attrs.start_date));
    return match && isYear(Number(match[1])) ? Number(match[1]) : null;
  }

  function extras(edge) {
    return Object.entries(edge.attrs).filter(([name]) => !EDGE_ENDS.has(name));
  }

  function weightOf(edge) {
    const weight = Number(edge.attrs.weight);
    return Number.isFinite(weight) ? weight : 1;
  }

  function mainTitle(node) {
    const a = node.attrs;
    return str(a.title) || str(a.name) || str(a.citation) || str(a.label) || node.key;
  }

  function listName(node) {
    // how a node reads in a list of links: trials by number and title
    if (node.type === "trial" && node.attrs.nct_id) return str(node.attrs.nct_id) + " · " + mainTitle(node);
    return mainTitle(node);
  }

  function shortLabel(node) {
    return str(node.attrs.label) || str(node.attrs.name) || node.key;
  }

  /* ---------- the view ---------- */

  class GraphView {
    constructor(root, data) {
      this.root = root;
      this.meta = data.meta;
      this.styles = data.meta.styles;
      this.yearPalette = this.styles.yearPalette.map(channels);
      this.drawOrder = this.styles.drawOrder;
      this.positions = data.positions;
      this.model = buildModel(data);
      this.ui = this.findParts();
      this.colourBy = "type";
      this.communities = null; // computed when first coloured by community
      this.hiddenTypes = new Set();
      this.hiddenKinds = new Set();
      this.yearRange = [-Infinity, Infinity];
      this.nodeShown = this.model.nodes.map(() => true);
      this.edgeShown = this.model.edges.map(() => true);
      this.focus = null; // {nodes: Set, edges: Set} drawn above a veil
      this.current = null; // what the panel shows: {node: i} or {edge: i}
      this.history = [];
      this.yearAxis = null;
      this.forcePositions = null;
      this.searchKeys = null;
      this.tipTarget = null;
      this.readyAt = null;
      this.dragging = false;

      this.large = this.meta.static;
      this.simulated = !this.large && this.model.nodes.length > 0; // laid out by vis physics
      this.bulk = this.bulkEdgesByKind();
      this.labelled = this.model.nodes.map((node) => !this.large || this.isProminent(node));
      this.baseLook = this.typicalLook();
      this.baseJson = jsonOfEach(this.baseLook);
      this.nodes = new vis.DataSet(this.model.nodes.map((node) => this.visNode(node)));
      this.edges = new vis.DataSet(this.edgesInDrawOrder().filter((edge) => !this.isBulk(edge))
        .map((edge) => this.visEdge(edge)));
      this.network = new vis.Network(this.ui.canvas, { nodes: this.nodes, edges: this.edges }, this.options());
      if (this.large) this.drawOverviewFast();
      this.watchLayout();
      this.wireCanvas();
      this.wireControls();
      this.drawHistogram();
    }

    findParts() {
      const q = (selector) => this.root.querySelector(selector);
      return {
        app: q(".lg-app"), canvas: q(".lg-canvas"), stage: q(".lg-stage"), tip: q(".lg-tip"), busy: q(".lg-busy"),
        busyText: q(".lg-busy-text"), panel: q(".lg-panel"), panelBody: q(".lg-panel-body"), back: q(".lg-back"),
        search: q(".lg-search"), results: q(".lg-results"), showing: q(".lg-showing"), histogram: q(".lg-histogram"),
        yearFrom: q(".lg-year-from"), yearTo: q(".lg-year-to"), gradient: q(".lg-gradient"),
        communities: q(".lg-communities"),
        sideToggle: q(".lg-side-toggle"),
      };
    }

    options() {
      const large = this.large;
      const physics = !this.simulated ? { enabled: false } : {
        enabled: true,
        solver: "barnesHut",
        barnesHut: { gravitationalConstant: -3000, centralGravity: 0.3, springLength: 90, springConstant: 0.04,
                     damping: 0.4, theta: 0.8 },
        adaptiveTimestep: false, // it runs each step twice to judge the step size
        stabilization: { enabled: true, iterations: 150, updateInterval: 25, fit: true },
        minVelocity: 2,
        timestep: 0.5,
      };
      return {
        autoResize: true,
        layout: { improvedLayout: false, randomSeed: 7 },
        physics,
        nodes: {
          ...this.baseLook,
          borderWidthSelected: 3,
          font: { face: FONT_FACE, strokeWidth: 3, strokeColor: "#ffffff", ...this.baseLook.font },
        },
        edges: { smooth: false, selectionWidth: 1.5, arrowStrikethrough: false },
        interaction: { hover: false, hideEdgesOnDrag: large, hideEdgesOnZoom: large, hideNodesOnDrag: large,
                       keyboard: false,
                       multiselect: false, zoomSpeed: 0.8 },
      };
    }

    /* ----- node and edge looks ----- */

    nodeStyle(node) {
      return own(this.styles.nodes, node.type) || this.styles.otherNode;
    }

    typeName(node) {
      return (own(this.styles.nodes, node.type) || {}).label || node.type;
    }

    edgeStyle(edge) {
      return own(this.styles.edges, edge.kind) || this.styles.otherEdge;
    }

    visNode(node) {
      // only what differs from the shared defaults: vis copies every option object per node
      const item = { id: node.index, ...difference(this.nodeLook(node), this.baseJson) };
      if (this.positions) {
        item.x = this.positions[2 * node.index];
        item.y = this.positions[2 * node.index + 1];
      }
      return item;
    }

    typicalLook() {
      const counts = new Map();
      for (const node of this.model.nodes) counts.set(node.type, (counts.get(node.type) || 0) + 1);
      const type = [...counts.entries()].sort((x, y) => y[1] - x[1]).map((entry) => entry[0])[0] || "paper";
      const look = this.nodeLook({ index: -1, type, attrs: {}, cited: 0, prominence: 0, year: null });
      delete look.label;
      return look;
    }

    nodeLook(node) {
      const paint = this.nodePaint(node);
      const prominent = this.isProminent(node);
      return {
        label: this.labelled[node.index] ? this.labelText(node) : undefined,
        shape: this.nodeStyle(node).shape,
        size: this.nodeSize(node),
        borderWidth: paint.borderWidth,
        shapeProperties: { borderDashes: paint.dashes },
        font: { size: prominent ? 14 : 12, color: prominent ? "#0f172a" : "#334155" },
        color: colourOption(paint),
      };
    }

    nodePaint(node) {
      // the type's colours, or the colour mode's fill, with the paper marks on top
      const a = node.attrs;
      const style = this.nodeStyle(node);
      const marks = this.styles.marks;
      const paint = { fill: style.colour, border: style.border, borderWidth: 1.5, dashes: false };
      if (this.colourBy === "year" && node.type === "paper") paint.fill = this.yearColour(node.year);
      if (this.colourBy === "community") paint.fill = this.communityColour(node);
      if (node.type === "paper" && a.fetched === false) {
        Object.assign(paint, { fill: mix(paint.fill, this.styles.unfetchedLighten), border: marks.unfetched, dashes: [3, 3] });
      }
      if (a.seed === true) Object.assign(paint, { border: marks.seed, borderWidth: 3 });
      if (a.retracted === true) Object.assign(paint, { border: marks.retracted, borderWidth: 4 });
      return paint;
    }

    isProminent(node) {
      return node.attrs.seed === true || node.type === "trial";
    }

    labelText(node) {
      return (node.attrs.retracted === true ? "⚠ " : "") + shorten(shortLabel(node), 40);
    }

    nodeSize(node) {
      if (node.type === "trial") return 24;
      if (node.type === "author" || node.type === "mesh") {
        return Math.min(6 + 2.5 * Math.sqrt(Number(node.attrs.papers) || 1), 26);
      }
      const size = Math.min(7 + 3 * Math.sqrt(node.prominence), 38);
      return node.attrs.seed === true ? Math.max(size + 3, 12) : size;
    }

    yearColour(year) {
      if (year === null) return NO_YEAR_COLOUR;
      const span = this.model.lastYear - this.model.firstYear;
      return paletteColour(this.yearPalette, span > 0 ? (year - this.model.firstYear) / span : 1);
    }

    edgesInDrawOrder() {
      const rank = (edge) => {
        const at = this.drawOrder.indexOf(edge.kind);
        return at < 0 ? this.drawOrder.length : at;
      };
      return this.model.edges.slice().sort((x, y) => rank(x) - rank(y) || x.index - y.index);
    }

    isBulk(edge) {
      // In large graphs the kinds drawn first (styles.drawOrder: the citation web under the
      // reference links) are stroked in batched paths instead of being vis edges: creating and
      // drawing 40,000 vis edges alone takes seconds. They lose hover and click.
      return this.large && this.drawOrder.includes(edge.kind);
    }

    bulkEdgesByKind() {
      // one batch per kind and width, thin first
      const groups = new Map();
      for (const edge of this.model.edges) {
        if (!this.isBulk(edge)) continue;
        const width = this.edgeWidth(edge);
        const key = edge.kind + " " + width;
        if (!groups.has(key)) groups.set(key, { kind: edge.kind, width, edges: [] });
        groups.get(key).edges.push(edge);
      }
      const rank = (group) => this.drawOrder.indexOf(group.kind);
      return [...groups.values()].sort((x, y) => rank(x) - rank(y) || x.width - y.width);
    }

    visEdge(edge) {
      const style = this.edgeStyle(edge);
      const width = this.edgeWidth(edge);
      return {
        id: edge.index, from: edge.from, to: edge.to, width, dashes: style.dashes === true,
        arrows: { to: { enabled: style.arrow === true, scaleFactor: 0.5 } },
        color: { color: style.colour, highlight: style.colour, hover: style.colour, opacity: style.opacity },
      };
    }

    edgeWidth(edge) {
      const style = this.edgeStyle(edge);
      const weight = weightOf(edge);
      if (!style.weighted || weight <= 1) return style.width;
      return Math.min(Math.round(2 * (style.width + Math.log2(weight))) / 2, 8); // in half pixels: few batches
    }

    /* ----- layout life cycle ----- */

    watchLayout() {
      const network = this.network;
      network.on("beforeDrawing", (ctx) => {
        this.drawYearAxis(ctx);
        this.drawBulkEdges(ctx);
      });
      network.on("afterDrawing", (ctx) => {
        if (this.dragging && this.large) this.drawNodesFast(ctx);
        this.drawFocus(ctx);
      });
      if (!this.simulated) {
        this.markReady();
        return;
      }
      if (this.model.nodes.length > 150) this.ui.busy.hidden = false;
      network.on("stabilizationProgress", (p) => {
        this.ui.busyText.textContent = "Laying out " + plural(this.model.nodes.length, "node") + "… "
          + Math.round((100 * p.iterations) / p.total) + "%";
      });
      network.once("stabilizationIterationsDone", () => {
        // stop the simulation for good: dragging a node then moves only that node
        network.setOptions({ physics: { enabled: false } });
        this.ui.busy.hidden = true;
        this.markReady();
      });
    }

    markReady() {
      if (this.large) {
        this.network.fit({ animation: false });
        const labels = debounce(() => this.labelVisibleNodes(), 150);
        ["zoom", "dragEnd", "animationFinished"].forEach((event) => this.network.on(event, labels));
        this.labelVisibleNodes();
      }
      this.network.once("afterDrawing", () => {
        this.readyAt = performance.now();
        this.root.dataset.state = "ready";
      });
      this.network.redraw();
    }

    /* ----- what vis does not draw for large graphs ----- */

    drawBulkEdges(ctx) {
      if (!this.bulk.length) return;
      const nodes = this.network.body.nodes;
      const scale = this.network.getScale();
      const arrows = scale >= 0.6;
      ctx.save();
      for (const { kind, width, edges } of this.bulk) {
        const style = this.styles.edges[kind];
        ctx.strokeStyle = style.colour;
        ctx.fillStyle = style.colour;
        ctx.globalAlpha = style.opacity * 0.8 * this.overviewFading(scale, edges.length);
        ctx.lineWidth = Math.max(width, 0.6 / scale);
        ctx.setLineDash(style.dashes ? [5 / scale, 4 / scale] : []);
        ctx.beginPath();
        for (const edge of edges) {
          if (!this.edgeShown[edge.index]) continue;
          const from = nodes[edge.from];
          const to = nodes[edge.to];
          ctx.moveTo(from.x, from.y);
          ctx.lineTo(to.x, to.y);
        }
        ctx.stroke();
        if (arrows && style.arrow) this.drawBulkArrows(ctx, edges, nodes);
      }
      ctx.restore();
    }

    overviewFading(scale, count) {
      // zoomed out, tens of thousands of links would paint over every node: the more, the fainter
      return scale < OVERVIEW_SCALE ? Math.min(1, Math.sqrt(20000 / count)) : 1;
    }

    drawBulkArrows(ctx, edges, nodes) {
      const view = this.viewport();
      let count = 0;
      ctx.beginPath();
      for (const edge of edges) {
        const to = nodes[edge.to];
        if (!this.edgeShown[edge.index] || !inside(view, to.x, to.y)) continue;
        if (++count > ARROW_LIMIT) break;
        const from = nodes[edge.from];
        const length = Math.hypot(to.x - from.x, to.y - from.y);
        if (length < 1) continue;
        const ux = (to.x - from.x) / length;
        const uy = (to.y - from.y) / length;
        const radius = Number(to.options.size) || 8;
        const tipX = to.x - ux * radius;
        const tipY = to.y - uy * radius;
        ctx.moveTo(tipX, tipY);
        ctx.lineTo(tipX - ux * 8 - uy * 3.5, tipY - uy * 8 + ux * 3.5);
        ctx.lineTo(tipX - ux * 8 + uy * 3.5, tipY - uy * 8 - ux * 3.5);
        ctx.closePath();
      }
      ctx.fill();
    }

    drawOverviewFast() {
      // Zoomed out, every node is a dot of a pixel or two, yet vis draws each with its own
      // save/fill/stroke/restore: 0.3-0.5 s a frame at 20,000 nodes. Below OVERVIEW_SCALE batched
      // dots replace that. This wraps a vis internal (CanvasRenderer._drawNodes of the pinned 9.1.2).
      const renderer = this.network.renderer;
      const drawNodes = renderer._drawNodes.bind(renderer);
      renderer._drawNodes = (ctx, alwaysShow) => {
        if (this.network.getScale() >= OVERVIEW_SCALE) return drawNodes(ctx, alwaysShow);
        this.drawNodesFast(ctx);
        return { drawExternalLabels: null };
      };
    }

    drawNodesFast(ctx) {
      // Plain dots batched by colour; marked nodes (seeds, retracted, trials) keep a minimum size and
      // their border colour so they still stand out. Also used while a large graph is dragged.
      const view = this.viewport();
      const scale = this.network.getScale();
      const byColour = new Map();
      const marked = [];
      for (const node of this.model.nodes) {
        const drawn = this.network.body.nodes[node.index];
        if (!this.nodeShown[node.index] || !inside(view, drawn.x, drawn.y)) continue;
        if (drawn.options.borderWidth >= 3 || node.type === "trial") marked.push(drawn);
        const colour = drawn.options.color.background;
        if (!byColour.has(colour)) byColour.set(colour, []);
        byColour.get(colour).push(drawn);
      }
      ctx.save();
      // at least a pixel or so across, so the nodes are not lost under a dense web of links
      for (const [colour, drawn] of byColour) fillDots(ctx, colour, drawn, (size) => Math.max(size, 1.1 / scale));
      for (const drawn of marked) {
        fillDots(ctx, drawn.options.color.border, [drawn], (size) => Math.max(size + 2, 4 / scale));
        fillDots(ctx, drawn.options.color.background, [drawn], (size) => Math.max(size, 2.2 / scale));
      }
      ctx.restore();
    }

    viewport() {
      const canvas = this.ui.canvas;
      const topLeft = this.network.DOMtoCanvas({ x: 0, y: 0 });
      const bottomRight = this.network.DOMtoCanvas({ x: canvas.clientWidth, y: canvas.clientHeight });
      return { left: topLeft.x, top: topLeft.y, right: bottomRight.x, bottom: bottomRight.y };
    }

    labelVisibleNodes() {
      // Labels cost time at load even when too small to draw, so large graphs get them on zoom.
      if (this.network.getScale() < LABEL_SCALE) return;
      const view = this.viewport();
      const bodyNodes = this.network.body.nodes;
      const updates = [];
      for (const node of this.model.nodes) {
        if (this.labelled[node.index]) continue;
        const drawn = bodyNodes[node.index];
        if (!drawn || !inside(view, drawn.x, drawn.y)) continue;
        this.labelled[node.index] = true;
        updates.push({ id: node.index, label: this.labelText(node) });
        if (updates.length >= LABEL_BATCH) break;
      }
      if (updates.length) this.nodes.update(updates);
    }

    /* ----- canvas interaction: tooltips, clicks, highlight ----- */

    wireCanvas() {
      const network = this.network;
      network.on("click", (params) => {
        if (params.nodes.length) this.openNode(params.nodes[0]);
        else if (params.edges.length) this.openEdge(params.edges[0]);
        else this.closePanel();
      });
      network.on("doubleClick", (params) => {
        if (params.nodes.length) this.focusOn(params.nodes[0], 1.6);
      });
      network.on("dragStart", () => {
        this.dragging = true;
        this.hideTip();
      });
      network.on("dragEnd", () => {
        this.dragging = false;
      });
      network.on("zoom", () => this.hideTip());
      const stage = this.ui.stage;
      const probe = debounce((x, y) => this.showTipAt(x, y), 90);
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
      const node = this.network.getNodeAt({ x, y });
      const edge = node === undefined ? this.network.getEdgeAt({ x, y }) : undefined;
      const target = node !== undefined ? "n" + node : edge !== undefined ? "e" + edge : null;
      if (target === null) return this.hideTip();
      if (target !== this.tipTarget) {
        const content = node !== undefined ? this.nodeTip(this.model.nodes[node]) : this.edgeTip(this.model.edges[edge]);
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

    typeLabel(node) {
      const kicker = el("div", "lg-type", this.typeName(node));
      kicker.style.setProperty("--lg-type", this.nodeStyle(node).colour);
      return kicker;
    }

    nodeTip(node) {
      const a = node.attrs;
      const parts = [this.typeLabel(node), el("div", "lg-tip-title", shorten(mainTitle(node), 200))];
      const line = (text) => text && parts.push(el("div", "lg-tip-line", text));
      if (node.type === "paper") {
        const authors = list(a.authors);
        line(authors.slice(0, 3).join(", ") + (authors.length > 3 ? " et al." : ""));
        line([str(a.journal), str(a.year)].filter(Boolean).join(" · "));
        line(a.pmid ? "PMID " + a.pmid : "");
        line(node.cited ? "Cited by " + plural(node.cited, "paper") + " in this graph" : "");
        if (a.seed === true) line("Listed by the trial / seed");
        if (a.fetched === false) line("Known only from a citation");
      } else if (node.type === "trial") {
        line([str(a.nct_id), str(a.status), str(a.phase)].filter(Boolean).join(" · "));
        line(list(a.conditions).slice(0, 2).join(", "));
        line(str(a.sponsor));
        line([str(a.start_date), str(a.completion_date)].filter(Boolean).join(" – "));
        line(a.enrollment ? "Enrollment " + a.enrollment : "");
      } else if (node.type === "author") {
        line(a.papers ? plural(Number(a.papers) || 0, "paper") : "");
        line(list(a.affiliations)[0] || "");
      }
      if (a.retracted === true) parts.push(el("div", "lg-flag", "RETRACTED"));
      return parts;
    }

    edgeTip(edge) {
      const from = this.model.nodes[edge.from];
      const to = this.model.nodes[edge.to];
      const kicker = el("div", "lg-type", this.edgeStyle(edge).label || edge.kind);
      kicker.style.setProperty("--lg-type", this.edgeStyle(edge).colour);
      return [
        kicker,
        el("div", "lg-tip-title", shorten(shortLabel(from), 60) + (this.edgeStyle(edge).arrow ? " → " : " — ")
          + shorten(shortLabel(to), 60)),
        el("div", "lg-tip-line", edge.sources.length ? "Sources: " + edge.sources.join(", ") : "No source recorded"),
      ];
    }

    setFocus(nodes, edges) {
      this.focus = { nodes, edges };
      this.network.redraw();
    }

    clearFocus() {
      this.focus = null;
      this.network.unselectAll();
      this.network.redraw();
    }

    neighbourhood(index) {
      const nodes = new Set([index]);
      const edges = new Set();
      for (const e of this.model.nodes[index].edges) {
        if (!this.edgeShown[e]) continue;
        const edge = this.model.edges[e];
        edges.add(e);
        nodes.add(edge.from);
        nodes.add(edge.to);
      }
      return { nodes, edges };
    }

    drawFocus(ctx) {
      // A veil over everything, then the focused items drawn again on top: costs O(neighbourhood)
      // per frame instead of restyling every node of a 20,000-node graph on each click.
      if (!this.focus) return;
      const view = this.viewport();
      ctx.save();
      ctx.fillStyle = "rgba(255, 255, 255, 0.78)";
      ctx.fillRect(view.left, view.top, view.right - view.left, view.bottom - view.top);
      ctx.restore();
      const body = this.network.body;
      for (const id of this.focus.edges) {
        const edge = body.edges[id];
        if (edge && edge.connected && !edge.options.hidden) {
          edge.draw(ctx);
          edge.drawArrows(ctx);
        } else if (this.isBulk(this.model.edges[id])) {
          this.drawFocusedBulkEdge(ctx, this.model.edges[id]);
        }
      }
      const labels = [];
      for (const id of this.focus.nodes) {
        const node = body.nodes[id];
        if (!node || node.options.hidden) continue;
        const drawn = node.draw(ctx);
        if (drawn && drawn.drawExternalLabel) labels.push(drawn.drawExternalLabel);
      }
      labels.forEach((drawLabel) => drawLabel());
    }

    drawFocusedBulkEdge(ctx, edge) {
      const from = this.network.body.nodes[edge.from];
      const to = this.network.body.nodes[edge.to];
      ctx.save();
      ctx.strokeStyle = this.edgeStyle(edge).colour;
      ctx.lineWidth = Math.max(1.5, 1.2 / this.network.getScale());
      ctx.beginPath();
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x, to.y);
      ctx.stroke();
      ctx.restore();
    }

    focusOn(index, scale) {
      // centred in the part of the canvas the panel leaves free
      const panel = this.ui.panel.hidden ? 0 : this.ui.panel.offsetWidth;
      this.network.focus(index, {
        scale: Math.max(this.network.getScale(), scale || 1.1),
        offset: { x: -panel / 2, y: 0 },
        animation: this.large ? false : { duration: 350, easingFunction: "easeInOutQuad" },
      });
      if (this.large) this.labelVisibleNodes(); // no animation, so no event that would do it
    }

    keepClearOfPanel(index) {
      const panelLeft = this.ui.stage.clientWidth - this.ui.panel.offsetWidth;
      const at = this.network.canvasToDOM(this.network.getPosition(index));
      if (at.x < panelLeft - 40) return;
      const view = this.network.getViewPosition();
      const shift = (at.x - (panelLeft - 40) / 2) / this.network.getScale();
      this.network.moveTo({ position: { x: view.x + shift, y: view.y }, animation: false });
    }

    /* ----- details panel ----- */

    remember() {
      if (this.current) this.history.push(this.current);
      this.ui.back.hidden = this.history.length === 0;
    }

    openNode(index, { focus = false, fromHistory = false } = {}) {
      if (this.current && this.current.node === index) {
        if (focus) this.focusOn(index);
        return;
      }
      if (!fromHistory) this.remember();
      this.current = { node: index };
      const { nodes, edges } = this.neighbourhood(index);
      this.network.selectNodes([index], false);
      this.setFocus(nodes, edges);
      this.renderNode(this.model.nodes[index]);
      if (focus) this.focusOn(index);
      else this.keepClearOfPanel(index);
    }

    openEdge(index, { fromHistory = false } = {}) {
      if (!fromHistory) this.remember();
      this.current = { edge: index };
      const edge = this.model.edges[index];
      this.network.setSelection({ nodes: [], edges: [index] });
      this.setFocus(new Set([edge.from, edge.to]), new Set([index]));
      this.renderEdge(edge);
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
      this.ui.panel.hidden = true;
      this.current = null;
      this.history = [];
      this.ui.back.hidden = true;
      this.clearFocus();
    }

    showPanel(children) {
      this.ui.panelBody.replaceChildren(...children.filter(Boolean));
      this.ui.panel.hidden = false;
      this.ui.panel.scrollTop = 0;
    }

    renderNode(node) {
      const a = node.attrs;
      const fields = new Fields();
      if (node.type === "paper") this.paperFields(node, fields);
      else if (node.type === "trial") this.trialFields(a, fields);
      else if (node.type === "author") this.authorFields(a, fields);
      else if (node.type === "mesh") fields.text("Papers", a.papers);
      this.metricFields(node, fields);
      this.showPanel([this.badges(node), el("h3", null, mainTitle(node)), fields.element,
                      this.connections(node), otherFields(a)]);
    }

    badges(node) {
      const row = el("div", "lg-badges");
      const badge = (text, extra) => row.append(el("span", "lg-badge" + (extra ? " " + extra : ""), text));
      badge(this.typeName(node));
      if (node.attrs.retracted === true) badge("Retracted", "lg-flag");
      if (node.attrs.seed === true) badge("Seed", "lg-seed");
      if (node.type === "paper" && node.attrs.fetched === false) badge("Known only from a citation", "lg-faint");
      return row;
    }

    paperFields(node, fields) {
      const a = node.attrs;
      fields.people("Authors", list(a.authors));
      fields.text("Journal", a.journal);
      fields.text("Year", a.year);
      fields.link("PMID", a.pmid, LINKS.pmid);
      fields.link("DOI", a.doi, LINKS.doi);
      fields.link("PMC", a.pmcid, LINKS.pmcid);
      fields.tags("Type", list(a.publication_types));
      fields.tags("MeSH", list(a.mesh));
      if (a.citation && (a.fetched === false || !a.title)) fields.text("Citation", a.citation);
      if (Number.isInteger(a.depth)) fields.text("Depth", a.depth === 0 ? "0 (seed)" : plural(a.depth, "hop") + " from the seeds");
      const here = [];
      if (node.cited) here.push("cited by " + node.cited);
      if (node.citing) here.push("cites " + node.citing);
      if (here.length) fields.text("In this graph", here.join(" · "));
    }

    trialFields(a, fields) {
      fields.link("NCT", a.nct_id, LINKS.nct);
      if (a.official_title && a.official_title !== a.title) fields.text("Official title", a.official_title);
      fields.text("Status", a.status);
      fields.text("Phase", a.phase);
      fields.tags("Conditions", list(a.conditions));
      fields.tags("Interventions", list(a.interventions));
      fields.text("Sponsor", a.sponsor);
      fields.tags("Officials", list(a.officials));
      fields.text("Start", a.start_date);
      fields.text("Completion", a.completion_date);
      fields.text("Enrollment", a.enrollment);
    }

    metricFields(node, fields) {
      const a = node.attrs;
      if (Number.isInteger(a.cited_by)) fields.text("Cited in this build", plural(a.cited_by, "time"));
      if (typeof a.pagerank === "number") fields.text("PageRank", a.pagerank.toPrecision(3));
      if (typeof a.betweenness === "number") fields.text("Betweenness", a.betweenness.toPrecision(3));
      if (Number.isInteger(a.community)) {
        const group = this.communityGroups().byKey.get(node.type + " " + a.community);
        fields.text("Community", a.community + (group ? " (" + plural(group.size, "member") + " here)" : ""));
      }
    }

    authorFields(a, fields) {
      fields.link("ORCID", a.orcid, LINKS.orcid);
      fields.text("Papers", a.papers);
      fields.lines("Affiliations", list(a.affiliations));
      fields.tags("Name forms", list(a.variants));
    }

    connections(node) {
      const section = el("section", "lg-connections");
      const groups = new Map();
      for (const e of node.edges) {
        const edge = this.model.edges[e];
        const outgoing = edge.from === node.index;
        // links without a direction (co-authors, co-citation) are one group whichever end this is
        const directed = this.edgeStyle(edge).arrow === true;
        const key = edge.kind + (directed ? (outgoing ? ">" : "<") : "");
        if (!groups.has(key)) groups.set(key, { edge, outgoing: outgoing || !directed, items: [] });
        groups.get(key).items.push({ edge, other: outgoing ? edge.to : edge.from });
      }
      if (!groups.size) return section;
      section.append(el("h4", null, plural(node.edges.length, "link")));
      for (const group of groups.values()) section.append(this.connectionGroup(group));
      return section;
    }

    connectionGroup({ edge, outgoing, items }) {
      const names = own(RELATIONS, edge.kind) || [edge.kind + " →", edge.kind + " ←"];
      const wrapper = el("div", "lg-group");
      const head = el("div", "lg-edge-head");
      head.append(this.edgeMark(edge), el("strong", null, names[outgoing ? 0 : 1]), el("span", "lg-num", items.length));
      const position = (item) => Number(item.edge.attrs.position) || Infinity;
      items.sort((x, y) => position(x) - position(y)
        || shortLabel(this.model.nodes[x.other]).localeCompare(shortLabel(this.model.nodes[y.other])));
      const rows = el("ul", "lg-links");
      const addRows = (from, to) => {
        for (const item of items.slice(from, to)) rows.append(this.connectionRow(item));
      };
      addRows(0, LIST_LIMIT);
      wrapper.append(head, rows);
      if (items.length > LIST_LIMIT) wrapper.append(moreButton("Show all " + items.length, () => addRows(LIST_LIMIT, items.length)));
      return wrapper;
    }

    connectionRow({ edge, other }) {
      const row = el("li");
      const target = this.model.nodes[other];
      const position = Number(edge.attrs.position);
      const name = (Number.isInteger(position) ? position + ". " : "") + shorten(listName(target), 120);
      row.append(this.nodeButton(other, name));
      const notes = edge.sources.slice();
      const note = own(WEIGHT_NOTES, edge.kind);
      if (note && weightOf(edge) > 1) notes.unshift(note(weightOf(edge)));
      if (notes.length) row.append(" ", el("span", "lg-sources", notes.join(", ")));
      return row;
    }

    nodeButton(index, text) {
      const button = el("button", "lg-node-link", text);
      button.type = "button";
      button.addEventListener("click", () => this.openNode(index, { focus: true }));
      return button;
    }

    edgeMark(edge) {
      const mark = el("span", "lg-edge-mark");
      mark.style.setProperty("--lg-mark", this.edgeStyle(edge).colour);
      return mark;
    }

    renderEdge(edge) {
      const fields = new Fields();
      fields.row("From", this.nodeButton(edge.from, shorten(listName(this.model.nodes[edge.from]), 160)));
      fields.row("To", this.nodeButton(edge.to, shorten(listName(this.model.nodes[edge.to]), 160)));
      fields.tags("Sources", edge.sources);
      for (const [name, value] of extras(edge)) {
        const label = (name.charAt(0).toUpperCase() + name.slice(1)).replace(/_/g, " ");
        if (Array.isArray(value)) fields.tags(label, list(value));
        else fields.text(label, typeof value === "object" ? JSON.stringify(value) : value);
      }
      const badges = el("div", "lg-badges");
      badges.append(el("span", "lg-badge", "Link"));
      const head = el("h3", "lg-edge-head");
      head.append(this.edgeMark(edge), el("span", null, this.edgeStyle(edge).label || edge.kind));
      this.showPanel([badges, head, fields.element]);
    }

    /* ----- search ----- */

    searchKey(node) {
      const a = node.attrs;
      return [a.label, a.title, a.name, a.pmid, a.doi, a.pmcid, a.nct_id, a.orcid, a.citation, node.key]
        .concat(list(a.variants)).map(str).join("\n").toLowerCase();
    }

    search(query) {
      const q = query.trim().toLowerCase().replace(/^(pmid|doi)\s*:?\s*/, "");
      if (!q) return [];
      if (!this.searchKeys) this.searchKeys = this.model.nodes.map((node) => this.searchKey(node));
      const hits = [];
      this.searchKeys.forEach((key, index) => {
        if (!key.includes(q)) return;
        const node = this.model.nodes[index];
        const a = node.attrs;
        const ids = [a.pmid, a.doi, a.pmcid, a.nct_id, a.orcid, node.key].map((v) => str(v).toLowerCase());
        const score = ids.includes(q) ? 0 : mainTitle(node).toLowerCase().startsWith(q)
          || shortLabel(node).toLowerCase().startsWith(q) ? 1 : 2;
        hits.push({ index, score, weight: node.prominence + node.edges.length / 1000 });
      });
      hits.sort((x, y) => x.score - y.score || y.weight - x.weight || x.index - y.index);
      return hits.slice(0, SEARCH_LIMIT).map((hit) => hit.index);
    }

    showResults(query) {
      const results = this.ui.results;
      const hits = this.search(query);
      this.activeResult = hits.length ? 0 : -1;
      this.resultIndices = hits;
      results.replaceChildren();
      if (!query.trim()) return this.hideResults();
      if (!hits.length) results.append(el("li", "lg-result-empty", "No match"));
      hits.forEach((index, position) => results.append(this.resultRow(index, position)));
      results.hidden = false;
      this.ui.search.setAttribute("aria-expanded", "true");
    }

    resultRow(index, position) {
      const node = this.model.nodes[index];
      const row = el("li", "lg-result");
      row.setAttribute("role", "option");
      row.setAttribute("aria-selected", position === this.activeResult ? "true" : "false");
      const id = node.attrs.pmid ? "PMID " + node.attrs.pmid : node.attrs.nct_id || "";
      row.append(this.typeLabel(node), el("span", "lg-result-text", shorten(mainTitle(node), 140)),
                 el("span", "lg-result-id", str(id)));
      row.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep focus in the box until the choice is made
        this.chooseResult(index);
      });
      return row;
    }

    moveResult(step) {
      const rows = this.ui.results.querySelectorAll(".lg-result");
      if (!rows.length) return;
      this.activeResult = (this.activeResult + step + rows.length) % rows.length;
      rows.forEach((row, i) => row.setAttribute("aria-selected", i === this.activeResult ? "true" : "false"));
      rows[this.activeResult].scrollIntoView({ block: "nearest" });
    }

    chooseResult(index) {
      this.hideResults();
      this.openNode(index, { focus: true });
    }

    hideResults() {
      this.ui.results.hidden = true;
      this.ui.search.setAttribute("aria-expanded", "false");
    }

    /* ----- filters ----- */

    applyFilters() {
      const model = this.model;
      const [from, to] = this.yearRange;
      const nodeShown = model.nodes.map((node) => !this.hiddenTypes.has(node.type)
        && (node.year === null || (node.year >= from && node.year <= to))
        && !(node.edges.length && node.edges.every((e) => this.hiddenKinds.has(model.edges[e].kind))));
      const edgeShown = model.edges.map((edge) => !this.hiddenKinds.has(edge.kind)
        && nodeShown[edge.from] && nodeShown[edge.to]);
      this.nodes.update(changes(this.nodeShown, nodeShown));
      this.edges.update(changes(this.edgeShown, edgeShown).filter((change) => !this.isBulk(model.edges[change.id])));
      this.nodeShown = nodeShown;
      this.edgeShown = edgeShown;
      const shown = nodeShown.filter(Boolean).length;
      this.ui.showing.textContent = shown < nodeShown.length ? "showing " + shown + " of " + nodeShown.length + " nodes" : "";
      if (this.current && this.current.node !== undefined && !nodeShown[this.current.node]) this.closePanel();
      else if (this.current && this.current.node !== undefined) {
        const { nodes, edges } = this.neighbourhood(this.current.node);
        this.setFocus(nodes, edges);
      }
      this.markHistogram();
    }

    readYears() {
      const from = parseInt(this.ui.yearFrom.value, 10);
      const to = parseInt(this.ui.yearTo.value, 10);
      this.yearRange = [Number.isNaN(from) ? -Infinity : from, Number.isNaN(to) ? Infinity : to];
      this.applyFilters();
    }

    drawHistogram() {
      // the bars are counted once; a year range only greys out those outside it (markHistogram)
      const box = this.ui.histogram;
      if (!box) return;
      const { firstYear, lastYear } = this.model;
      const counts = new Array(lastYear - firstYear + 1).fill(0);
      for (const node of this.model.nodes) if (node.year !== null) counts[node.year - firstYear] += 1;
      const highest = Math.max(...counts);
      box.style.gap = counts.length > 60 ? "0" : "1px";
      box.replaceChildren(...counts.map((count, i) => {
        const bar = el("span", "lg-bar");
        bar.style.height = (count ? Math.max(6, (100 * count) / highest) : 0) + "%";
        bar.title = firstYear + i + ": " + plural(count, "paper");
        return bar;
      }));
      this.markHistogram();
    }

    markHistogram() {
      const box = this.ui.histogram;
      if (!box) return;
      const [from, to] = this.yearRange;
      Array.from(box.children).forEach((bar, i) => {
        const year = this.model.firstYear + i;
        bar.classList.toggle("lg-off", year < from || year > to);
      });
    }

    /* ----- colour and layout modes ----- */

    setColour(mode) {
      this.colourBy = mode;
      if (this.ui.gradient) this.ui.gradient.hidden = mode !== "year";
      if (this.ui.communities) this.showCommunityLegend(mode === "community");
      this.nodes.update(this.model.nodes.map((node) => ({ id: node.index, color: colourOption(this.nodePaint(node)) })));
    }

    communityGroups() {
      // (type, community) pairs by size: a paper community and an author community with the
      // same number are different groups, so the combined graph does not mix them up
      if (this.communities) return this.communities;
      const groups = new Map();
      for (const node of this.model.nodes) {
        const number = node.attrs.community;
        if (!Number.isInteger(number)) continue;
        const key = node.type + " " + number;
        if (!groups.has(key)) groups.set(key, { key, type: node.type, number, size: 0 });
        groups.get(key).size += 1;
      }
      const sorted = [...groups.values()].sort((x, y) => y.size - x.size || x.number - y.number
        || x.type.localeCompare(y.type));
      const palette = this.styles.communities;
      sorted.forEach((group, rank) => {
        group.colour = rank < palette.length && group.size > 1 ? palette[rank] : this.styles.communityRest;
      });
      this.communities = { list: sorted, byKey: new Map(sorted.map((group) => [group.key, group])) };
      return this.communities;
    }

    communityColour(node) {
      const group = this.communityGroups().byKey.get(node.type + " " + node.attrs.community);
      return group ? group.colour : this.styles.communityRest;
    }

    showCommunityLegend(shown) {
      const box = this.ui.communities;
      box.hidden = !shown;
      if (!shown || box.childElementCount) return;
      const { list: groups } = this.communityGroups();
      const coloured = groups.filter((group) => group.colour !== this.styles.communityRest);
      for (const group of coloured) {
        const row = el("li", "lg-row lg-community");
        const swatch = el("span", "lg-dot");
        swatch.style.setProperty("--lg-dot", group.colour);
        row.append(swatch, el("span", "lg-row-label", this.typeName({ type: group.type }) + " community " + group.number),
                   el("span", "lg-num", group.size));
        box.append(row);
      }
      const rest = groups.length - coloured.length;
      if (rest) {
        const row = el("li", "lg-row lg-community");
        const swatch = el("span", "lg-dot");
        swatch.style.setProperty("--lg-dot", this.styles.communityRest);
        row.append(swatch, el("span", "lg-row-label", rest === 1 ? "1 smaller community" : rest + " smaller communities"));
        box.append(row);
      }
    }

    setLayout(mode) {
      if (mode === "year") this.arrangeByYear();
      else this.restoreForceLayout();
      this.network.fit({ animation: false });
    }

    arrangeByYear() {
      const positions = this.network.getPositions();
      this.forcePositions = positions;
      const years = this.model.nodes.map((node) => node.layoutYear).filter((year) => year !== null);
      const first = years.reduce((low, year) => Math.min(low, year), Infinity);
      const last = years.reduce((high, year) => Math.max(high, year), -Infinity);
      let minX = Infinity;
      let maxX = -Infinity;
      for (const id in positions) {
        minX = Math.min(minX, positions[id].x);
        maxX = Math.max(maxX, positions[id].x);
      }
      const gap = Math.max(60, ((maxX - minX) / (last - first + 1)) * 0.7);
      this.yearAxis = { first, last, gap, minX, maxX, undated: years.length < this.model.nodes.length };
      this.nodes.update(this.model.nodes.map((node) => {
        const row = node.layoutYear === null ? -1.5 : last - node.layoutYear;
        return { id: node.index, x: positions[node.index].x, y: (row + jitter(node.index) * 0.6) * gap };
      }));
    }

    restoreForceLayout() {
      if (!this.forcePositions) return;
      const saved = this.forcePositions;
      this.yearAxis = null;
      this.forcePositions = null;
      this.nodes.update(Object.keys(saved).map((id) => ({ id: Number(id), x: saved[id].x, y: saved[id].y })));
    }

    drawYearAxis(ctx) {
      const axis = this.yearAxis;
      if (!axis) return;
      const scale = this.network.getScale();
      const every = [1, 2, 5, 10, 20, 50, 100].find((n) => n * axis.gap * scale >= 18) || 100;
      const left = axis.minX - 60;
      const right = axis.maxX + 60;
      ctx.save();
      ctx.strokeStyle = "#e2e8f0";
      ctx.lineWidth = 1 / scale;
      ctx.fillStyle = "#64748b";
      ctx.font = 12 / scale + "px " + FONT_FACE;
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      const row = (y, text) => {
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(right, y);
        ctx.stroke();
        ctx.fillText(text, left - 8 / scale, y);
      };
      for (let year = axis.last; year >= axis.first; year -= 1) {
        if ((axis.last - year) % every === 0) row((axis.last - year) * axis.gap, String(year));
      }
      if (axis.undated) row(-1.5 * axis.gap, "no year");
      ctx.restore();
    }

    /* ----- header, legend and keyboard controls ----- */

    wireControls() {
      const root = this.root;
      root.querySelectorAll("input[data-filter]").forEach((box) => box.addEventListener("change", () => {
        const set = box.dataset.filter === "type" ? this.hiddenTypes : this.hiddenKinds;
        if (box.checked) set.delete(box.dataset.value);
        else set.add(box.dataset.value);
        this.applyFilters();
      }));
      const years = debounce(() => this.readYears(), 150);
      [this.ui.yearFrom, this.ui.yearTo].forEach((input) => input && input.addEventListener("input", years));
      root.querySelectorAll("input[data-view]").forEach((radio) => radio.addEventListener("change", () => {
        if (!radio.checked) return;
        if (radio.dataset.view === "colour") this.setColour(radio.value);
        else this.setLayout(radio.value);
      }));
      const actions = {
        fit: () => this.network.fit({ animation: false }),
        png: () => this.savePng(),
        side: () => this.toggleSide(),
        close: () => this.closePanel(),
        back: () => this.goBack(),
      };
      root.querySelectorAll("[data-action]").forEach((button) => button.addEventListener("click", () => {
        actions[button.dataset.action]();
      }));
      this.wireSearch();
      const keys = root.classList.contains("lg-full") ? document : root;
      keys.addEventListener("keydown", (event) => this.onKey(event));
    }

    wireSearch() {
      const box = this.ui.search;
      const update = debounce(() => this.showResults(box.value), this.model.nodes.length > 5000 ? 120 : 40);
      box.addEventListener("input", update);
      box.addEventListener("focus", () => box.value && this.showResults(box.value));
      box.addEventListener("blur", () => this.hideResults());
      box.addEventListener("keydown", (event) => {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          this.moveResult(event.key === "ArrowDown" ? 1 : -1);
        } else if (event.key === "Enter") {
          event.preventDefault();
          update.cancel(); // run the pending search now, so it cannot reopen the list after the choice
          this.showResults(box.value);
          const index = this.resultIndices[Math.max(this.activeResult, 0)];
          if (index !== undefined) this.chooseResult(index);
        } else if (event.key === "Escape") {
          this.hideResults();
        }
      });
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

  /* ---------- panel field lists ---------- */

  class Fields {
    constructor() {
      this.element = el("dl", "lg-fields");
    }

    row(label, content) {
      const value = el("dd");
      value.append(content);
      this.element.append(el("dt", null, label), value);
    }

    text(label, value) {
      if (str(value)) this.row(label, str(value));
    }

    link(label, value, toUrl) {
      const text = str(value);
      if (text) this.row(label, externalLink(toUrl(text), text));
    }

    tags(label, values) {
      if (!values.length) return;
      const box = el("div", "lg-tags");
      const add = (from, to) => values.slice(from, to).forEach((v) => box.append(el("span", "lg-tag", v)));
      add(0, FIELD_LIMIT);
      if (values.length > FIELD_LIMIT) box.append(moreButton(andMore(values, FIELD_LIMIT), () => add(FIELD_LIMIT, values.length)));
      this.row(label, box);
    }

    people(label, names) {
      if (!names.length) return;
      const box = el("span");
      box.textContent = names.slice(0, FIELD_LIMIT).join(", ");
      if (names.length > FIELD_LIMIT) {
        box.append(" ", moreButton(andMore(names, FIELD_LIMIT), () => {
          box.textContent = names.join(", ");
        }));
      }
      this.row(label, box);
    }

    lines(label, values) {
      if (!values.length) return;
      const box = el("div");
      values.forEach((v) => box.append(el("div", null, v)));
      this.row(label, box);
    }
  }

  function andMore(values, shown) {
    return "+" + (values.length - shown) + " more";
  }

  function moreButton(text, reveal) {
    // a button that reveals the rest of a cut list, once
    const button = el("button", "lg-more", text);
    button.type = "button";
    button.addEventListener("click", () => {
      button.remove();
      reveal();
    });
    return button;
  }

  function otherFields(attrs) {
    const rest = Object.keys(attrs).filter((key) => !SHOWN_ELSEWHERE.has(key) && str(attrs[key]) !== "");
    if (!rest.length) return null;
    const details = el("details", "lg-other");
    details.append(el("summary", null, "More fields"));
    const fields = new Fields();
    for (const key of rest) {
      const value = attrs[key];
      fields.text(key, typeof value === "object" ? JSON.stringify(value) : value);
    }
    details.append(fields.element);
    return details;
  }

  function fillDots(ctx, colour, drawnNodes, radiusFor) {
    ctx.fillStyle = colour;
    ctx.beginPath();
    for (const node of drawnNodes) {
      const radius = radiusFor(Number(node.options.size) || 8);
      ctx.moveTo(node.x + radius, node.y);
      ctx.arc(node.x, node.y, radius, 0, 2 * Math.PI);
    }
    ctx.fill();
  }

  function colourOption({ fill, border }) {
    return { background: fill, border, highlight: { background: fill, border: "#0f172a" }, hover: { background: fill, border } };
  }

  function jsonOfEach(options) {
    return Object.fromEntries(Object.entries(options).map(([key, value]) => [key, JSON.stringify(value)]));
  }

  function difference(look, baseJson) {
    // `baseJson`: jsonOfEach(the defaults), made once rather than for every node
    const result = {};
    for (const key of Object.keys(look)) {
      if (JSON.stringify(look[key]) !== baseJson[key]) result[key] = look[key];
    }
    return result;
  }

  function inside(view, x, y) {
    return x >= view.left && x <= view.right && y >= view.top && y <= view.bottom;
  }

  function changes(before, after) {
    const updates = [];
    after.forEach((shown, id) => {
      if (shown !== before[id]) updates.push({ id, hidden: !shown });
    });
    return updates;
  }
})();

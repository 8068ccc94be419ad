/* What the page draws on vis-network's canvas itself: every edge (batched by kind and width,
   at constant screen widths, so tens of thousands cost one path each), arrowheads, the veil
   that brings a selection forward, community hulls, the year axis, and the batched dots that
   stand in for nodes when a very large picture is zoomed out. */

const ARROW_LIMIT = 4000; // arrowheads of the many faint links drawn per kind and frame
const ARROW_SCALE = 0.35; // below this zoom the faint links get no arrowheads
const OVERVIEW_SCALE = 0.3; // below this zoom a large picture draws nodes as batched dots
const LARGE_PICTURE = 2000; // nodes shown from which the batched drawing takes over
const HULL_SPREAD = 4; // a community's hull is drawn when it covers at most this many times its members' room

function edgeGroups(view) {
  // one batch per kind and width; the many faint kinds first, the registry's links on top
  const groups = new Map();
  for (const edge of view.model.edgeList) {
    const width = view.looks.edgeWidth(edge);
    const key = edge.kind + " " + width;
    if (!groups.has(key)) groups.set(key, { kind: edge.kind, width, style: view.looks.edgeStyle(edge), edges: [] });
    groups.get(key).edges.push(edge);
  }
  return [...groups.values()].sort((x, y) => (y.style.web === true) - (x.style.web === true) || x.width - y.width
    || x.kind.localeCompare(y.kind));
}

function drawEdges(view, ctx, groups, onlyEdges) {
  const nodes = view.network.body.nodes;
  const scale = view.network.getScale();
  const drawn = view.drawn;
  ctx.save();
  ctx.lineCap = "round";
  for (const { kind, width, style, edges } of groups) {
    if (view.hiddenKinds.has(kind)) continue;
    const faint = style.web === true && !onlyEdges;
    ctx.strokeStyle = style.colour;
    ctx.fillStyle = style.colour;
    ctx.globalAlpha = onlyEdges ? 1 : style.opacity * (faint ? view.webFading(scale, edges.length) : 1);
    ctx.lineWidth = (onlyEdges ? Math.max(width, 1.6) : width) / scale;
    ctx.setLineDash(style.dashes && style.dashes.length ? style.dashes.map((d) => d / scale) : []);
    ctx.beginPath();
    const arrowed = [];
    for (const edge of edges) {
      if (onlyEdges ? !onlyEdges.has(edge.index) : !(drawn[edge.from] && drawn[edge.to])) continue;
      const from = nodes[edge.from];
      const to = nodes[edge.to];
      if (!from || !to) continue;
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x, to.y);
      if (style.arrow && style.arrowheads && (!faint || (scale >= ARROW_SCALE && arrowed.length < ARROW_LIMIT))) arrowed.push(edge);
    }
    ctx.stroke();
    ctx.setLineDash([]);
    if (arrowed.length) drawArrows(view, ctx, arrowed, nodes, scale, width);
  }
  ctx.restore();
}

function drawArrows(view, ctx, edges, nodes, scale, width) {
  const length = (6 + width * 1.5) / scale;
  const half = (2.5 + width * 0.8) / scale;
  const sight = view.viewport();
  ctx.beginPath();
  for (const edge of edges) {
    const from = nodes[edge.from];
    const to = nodes[edge.to];
    if (!within(sight, to.x, to.y)) continue;
    const d = Math.hypot(to.x - from.x, to.y - from.y);
    if (d < 1) continue;
    const ux = (to.x - from.x) / d;
    const uy = (to.y - from.y) / d;
    const reach = view.radiusOf(edge.to) + 1.5 / scale;
    const tipX = to.x - ux * reach;
    const tipY = to.y - uy * reach;
    ctx.moveTo(tipX, tipY);
    ctx.lineTo(tipX - ux * length - uy * half, tipY - uy * length + ux * half);
    ctx.lineTo(tipX - ux * length + uy * half, tipY - uy * length - ux * half);
    ctx.closePath();
  }
  ctx.fill();
}

function drawVeil(view, ctx) {
  // A veil over everything, then the selection drawn again on top: O(selection) per frame
  // instead of restyling every node on each click.
  const sight = view.viewport();
  ctx.save();
  ctx.fillStyle = "rgba(255, 255, 255, 0.78)";
  ctx.fillRect(sight.left, sight.top, sight.right - sight.left, sight.bottom - sight.top);
  ctx.restore();
  drawEdges(view, ctx, view.edgeBatches, view.focus.edges);
  const body = view.network.body;
  for (const id of view.focus.nodes) {
    const node = body.nodes[id];
    if (node && !node.options.hidden) node.draw(ctx);
  }
}

function drawHulls(view, ctx) {
  // a light hull around each coloured community's shown members
  const nodes = view.network.body.nodes;
  const scale = view.network.getScale();
  ctx.save();
  for (const group of view.looks.communityGroups().list) {
    if (group.colour === view.registry.communityRest) continue;
    const points = group.members.filter((i) => view.drawn[i]).map((i) => [nodes[i].x, nodes[i].y]);
    if (points.length < 3) continue;
    const hull = convexHull(points);
    // a hull says "these belong together" only where they do: not around members spread across the picture
    const room = points.length * Math.PI * (view.spacing / 2) ** 2;
    if (area(hull) > HULL_SPREAD * room) continue;
    ctx.beginPath();
    hull.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
    ctx.globalAlpha = 0.08;
    ctx.fillStyle = group.colour;
    ctx.fill();
    ctx.globalAlpha = 0.35;
    ctx.strokeStyle = group.colour;
    ctx.lineWidth = 18 / scale; // rounds the hull out past the nodes on its edge
    ctx.lineJoin = "round";
    ctx.stroke();
  }
  ctx.restore();
}

function area(polygon) {
  // the shoelace formula
  let sum = 0;
  polygon.forEach(([x, y], k) => {
    const [nx, ny] = polygon[(k + 1) % polygon.length];
    sum += x * ny - nx * y;
  });
  return Math.abs(sum) / 2;
}

function convexHull(points) {
  // Andrew's monotone chain
  const sorted = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (items) => {
    const chain = [];
    for (const p of items) {
      while (chain.length >= 2 && cross(chain[chain.length - 2], chain[chain.length - 1], p) <= 0) chain.pop();
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  return half(sorted).concat(half(sorted.slice().reverse()));
}

function drawYearAxis(view, ctx) {
  // rows across the picture, their years at the left edge of the view whatever the pan
  const axis = view.yearAxis;
  if (!axis) return;
  const scale = view.network.getScale();
  const sight = view.viewport();
  const every = [1, 2, 5, 10, 20, 50].find((n) => n * axis.minRow * scale >= 16) || 100;
  ctx.save();
  ctx.strokeStyle = "#e2e8f0";
  ctx.lineWidth = 1 / scale;
  ctx.fillStyle = "#475569";
  ctx.font = "600 " + 12 / scale + "px " + FONT_FACE;
  ctx.textBaseline = "middle";
  const left = sight.left + 8 / scale;
  for (const row of axis.rows) {
    if (row.year !== null && (axis.last - row.year) % every !== 0) continue;
    ctx.beginPath();
    ctx.moveTo(sight.left, row.y);
    ctx.lineTo(sight.right, row.y);
    ctx.stroke();
    const text = row.year === null ? "no year" : String(row.year);
    ctx.lineWidth = 4 / scale;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.strokeText(text, left, row.y);
    ctx.fillText(text, left, row.y);
    ctx.strokeStyle = "#e2e8f0";
    ctx.lineWidth = 1 / scale;
  }
  ctx.restore();
}

function drawDots(view, ctx) {
  // Plain dots batched by colour, for a large picture zoomed out; marked nodes (seeds, retracted,
  // trials) keep a minimum size and their border so they still stand out.
  const sight = view.viewport();
  const scale = view.network.getScale();
  const byColour = new Map();
  const marked = [];
  const body = view.network.body.nodes;
  for (const i of view.drawnNodes()) {
    const drawn = body[i];
    if (!drawn || !within(sight, drawn.x, drawn.y)) continue;
    if (drawn.options.borderWidth >= 3) marked.push(drawn);
    const colour = drawn.options.color.background;
    if (!byColour.has(colour)) byColour.set(colour, []);
    byColour.get(colour).push(drawn);
  }
  ctx.save();
  for (const [colour, drawn] of byColour) fillDots(ctx, colour, drawn, (size) => Math.max(size, 1.1 / scale));
  for (const drawn of marked) {
    fillDots(ctx, drawn.options.color.border, [drawn], (size) => Math.max(size + 2, 4 / scale));
    fillDots(ctx, drawn.options.color.background, [drawn], (size) => Math.max(size, 2.2 / scale));
  }
  ctx.restore();
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

function within(sight, x, y) {
  return x >= sight.left && x <= sight.right && y >= sight.top && y <= sight.bottom;
}

/* The graph as the page holds it: nodes and edges from the embedded node-link JSON, with what
   the drawing needs precomputed in Python (radii, the focus ranking) and derived here once
   (adjacency, years, citations within the graph). */

function idKey(id) {
  // node-link ids are any JSON value; text ids stand for themselves, others by their JSON
  return typeof id === "string" ? id : "\u0000" + JSON.stringify(id);
}

function buildModel(data, meta) {
  const index = new Map();
  const rank = new Int32Array(data.nodes.length).fill(data.nodes.length);
  meta.focus.order.forEach((node, position) => { rank[node] = position; });
  const nodes = data.nodes.map((attrs, i) => {
    const type = str(attrs.type) || "other"; // as the legend (kinds.node_type) names it
    const year = type === "paper" && isYear(attrs.year) ? attrs.year : null;
    index.set(idKey(attrs.id), i);
    return { index: i, key: typeof attrs.id === "string" ? attrs.id : JSON.stringify(attrs.id), attrs, type, year,
             layoutYear: year ?? trialYear(attrs, type), radius: meta.radii[i], rank: rank[i], edges: [],
             cited: 0, citing: 0 };
  });
  const edges = data.edges.map((attrs, i) => {
    const weight = Number(attrs.weight);
    return { index: i, from: index.get(idKey(attrs.source)), to: index.get(idKey(attrs.target)),
             kind: str(attrs.kind || attrs.key) || "link", // as nodelink.py counts them
             sources: list(attrs.sources), attrs, weight: Number.isFinite(weight) ? weight : 1 };
  });
  for (const edge of edges) {
    nodes[edge.from].edges.push(edge.index);
    if (edge.to !== edge.from) nodes[edge.to].edges.push(edge.index);
    if (edge.kind === "cites") {
      nodes[edge.to].cited += 1;
      nodes[edge.from].citing += 1;
    }
  }
  for (const edge of edges) {
    // an author sits in the year of their first paper in the graph
    const author = nodes[edge.from];
    const paper = nodes[edge.to];
    if (edge.kind === "authored" && author.type === "author" && paper.year !== null
        && (author.layoutYear === null || paper.year < author.layoutYear)) author.layoutYear = paper.year;
  }
  let firstYear = Infinity;
  let lastYear = -Infinity;
  for (const node of nodes) {
    if (node.year === null) continue;
    firstYear = Math.min(firstYear, node.year);
    lastYear = Math.max(lastYear, node.year);
  }
  return { nodes, edges, firstYear, lastYear, anchors: nodes.filter(isAnchor).map((node) => node.index) };
}

function trialYear(attrs, type) {
  if (type !== "trial") return null;
  const match = /\b([0-9]{4})\b/.exec(str(attrs.start_date));
  return match && isYear(Number(match[1])) ? Number(match[1]) : null;
}

function isAnchor(node) {
  return node.type === "trial" || node.attrs.seed === true;
}

function otherEnd(edge, index) {
  return edge.from === index ? edge.to : edge.from;
}

function shortestPath(model, start, isGoal) {
  // breadth-first over links either way: the nodes from `start` to the nearest goal, or [start]
  const previous = new Int32Array(model.nodes.length).fill(-1);
  previous[start] = start;
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const at = queue[head];
    if (at !== start && isGoal(at)) {
      const path = [at];
      while (path[path.length - 1] !== start) path.push(previous[path[path.length - 1]]);
      return path.reverse();
    }
    for (const e of model.nodes[at].edges) {
      const next = otherEnd(model.edges[e], at);
      if (previous[next] < 0) {
        previous[next] = at;
        queue.push(next);
      }
    }
  }
  return [start];
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

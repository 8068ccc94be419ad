/* The graph as the page holds it: nodes and edges from the embedded node-link JSON, with what
   the drawing needs precomputed in Python (radii, the focus ranking) and derived here once
   (adjacency, years, citations within the graph). */

function buildModel(meta, part) {
  // `part`: the first picture's data (records of some nodes, their `indices`, the edges among them
  // with their `ids`) or the whole graph's; nodes and edges keep their indices in the whole graph,
  // and nodes not in `part` are placeholders until the whole graph comes
  const n = meta.count;
  const rank = new Int32Array(n).fill(n);
  (part.order || part.indices).forEach((node, position) => { rank[node] = position; });
  const nodes = new Array(n);
  part.nodes.forEach((attrs, k) => {
    const i = part.indices ? part.indices[k] : k;
    nodes[i] = makeNode(i, attrs, part.radii[k], rank[i]);
    // what else its size can say (iCite's figures): radii by size mode, "graph" the default
    nodes[i].sizes = { graph: part.radii[k] };
    for (const [mode, radii] of Object.entries(part.sizes || {})) nodes[i].sizes[mode] = radii[k];
  });
  for (let i = 0; i < n; i += 1) if (!nodes[i]) nodes[i] = placeholder(i, n);
  const columns = part.edges;
  const edges = columns.from.map((from, k) => {
    const attrs = columns.table[columns.attrs[k]];
    const weight = Number(attrs.weight);
    return { index: columns.ids ? columns.ids[k] : k, from, to: columns.to[k], kind: columns.kinds[columns.kind[k]],
             sources: list(attrs.sources), attrs, weight: Number.isFinite(weight) ? weight : 1 };
  });
  const byIndex = columns.ids ? [] : edges;
  if (columns.ids) edges.forEach((edge) => { byIndex[edge.index] = edge; });
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
  return { nodes, edges: byIndex, edgeList: edges, firstYear, lastYear, complete: !part.indices,
           anchors: nodes.filter(isAnchor).map((node) => node.index) };
}

function placeholder(index, n) {
  // a node of the whole graph whose record has not come yet
  return { index, key: "", attrs: {}, type: "", pending: true, year: null, layoutYear: null, radius: 0, rank: n,
           edges: [], cited: 0, citing: 0 };
}

function makeNode(index, attrs, radius, rank) {
  const type = str(attrs.type) || "other"; // as the legend (kinds.node_type) names it
  const year = type === "paper" && isYear(attrs.year) ? attrs.year : null;
  return { index, key: typeof attrs.id === "string" ? attrs.id : JSON.stringify(attrs.id), attrs, type, year,
           layoutYear: year ?? trialYear(attrs, type), radius, rank, edges: [], cited: 0, citing: 0 };
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

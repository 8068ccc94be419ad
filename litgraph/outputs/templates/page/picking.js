/* What is under the mouse. Every drawn node answers within MIN_HIT pixels of its centre however
   small it is drawn, and before any edge beneath it; a drawn label answers for its node. Edges
   answer only where no node or label does. Tooltips say what a node or edge is. */

const MIN_HIT = 9; // pixels: the least radius that answers the mouse
const EDGE_HIT = 5; // pixels either side of a link

function nodeAt(view, x, y) {
  const { scale, toScreen } = view.screen();
  let best;
  let bestScore = Infinity;
  for (const i of view.drawnNodes()) {
    const p = toScreen(i);
    const radius = view.radiusOf(i) * scale;
    const reach = Math.max(radius + 2, MIN_HIT);
    const dx = p.x - x;
    const dy = p.y - y;
    if (dx > reach || dx < -reach || dy > reach || dy < -reach) continue;
    const d = Math.hypot(dx, dy);
    if (d > reach) continue;
    // inside a drawn shape beats the margin around a small one; then the nearer centre
    const score = d <= radius ? d / radius - 2 : d / reach;
    if (score < bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best !== undefined ? best : view.labels.at(x, y);
}

function edgeAt(view, x, y) {
  const { scale, toScreen } = view.screen();
  const drawn = view.drawn;
  let best;
  let bestDistance = EDGE_HIT;
  for (const edge of view.model.edgeList) {
    if (!drawn[edge.from] || !drawn[edge.to] || view.hiddenKinds.has(edge.kind)) continue;
    const a = toScreen(edge.from);
    const b = toScreen(edge.to);
    const reach = bestDistance + view.looks.edgeWidth(edge) / 2;
    if (x < Math.min(a.x, b.x) - reach || x > Math.max(a.x, b.x) + reach
        || y < Math.min(a.y, b.y) - reach || y > Math.max(a.y, b.y) + reach) continue;
    const d = segmentDistance(x, y, a, b) - view.looks.edgeWidth(edge) / 2;
    if (d < bestDistance) {
      best = edge.index;
      bestDistance = d;
    }
  }
  return best;
}

function segmentDistance(x, y, a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t = length ? Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / length)) : 0;
  return Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy));
}

function typeKicker(looks, node) {
  const kicker = el("div", "lg-type", looks.typeName(node));
  kicker.style.setProperty("--lg-type", looks.nodeStyle(node).colour);
  return kicker;
}

function nodeTip(view, node) {
  const a = node.attrs;
  const parts = [typeKicker(view.looks, node), el("div", "lg-tip-title", shorten(mainTitle(node), 200))];
  const line = (text) => text && parts.push(el("div", "lg-tip-line", text));
  if (node.type === "paper") {
    const authors = list(a.authors);
    line(authors.slice(0, 3).join(", ") + (authors.length > 3 ? " et al." : ""));
    line([str(a.journal), str(a.year)].filter(Boolean).join(" · "));
    line(a.pmid ? "PMID " + a.pmid : "");
    line(node.cited ? "Cited by " + plural(node.cited, "paper") + " in this graph" : "");
    line(Number.isInteger(a.citation_count) ? "Cited " + plural(a.citation_count, "time") + " in PubMed (iCite)" : "");
    if (a.fetched !== false && Array.isArray(a.link_data) && !a.link_data.length) line("No citation data: its links are unknown");
    for (const listing of view.listings(node.index)) line(listing);
    if (!view.listings(node.index).length && a.seed === true) line("Seed: listed by the trial or given");
    if (a.fetched === false) line("Known only from a citation");
  } else if (node.type === "trial") {
    const words = view.words(node.index);
    line([str(a.nct_id), words.status, words.phase].filter(Boolean).join(" · "));
    line(list(a.conditions).slice(0, 2).join(", "));
    line(str(a.sponsor));
    line([words.start, words.completion].filter(Boolean).join(" – "));
    line(a.enrollment ? "Enrollment " + a.enrollment : "");
  } else if (node.type === "author") {
    line(a.papers ? plural(Number(a.papers) || 0, "paper") : "");
    line(list(a.affiliations)[0] || "");
  }
  const hidden = view.shown.hiddenNeighbours(node.index).length;
  if (hidden) line("+" + plural(hidden, "linked node") + " not shown: click to see them in the panel");
  if (a.retracted === true) parts.push(el("div", "lg-flag", "RETRACTED"));
  return parts;
}

function edgeTip(view, edge) {
  const from = view.model.nodes[edge.from];
  const to = view.model.nodes[edge.to];
  const style = view.looks.edgeStyle(edge);
  const kicker = el("div", "lg-type", style.label || edge.kind);
  kicker.style.setProperty("--lg-type", style.colour);
  return [
    kicker,
    el("div", "lg-tip-title", shorten(shortLabel(from), 60) + (style.arrow ? " → " : " — ") + shorten(shortLabel(to), 60)),
    el("div", "lg-tip-line", edge.sources.length ? "Sources: " + edge.sources.join(", ") : "No source recorded"),
  ];
}

/* How nodes and edges look: colours, marks, widths and community groups, all from the registry
   (litgraph/kinds.py) that the page embeds in its metadata. */

class Looks {
  constructor(registry, model, topics) {
    this.registry = registry;
    this.model = model;
    this.topics = topics || {};
    this.colourBy = "type";
    this.yearPalette = registry.yearPalette.map(channels);
    this.groups = null; // community groups, made when first needed
  }

  nodeStyle(node) {
    return own(this.registry.nodes, node.type) || this.registry.otherNode;
  }

  typeName(node) {
    return (own(this.registry.nodes, node.type) || {}).label || node.type;
  }

  edgeStyle(edge) {
    return own(this.registry.edges, edge.kind) || this.registry.otherEdge;
  }

  edgeWidth(edge) {
    // kinds.edge_width: heavier links of weighted kinds are wider, in half pixels
    const style = this.edgeStyle(edge);
    if (!style.weighted || edge.weight <= 1) return style.width;
    return Math.min(Math.round(2 * (style.width + Math.log2(edge.weight))) / 2, 8);
  }

  nodePaint(node) {
    // the type's colours, or the colour mode's fill, with the paper marks on top
    const a = node.attrs;
    const style = this.nodeStyle(node);
    const marks = this.registry.marks;
    const paint = { fill: style.colour, border: style.border, borderWidth: 1.5, dashes: false };
    if (this.colourBy === "year" && node.type === "paper") paint.fill = this.yearColour(node.year);
    if (this.colourBy === "community") paint.fill = this.communityColour(node);
    if (node.type === "paper" && a.fetched === false) {
      Object.assign(paint, { fill: mix(paint.fill, this.registry.unfetchedLighten), border: marks.unfetched,
                             dashes: [3, 3] });
    }
    if (a.seed === true) Object.assign(paint, { border: marks.seed, borderWidth: 3 });
    if (a.new_since) Object.assign(paint, { border: marks.new, borderWidth: 4 });
    if (a.retracted === true) Object.assign(paint, { border: marks.retracted, borderWidth: 4 });
    if (node.type === "trial") paint.borderWidth = 3;
    return paint;
  }

  visNode(node, x, y) {
    const paint = this.nodePaint(node);
    return { id: node.index, x, y, shape: this.nodeStyle(node).shape, size: node.radius,
             borderWidth: paint.borderWidth, shapeProperties: { borderDashes: paint.dashes }, color: colourOption(paint) };
  }

  yearColour(year) {
    if (year === null) return this.registry.noYear;
    const span = this.model.lastYear - this.model.firstYear;
    return paletteColour(this.yearPalette, span > 0 ? (year - this.model.firstYear) / span : 1);
  }

  communityGroups() {
    // (type, community) pairs by size: a paper community and an author community with the same
    // number are different groups, named and coloured apart
    if (this.groups) return this.groups;
    const groups = new Map();
    for (const node of this.model.nodes) {
      const number = node.attrs.community;
      if (!Number.isInteger(number)) continue;
      const key = node.type + " " + number;
      if (!groups.has(key)) groups.set(key, { key, type: node.type, number, size: 0, members: [] });
      const group = groups.get(key);
      group.size += 1;
      group.members.push(node.index);
    }
    // papers are the main actors: their communities take the palette first
    const main = [...groups.values()].some((group) => group.type === "paper") ? "paper" : null;
    const sorted = [...groups.values()].sort((x, y) => (y.type === main) - (x.type === main) || y.size - x.size
      || x.number - y.number || x.type.localeCompare(y.type));
    const palette = this.registry.communities;
    sorted.forEach((group, place) => {
      group.colour = place < palette.length && group.size > 1 ? palette[place] : this.registry.communityRest;
      const topics = list(own(own(this.topics, group.type) || {}, String(group.number)) || []);
      group.topics = topics;
      group.name = topics.length ? topics.join(" · ") : "community " + group.number;
      group.typeName = (own(this.registry.nodes, group.type) || {}).plural || group.type;
    });
    this.groups = { list: sorted, byKey: new Map(sorted.map((group) => [group.key, group])) };
    return this.groups;
  }

  communityOf(node) {
    return this.communityGroups().byKey.get(node.type + " " + node.attrs.community) || null;
  }

  communityColour(node) {
    const group = this.communityOf(node);
    return group ? group.colour : this.registry.communityRest;
  }
}

function colourOption({ fill, border }) {
  return { background: fill, border, highlight: { background: fill, border: "#0f172a" }, hover: { background: fill, border } };
}

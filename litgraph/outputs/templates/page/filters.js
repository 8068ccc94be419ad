/* The legend's filters (node types, link kinds, a year range with its histogram) and the view
   modes: colour by type, year or community (with the communities named), and the network or
   by-year layout, in which every node type has a row: papers by year, trials by start, authors
   by their first paper in the graph. */

const YEAR_GAP = 40; // page units between years

class Controls {
  constructor(view) {
    this.view = view;
    this.ui = view.ui;
    this.forcePositions = null;
  }

  wire() {
    const view = this.view;
    const root = view.root;
    root.querySelectorAll("input[data-filter]").forEach((box) => box.addEventListener("change", () => {
      if (box.dataset.filter === "new") {
        view.onlyNew = box.checked;
        view.refresh();
        return;
      }
      const set = box.dataset.filter === "type" ? view.hiddenTypes : view.hiddenKinds;
      if (box.checked) set.delete(box.dataset.value);
      else set.add(box.dataset.value);
      view.refresh();
    }));
    const years = debounce(() => this.readYears(), 150);
    [this.ui.yearFrom, this.ui.yearTo].forEach((input) => input && input.addEventListener("input", years));
    root.querySelectorAll("input[data-view]").forEach((radio) => radio.addEventListener("change", () => {
      if (!radio.checked) return;
      if (radio.dataset.view === "colour") this.setColour(radio.value);
      else if (radio.dataset.view === "size") this.setSize(radio.value);
      else this.setLayout(radio.value);
    }));
    this.drawHistogram();
  }

  passes(node) {
    // the legend's filters alone, whatever is in the picture
    const view = this.view;
    const [from, to] = view.yearRange;
    if (view.hiddenTypes.has(node.type)) return false;
    if (view.onlyNew && node.type !== "trial" && !node.attrs.new_since) return false; // what a rebuild found new
    if (node.year !== null && (node.year < from || node.year > to)) return false;
    return !(node.edges.length && node.edges.every((e) => view.hiddenKinds.has(view.model.edges[e].kind)));
  }

  readYears() {
    const from = parseInt(this.ui.yearFrom.value, 10);
    const to = parseInt(this.ui.yearTo.value, 10);
    this.view.yearRange = [Number.isNaN(from) ? -Infinity : from, Number.isNaN(to) ? Infinity : to];
    this.view.refresh();
    this.markHistogram();
  }

  drawHistogram() {
    // the bars are counted once; a year range only greys out those outside it (markHistogram)
    const box = this.ui.histogram;
    if (!box) return;
    const { firstYear, lastYear } = this.view.model;
    const counts = new Array(lastYear - firstYear + 1).fill(0);
    for (const node of this.view.model.nodes) if (node.year !== null) counts[node.year - firstYear] += 1;
    const highest = Math.max(...counts);
    box.style.gap = counts.length > 60 ? "0" : "1px";
    box.replaceChildren(...counts.map((n, i) => {
      const bar = el("span", "lg-bar");
      bar.style.height = (n ? Math.max(6, (100 * n) / highest) : 0) + "%";
      bar.title = firstYear + i + ": " + plural(n, "paper");
      return bar;
    }));
    this.markHistogram();
  }

  markHistogram() {
    const box = this.ui.histogram;
    if (!box) return;
    const [from, to] = this.view.yearRange;
    Array.from(box.children).forEach((bar, i) => {
      const year = this.view.model.firstYear + i;
      bar.classList.toggle("lg-off", year < from || year > to);
    });
  }

  setColour(mode) {
    const view = this.view;
    view.looks.colourBy = mode;
    if (this.ui.gradient) this.ui.gradient.hidden = mode !== "year";
    if (this.ui.communities) this.showCommunityLegend(mode === "community");
    view.repaint();
  }

  setSize(mode) {
    // what node sizes say: citations in this graph, or iCite's citations in PubMed or RCR
    const view = this.view;
    view.sizeBy = mode;
    for (const node of view.model.nodes) if (node.sizes) node.radius = own(node.sizes, mode) ?? node.sizes.graph;
    view.nodes.update(view.model.nodes.filter((node) => view.nodes.get(node.index) !== null)
      .map((node) => ({ id: node.index, size: node.radius })));
    view.keepTrialsLarge();
    view.labels.dirty = true;
    view.network.redraw();
  }

  showCommunityLegend(shown) {
    const box = this.ui.communities;
    box.hidden = !shown;
    if (!shown || box.childElementCount) return;
    const looks = this.view.looks;
    const { list: groups } = looks.communityGroups();
    const coloured = groups.filter((group) => group.colour !== looks.registry.communityRest);
    for (const group of coloured) {
      const row = el("li", "lg-row lg-community");
      const swatch = el("span", "lg-dot" + (group.type === "author" ? " lg-dot-author" : ""));
      swatch.style.setProperty("--lg-dot", group.colour);
      const text = el("span", "lg-row-label");
      text.append(el("span", "lg-community-type", group.typeName + ": "), group.name);
      row.append(swatch, text, el("span", "lg-num", count(group.size)));
      box.append(row);
    }
    const rest = groups.length - coloured.length;
    if (rest) {
      const row = el("li", "lg-row lg-community");
      const swatch = el("span", "lg-dot");
      swatch.style.setProperty("--lg-dot", looks.registry.communityRest);
      row.append(swatch, el("span", "lg-row-label", rest === 1 ? "1 smaller community" : count(rest) + " smaller communities"));
      box.append(row);
    }
  }

  setLayout(mode) {
    const view = this.view;
    view.layoutMode = mode;
    if (mode === "year") this.arrangeByYear();
    else this.restoreForceLayout();
    view.placeAll();
    view.fit();
  }

  arrangeByYear() {
    // Each year a band of rows, newest at the top; within a year nodes keep their left-to-right
    // order from the network layout, evenly spaced, wrapping onto more rows when they would crowd.
    const view = this.view;
    const shown = view.shown;
    const nodes = view.model.nodes.filter((node) => shown.inView[node.index]);
    if (!this.forcePositions) this.forcePositions = { x: shown.x.slice(), y: shown.y.slice() };
    const force = this.forcePositions;
    let minX = Infinity;
    let maxX = -Infinity;
    for (const node of nodes) {
      minX = Math.min(minX, force.x[node.index]);
      maxX = Math.max(maxX, force.x[node.index]);
    }
    // a slot wide and high enough for nine in ten of these nodes, so rows do not crowd
    const radii = nodes.map((node) => view.model.nodes[node.index].radius).sort((a, b) => a - b);
    const slot = Math.max(view.spacing * 0.7, 2 * (radii[Math.floor(radii.length * 0.9)] || 0) + 10);
    const width = Math.max(maxX - minX, 12 * view.spacing);
    const perRow = Math.max(1, Math.floor(width / slot));
    const byYear = new Map();
    for (const node of nodes) {
      const key = node.layoutYear;
      if (!byYear.has(key)) byYear.set(key, []);
      byYear.get(key).push(node.index);
    }
    const years = [...byYear.keys()].filter((year) => year !== null).sort((a, b) => b - a);
    if (byYear.has(null)) years.push(null);
    const rows = [];
    let top = 0;
    for (const year of years) {
      const members = byYear.get(year).sort((a, b) => force.x[a] - force.x[b] || a - b);
      const lines = Math.ceil(members.length / perRow);
      rows.push({ year, y: top + ((lines - 1) * slot) / 2 });
      members.forEach((index, k) => {
        const line = k % lines; // alternate lines, so neighbours in x stay neighbours
        const column = Math.floor(k / lines);
        const columns = Math.ceil(members.length / lines);
        shown.x[index] = minX + (columns > 1 ? (width * column) / (columns - 1) : width / 2);
        shown.y[index] = top + line * slot;
      });
      top += lines * slot + YEAR_GAP;
    }
    const dated = years.filter((year) => year !== null);
    view.yearAxis = { rows, first: dated[dated.length - 1], last: dated[0], minRow: slot + YEAR_GAP };
  }

  restoreForceLayout() {
    const saved = this.forcePositions;
    this.view.yearAxis = null;
    this.forcePositions = null;
    if (!saved) return;
    const shown = this.view.shown;
    shown.x.set(saved.x);
    shown.y.set(saved.y);
  }
}

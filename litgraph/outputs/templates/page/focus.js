/* Which nodes are in the picture and where: the first picture (the focus Python chose), grown
   by a node's neighbours, the next nodes by rank or a searched node's path to the trial, or
   everything at the whole graph's layout ("show all"), and back. */

const RELAX_STEPS = 60;
const RELAX_LIMIT = 1500; // nodes placed at once beyond this keep their first places

class Shown {
  constructor(model, meta, order) {
    this.model = model;
    this.focus = meta.focus;
    this.order = order; // node indices by rank: the first picture's, then (complete) all
    this.full = null; // the whole graph's layout, once it has come (null too when the focus is the whole graph)
    this.spacing = meta.spacing;
    const n = model.nodes.length;
    this.inView = new Uint8Array(n);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.all = false;
    this.reset();
  }

  reset() {
    // the first picture
    this.inView.fill(0);
    this.all = this.isFocusWhole();
    const positions = this.focus.positions;
    for (let k = 0; k < this.focus.shown; k += 1) {
      const node = this.order[k];
      this.inView[node] = 1;
      this.x[node] = positions[2 * k];
      this.y[node] = positions[2 * k + 1];
    }
  }

  isFocusWhole() {
    return this.focus.shown === this.model.nodes.length;
  }

  showAll() {
    // every node at the whole graph's layout: today's full view
    const full = this.full;
    this.model.nodes.forEach((node, i) => {
      if (full) {
        this.x[i] = full[2 * i];
        this.y[i] = full[2 * i + 1];
      }
      this.inView[i] = 1;
    });
    this.all = true;
  }

  counts(drawn, totals) {
    // drawn and total per node type, in the legend's order
    const byType = new Map(Object.entries(totals).map(([type, total]) => [type, { type, shown: 0, total }]));
    for (const node of this.model.nodes) if (drawn[node.index]) byType.get(node.type).shown += 1;
    return [...byType.values()];
  }

  hiddenNeighbours(index) {
    const hidden = new Set();
    for (const e of this.model.nodes[index].edges) {
      const other = otherEnd(this.model.edges[e], index);
      if (!this.inView[other]) hidden.add(other);
    }
    return [...hidden];
  }

  nextByRank(amount) {
    const next = [];
    for (const node of this.order) {
      if (!this.inView[node]) next.push(node);
      if (next.length >= amount) break;
    }
    return next;
  }

  reveal(indices, anchor) {
    // Put `indices` into the picture beside what they link to (or `anchor`); returns those added.
    // Each is placed before the next, so a path comes out from its shown end.
    const added = indices.filter((i) => !this.inView[i]);
    if (!added.length) return added;
    const centre = this.centre();
    const children = new Map(); // parent -> children placed around it so far
    for (const node of added) {
      const parent = this.parentOf(node, anchor);
      if (parent < 0) {
        this.placeLoose(node, centre);
      } else {
        const slot = children.get(parent) || 0;
        children.set(parent, slot + 1);
        this.placeBeside(node, parent, slot, centre);
      }
      this.inView[node] = 1;
    }
    if (added.length <= RELAX_LIMIT) this.relax(added);
    return added;
  }

  parentOf(index, anchor) {
    // the shown neighbour linked most, ties by rank; else the anchor; -1 when neither is shown
    const links = new Map();
    for (const e of this.model.nodes[index].edges) {
      const other = otherEnd(this.model.edges[e], index);
      if (this.inView[other]) links.set(other, (links.get(other) || 0) + 1);
    }
    let best = -1;
    for (const [node, weight] of links) {
      if (best < 0 || weight > links.get(best)
          || (weight === links.get(best) && this.model.nodes[node].rank < this.model.nodes[best].rank)) best = node;
    }
    if (best < 0 && anchor !== undefined && anchor !== null && this.inView[anchor]) return anchor;
    return best;
  }

  centre() {
    let sx = 0;
    let sy = 0;
    let n = 0;
    this.inView.forEach((shown, i) => {
      if (!shown) return;
      sx += this.x[i];
      sy += this.y[i];
      n += 1;
    });
    return n ? { x: sx / n, y: sy / n } : { x: 0, y: 0 };
  }

  placeBeside(node, parent, slot, centre) {
    // The slot-th child of `parent` on rings around it, the first straight away from the
    // picture's centre, the next alternately either side of it, then on the next ring.
    const px = this.x[parent];
    const py = this.y[parent];
    const away = Math.hypot(px - centre.x, py - centre.y) > 1 ? Math.atan2(py - centre.y, px - centre.x) : -Math.PI / 2;
    let ring = 1;
    let first = 0;
    for (;;) {
      const radius = this.spacing * (0.6 + 0.9 * ring);
      const room = Math.max(2, Math.floor((2 * Math.PI * radius) / this.spacing));
      if (slot < first + room) {
        const m = slot - first;
        const angle = away + (m % 2 ? 1 : -1) * Math.ceil(m / 2) * ((2 * Math.PI) / room);
        this.x[node] = px + radius * Math.cos(angle);
        this.y[node] = py + radius * Math.sin(angle);
        return;
      }
      first += room;
      ring += 1;
    }
  }

  placeLoose(node, centre) {
    // nothing it links to is shown: at the picture's edge, in a direction given by its rank
    let reach = 0;
    this.inView.forEach((shown, i) => {
      if (shown) reach = Math.max(reach, Math.hypot(this.x[i] - centre.x, this.y[i] - centre.y));
    });
    const angle = this.model.nodes[node].rank * 2.399963; // the golden angle spreads them evenly
    this.x[node] = centre.x + (reach + this.spacing) * Math.cos(angle);
    this.y[node] = centre.y + (reach + this.spacing) * Math.sin(angle);
  }

  relax(added) {
    // A few force steps for the new nodes only: apart from every shown node near them (a grid
    // finds those), drawn towards the shown nodes they link to. Everything else stays put.
    const gap = this.spacing;
    const moving = new Set(added);
    const cell = 2 * gap;
    const grid = new Map();
    const keyOf = (x, y) => Math.floor(x / cell) + "," + Math.floor(y / cell);
    this.inView.forEach((shown, i) => {
      if (!shown || moving.has(i)) return;
      const key = keyOf(this.x[i], this.y[i]);
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(i);
    });
    const links = added.map((node) => this.model.nodes[node].edges.map((e) => otherEnd(this.model.edges[e], node))
      .filter((other) => this.inView[other] && other !== node));
    let step = gap * 0.5;
    for (let round = 0; round < RELAX_STEPS; round += 1) {
      added.forEach((node, k) => {
        let fx = 0;
        let fy = 0;
        const x = this.x[node];
        const y = this.y[node];
        const push = (other) => {
          const dx = x - this.x[other];
          const dy = y - this.y[other];
          const d = Math.hypot(dx, dy) + 1e-3;
          if (d > 2 * gap) return;
          const room = this.model.nodes[node].radius + this.model.nodes[other].radius + gap * 0.5;
          const strength = (gap * gap) / d + 4 * gap * Math.max(room - d, 0);
          fx += (dx / d) * strength;
          fy += (dy / d) * strength;
        };
        const cx = Math.floor(x / cell);
        const cy = Math.floor(y / cell);
        for (let i = -1; i <= 1; i += 1) {
          for (let j = -1; j <= 1; j += 1) (grid.get(cx + i + "," + (cy + j)) || []).forEach(push);
        }
        for (const other of added) if (other !== node) push(other);
        for (const other of links[k]) {
          const dx = this.x[other] - x;
          const dy = this.y[other] - y;
          const d = Math.hypot(dx, dy);
          fx += (dx * d) / gap / Math.max(1, links[k].length / 2);
          fy += (dy * d) / gap / Math.max(1, links[k].length / 2);
        }
        const size = Math.hypot(fx, fy) + 1e-9;
        const move = Math.min(size, step) / size;
        this.x[node] = x + fx * move;
        this.y[node] = y + fy * move;
      });
      step *= 0.93;
    }
  }
}

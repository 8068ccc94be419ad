/* Labels that never collide. They are drawn here, not by vis-network, at a constant size on
   screen: after every change of the view they are placed again, most important first (the
   trial, then the other nodes by rank: references and seeds, then the most cited), each below,
   above, right or left of its node, wherever it overlaps no label placed before and no other
   node. The rest appear as the reader zooms in. */

const LABEL_LIMIT = 500; // labels drawn at most
const PLACE_EVERY_FRAME = 2500; // nodes in view up to which labels are placed again on each frame
const LABEL_GAP = 3; // pixels between a node and its label
const TRIAL_TITLE = 30; // characters of the trial's title under its NCT id
const LINE = { trial: [15, 12], anchor: [12], other: [11.5], community: [13] };

class Labels {
  constructor(view) {
    this.view = view;
    this.placed = [];
    this.dirty = true;
    this.measures = new Map();
    this.measurer = document.createElement("canvas").getContext("2d");
  }

  fonts(kind) {
    const weights = { trial: ["700", "400"], anchor: ["600"], other: ["400"], community: ["700"] }[kind];
    return LINE[kind].map((size, i) => weights[i] + " " + size + "px " + FONT_FACE);
  }

  textOf(node) {
    const retracted = node.attrs.retracted === true ? "⚠ " : "";
    if (node.type === "trial") {
      const title = str(node.attrs.title) || str(node.attrs.official_title);
      return [str(node.attrs.nct_id) || shortLabel(node), title ? shorten(title, TRIAL_TITLE) : ""].filter(Boolean);
    }
    return [retracted + shorten(shortLabel(node), 34)];
  }

  width(font, text) {
    const key = font + "\u0000" + text;
    let width = this.measures.get(key);
    if (width === undefined) {
      this.measurer.font = font;
      width = this.measurer.measureText(text).width;
      this.measures.set(key, width);
    }
    return width;
  }

  block(kind, lines) {
    const fonts = this.fonts(kind);
    const heights = lines.map((_, i) => Math.round(LINE[kind][Math.min(i, LINE[kind].length - 1)] * 1.25));
    const width = Math.max(...lines.map((line, i) => this.width(fonts[Math.min(i, fonts.length - 1)], line)));
    return { lines, fonts, heights, w: Math.ceil(width) + 4, h: heights.reduce((a, b) => a + b, 0) + 2 };
  }

  place() {
    // Greedy placement in screen pixels, against grids of the placed boxes and of node discs.
    const view = this.view;
    const { scale, toScreen, width, height } = view.screen();
    const discs = new Grid(48);
    const inView = [];
    for (const i of view.drawnNodes()) {
      const p = toScreen(i);
      const r = view.radiusOf(i) * scale + 1;
      if (p.x < -r || p.y < -r || p.x > width + r || p.y > height + r) continue;
      discs.add({ x: p.x - r, y: p.y - r, w: 2 * r, h: 2 * r, node: i, cx: p.x, cy: p.y, r });
      inView.push({ i, p, r });
    }
    const focus = view.focus ? view.focus.nodes : null;
    inView.sort((a, b) => labelPriority(view, a.i, focus) - labelPriority(view, b.i, focus));
    const boxes = new Grid(64);
    const placed = [];
    const clear = (box, own) => inside(box, width, height) && !boxes.hits(box)
      && !discs.hits(box, (disc) => disc.node !== own && overlapsDisc(box, disc));
    for (const group of view.communityLabels()) {
      const block = this.block("community", [group.text]);
      const box = group.places.map((at) => ({ x: at.x - block.w / 2, y: at.y - block.h / 2, w: block.w, h: block.h }))
        .find((candidate) => clear(candidate));
      if (!box) continue;
      boxes.add(box);
      placed.push({ community: group, block, box, colour: group.colour });
    }
    for (const { i, p, r } of inView) {
      if (placed.length >= LABEL_LIMIT) break;
      const node = view.model.nodes[i];
      const kind = node.type === "trial" ? "trial" : node.rank < view.anchorCount || node.attrs.seed === true ? "anchor" : "other";
      const block = this.block(kind, this.textOf(node));
      for (const [dx, dy] of [[-block.w / 2, r + LABEL_GAP], [-block.w / 2, -r - LABEL_GAP - block.h],
                              [r + LABEL_GAP, -block.h / 2], [-r - LABEL_GAP - block.w, -block.h / 2]]) {
        const box = { x: p.x + dx, y: p.y + dy, w: block.w, h: block.h };
        if (!clear(box, i)) continue;
        boxes.add(box);
        placed.push({ node: i, block, dx, dy, box, faint: focus !== null && !focus.has(i) });
        break;
      }
    }
    this.placed = placed;
    this.dirty = false;
  }

  draw(ctx) {
    const view = this.view;
    if (this.dirty || view.drawnCount() <= PLACE_EVERY_FRAME) this.place();
    const { toScreen } = view.screen();
    ctx.save();
    const ratio = view.network.canvas.pixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    for (const label of this.placed) {
      let x;
      let y;
      if (label.community) {
        ({ x, y } = label.box);
      } else {
        const p = toScreen(label.node);
        x = p.x + label.dx;
        y = p.y + label.dy;
        label.box = { x, y, w: label.block.w, h: label.block.h };
      }
      ctx.globalAlpha = label.faint ? 0.35 : 1;
      let top = y + 1;
      label.block.lines.forEach((line, k) => {
        ctx.font = label.block.fonts[Math.min(k, label.block.fonts.length - 1)];
        ctx.lineWidth = 3.5;
        ctx.strokeStyle = "rgba(255,255,255,0.92)";
        ctx.strokeText(line, x + 2, top);
        ctx.fillStyle = label.colour || (k ? "#334155" : "#0f172a");
        ctx.fillText(line, x + 2, top);
        top += label.block.heights[k];
      });
    }
    ctx.restore();
  }

  at(x, y) {
    // the node whose drawn label is under a screen point, or undefined
    for (let k = this.placed.length - 1; k >= 0; k -= 1) {
      const { box, node } = this.placed[k];
      if (node !== undefined && x >= box.x && x <= box.x + box.w && y >= box.y && y <= box.y + box.h) return node;
    }
    return undefined;
  }
}

function labelPriority(view, index, focus) {
  // the selected node and its neighbours first, then the trial(s), then by rank
  const node = view.model.nodes[index];
  const selected = view.current && view.current.node === index ? -3e9 : 0;
  const focused = focus && focus.has(index) ? -2e9 : 0;
  return selected + focused + (node.type === "trial" ? -1e9 : 0) + node.rank;
}

function inside(box, width, height) {
  return box.x >= 0 && box.y >= 0 && box.x + box.w <= width && box.y + box.h <= height;
}

function overlapsDisc(box, disc) {
  const nx = Math.max(box.x, Math.min(disc.cx, box.x + box.w));
  const ny = Math.max(box.y, Math.min(disc.cy, box.y + box.h));
  return (nx - disc.cx) ** 2 + (ny - disc.cy) ** 2 < disc.r * disc.r;
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

class Grid {
  // boxes in square cells of `size` pixels, for overlap tests against many boxes
  constructor(size) {
    this.size = size;
    this.cells = new Map();
  }

  keys(box) {
    const keys = [];
    for (let i = Math.floor(box.x / this.size); i <= Math.floor((box.x + box.w) / this.size); i += 1) {
      for (let j = Math.floor(box.y / this.size); j <= Math.floor((box.y + box.h) / this.size); j += 1) keys.push(i + "," + j);
    }
    return keys;
  }

  add(box) {
    for (const key of this.keys(box)) {
      if (!this.cells.has(key)) this.cells.set(key, []);
      this.cells.get(key).push(box);
    }
  }

  hits(box, test) {
    for (const key of this.keys(box)) {
      for (const other of this.cells.get(key) || []) if (overlaps(box, other) && (!test || test(other))) return true;
    }
    return false;
  }
}

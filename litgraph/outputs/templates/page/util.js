/* Small helpers shared by every part of the page script.

   Safety rule for the whole script: text from records is only ever put into the page with
   textContent (or drawn on the canvas); links are built from validated identifiers and set only
   when the resulting URL is https. No innerHTML, no string-built markup. */

const FONT_FACE = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

// Identifier -> https URL, or null when the value does not look like that identifier.
const LINKS = {
  pmid: (v) => (/^[0-9]{1,9}$/.test(v) ? "https://pubmed.ncbi.nlm.nih.gov/" + v + "/" : null),
  doi: (v) => (/^10\.[0-9]{3,9}\/\S+$/.test(v) ? "https://doi.org/" + encodeURI(v).replace(/[?#]/g, encodeURIComponent) : null),
  pmcid: (v) => (/^PMC[0-9]{1,12}$/i.test(v) ? "https://pmc.ncbi.nlm.nih.gov/articles/" + v.toUpperCase() + "/" : null),
  nct: (v) => (/^NCT[0-9]{8}$/i.test(v) ? "https://clinicaltrials.gov/study/" + v.toUpperCase() : null),
  orcid: (v) => {
    const match = /([0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])$/i.exec(v);
    return match ? "https://orcid.org/" + match[1].toUpperCase() : null;
  },
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function button(className, text, onClick, title) {
  const node = el("button", className, text);
  node.type = "button";
  if (title) node.title = title;
  node.addEventListener("click", onClick);
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

function count(n) {
  return Number(n).toLocaleString("en-US");
}

function plural(n, word, words) {
  return count(n) + " " + (n === 1 ? word : words || word + "s");
}

function isYear(value) {
  return Number.isInteger(value) && value > 1000 && value < 3000;
}

function channels(hex) {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
}

function mix(hex, amount) {
  // lighten a #rrggbb colour towards white by `amount` (0..1), as kinds.py's `lighter` does
  return "#" + channels(hex).map((c) => Math.round(c + (255 - c) * amount).toString(16).padStart(2, "0")).join("");
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

function debounce(fn, ms) {
  let timer = 0;
  const delayed = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  delayed.cancel = () => clearTimeout(timer);
  return delayed;
}

function moreButton(text, reveal) {
  // a button that reveals the rest of a cut list, once
  const node = button("lg-more", text, () => {
    node.remove();
    reveal();
  });
  return node;
}

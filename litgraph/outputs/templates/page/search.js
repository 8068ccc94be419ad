/* The search box: title, PMID, DOI, PMC id, author, NCT id. A node found outside the picture is
   brought in together with its shortest path to the trial (or to a seed paper). */

const SEARCH_LIMIT = 12;

class Search {
  constructor(view) {
    this.view = view;
    this.ui = view.ui;
    this.keys = null;
    this.hits = [];
    this.active = -1;
  }

  wire() {
    const box = this.ui.search;
    const update = debounce(() => this.showResults(box.value), this.view.model.nodes.length > 5000 ? 120 : 40);
    box.addEventListener("input", update);
    box.addEventListener("focus", () => box.value && this.showResults(box.value));
    box.addEventListener("blur", () => this.hideResults());
    box.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        this.move(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter") {
        event.preventDefault();
        update.cancel(); // run the pending search now, so it cannot reopen the list after the choice
        this.showResults(box.value);
        const index = this.hits[Math.max(this.active, 0)];
        if (index !== undefined) this.choose(index);
      } else if (event.key === "Escape") {
        this.hideResults();
      }
    });
  }

  key(node) {
    const a = node.attrs;
    return [a.label, a.title, a.name, a.pmid, a.doi, a.pmcid, a.nct_id, a.orcid, a.citation, node.key]
      .concat(list(a.variants)).map(str).join("\n").toLowerCase();
  }

  find(query) {
    const q = query.trim().toLowerCase().replace(/^(pmid|doi)\s*:?\s*/, "");
    if (!q) return [];
    const nodes = this.view.model.nodes;
    if (!this.keys) this.keys = nodes.map((node) => this.key(node));
    const hits = [];
    this.keys.forEach((key, index) => {
      if (!key.includes(q)) return;
      const node = nodes[index];
      const a = node.attrs;
      const ids = [a.pmid, a.doi, a.pmcid, a.nct_id, a.orcid, node.key].map((v) => str(v).toLowerCase());
      const score = ids.includes(q) ? 0 : mainTitle(node).toLowerCase().startsWith(q)
        || shortLabel(node).toLowerCase().startsWith(q) ? 1 : 2;
      hits.push({ index, score, rank: node.rank });
    });
    hits.sort((x, y) => x.score - y.score || x.rank - y.rank || x.index - y.index);
    return hits.slice(0, SEARCH_LIMIT).map((hit) => hit.index);
  }

  showResults(query) {
    const results = this.ui.results;
    this.hits = this.find(query);
    this.active = this.hits.length ? 0 : -1;
    results.replaceChildren();
    if (!query.trim()) return this.hideResults();
    if (!this.hits.length) results.append(el("li", "lg-result-empty", "No match"));
    this.hits.forEach((index, position) => results.append(this.row(index, position)));
    results.hidden = false;
    this.ui.search.setAttribute("aria-expanded", "true");
  }

  row(index, position) {
    const view = this.view;
    const node = view.model.nodes[index];
    const row = el("li", "lg-result");
    row.setAttribute("role", "option");
    row.setAttribute("aria-selected", position === this.active ? "true" : "false");
    const id = node.attrs.pmid ? "PMID " + node.attrs.pmid : node.attrs.nct_id || "";
    row.append(typeKicker(view.looks, node), el("span", "lg-result-text", shorten(mainTitle(node), 140)),
               el("span", "lg-result-id", str(id) + (view.shown.inView[index] ? "" : " · not shown")));
    row.addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep focus in the box until the choice is made
      this.choose(index);
    });
    return row;
  }

  move(step) {
    const rows = this.ui.results.querySelectorAll(".lg-result");
    if (!rows.length) return;
    this.active = (this.active + step + rows.length) % rows.length;
    rows.forEach((row, i) => row.setAttribute("aria-selected", i === this.active ? "true" : "false"));
    rows[this.active].scrollIntoView({ block: "nearest" });
  }

  choose(index) {
    this.hideResults();
    this.view.openNode(index, { focus: true });
  }

  hideResults() {
    this.ui.results.hidden = true;
    this.ui.search.setAttribute("aria-expanded", "false");
  }
}

/* The candidates view (candidates.html): sort, filter, tick, and download the ticked candidates
   as RIS or CSV, offline. Each row carries its RIS record and CSV line exactly as the build's
   candidates.ris and candidates.csv hold them, so a download is those files' records, joined.
   Record text reaches the page only through textContent; links are built from checked ids. */
(function () {
  "use strict";
  const root = document.getElementById("lg-candidates");
  const data = JSON.parse(document.querySelector(".lg-candidates-data").textContent);
  const rows = data.rows;
  const state = { sort: "rank", descending: false, text: "", onlyNew: false, hideHeld: true, ticked: new Set() };
  const ui = {
    body: root.querySelector("tbody"), empty: root.querySelector(".empty"), filter: root.querySelector(".filter"),
    onlyNew: root.querySelector(".only-new"), hideHeld: root.querySelector(".hide-held"),
    ticked: root.querySelector(".ticked"), ris: root.querySelector('[data-action="ris"]'),
    csv: root.querySelector('[data-action="csv"]'),
  };
  const KEYS = {
    rank: (row) => row.rank,
    title: (row) => row.title.toLowerCase(),
    year: (row) => (row.year === null ? -Infinity : row.year),
    direction: (row) => row.directions.join(" "),
    found: (row) => row.found_from.join(" "),
    depth: (row) => row.depth,
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function shown() {
    const words = state.text.toLowerCase().split(/\s+/).filter(Boolean);
    const kept = rows.filter((row) => (!state.onlyNew || row.new) && (!state.hideHeld || !row.held)
      && words.every((word) => row.search.includes(word)));
    const key = KEYS[state.sort];
    const sign = state.descending ? -1 : 1;
    return kept.sort((a, b) => {
      const x = key(a), y = key(b);
      return (x < y ? -sign : x > y ? sign : 0) || a.rank - b.rank;
    });
  }

  function paperCell(row) {
    const cell = el("td", "title");
    const link = /^[0-9]{1,9}$/.test(row.pmid) ? el("a", null, row.title || "(no title)") : el("span", null, row.title);
    if (link.tagName === "A") {
      link.href = "https://pubmed.ncbi.nlm.nih.gov/" + row.pmid + "/";
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    }
    cell.append(link);
    const authors = row.authors.slice(0, 3).join(", ") + (row.authors.length > 3 ? ", et al." : "");
    const meta = el("div", "meta", [authors, row.journal, row.pmid ? "PMID " + row.pmid : ""].filter(Boolean).join(" · "));
    cell.append(meta);
    const tags = el("div");
    if (row.new) tags.append(el("span", "tag new", data.newWords));
    if (row.held) tags.append(el("span", "tag held", "in your library: " + row.held));
    if (row.retracted) tags.append(el("span", "tag retracted", "Retracted"));
    if (tags.childNodes.length) cell.append(tags);
    return cell;
  }

  function render() {
    const list = shown();
    const fragment = document.createDocumentFragment();
    for (const row of list) {
      const line = el("tr");
      line.dataset.node = row.node;
      line.classList.toggle("is-ticked", state.ticked.has(row.node));
      const tick = el("input");
      tick.type = "checkbox";
      tick.checked = state.ticked.has(row.node);
      tick.setAttribute("aria-label", "Tick " + (row.title || row.node));
      tick.addEventListener("change", () => {
        if (tick.checked) state.ticked.add(row.node);
        else state.ticked.delete(row.node);
        line.classList.toggle("is-ticked", tick.checked);
        count();
      });
      const box = el("td");
      box.append(tick);
      const directions = el("td");
      for (const direction of row.directions) directions.append(el("span", "tag " + direction, data.directionWords[direction] || direction));
      const found = el("td", null, row.found_from.join(", "));
      found.append(el("div", "meta", "via " + (row.sources.map((name) => data.sourceWords[name] || name).join("; ") || "—")));
      line.append(box, el("td", "num", row.rank), paperCell(row), el("td", "num", row.year === null ? "" : row.year),
        directions, found, el("td", "num", row.depth));
      fragment.append(line);
    }
    ui.body.replaceChildren(fragment);
    ui.empty.hidden = list.length > 0;
    root.querySelectorAll("th button[data-sort]").forEach((header) => {
      if (header.dataset.sort === state.sort) header.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      else header.removeAttribute("aria-sort");
    });
    count();
  }

  function count() {
    const n = state.ticked.size;
    ui.ticked.textContent = n.toLocaleString("en") + " ticked";
    ui.ris.disabled = ui.csv.disabled = n === 0;
  }

  function download(kind) {
    // the ticked candidates in rank order, as the build's files hold them
    const chosen = rows.filter((row) => state.ticked.has(row.node)).sort((a, b) => a.rank - b.rank);
    const text = kind === "ris" ? chosen.map((row) => row.ris).join("") : data.csvHeader + chosen.map((row) => row.csv).join("");
    const blob = new Blob([text], { type: kind === "ris" ? "application/x-research-info-systems" : "text/csv" });
    const anchor = el("a");
    anchor.href = URL.createObjectURL(blob);
    anchor.download = data.fileStem + "-ticked." + kind;
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(anchor.href), 10000);
  }

  root.querySelectorAll("th button[data-sort]").forEach((header) => header.addEventListener("click", () => {
    const key = header.dataset.sort;
    state.descending = state.sort === key ? !state.descending : key === "year";  // newest first on the first click
    state.sort = key;
    render();
  }));
  ui.filter.addEventListener("input", () => { state.text = ui.filter.value; render(); });
  if (ui.onlyNew) ui.onlyNew.addEventListener("change", () => { state.onlyNew = ui.onlyNew.checked; render(); });
  if (ui.hideHeld) ui.hideHeld.addEventListener("change", () => { state.hideHeld = ui.hideHeld.checked; render(); });
  else state.hideHeld = false;
  root.querySelector('[data-action="tick-shown"]').addEventListener("click", () => {
    for (const row of shown()) state.ticked.add(row.node);
    render();
  });
  root.querySelector('[data-action="untick"]').addEventListener("click", () => { state.ticked.clear(); render(); });
  ui.ris.addEventListener("click", () => download("ris"));
  ui.csv.addEventListener("click", () => download("csv"));
  for (const row of rows) {
    row.search = [row.title, row.authors.join(" "), row.journal, row.pmid, row.doi].join(" ").toLowerCase();
  }
  render();
  root.litgraphCandidates = { state, rows, render, shown }; // for scripts and tests
  root.dataset.state = "ready";
})();

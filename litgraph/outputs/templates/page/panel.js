/* The details panel: a node's or a link's metadata, links out (PubMed, DOI, PMC, ClinicalTrials.gov,
   ORCID), its links grouped by kind and direction, and the buttons that bring the neighbours not
   yet shown into the picture ("+23 citing papers"). */

const LIST_LIMIT = 40; // panel rows shown before a "show all" button
const FIELD_LIMIT = 12; // tags and names shown in a panel field before a "+N more" button
const EDGE_ENDS = new Set(["source", "target", "key", "kind", "sources"]); // not shown as extra fields
const SHOWN_ELSEWHERE = new Set(["type", "label", "title", "name", "authors", "journal", "year", "pmid", "doi",
  "pmcid", "publication_types", "mesh", "retracted", "seed", "depth", "fetched", "citation", "nct_id", "status",
  "phase", "conditions", "interventions", "sponsor", "start_date", "completion_date", "enrollment", "officials",
  "official_title", "orcid", "affiliations", "papers", "variants", "id", "cited_by", "pagerank", "betweenness",
  "community", "author_names", "author_ids", "link_data", "identity", "evidence", "citation_count", "rcr",
  "nih_percentile", "apt", "is_clinical", "cited_by_clinical", "clinical_citations"]);

class Fields {
  constructor() {
    this.element = el("dl", "lg-fields");
  }

  row(label, content) {
    const value = el("dd");
    value.append(content);
    this.element.append(el("dt", null, label), value);
  }

  text(label, value) {
    if (str(value)) this.row(label, str(value));
  }

  link(label, value, toUrl) {
    const text = str(value);
    if (text) this.row(label, externalLink(toUrl(text), text));
  }

  tags(label, values) {
    if (!values.length) return;
    const box = el("div", "lg-tags");
    const add = (from, to) => values.slice(from, to).forEach((v) => box.append(el("span", "lg-tag", v)));
    add(0, FIELD_LIMIT);
    if (values.length > FIELD_LIMIT) box.append(moreButton(andMore(values, FIELD_LIMIT), () => add(FIELD_LIMIT, values.length)));
    this.row(label, box);
  }

  people(label, names) {
    if (!names.length) return;
    const box = el("span");
    box.textContent = names.slice(0, FIELD_LIMIT).join(", ");
    if (names.length > FIELD_LIMIT) {
      box.append(" ", moreButton(andMore(names, FIELD_LIMIT), () => {
        box.textContent = names.join(", ");
      }));
    }
    this.row(label, box);
  }

  lines(label, values) {
    if (!values.length) return;
    const box = el("div");
    values.forEach((v) => box.append(el("div", null, v)));
    this.row(label, box);
  }
}

function andMore(values, shown) {
  return "+" + (values.length - shown) + " more";
}

function otherFields(attrs) {
  const rest = Object.keys(attrs).filter((key) => !SHOWN_ELSEWHERE.has(key) && str(attrs[key]) !== "");
  if (!rest.length) return null;
  const details = el("details", "lg-other");
  details.append(el("summary", null, "More fields"));
  const fields = new Fields();
  for (const key of rest) {
    const value = attrs[key];
    fields.text(key, typeof value === "object" ? JSON.stringify(value) : value);
  }
  details.append(fields.element);
  return details;
}

class Panel {
  constructor(view) {
    this.view = view;
    this.ui = view.ui;
  }

  show(children) {
    this.ui.panelBody.replaceChildren(...children.filter(Boolean));
    this.ui.panel.hidden = false;
    this.ui.panel.scrollTop = 0;
  }

  hide() {
    this.ui.panel.hidden = true;
  }

  node(node) {
    const view = this.view;
    const a = node.attrs;
    const fields = new Fields();
    if (node.type === "paper") this.paperFields(node, fields);
    else if (node.type === "trial") this.trialFields(node, fields);
    else if (node.type === "author") this.authorFields(a, fields);
    else if (node.type === "mesh") fields.text("Papers", a.papers);
    this.metricFields(node, fields);
    this.show([this.badges(node), el("h3", null, mainTitle(node)), view.listings(node.index).length
      ? el("p", "lg-listing", view.listings(node.index).join("; ")) : null, fields.element, this.growth(node),
               this.connections(node), otherFields(a)]);
  }

  badges(node) {
    const row = el("div", "lg-badges");
    const badge = (text, extra) => row.append(el("span", "lg-badge" + (extra ? " " + extra : ""), text));
    badge(this.view.looks.typeName(node));
    if (node.attrs.retracted === true) badge("Retracted", "lg-flag");
    if (node.attrs.seed === true) badge(this.view.listings(node.index).length ? "Listed by the trial" : "Seed", "lg-seed");
    if (node.type === "paper" && node.attrs.fetched === false) badge("Known only from a citation", "lg-faint");
    if (!this.view.shown.inView[node.index]) badge("Not in the picture", "lg-faint");
    return row;
  }

  growth(node) {
    // how many of its neighbours are not in the picture, and a button to bring them in
    const hidden = this.view.shown.hiddenNeighbours(node.index);
    if (!hidden.length) return null;
    const box = el("div", "lg-grow-box");
    box.append(el("span", null, plural(hidden.length, "linked node") + " not in the picture"),
               button("lg-button lg-grow", "Show them", () => this.view.grow(node.index, hidden)));
    return box;
  }

  paperFields(node, fields) {
    const a = node.attrs;
    fields.people("Authors", list(a.authors));
    fields.text("Journal", a.journal);
    fields.text("Year", a.year);
    fields.link("PMID", a.pmid, LINKS.pmid);
    fields.link("DOI", a.doi, LINKS.doi);
    fields.link("PMC", a.pmcid, LINKS.pmcid);
    fields.tags("Type", list(a.publication_types));
    fields.tags("MeSH", list(a.mesh));
    if (a.citation && (a.fetched === false || !a.title)) fields.text("Citation", a.citation);
    if (Number.isInteger(a.depth)) fields.text("Depth", a.depth === 0 ? "0 (seed)" : plural(a.depth, "hop") + " from the seeds");
    const here = [];
    if (node.cited) here.push("cited by " + node.cited);
    if (node.citing) here.push("cites " + node.citing);
    if (here.length) fields.text("In this graph", here.join(" · "));
    this.citationData(node, fields);
    this.iciteFields(node, fields);
  }

  citationData(node, fields) {
    // which sources answered for this paper: a paper none covers is not one nobody cites
    const a = node.attrs;
    if (a.type !== "paper" || a.fetched === false || !Array.isArray(a.link_data)) return;
    const words = this.view.registry.sourceWords;
    fields.text("Citation data", a.link_data.length ? a.link_data.map((name) => own(words, name) || name).join("; ")
      : "none: no source knows its references or who cites it, so its links here are unknown");
  }

  iciteFields(node, fields) {
    // what NIH's iCite says of the paper, across all of PubMed
    const a = node.attrs;
    if (Number.isInteger(a.citation_count)) fields.text("Cited in PubMed", plural(a.citation_count, "time") + " (iCite)");
    if (typeof a.rcr === "number") {
      fields.text("Relative citation ratio", a.rcr.toFixed(2) + (typeof a.nih_percentile === "number"
        ? " (" + Math.round(a.nih_percentile) + "th percentile of NIH-funded papers)" : ""));
    }
    if (typeof a.apt === "number") fields.text("Potential to translate", a.apt.toFixed(2) + " (iCite's APT)");
    if (a.is_clinical === true) fields.text("Clinical article", "yes (a trial, guideline or other clinical study)");
    const clinical = list(a.clinical_citations);
    if (clinical.length || Number.isInteger(a.cited_by_clinical)) {
      const box = el("div", "lg-tags");
      for (const pmid of clinical.slice(0, LIST_LIMIT)) {
        const inGraph = this.view.indexOfKey("pmid:" + pmid);
        box.append(inGraph !== undefined ? this.nodeButton(inGraph, "PMID " + pmid) : externalLink(LINKS.pmid(pmid), "PMID " + pmid), " ");
      }
      const count = Number.isInteger(a.cited_by_clinical) ? a.cited_by_clinical : clinical.length;
      fields.row("Cited by clinical articles", count ? box : el("span", null, "none known"));
      if (count > clinical.length) box.append(el("span", "lg-sources", "(" + count + " in all)"));
    }
  }

  trialFields(node, fields) {
    const a = node.attrs;
    const words = this.view.words(node.index);
    fields.link("NCT", a.nct_id, LINKS.nct);
    if (a.official_title && a.official_title !== a.title) fields.text("Official title", a.official_title);
    fields.text("Status", words.status || a.status);
    fields.text("Phase", words.phase || a.phase);
    fields.tags("Conditions", list(a.conditions));
    fields.tags("Interventions", list(a.interventions));
    fields.text("Sponsor", a.sponsor);
    fields.tags("Officials", list(a.officials));
    fields.text("Start", words.start || a.start_date);
    fields.text("Completion", words.completion || a.completion_date);
    fields.text("Enrollment", a.enrollment);
  }

  metricFields(node, fields) {
    const a = node.attrs;
    if (Number.isInteger(a.cited_by)) fields.text("Cited in this build", plural(a.cited_by, "time"));
    if (typeof a.pagerank === "number") fields.text("PageRank", a.pagerank.toPrecision(3));
    if (typeof a.betweenness === "number") fields.text("Betweenness", a.betweenness.toPrecision(3));
    if (Number.isInteger(a.community)) {
      const group = this.view.looks.communityOf(node);
      fields.text("Community", group ? group.typeName + ": " + group.name + " (" + plural(group.size, "member") + " here)"
        : String(a.community));
    }
  }

  authorFields(a, fields) {
    fields.link("ORCID", a.orcid, LINKS.orcid);
    fields.text("Papers", a.papers);
    fields.lines("Affiliations", list(a.affiliations));
    fields.tags("Name forms", list(a.variants));
  }

  connections(node) {
    const view = this.view;
    const section = el("section", "lg-connections");
    const groups = new Map();
    for (const e of node.edges) {
      const edge = view.model.edges[e];
      const outgoing = edge.from === node.index;
      // links without a direction (co-authors, co-citation) are one group whichever end this is
      const directed = view.looks.edgeStyle(edge).arrow === true;
      const key = edge.kind + (directed ? (outgoing ? ">" : "<") : "");
      if (!groups.has(key)) groups.set(key, { edge, outgoing: outgoing || !directed, items: [] });
      groups.get(key).items.push({ edge, other: outgoing ? edge.to : edge.from });
    }
    if (!groups.size) return section;
    section.append(el("h4", null, plural(node.edges.length, "link")));
    for (const group of groups.values()) section.append(this.connectionGroup(node, group));
    return section;
  }

  connectionGroup(node, { edge, outgoing, items }) {
    const view = this.view;
    const style = view.looks.edgeStyle(edge);
    const name = (outgoing ? style.outgoing : style.incoming) || edge.kind + (outgoing ? " →" : " ←");
    const wrapper = el("div", "lg-group");
    const head = el("div", "lg-edge-head");
    head.append(this.edgeMark(edge), el("strong", null, name), el("span", "lg-num", items.length));
    const hidden = [...new Set(items.map((item) => item.other).filter((other) => !view.shown.inView[other]))];
    if (hidden.length) {
      head.append(button("lg-more lg-grow", "+" + count(hidden.length) + " not shown",
                         () => view.grow(node.index, hidden), "Bring them into the picture"));
    }
    const position = (item) => Number(item.edge.attrs.position) || Infinity;
    items.sort((x, y) => position(x) - position(y)
      || shortLabel(view.model.nodes[x.other]).localeCompare(shortLabel(view.model.nodes[y.other])));
    const rows = el("ul", "lg-links");
    const addRows = (from, to) => {
      for (const item of items.slice(from, to)) rows.append(this.connectionRow(item));
    };
    addRows(0, LIST_LIMIT);
    wrapper.append(head, rows);
    if (items.length > LIST_LIMIT) wrapper.append(moreButton("Show all " + items.length, () => addRows(LIST_LIMIT, items.length)));
    return wrapper;
  }

  connectionRow({ edge, other }) {
    const view = this.view;
    const row = el("li");
    const target = view.model.nodes[other];
    const position = Number(edge.attrs.position);
    const name = (Number.isInteger(position) ? position + ". " : "") + shorten(listName(target), 120);
    row.append(this.nodeButton(other, name));
    if (!view.shown.inView[other]) row.append(" ", el("span", "lg-sources", "not shown"));
    const notes = edge.sources.slice();
    const note = view.looks.edgeStyle(edge).weight_note;
    if (note && edge.weight > 1) notes.unshift(note.replace("{n}", count(edge.weight)));
    if (notes.length) row.append(" ", el("span", "lg-sources", notes.join(", ")));
    return row;
  }

  nodeButton(index, text) {
    return button("lg-node-link", text, () => this.view.openNode(index, { focus: true }));
  }

  edgeMark(edge) {
    const style = this.view.looks.edgeStyle(edge);
    const mark = el("span", "lg-edge-mark" + (style.dashes && style.dashes.length ? " lg-dashed" : ""));
    mark.style.setProperty("--lg-mark", style.colour);
    mark.style.setProperty("--lg-mark-width", Math.max(2, style.width) + "px");
    return mark;
  }

  edge(edge) {
    const view = this.view;
    const fields = new Fields();
    fields.row("From", this.nodeButton(edge.from, shorten(listName(view.model.nodes[edge.from]), 160)));
    fields.row("To", this.nodeButton(edge.to, shorten(listName(view.model.nodes[edge.to]), 160)));
    fields.tags("Sources", edge.sources);
    for (const [name, value] of Object.entries(edge.attrs).filter(([key]) => !EDGE_ENDS.has(key))) {
      const label = (name.charAt(0).toUpperCase() + name.slice(1)).replace(/_/g, " ");
      if (Array.isArray(value)) fields.tags(label, list(value));
      else fields.text(label, typeof value === "object" ? JSON.stringify(value) : value);
    }
    const badges = el("div", "lg-badges");
    badges.append(el("span", "lg-badge", "Link"));
    const head = el("h3", "lg-edge-head");
    head.append(this.edgeMark(edge), el("span", null, view.looks.edgeStyle(edge).label || edge.kind));
    this.show([badges, head, fields.element]);
  }
}

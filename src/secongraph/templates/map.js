/* secongraph collaboration map. Reads the map's data from the JSON element "map-data" and shows
   every data-derived string as DOM text (textContent), never as markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  /* Nodes and ties come as one list per field; rebuild one object per node and per tie. */
  function rows(columns) {
    var keys = Object.keys(columns);
    var count = keys.length ? columns[keys[0]].length : 0;
    var result = new Array(count);
    for (var i = 0; i < count; i++) {
      var row = {};
      for (var k = 0; k < keys.length; k++) { row[keys[k]] = columns[keys[k]][i]; }
      result[i] = row;
    }
    return result;
  }
  data.nodes = rows(data.nodes);
  data.edges = rows(data.edges).map(function (edge, index) {
    edge.id = index;
    edge.width = 1 + 2 * Math.log2(Math.max(edge.weight, 1));
    return edge;
  });
  var strings = data.strings;
  var COLOR_KEYS = ["type", "country", "community"];
  var COLOR_WORDS = { type: "type", country: "country", community: "community" };
  var METRIC_WORDS = {
    degree: "Ties (degree)",
    weighted_degree: "Shared events and projects (weighted degree)",
    betweenness: "Brokerage (betweenness)",
    eigenvector: "Well-connectedness (eigenvector)",
    community: "Community"
  };
  var SHAPE_WORDS = { dot: ["●", "organisation"], square: ["■", "event"], triangle: ["▲", "group of organisations"], hexagon: ["⬢", "region or country"] };
  var DIM = { background: "#ececec", border: "#d6d6d6" };
  var state = { colorBy: data.colorBy, focus: null, selected: null, hidden: new Set() };

  function $(id) { return document.getElementById(id); }
  function el(tag, text, className) {
    var element = document.createElement(tag);
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    if (className) { element.className = className; }
    return element;
  }
  function clear(element) { while (element.firstChild) { element.removeChild(element.firstChild); } }
  function number(value) {
    if (typeof value !== "number") { return ""; }
    return Number.isInteger(value) ? value.toLocaleString("en") : value.toPrecision(3);
  }

  document.title = data.title;
  $("map-title").textContent = data.title;
  $("attribution").textContent = data.attribution || "";

  function category(node, key) {
    return data.categories[key][node.cat[COLOR_KEYS.indexOf(key)]];
  }
  function style(node, dimmed) {
    var colour = dimmed ? DIM.background : category(node, state.colorBy).color;
    var border = dimmed ? DIM.border : (node.partner ? "#1b1b1b" : "#ffffff");
    return {
      color: { background: colour, border: border, highlight: { background: colour, border: "#000000" }, hover: { background: colour, border: "#000000" } },
      borderWidth: node.lead ? 6 : (node.partner ? 3 : 1),
      font: { color: dimmed ? "#b5b5b5" : "#1b1b1b" }
    };
  }
  /* Long names are shortened on the canvas; the details and the search use the full name. */
  function visNode(node) {
    var label = node.label.length > 42 ? node.label.slice(0, 40) + "…" : node.label;
    return Object.assign({}, node, style(node, false), { label: label });
  }
  /* Leave room around the drawing for the labels of the outermost nodes. */
  function fitAll() {
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.85 });
  }

  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network($("network"), { nodes: nodes, edges: edges }, data.options);
  window.secongraphMap = { network: network, nodes: nodes, edges: edges, data: data };
  network.once("afterDrawing", function () { window.secongraphMap.firstDrawn = performance.now(); });
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      fitAll();
    });
  } else {
    fitAll();
  }

  /* Outlines of NUTS regions, drawn on the canvas before the network, in its coordinates. */
  network.on("beforeDrawing", function (ctx) {
    if (!data.outlines.length) { return; }
    var scale = network.getScale();
    data.outlines.forEach(function (outline) {
      var region = outline.role === "region";
      ctx.beginPath();
      outline.rings.forEach(function (ring) {
        ctx.moveTo(ring[0], ring[1]);
        for (var k = 2; k < ring.length; k += 2) { ctx.lineTo(ring[k], ring[k + 1]); }
        ctx.closePath();
      });
      ctx.fillStyle = region ? "#dce8f4" : "#f1f0ea";
      ctx.fill("evenodd");
      ctx.lineWidth = (region ? 1.5 : 1) / scale;
      ctx.strokeStyle = region ? "#5f86b3" : "#b9b6a8";
      ctx.stroke();
    });
  });

  /* Legend: what colour, size, shape, border and lines mean, and how many ties are shown. */
  function legendRow(parent, marker, text) {
    var row = el("div", null, "legend-row");
    row.appendChild(marker);
    row.appendChild(el("span", text));
    parent.appendChild(row);
  }
  function renderLegend() {
    var legend = $("legend");
    clear(legend);
    legend.appendChild(el("h2", "Colour: " + COLOR_WORDS[state.colorBy]));
    data.categories[state.colorBy].forEach(function (item) {
      var swatch = el("span", null, "swatch");
      swatch.style.background = item.color;
      legendRow(legend, swatch, item.value + " (" + number(item.count) + ")");
    });
    if (state.colorBy === "community") {
      legend.appendChild(el("p", "A community is a group more tied to each other than to the rest (Louvain method).", "note"));
    }
    legend.appendChild(el("h2", "Size"));
    legend.appendChild(el("p", "Size shows the " + data.sizeBy.label + ": bigger means more.", "note"));
    var shapes = new Set(data.nodes.map(function (node) { return node.shape; }));
    if (shapes.size > 1 || !shapes.has("dot")) {
      legend.appendChild(el("h2", "Shape"));
      Object.keys(SHAPE_WORDS).forEach(function (shape) {
        if (shapes.has(shape)) { legendRow(legend, el("span", SHAPE_WORDS[shape][0], "shape"), SHAPE_WORDS[shape][1]); }
      });
    }
    if (data.nodes.some(function (node) { return node.partner; })) {
      legend.appendChild(el("p", "Dark border: a SECON partner; thickest: the lead partner.", "note"));
    }
    legend.appendChild(el("h2", "Lines"));
    legend.appendChild(el("p", "A line joins two that took part in the same events or projects; thicker: more of them.", "note"));
    var ties = data.ties;
    var shown = ties.shown === ties.total
      ? "All " + number(ties.total) + " ties are shown."
      : "Showing each one's " + number(ties.maxPerNode) + " strongest ties: " + number(ties.shown) + " of " + number(ties.total) + " ties (the exports keep all).";
    legend.appendChild(el("p", shown, "note"));
    if (data.geographic) {
      legend.appendChild(el("h2", "Places"));
      legend.appendChild(el("p", "Each is placed at the label point of its NUTS 2021 region (or country, where no region is known); those sharing a point are spread around it. Shaded: the regions shown.", "note"));
      if (data.unplaced) { legend.appendChild(el("p", number(data.unplaced) + " without a known region are not on this map.", "note")); }
    }
  }

  /* Details of a node or a tie, as text. */
  function detailRows(list, label, values) {
    if (!values.length) { return; }
    list.appendChild(el("dt", label));
    var dd = el("dd");
    if (values.length === 1) { dd.textContent = values[0]; } else {
      var ul = el("ul");
      values.forEach(function (value) { ul.appendChild(el("li", value)); });
      dd.appendChild(ul);
    }
    list.appendChild(dd);
  }
  /* What the project added (a translation, its own modelling), apart from what sources state. */
  function addedRows(list, added) {
    (added || []).forEach(function (entry) {
      detailRows(list, "Added by the project (" + strings[entry[0]] + ")",
        entry[1].map(function (k) { return strings[k]; }));
    });
  }
  function showNode(id) {
    var node = data.nodes[id];
    var panel = $("details");
    clear(panel);
    panel.appendChild(el("h2", node.label));
    var list = el("dl");
    detailRows(list, "Type", node.type ? [node.type] : []);
    detailRows(list, "Country", node.country ? [node.country] : []);
    detailRows(list, "Region", node.region ? [node.region] : []);
    detailRows(list, "SECON partner", node.lead ? ["lead partner"] : (node.partner ? ["partner"] : []));
    Object.keys(METRIC_WORDS).forEach(function (key) {
      if (key in node.metrics) {
        var value = key === "community" ? node.metrics[key] + 1 : node.metrics[key];
        detailRows(list, METRIC_WORDS[key], [number(value)]);
      }
    });
    detailRows(list, "Organisations", node.members);
    if (data.ties.shown !== data.ties.total) {
      detailRows(list, "Ties on this map", [number(network.getConnectedNodes(id).length)]);
    }
    detailRows(list, "Source", node.sources.map(function (k) { return strings[k]; }));
    addedRows(list, node.added);
    detailRows(list, "Identifier", [node.iri]);
    panel.appendChild(list);
  }
  function showEdge(id) {
    var edge = data.edges[id];
    var panel = $("details");
    clear(panel);
    panel.appendChild(el("h2", data.nodes[edge.from].label + " — " + data.nodes[edge.to].label));
    var list = el("dl");
    detailRows(list, "Shared events and projects", [number(edge.weight)]);
    detailRows(list, "Events", edge.events.map(function (k) { return strings[k]; }));
    detailRows(list, "Projects", edge.projects.map(function (k) { return strings[k]; }));
    detailRows(list, "Roles", edge.roles.map(function (k) { return strings[k]; }));
    detailRows(list, "Source", edge.sources.map(function (k) { return strings[k]; }));
    addedRows(list, edge.added);
    panel.appendChild(list);
  }
  function showDefault() {
    if (state.selected !== null) { showNode(state.selected); return; }
    var panel = $("details");
    clear(panel);
    var text = data.nodes.length
      ? "Hover over a dot or a line to see who it is, what it rests on and where the facts come from."
      : "Nothing to show: nothing in the data passes this map's filters.";
    panel.appendChild(el("p", text, "placeholder"));
  }

  /* Colour, focus on a neighbourhood, filters. */
  function restyle() {
    var neighbours = null;
    if (state.focus !== null) {
      neighbours = new Set(network.getConnectedNodes(state.focus));
      neighbours.add(state.focus);
    }
    nodes.update(data.nodes.map(function (node) {
      return Object.assign({ id: node.id }, style(node, neighbours !== null && !neighbours.has(node.id)));
    }));
    edges.update(data.edges.map(function (edge) {
      var dimmed = state.focus !== null && edge.from !== state.focus && edge.to !== state.focus;
      return { id: edge.id, color: { opacity: dimmed ? 0.08 : 0.55 } };
    }));
  }
  function focus(id) {
    state.focus = id;
    state.selected = id;
    restyle();
    showNode(id);
  }
  function reset() {
    state.focus = null;
    state.selected = null;
    network.unselectAll();
    restyle();
    showDefault();
    fitAll();
  }
  function select(id) {
    network.selectNodes([id]);
    focus(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 400 } });
  }

  function renderFilters() {
    ["type", "country"].forEach(function (key) {
      var box = $("filter-" + key);
      clear(box);
      data.categories[key].forEach(function (item, index) {
        var label = el("label");
        var input = el("input");
        input.type = "checkbox";
        input.checked = true;
        input.dataset.key = key;
        input.dataset.index = String(index);
        input.addEventListener("change", applyFilters);
        label.appendChild(input);
        label.appendChild(el("span", item.value + " (" + number(item.count) + ")"));
        box.appendChild(label);
      });
      box.parentNode.hidden = data.categories[key].length < 2;
    });
    $("filters").hidden = data.categories.type.length < 2 && data.categories.country.length < 2;
  }
  function applyFilters() {
    var off = { type: new Set(), country: new Set() };
    document.querySelectorAll("#filters input[type=checkbox]").forEach(function (input) {
      if (!input.checked) { off[input.dataset.key].add(Number(input.dataset.index)); }
    });
    var changes = [];
    data.nodes.forEach(function (node) {
      var hidden = off.type.has(node.cat[0]) || off.country.has(node.cat[1]);
      if (hidden !== state.hidden.has(node.id)) {
        changes.push({ id: node.id, hidden: hidden });
        if (hidden) { state.hidden.add(node.id); } else { state.hidden.delete(node.id); }
      }
    });
    nodes.update(changes);
  }

  function renderResults() {
    var query = $("search").value.trim().toLowerCase();
    var list = $("search-results");
    clear(list);
    if (!query) { return []; }
    var found = data.nodes.filter(function (node) {
      return !state.hidden.has(node.id) && node.label.toLowerCase().indexOf(query) !== -1;
    }).slice(0, 12);
    found.forEach(function (node) {
      var item = el("li");
      var button = el("button", node.label + (node.type ? " · " + node.type : ""));
      button.type = "button";
      button.addEventListener("click", function () { select(node.id); });
      item.appendChild(button);
      list.appendChild(item);
    });
    if (!found.length) { list.appendChild(el("li", "Nothing found.", "note")); }
    return found;
  }
  $("search").addEventListener("input", renderResults);
  $("search").addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = renderResults();
      if (found.length) { select(found[0].id); }
    }
  });
  $("color-by").value = state.colorBy;
  $("color-by").addEventListener("change", function (event) {
    state.colorBy = event.target.value;
    restyle();
    renderLegend();
  });
  if (data.categories.community.every(function (item) { return item.value === "unknown"; })) {
    $("color-by").querySelector("option[value=community]").disabled = true;
  }
  $("reset").addEventListener("click", reset);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { reset(); } });

  network.on("hoverNode", function (params) { showNode(params.node); });
  network.on("hoverEdge", function (params) { showEdge(params.edge); });
  network.on("blurNode", showDefault);
  network.on("blurEdge", showDefault);
  network.on("click", function (params) {
    if (params.nodes.length) { focus(params.nodes[0]); } else if (!params.edges.length) { reset(); }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      network.fit({ nodes: network.getConnectedNodes(id).concat([id]), animation: { duration: 400 } });
    }
  });

  window.secongraphMap.select = select;
  window.secongraphMap.reset = reset;
  renderLegend();
  renderFilters();
  showDefault();
}());

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
  var COLOR_WORDS = { type: "type", country: "country", community: "group of closely tied organisations (community)" };
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
  function capitalised(text) { return text.charAt(0).toUpperCase() + text.slice(1); }
  /* An absolute http(s) address, else null: nothing else ever becomes a link. */
  function webAddress(text) {
    try {
      var url = new URL(text);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) { return null; }
  }
  /* The entity page of an IRI under the graph's id namespace: {entityBase}/id/…, else null. */
  function entityPage(iri) {
    if (iri.indexOf(data.idPrefix) !== 0 || !webAddress(iri)) { return null; }
    return data.entityBase + "/id/" + iri.slice(data.idPrefix.length);
  }
  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    a.rel = "noopener noreferrer";
    return a;
  }
  /* A source document: its title, linked to its page or its http(s) address; else plain text. */
  function sourceItem(iri) {
    var title = data.sourceTitles[iri] || iri;
    var href = entityPage(iri) || webAddress(iri);
    return href ? link(href, title) : title;
  }
  function number(value) {
    if (typeof value !== "number") { return ""; }
    return Number.isInteger(value) ? value.toLocaleString("en") : value.toPrecision(3);
  }

  document.title = data.title;
  $("map-title").textContent = data.title;
  $("caption").textContent = data.caption || "";
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
  function shortLabel(node) {
    return node.label.length > 42 ? node.label.slice(0, 40) + "…" : node.label;
  }
  function visNode(node) {
    return Object.assign({}, node, style(node, false), { label: shortLabel(node) });
  }
  /* Leave room around the drawing for the labels of the outermost nodes. */
  function fitAll() {
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.85 });
    declutter();
  }

  /* Without physics the labels are placed before the first draw (declutter below), so the nodes
     start unlabelled and only the labels shown are added. */
  var stabilizing = data.options.physics.enabled;
  var nodes = new vis.DataSet(data.nodes.map(function (node) {
    return stabilizing ? visNode(node) : Object.assign(visNode(node), { label: "" });
  }));
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network($("network"), { nodes: nodes, edges: edges }, data.options);
  window.secongraphMap = { network: network, nodes: nodes, edges: edges, data: data, declutters: 0 };
  var frame = $("network").querySelector(".vis-network");
  frame.setAttribute("role", "application");
  frame.setAttribute("aria-label", "Network map: the arrow keys move it, + and − zoom. Find someone by name to see their details.");

  /* Labels: the same size on screen at every zoom; the biggest nodes' labels first, a label
     only where it overlaps no label already drawn (zoom in to see more). */
  var measure = document.createElement("canvas").getContext("2d");
  var labelWidths = {};
  var labelled = new Set(stabilizing ? data.nodes.map(function (node) { return node.id; }) : []);
  var declutterTimer = null;
  var labelScale = null;
  function textWidth(text) {
    if (!(text in labelWidths)) {
      measure.font = "100px sans-serif";
      labelWidths[text] = measure.measureText(text).width / 100;
    }
    return labelWidths[text];
  }
  function declutter() {
    if (stabilizing) { return; }
    var scale = network.getScale();
    var size = data.labelSize;
    if (scale !== labelScale) {
      network.setOptions({ nodes: { font: { size: size / scale } } });
      labelScale = scale;
    }
    var box = $("network");
    var width = box.clientWidth, height = box.clientHeight;
    var pad = 4, cell = 120, grid = {}, show = new Set();
    var positions = network.getPositions();
    var order = data.nodes.filter(function (node) { return !state.hidden.has(node.id); });
    var first = state.focus !== null ? new Set(network.getConnectedNodes(state.focus).concat([state.focus])) : new Set();
    order.sort(function (a, b) {
      return (first.has(b.id) - first.has(a.id)) || (b.size - a.size) || (a.id - b.id);
    });
    order.forEach(function (node) {
      var p = network.canvasToDOM(positions[node.id]);
      var w = textWidth(shortLabel(node)) * size + 2 * pad + 6;
      var top = p.y + node.size * scale - pad;
      var rect = [p.x - w / 2, top, p.x + w / 2, top + 1.5 * size + 2 * pad];
      if (rect[2] < -50 || rect[0] > width + 50 || rect[3] < -50 || rect[1] > height + 50) { return; }
      var cells = [];
      for (var gx = Math.floor(rect[0] / cell); gx <= Math.floor(rect[2] / cell); gx++) {
        for (var gy = Math.floor(rect[1] / cell); gy <= Math.floor(rect[3] / cell); gy++) { cells.push(gx + "," + gy); }
      }
      var clash = cells.some(function (key) {
        return (grid[key] || []).some(function (r) { return r[0] < rect[2] && rect[0] < r[2] && r[1] < rect[3] && rect[1] < r[3]; });
      });
      if (clash) { return; }
      cells.forEach(function (key) { (grid[key] = grid[key] || []).push(rect); });
      show.add(node.id);
    });
    var changes = [];
    data.nodes.forEach(function (node) {
      if (show.has(node.id) !== labelled.has(node.id)) {
        changes.push({ id: node.id, label: show.has(node.id) ? shortLabel(node) : "" });
      }
    });
    labelled = show;
    nodes.update(changes);
    network.redraw();
    window.secongraphMap.declutters++;
  }
  function declutterSoon() {
    clearTimeout(declutterTimer);
    declutterTimer = setTimeout(declutter, 150);
  }
  network.once("afterDrawing", function () { window.secongraphMap.firstDrawn = performance.now(); });
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      stabilizing = false;
      fitAll();
    });
  } else {
    fitAll();
  }
  ["zoom", "dragEnd", "animationFinished", "resize"].forEach(function (name) { network.on(name, declutterSoon); });

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
    row.appendChild(el("span", text, "name"));
    parent.appendChild(row);
    return row;
  }
  function renderLegend() {
    var legend = $("legend");
    clear(legend);
    var shown = data.nodes.filter(function (node) { return !state.hidden.has(node.id); });
    var counts = data.categories[state.colorBy].map(function () { return 0; });
    shown.forEach(function (node) { counts[node.cat[COLOR_KEYS.indexOf(state.colorBy)]]++; });
    legend.appendChild(el("h2", "Colour: " + COLOR_WORDS[state.colorBy]));
    legend.appendChild(el("p", number(shown.length) + " of " + number(data.nodes.length) + " shown; the count of each:", "note"));
    data.categories[state.colorBy].forEach(function (item, index) {
      var swatch = el("span", null, "swatch");
      swatch.style.background = item.color;
      var row = legendRow(legend, swatch, item.value);
      row.appendChild(el("span", number(counts[index]), "count"));
      if (!counts[index]) { row.classList.add("none"); }
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
    var drawn = data.edges.filter(function (edge) { return !state.hidden.has(edge.from) && !state.hidden.has(edge.to); }).length;
    var ties = el("p", number(drawn) + " of " + number(data.ties.total) + " ties shown", "note");
    ties.id = "ties-shown";
    if (data.ties.shown !== data.ties.total) {
      ties.textContent += " (at most each one's " + number(data.ties.maxPerNode) + " strongest; the exports keep all)";
    }
    ties.textContent += ".";
    legend.appendChild(ties);
    if (data.geographic) {
      legend.appendChild(el("h2", "Places"));
      legend.appendChild(el("p", "Each is placed at the label point of its NUTS 2021 region (or country, where no region is known); those sharing a point are spread around it. Shaded: the regions shown.", "note"));
      if (data.unplaced) { legend.appendChild(el("p", number(data.unplaced) + " without a known region are not on this map.", "note")); }
    }
  }

  /* Details of a node or a tie, as text. */
  /* A term and its values: text, or elements (links) shown as they are. */
  function detailRows(list, label, values) {
    if (!values.length) { return; }
    list.appendChild(el("dt", label));
    var dd = el("dd");
    function put(parent, value) {
      if (value instanceof Node) { parent.appendChild(value); } else { parent.textContent = value; }
    }
    if (values.length === 1) { put(dd, values[0]); } else {
      var ul = el("ul");
      values.forEach(function (value) { var li = el("li"); put(li, value); ul.appendChild(li); });
      dd.appendChild(ul);
    }
    list.appendChild(dd);
  }
  /* What the project added (a translation, its own modelling), apart from what sources state. */
  function addedRows(list, added) {
    (added || []).forEach(function (entry) {
      detailRows(list, "Added by the project (" + strings[entry[0]] + ")",
        entry[1].map(function (k) { return sourceItem(strings[k]); }));
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
    Object.keys(data.metricWords).forEach(function (key) {
      if (key in node.metrics) {
        var value = key === "community" ? node.metrics[key] + 1 : node.metrics[key];
        detailRows(list, capitalised(data.metricWords[key]), [number(value)]);
      }
    });
    detailRows(list, "Organisations", node.members);
    if (data.ties.shown !== data.ties.total) {
      detailRows(list, "Ties on this map", [number(network.getConnectedNodes(id).length)]);
    }
    detailRows(list, "Source", node.sources.map(function (k) { return sourceItem(strings[k]); }));
    addedRows(list, node.added);
    var page = entityPage(node.iri);
    detailRows(list, "Its page", page ? [link(page, "All about " + node.label)] : []);
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
    detailRows(list, "Source", edge.sources.map(function (k) { return sourceItem(strings[k]); }));
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
    declutterSoon();
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
    renderLegend();
    declutterSoon();
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
  /* The view buttons: zoom by a quarter, move by a third of the map's width or height. */
  function zoomBy(factor) {
    network.moveTo({ scale: network.getScale() * factor, animation: { duration: 200 } });
  }
  $("zoom-in").addEventListener("click", function () { zoomBy(1.25); });
  $("zoom-out").addEventListener("click", function () { zoomBy(0.8); });
  document.querySelectorAll("#toolbar [data-pan]").forEach(function (button) {
    var step = button.dataset.pan.split(",").map(Number);
    button.addEventListener("click", function () {
      var box = $("network"), at = network.getViewPosition(), scale = network.getScale();
      network.moveTo({
        position: { x: at.x + step[0] * box.clientWidth / 3 / scale, y: at.y + step[1] * box.clientHeight / 3 / scale },
        animation: { duration: 200 }
      });
    });
  });

  /* Save the view as a PNG for a briefing: white background, the title and caption above, the
     colours of the legend (with the counts shown) below. */
  function wrapped(ctx, text, width) {
    var lines = [], line = "";
    text.split(/\s+/).forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && ctx.measureText(next).width > width) { lines.push(line); line = word; } else { line = next; }
    });
    if (line) { lines.push(line); }
    return lines;
  }
  function picture() {
    var source = $("network").querySelector("canvas");
    var ratio = source.width / Math.max(source.clientWidth, 1);
    var margin = 12 * ratio, width = source.width;
    var out = document.createElement("canvas");
    var ctx = out.getContext("2d");
    var fonts = { title: "600 " + 18 * ratio + "px sans-serif", text: 13 * ratio + "px sans-serif" };
    ctx.font = fonts.title;
    var title = wrapped(ctx, data.title, width - 2 * margin);
    ctx.font = fonts.text;
    var caption = wrapped(ctx, data.caption || "", width - 2 * margin);
    var ties = $("ties-shown") ? $("ties-shown").textContent : "";
    var legend = Array.prototype.map.call(document.querySelectorAll("#legend .legend-row"), function (row) {
      var swatch = row.querySelector(".swatch");
      var count = row.querySelector(".count");
      return { color: swatch ? swatch.style.background : null, text: row.querySelector(".name").textContent + (count ? " (" + count.textContent + ")" : "") };
    }).filter(function (item) { return item.color; });
    var line = 18 * ratio;
    var placed = [], x = margin, rows = 1;
    legend.forEach(function (item) {
      var w = 20 * ratio + ctx.measureText(item.text).width + 16 * ratio;
      if (x + w > width - margin && x > margin) { x = margin; rows++; }
      placed.push({ item: item, x: x, row: rows - 1 });
      x += w;
    });
    var head = margin + title.length * 24 * ratio + caption.length * line + margin / 2;
    var foot = margin + (legend.length ? rows * line : 0) + (ties ? line : 0) + margin;
    out.width = width;
    out.height = Math.ceil(head + source.height + foot);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = "#1b1b1b";
    ctx.textBaseline = "top";
    var y = margin;
    ctx.font = fonts.title;
    title.forEach(function (text) { ctx.fillText(text, margin, y); y += 24 * ratio; });
    ctx.font = fonts.text;
    caption.forEach(function (text) { ctx.fillText(text, margin, y); y += line; });
    ctx.drawImage(source, 0, head);
    y = head + source.height + margin;
    placed.forEach(function (p) {
      ctx.fillStyle = p.item.color;
      ctx.fillRect(p.x, y + p.row * line + 2 * ratio, 12 * ratio, 12 * ratio);
      ctx.fillStyle = "#1b1b1b";
      ctx.fillText(p.item.text, p.x + 18 * ratio, y + p.row * line);
    });
    if (ties) { ctx.fillText(ties, margin, y + (legend.length ? rows * line : 0)); }
    return out;
  }
  $("save-png").addEventListener("click", function () {
    picture().toBlob(function (blob) {
      var a = document.createElement("a");
      var name = decodeURIComponent(location.pathname.split("/").pop() || "map").replace(/\.html?$/, "");
      a.href = URL.createObjectURL(blob);
      a.download = (name || "map") + ".png";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
    }, "image/png");
  });
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

/* drsim's offline view: the map, the time slider, the village panel and (for a sweep) the case
   chooser, drawn with the inlined plotly.js from the JSON block #drsim-data (sim/report/html.py).
   Written in plain ES5 so that the older browsers of government offices run it. No network. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("drsim-data").textContent);
  var S = D.strings;
  var G = D.geo, V = G.villages, N = G.nodes, E = G.edges;
  var TIER_STYLE = {  // as the printed map (sim/report/figures/common.py TIER_STYLE)
    city: ["square", "#1f78b4", 13], township: ["diamond", "#6a3d9a", 10],
    contract: ["triangle-up", "#ff7f00", 11], province: ["star", "#e31a1c", 15]
  };
  // the page's embedded font (sim/report/html.py font_css), then the usual Chinese system fonts
  var FONT = '"drsim-sans", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  // matplotlib's RdYlGn (the printed map's scale): red = rarely in time, green = nearly always
  var RDYLGN = [[0, "#a50026"], [0.1, "#d73027"], [0.2, "#f46d43"], [0.3, "#fdae61"], [0.4, "#fee08b"],
    [0.5, "#ffffbf"], [0.6, "#d9ef8b"], [0.7, "#a6d96a"], [0.8, "#66bd63"], [0.9, "#1a9850"], [1, "#006837"]];
  var state = { kase: D.main_case, target: null, rep: null, t: 0, village: null };
  D.targets.forEach(function (t) { if (t.key === "relief_10h") { state.target = t.key; } });
  if (state.target === null && D.targets.length) { state.target = D.targets[0].key; }

  function fmt(s, f) {
    return s.replace(/\{(\w+)\}/g, function (m, k) { return Object.prototype.hasOwnProperty.call(f, k) ? f[k] : m; });
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function pct(x) { return x === null || x === undefined ? "–" : Math.round(x * 100) + "%"; }
  function hours(h) { return fmt(S["panel.hours"], { h: h.toFixed(1) }); }
  function el(id) { return document.getElementById(id); }

  function edgeLines(list) {
    var x = [], y = [];
    list.forEach(function (e) {
      var u = E.u[e], v = E.v[e];
      x.push(N.x[u], N.x[v], null); y.push(N.y[u], N.y[v], null);
    });
    return { x: x, y: y };
  }
  var allRoads = edgeLines(E.u.map(function (_, i) { return i; }));

  function replay() {
    var r = D.replays[state.kase];
    return r && state.rep !== null ? r[state.rep] : null;
  }
  function answers() { return D.answers[state.kase]; }

  /* What the replayed replication looks like at hour t. */
  function at(t) {
    var r = replay(), out = { deliveries: 0, delivered: [], blocked: [], slowed: [], reopened: [], isolated: [] };
    if (!r) { return out; }
    var seen = {};
    r.deliveries.t.forEach(function (h, i) {
      if (h <= t) { out.deliveries += 1; seen[r.deliveries.v[i]] = true; }
    });
    out.delivered = Object.keys(seen).map(Number);
    var cutNow = {}, opened = {};
    r.cuts.e.forEach(function (e, i) {
      var t0 = r.cuts.t0[i], t1 = r.cuts.t1[i];
      if (t0 <= t && (t1 === null || t1 > t)) { cutNow[e] = true; }
      else if (t1 !== null && t1 <= t) { opened[e] = true; }
    });
    var slowNow = {};
    (r.slowed || { e: [] }).e.forEach(function (e, i) {
      var t0 = r.slowed.t0[i], t1 = r.slowed.t1[i];
      if (t0 <= t && (t1 === null || t1 > t)) { slowNow[e] = true; }
      else if (t1 !== null && t1 <= t) { opened[e] = true; }
    });
    out.blocked = Object.keys(cutNow).map(Number);
    out.slowed = Object.keys(slowNow).map(Number).filter(function (e) { return !cutNow[e]; });
    out.reopened = Object.keys(opened).map(Number).filter(function (e) { return !cutNow[e] && !slowNow[e]; });
    var iso = {};
    r.isolated.v.forEach(function (v, i) {
      if (r.isolated.t0[i] <= t && t < r.isolated.t1[i]) { iso[v] = true; }
    });
    out.isolated = Object.keys(iso).map(Number);
    return out;
  }

  function pick(idx) {
    return { x: idx.map(function (i) { return V.x[i]; }), y: idx.map(function (i) { return V.y[i]; }), c: idx };
  }
  function hover(i) {
    var a = answers(), line = esc(fmt(S.village_in, { v: V.name[i], t: V.township[i] }));
    if (a && state.target) { line += "<br>P = " + pct(a.targets[state.target].p[i]); }
    return line;
  }

  function traces() {
    var a = answers(), p = a && state.target ? a.targets[state.target].p : V.id.map(function () { return null; });
    var none = [], some = [];
    p.forEach(function (v, i) { (v === null ? none : some).push(i); });
    var now = at(state.t), blocked = edgeLines(now.blocked), reopened = edgeLines(now.reopened);
    var slowed = edgeLines(now.slowed), share = D.cut_share[state.kase] || { e: [], share: [] };
    // roads cut in some replication, in three widths by how often (the printed map's layer)
    var bins = [[0, 1 / 3, 2], [1 / 3, 2 / 3, 4], [2 / 3, 1.01, 6]].map(function (b) {
      var lines = edgeLines(share.e.filter(function (_, k) { return share.share[k] > b[0] && share.share[k] <= b[1]; }));
      return { name: S["legend.cut_share"], legendgroup: "share", showlegend: false, x: lines.x, y: lines.y,
               mode: "lines", line: { color: "rgba(117,107,177,0.45)", width: b[2] }, hoverinfo: "skip" };
    });
    var shown = bins.filter(function (b) { return b.x.length; });
    if (shown.length) { shown[0].showlegend = true; }  // one legend entry for the three widths
    var got = pick(now.delivered), iso = pick(now.isolated), n = pick(none), s = pick(some);
    var list = [
      { name: S.road, x: allRoads.x, y: allRoads.y, mode: "lines", line: { color: "#c8c8c8", width: 1 },
        hoverinfo: "skip" },
      bins[0], bins[1], bins[2],
      { name: S["legend.slowed"], x: slowed.x, y: slowed.y, mode: "lines",
        line: { color: "#f46d43", width: 3, dash: "dash" }, hoverinfo: "skip" },
      { name: S["legend.reopened"], x: reopened.x, y: reopened.y, mode: "lines",
        line: { color: "#1a9850", width: 3, dash: "dot" }, hoverinfo: "skip" },
      { name: S["legend.blocked"], x: blocked.x, y: blocked.y, mode: "lines",
        line: { color: "#000000", width: 3.5 }, hoverinfo: "skip" },
      { name: S.village_unaffected, x: n.x, y: n.y, customdata: n.c, mode: "markers",
        marker: { size: 6, color: "rgba(0,0,0,0)", line: { color: "#999999", width: 1 } },
        text: n.c.map(hover), hoverinfo: "text" },
      { name: S["legend.villages"], x: s.x, y: s.y, customdata: s.c, mode: "markers",
        marker: { size: 9, color: s.c.map(function (i) { return p[i]; }), colorscale: RDYLGN, cmin: 0, cmax: 1,
                  line: { color: "#333333", width: 0.5 },
                  colorbar: { title: { text: S.colorbar }, tickformat: ".0%", len: 0.6, thickness: 14 } },
        text: s.c.map(hover), hoverinfo: "text" },
      { name: S["legend.delivered"], x: got.x, y: got.y, customdata: got.c, mode: "markers",
        marker: { size: 15, symbol: "circle-open", color: "#2166ac", line: { width: 2 } },
        text: got.c.map(hover), hoverinfo: "text" },
      { name: S["legend.isolated"], x: iso.x, y: iso.y, customdata: iso.c, mode: "markers",
        marker: { size: 11, symbol: "x-thin-open", color: "#b2182b", line: { width: 2.5 } },
        text: iso.c.map(hover), hoverinfo: "text" }
    ];
    var tiers = [];
    G.depots.forEach(function (d) { if (tiers.indexOf(d.tier) < 0) { tiers.push(d.tier); } });
    tiers.forEach(function (tier, k) {
      var ds = G.depots.filter(function (d) { return d.tier === tier; });
      var st = TIER_STYLE[tier] || ["circle", "#000000", 10];
      // depots of one place side by side (a city depot and the province reserve hid each other)
      list.push({ name: ds[0].label, mode: "markers", hoverinfo: "text",
        x: ds.map(function (d) { return d.x + (k - (tiers.length - 1) / 2) * 0.35; }),
        y: ds.map(function (d) { return d.y; }), text: ds.map(function (d) { return esc(d.name); }),
        marker: { symbol: st[0], color: st[1], size: st[2], line: { color: "#ffffff", width: 1 } } });
    });
    if (G.shelters.length) {
      list.push({ name: S["legend.shelter"], mode: "markers", hoverinfo: "text",
        x: G.shelters.map(function (d) { return d.x; }), y: G.shelters.map(function (d) { return d.y - 0.35; }),
        text: G.shelters.map(function (d) { return esc(d.name); }),
        marker: { symbol: "triangle-down", color: "#35978f", size: 9, line: { color: "#ffffff", width: 1 } } });
    }
    list.push({ name: S["legend.places"], x: G.places.x, y: G.places.y, text: G.places.name.map(esc), mode: "text",
      textposition: "top center", textfont: { size: 12, color: "#111111" }, hoverinfo: "text" });
    list.forEach(function (tr) { tr.type = "scatter"; });
    return { list: list, now: now };
  }

  var layout = {
    margin: { l: 50, r: 10, t: 10, b: 40 }, uirevision: "keep", hovermode: "closest", dragmode: "pan",
    xaxis: { title: { text: S["axis.x"] }, zeroline: false, showgrid: true, gridcolor: "#f0f0f0" },
    yaxis: { title: { text: S["axis.y"] }, zeroline: false, showgrid: true, gridcolor: "#f0f0f0",
             scaleanchor: "x", scaleratio: 1 },
    legend: { orientation: "h", y: -0.08, font: { size: 11 }, traceorder: "normal" },
    plot_bgcolor: "#ffffff", font: { family: FONT }, hoverlabel: { font: { family: FONT } }
  };
  var config = { responsive: true, displaylogo: false, scrollZoom: true };

  function counts(now) {
    var r = replay();
    if (!r) { return ""; }
    return [fmt(S["count.deliveries"], { d: now.deliveries, v: now.delivered.length }),
            fmt(S["count.roads"], { c: now.blocked.length, s: now.slowed.length, r: now.reopened.length }),
            fmt(S["count.isolated"], { i: now.isolated.length })].join(" · ");
  }

  function draw() {
    var tr = traces();
    el("time-value").textContent = fmt(S["time.h"], { h: state.t.toFixed(1) });
    el("counts").textContent = counts(tr.now);
    var c = el("counts");
    c.dataset.delivered = tr.now.delivered.length; c.dataset.blocked = tr.now.blocked.length;
    return Plotly.react("map", tr.list, layout, config).then(function () {
      if (state.village !== null) { panel(state.village); }
    });
  }

  function panel(i) {
    state.village = i;
    var a = answers(), rows = "";
    D.targets.forEach(function (t) {
      var x = a.targets[t.key];
      var p = x.n[i] ? pct(x.p[i]) + " [" + pct(x.low[i]) + ", " + pct(x.high[i]) + "] n=" + x.n[i] : S["panel.nobody"];
      rows += "<tr><td>" + esc(t.label) + "</td><td>" + esc(p) + "</td><td>" + esc(pct(x.share[i])) +
        "</td><td>" + esc(x.cause[i] || "–") + "</td></tr>";
    });
    var html = "<h3>" + esc(V.name[i]) + "</h3><p>" + esc(S["panel.township"]) + S.colon + esc(V.township[i]) +
      " · " + esc(S["panel.population"]) + S.colon + V.population[i].toLocaleString() +
      " · " + esc(S["panel.displaced"]) + S.colon + (a.displaced[i] === null ? "–" : a.displaced[i]) + "</p>";
    html += "<table><thead><tr><th></th><th>" + esc(S["panel.p"]) + "</th><th>" + esc(S["panel.share"]) +
      "</th><th>" + esc(S["panel.cause"]) + "</th></tr></thead><tbody>" + rows + "</tbody></table>";
    Object.keys(a.complete).forEach(function (cls) {
      var h = a.complete[cls][i];
      html += "<p>" + esc(fmt(S["panel.complete"], { cls: cls })) + S.colon + (h === null ? "–" : esc(hours(h))) + "</p>";
    });
    var r = replay();
    if (r) {
      html += "<h4>" + esc(fmt(S["panel.timeline"], { n: Number(state.rep) + 1 })) + "</h4>";
      var items = r.timeline[String(i)] || [];
      if (!items.length) { html += "<p>" + esc(S["panel.no_timeline"]) + "</p>"; }
      else {
        html += "<ol>" + items.map(function (e) {
          var later = e[0] > state.t ? ' style="color:#999"' : "";  // still ahead of the slider
          var words = fmt(S["ev." + e[1]] || e[1], {
            q: e[2] === null ? "" : e[2].toLocaleString(), cls: e[3] ? S["class." + e[3]] || e[3] : ""
          });
          return "<li" + later + ">" + esc(hours(e[0])) + S.colon + esc(words) + "</li>";
        }).join("") + "</ol>";
      }
    }
    el("panel-body").innerHTML = html;
    var box = el("panel");
    box.dataset.village = V.id[i];
    box.hidden = false;
  }

  function fillReps() {
    var sel = el("rep"), r = D.replays[state.kase], keys = r ? Object.keys(r) : [];
    keys.sort(function (a, b) { return Number(a) - Number(b); });
    sel.innerHTML = keys.map(function (k) {
      return '<option value="' + esc(k) + '">' + esc(fmt(S["rep.n"], { n: Number(k) + 1 })) + "</option>";
    }).join("");
    state.rep = keys.length ? keys[0] : null;
    el("rep-box").hidden = !keys.length;
    el("time-box").hidden = !keys.length;
    el("replay-note").textContent = D.notes[state.kase] || "";
  }

  function chooseCase(kase) {
    state.kase = kase;
    el("case").value = kase;
    Array.prototype.forEach.call(document.querySelectorAll("table.cases tbody tr"), function (tr) {
      tr.classList.toggle("chosen", tr.dataset.kase === kase);
    });
    fillReps();
    return draw();
  }

  // controls
  el("target-label").textContent = S["sel.target"];
  el("rep-label").textContent = S["sel.rep"];
  el("time-label").textContent = S.time;
  el("case-label").textContent = S["sel.case"];
  el("panel-close").textContent = S["panel.close"];
  el("target").innerHTML = D.targets.map(function (t) {
    return '<option value="' + esc(t.key) + '">' + esc(t.label) + "</option>";
  }).join("");
  if (state.target) { el("target").value = state.target; }
  var slider = el("time");
  slider.max = String(D.horizon_h);
  el("case").innerHTML = D.cases.map(function (c, k) {
    return '<option value="' + esc(c) + '">' + esc(D.case_labels[k]) + "</option>";
  }).join("");
  el("case-box").hidden = D.cases.length < 2;

  el("target").addEventListener("change", function () { state.target = this.value; draw(); });
  el("rep").addEventListener("change", function () { state.rep = this.value; draw(); });
  el("case").addEventListener("change", function () { chooseCase(this.value); });
  slider.addEventListener("input", function () { state.t = Number(this.value); draw(); });
  el("panel-close").addEventListener("click", function () { el("panel").hidden = true; state.village = null; });

  function start() {
    if (D.frontier) {
      var F = D.frontier;
      Array.prototype.forEach.call(document.querySelectorAll("table.cases tbody tr"), function (tr, k) {
        tr.dataset.kase = F.case[k];
        tr.addEventListener("click", function () { chooseCase(F.case[k]); el("mapsection").scrollIntoView(); });
      });
      var front = F.case.map(function (_, k) { return k; }).filter(function (k) { return F.frontier[k]; });
      front.sort(function (a, b) { return F.cost_m[a] - F.cost_m[b]; });
      Plotly.newPlot("frontier", [
        { type: "scatter", mode: "markers+text", name: F.point, x: F.cost_m, y: F.p, text: F.label, customdata: F.case,
          textposition: "top right", marker: { size: 9, color: "#4575b4" },
          error_y: { type: "data", symmetric: false,
                     array: F.p.map(function (p, k) { return F.high[k] - p; }),
                     arrayminus: F.p.map(function (p, k) { return p - F.low[k]; }) } },
        { type: "scatter", mode: "lines", name: F.line, line: { shape: "hv", color: "#d73027" },
          x: front.map(function (k) { return F.cost_m[k]; }), y: front.map(function (k) { return F.p[k]; }),
          hoverinfo: "skip" }
      ], { title: { text: F.title, font: { size: 13 } }, margin: { l: 60, r: 20, t: 40, b: 50 },
           xaxis: { title: { text: F.x } }, yaxis: { title: { text: F.y }, range: [-2, 105] },
           legend: { orientation: "h", y: -0.2 }, font: { family: FONT } }, config);
      el("frontier").on("plotly_click", function (ev) {
        var c = ev.points[0].customdata;
        if (c) { chooseCase(c); }
      });
    }

    chooseCase(state.kase).then(function () {
      el("map").on("plotly_click", function (ev) {
        var pt = ev.points[0];
        if (!pt) { return; }
        if (typeof pt.customdata === "number") { panel(pt.customdata); return; }
        // a depot, shelter or name drawn on or next to a village took the click: open the
        // village nearest to it (within 1.5 km), as the reader most likely meant
        var best = -1, dist = 1.5 * 1.5;
        V.x.forEach(function (x, i) {
          var d = (x - pt.x) * (x - pt.x) + (V.y[i] - pt.y) * (V.y[i] - pt.y);
          if (d < dist) { dist = d; best = i; }
        });
        if (best >= 0) { panel(best); }
      });
      document.body.dataset.ready = "1";  // for a test or a script: the map is drawn
    });
  }
  // draw once the embedded font is ready, so that Plotly measures its labels in it
  if (document.fonts && document.fonts.load) {
    document.fonts.load('12px "drsim-sans"', "\u4e2d").then(start, start);
  } else {
    start();
  }
})();

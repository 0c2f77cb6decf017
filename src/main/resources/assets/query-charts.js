// The statement page's charts: reads the page's JSON twin (the URL is in #charts' data-api) and draws them with
// uPlot. A file of its own, not inline, so the pages work under a Content-Security-Policy without inline scripts.
// Without JavaScript the page shows the server-rendered bars in #charts' <noscript> instead.
(function () {
  "use strict";
  var box = document.getElementById("charts");
  if (!box || typeof uPlot === "undefined") {
    return;
  }

  var seconds = function (iso) { return Date.parse(iso) / 1000; };
  // Times in UTC, as everywhere else on the page.
  var utc = function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); };

  function number(v, unit) {
    if (v == null) {
      return "–";
    }
    var abs = Math.abs(v);
    var text = abs >= 1e9 ? (v / 1e9).toFixed(1) + "G" : abs >= 1e6 ? (v / 1e6).toFixed(1) + "M"
        : abs >= 1e4 ? (v / 1e3).toFixed(1) + "k" : abs >= 100 || v === Math.round(v) ? String(Math.round(v))
        : abs >= 1 ? v.toFixed(2) : v.toPrecision(2);
    return unit ? text + " " + unit : text;
  }

  // Vertical lines where findings began and where the plan changed, drawn over every chart.
  function markersPlugin(markers) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          var min = u.scales.x.min, max = u.scales.x.max;
          ctx.save();
          // Labels of markers close together go on rows below each other instead of over each other: each row
          // remembers where its last label ends.
          var rowEnds = [];
          markers.forEach(function (m) {
            if (m.at < min || m.at > max) {
              return;
            }
            var x = Math.round(u.valToPos(m.at, "x", true));
            ctx.strokeStyle = m.color;
            ctx.fillStyle = m.color;
            ctx.lineWidth = 2 * uPlot.pxRatio;
            ctx.setLineDash(m.dash);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.font = (11 * uPlot.pxRatio) + "px system-ui, sans-serif";
            ctx.textAlign = "left";
            var left = x + 4 * uPlot.pxRatio;
            var row = 0;
            while (rowEnds[row] !== undefined && rowEnds[row] > left) {
              row++;
            }
            rowEnds[row] = left + ctx.measureText(m.label).width + 6 * uPlot.pxRatio;
            ctx.fillText(m.label, left, u.bbox.top + (12 + 13 * row) * uPlot.pxRatio);
          });
          ctx.restore();
        }]
      }
    };
  }

  // Markers inside the page's window; the x axis stretches to show them even before the first point.
  function markersOf(q) {
    var from = seconds(q.from), to = seconds(q.to);
    var out = [];
    (q.findings || []).forEach(function (f) {
      out.push({ kind: "finding", at: seconds(f.since), label: f.kind + " began", color: "#b00020", dash: [] });
    });
    var shapes = (q.plans && q.plans.plans) || [];
    // The oldest shape is where the known plans start; each later one is a plan change.
    shapes.slice().sort(function (a, b) { return seconds(a.firstSeen) - seconds(b.firstSeen); })
        .forEach(function (p, i) {
          out.push({ kind: "plan", at: seconds(p.firstSeen), label: i === 0 ? "plan seen" : "plan changed",
            color: "#7a4500", dash: [6, 4] });
        });
    // Markers at the same moment share one line and one label ("hot, advice began").
    var byTime = {};
    out.filter(function (m) { return m.at >= from && m.at <= to; }).forEach(function (m) {
      var key = m.kind + "@" + m.at;
      if (byTime[key]) {
        byTime[key].label = byTime[key].label.replace(" began", "") + ", " + m.label;
      } else {
        byTime[key] = m;
      }
    });
    return Object.keys(byTime).map(function (k) { return byTime[k]; });
  }

  // uPlot's time ticks in ISO order and 24-hour clock (its default is US style): [tick spacing in s, tick format,
  // then the formats of the first tick and of ticks where the year, month, day, hour or minute change].
  var TICKS = [
    [3600 * 24 * 365, "{YYYY}", null, null, null, null, null, null, 1],
    [3600 * 24 * 28, "{YYYY}-{MM}", "\n{YYYY}", null, null, null, null, null, 1],
    [3600 * 24, "{MM}-{DD}", "\n{YYYY}", null, null, null, null, null, 1],
    [3600, "{HH}:{mm}", "\n{YYYY}-{MM}-{DD}", null, "\n{MM}-{DD}", null, null, null, 1],
    [60, "{HH}:{mm}", "\n{YYYY}-{MM}-{DD}", null, "\n{MM}-{DD}", null, null, null, 1],
    [1, ":{ss}", "\n{HH}:{mm}", null, null, null, "\n{HH}:{mm}", null, 1]
  ];
  var COUNTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7, 1e8, 1e9];

  function chart(id, title, unit, xs, series, data, markers, bands) {
    var xMin = Math.min.apply(null, [xs[0]].concat(markers.map(function (m) { return m.at; })));
    var xMax = Math.max.apply(null, [xs[xs.length - 1]].concat(markers.map(function (m) { return m.at; })));
    if (xMax - xMin < 60) {
      xMin -= 30;
      xMax += 30;
    }
    var div = document.createElement("div");
    div.className = "chart";
    div.id = id;
    var h = document.createElement("h3");
    h.textContent = title;
    div.appendChild(h);
    box.appendChild(div);
    var opts = {
      width: Math.max(320, Math.min(box.clientWidth || 900, 1100)),
      height: 200,
      tzDate: utc,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true, range: function (u, min, max) {
        // The data's own extent (first draw, double-click reset) widens to the markers; a drag zoom stays as asked.
        // A single point (an hour's bucket of the siblings) gets uPlot's padded range, years wide: never zoomable.
        return xs.length < 2 || (min === xs[0] && max === xs[xs.length - 1]) ? [xMin, xMax] : [min, max];
      } }, y: { range: function (u, lo, hi) { return [0, hi > 0 ? hi * 1.1 : 1]; } } },
      axes: [
        { label: "time (UTC)", values: TICKS },
        { label: unit, size: 70, incrs: unit === "ms" || unit === "sessions" ? undefined : COUNTS, values: function (u, ticks) { return ticks.map(function (t) { return number(t); }); } }
      ],
      series: [{ label: "end (UTC)", value: "{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}" }].concat(series.map(function (s) {
        return Object.assign({ value: function (u, v) { return number(v, unit); } }, s);
      })),
      bands: bands || [],
      plugins: [markersPlugin(markers)]
    };
    var u = new uPlot(opts, [xs].concat(data), div);
    // What a test (or a curious reader) can check without reading pixels.
    div.dataset.series = String(series.length);
    div.dataset.points = String(xs.length);
    div.dataset.findingMarkers = String(markers.filter(function (m) { return m.kind === "finding"; }).length);
    div.dataset.planMarkers = String(markers.filter(function (m) { return m.kind === "plan"; }).length);
    return u;
  }

  function draw(q) {
    var points = q.series || [];
    if (points.length === 0) {
      return;
    }
    var xs = points.map(function (p) { return seconds(p.end); });
    var field = function (name) { return points.map(function (p) { return p[name]; }); };
    // The band has no value for the first points of the window (nothing before them): null leaves a gap.
    var band = {};
    (q.baseline || []).forEach(function (b) { band[b.end] = b; });
    var bandField = function (name) { return points.map(function (p) { return band[p.end] ? band[p.end][name] : null; }); };
    var markers = markersOf(q);
    box.querySelectorAll("noscript").forEach(function (n) { n.remove(); });

    chart("chart-mean", "Mean time per call, against the band of the 12 points before each", "ms", xs, [
      { label: "mean per call", stroke: "#3b6ea8", width: 2 },
      { label: "baseline mean", stroke: "#888", dash: [4, 4] },
      { label: "baseline + 1 sd", stroke: "rgba(136,136,136,0.5)" },
      { label: "baseline − 1 sd", stroke: "rgba(136,136,136,0.5)" }
    ], [field("meanMs"), bandField("meanMs"), bandField("highMs"), bandField("lowMs")], markers,
    [{ series: [3, 4], fill: "rgba(136,136,136,0.15)" }]);
    drawSiblings(q, markers);
    chart("chart-calls", "Calls", "calls", xs, [{ label: "calls", stroke: "#2a7d4f", width: 2 }], [field("calls")],
        markers);
    chart("chart-cpu", "CPU (execution minus IO time where track_io_timing was on)", "ms", xs,
        [{ label: "CPU estimate", stroke: "#a65f00", width: 2 }, { label: "IO", stroke: "#6b4fa8" }],
        [field("cpuEstimateMs"), field("ioMs")], markers);
    chart("chart-rows", "Rows", "rows", xs, [{ label: "rows", stroke: "#3b6ea8", width: 2 }], [field("rows")], markers);
    chart("chart-temp", "Temp blocks written", "blocks", xs, [{ label: "temp blocks", stroke: "#00838f", width: 2 }],
        [field("tempBlksWritten")], markers);
    drawWaits(q, markers);
    box.dataset.drawn = "true";
  }

  // Aligns series of {end, value} points on the union of their times (uPlot wants one x array); null where a
  // series has no point, which leaves a gap.
  function aligned(lists) {
    var times = {};
    lists.forEach(function (l) { l.forEach(function (p) { times[p.at] = true; }); });
    var xs = Object.keys(times).map(Number).sort(function (a, b) { return a - b; });
    var data = lists.map(function (l) {
      var byTime = {};
      l.forEach(function (p) { byTime[p.at] = p.value; });
      return xs.map(function (x) { return byTime[x] === undefined ? null : byTime[x]; });
    });
    return { xs: xs, data: data };
  }

  var SIBLING_COLORS = ["#b00020", "#d97706", "#7c3aed", "#059669", "#be185d"];

  // The same statement in the fleet's other databases: the median over every database per bucket, the slowest
  // siblings, and this database, per call.
  function drawSiblings(q, markers) {
    var s = q.siblings;
    if (!s || !s.chart || s.chart.median.length === 0) {
      return;
    }
    var points = function (list) {
      return list.map(function (p) { return { at: seconds(p.end), value: p.meanMs }; });
    };
    var lists = [points(s.chart.median)];
    var series = [{ label: "fleet median", stroke: "#555", width: 2, dash: [6, 3] }];
    if (s.self) {
      lists.push(points(s.self.points));
      series.push({ label: "this database", stroke: "#3b6ea8", width: 3 });
    }
    s.chart.worst.forEach(function (w, i) {
      lists.push(points(w.points));
      series.push({ label: w.target + " / " + (w.database || "?"), stroke: SIBLING_COLORS[i % SIBLING_COLORS.length],
        width: 1 });
    });
    var a = aligned(lists);
    chart("chart-siblings", "Time per call here, in the slowest other databases and the fleet's median (per "
        + s.chart.bucket + ")", "ms", a.xs, series, a.data, markers);
  }

  // Performance Insights: the statement's average active sessions by wait event type, per PI window.
  function drawWaits(q, markers) {
    var pi = q.performanceInsights;
    if (!pi || !pi.timeline || pi.timeline.length === 0) {
      return;
    }
    var types = {};
    pi.timeline.forEach(function (w) { Object.keys(w.waitMs).forEach(function (t) { types[t] = true; }); });
    var names = Object.keys(types).sort();
    var lists = names.map(function (t) {
      return pi.timeline.map(function (w) {
        var ms = Math.max(1, Date.parse(w.end) - Date.parse(w.start));
        return { at: seconds(w.end), value: (w.waitMs[t] || 0) / ms };
      });
    });
    var a = aligned(lists);
    chart("chart-waits", "Performance Insights: average active sessions by wait event type", "sessions", a.xs,
        names.map(function (t, i) {
          return { label: t, stroke: t === "CPU" ? "#2a7d4f" : SIBLING_COLORS[i % SIBLING_COLORS.length], width: 2 };
        }), a.data, markers);
  }

  function fail(message) {
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = "Charts unavailable: " + message;
    box.appendChild(p);
  }

  fetch(box.dataset.api, { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("the API answered " + r.status);
        }
        return r.json();
      })
      .then(draw)
      .catch(function (e) { fail(e.message); });
})();
